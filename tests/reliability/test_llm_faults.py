"""The model endpoint fails in every way we can script — slow, garbage, server errors, gone — and
the API still answers: the deterministic grader's grade, flagged as a fallback, never an error.
Runs `hedgehog serve` with OPENAI_BASE_URL at the scripted OpenAI-compatible server."""

import httpx
import pytest

from llm.fake_openai import FakeOpenAI, completion, error, grade_reply
from llm.scenario import ANSWER, good_stages
from reliability_harness import bearer, prepare, seed_learners, stored_submissions

SCALE_STAGES = ["current_load", "projection", "bottlenecks", "mitigation"]
FAULTS = {
    "slow": lambda: completion("{}", delay=3.0),  # longer than LLM_TIMEOUT_SECONDS
    "garbage": lambda: completion("this is not JSON {{{ ]]"),
    "wrong_schema": lambda: completion('{"stages": "none", "score": "high"}'),
    "server_error": lambda: error(500, "model overloaded"),
    "rate_limited": lambda: error(429, "rate limit reached", headers={"Retry-After": "0"}),
}


@pytest.fixture
def fake_model():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm_server(fake_model, start_server, sqlite_url):
    return start_server(
        sqlite_url,
        openai_base_url=fake_model.base_url,
        openai_api_key="test-key",
        llm_timeout_seconds=1,
        llm_max_retries=1,
        llm_backoff_seconds=0.01,
        llm_backoff_max_seconds=0.05,
        llm_retry_after_max_seconds=0.1,
        grade_rate_per_minute=0,
    )


def grade(client: httpx.Client) -> httpx.Response:
    return client.post("/v1/grade", json={"question_id": "Q473", "answer": ANSWER})


def assert_fallback(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    document = response.json()
    assert "llm_fallback" in document["flags"]
    assert [s["id"] for s in document["stages"]] == SCALE_STAGES
    assert all(0 <= s["score"] <= 4 for s in document["stages"])
    assert document["details"]["llm_fallback"]["reason"]
    return document


def test_each_model_fault_falls_back_to_the_deterministic_grade(fake_model, llm_server):
    with httpx.Client(base_url=llm_server.url, timeout=60) as client:
        fake_model.default = grade_reply(good_stages())
        healthy = grade(client)
        assert healthy.status_code == 200 and healthy.json()["grader"] == "llm", "control: the model is really used"
        assert "llm_fallback" not in healthy.json()["flags"]

        reasons = {}
        for name, reply in FAULTS.items():
            fake_model.default = reply()
            reasons[name] = assert_fallback(grade(client))["details"]["llm_fallback"]["reason"]
        assert len(set(reasons.values())) >= 3, f"the fallback should say what went wrong: {reasons}"

        fake_model.stop()  # the endpoint is gone: connection refused
        assert_fallback(grade(client))


def test_a_fallback_grade_is_stored_with_its_flag(fake_model, llm_server, sqlite_url, signing_key):
    engine = prepare(sqlite_url)
    [(learner_id, token)] = seed_learners(engine, 1, signing_key)
    fake_model.default = completion("not json")
    with httpx.Client(base_url=llm_server.url, timeout=60) as client:
        response = client.post("/v1/submissions", json={"question_id": "Q473", "answer": ANSWER}, headers=bearer(token))
    assert response.status_code == 201, response.text
    assert "llm_fallback" in response.json()["grade"]["flags"]
    record = stored_submissions(engine)[ANSWER]
    assert "llm_fallback" in record["flags"] and record["learner_id"] == learner_id
    assert [s for s, _ in record["stages"]] == SCALE_STAGES
    engine.dispose()
