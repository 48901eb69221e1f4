"""Shared fixtures. Tests mirror the source tree: tests/grading, tests/api, tests/llm, tests/evals, tests/ui."""

import os

import pytest


@pytest.fixture(autouse=True)
def _no_llm_from_environment(monkeypatch):
    """Tests choose their grader explicitly; a developer's OPENAI_* variables must not leak in."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "HEDGEHOG_MODEL"):
        monkeypatch.delenv(name, raising=False)
    from hedgehog.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def require_postgres_url() -> str | None:
    """The PostgreSQL URL for tests, or None; in CI a missing URL is an error, never a skip."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url and os.environ.get("HEDGEHOG_REQUIRE_POSTGRES"):
        raise RuntimeError("HEDGEHOG_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
    return url
