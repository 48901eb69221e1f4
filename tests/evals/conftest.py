"""Fixtures of the eval tests (fake graders live in fake_graders.py)."""

import pytest

from hedgehog.evaluation.dataset import GoldenItem, load_items


@pytest.fixture(scope="session")
def golden_items() -> list[GoldenItem]:
    return load_items()
