"""Fixtures of the LLM grader tests: the scripted OpenAI-compatible server and fast settings."""

import pytest

from hedgehog.config import Settings
from hedgehog.grading.grade import GradeRequest, prepare_request
from llm.fake_openai import fake_openai  # noqa: F401  (the fixture, re-exported)
from llm.scenario import ANSWER, make_settings


@pytest.fixture
def settings_for(fake_openai):  # noqa: F811
    """settings_for(**overrides): fast settings pointing at the fake server."""

    def build(**overrides) -> Settings:
        return make_settings(fake_openai, **overrides)

    return build


@pytest.fixture
def q473_request() -> GradeRequest:
    return prepare_request(ANSWER, question_id="Q473")


@pytest.fixture(autouse=True)
def _forget_endpoints_without_json_schema():
    """Ports are reused between tests: what one fake server could not do says nothing of the next."""
    from hedgehog.llm import grader

    grader._ENDPOINTS_WITHOUT_JSON_SCHEMA.clear()
    yield
    grader._ENDPOINTS_WITHOUT_JSON_SCHEMA.clear()
