"""Limits at a running server: per-user rate limit on the grading endpoints (429 + Retry-After),
the request body size limit (declared and chunked bodies), and two `hedgehog serve` processes on
two ports sharing one PostgreSQL and one Redis behaving as one service: one rate-limit budget per
learner, one history, one LLM result cache."""

import httpx
import pytest
import redis

from llm.fake_openai import FakeOpenAI, grade_reply
from llm.scenario import ANSWER as LLM_ANSWER
from llm.scenario import good_stages
from reliability_harness import REDIS_URL, bearer, prepare, seed_learners

ANSWER = "We serve 4k RPS at peak; at 10x the write path of the database fails first, so we queue writes."


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["code"] == "rate_limited"


def test_rate_limit_and_body_limit_at_the_server(sqlite_url, start_server, signing_key):
    engine = prepare(sqlite_url)
    [(_, token)] = seed_learners(engine, 1, signing_key)
    engine.dispose()
    server = start_server(sqlite_url, grade_rate_per_minute=3, max_body_bytes=10_000)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        # Body limit (these count against the learner's budget, not the anonymous one below).
        declared = client.post("/v1/submissions", content=b"x" * 20_000, headers={**bearer(token), "content-type": "application/json"})
        assert declared.status_code == 413 and declared.json()["code"] == "payload_too_large"

        def chunks():
            for _ in range(30):
                yield b"y" * 1_000

        chunked = client.post("/v1/grade", content=chunks(), headers={**bearer(token), "content-type": "application/json"})
        assert chunked.status_code == 413, "a chunked body without Content-Length is limited too"
        assert chunked.json()["code"] == "payload_too_large"

        # Rate limit: anonymous grading is limited per client IP.
        body = {"question_id": "Q742", "answer": ANSWER, "grader": "deterministic"}
        statuses = [client.post("/v1/grade", json=body).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        assert_rate_limited(client.post("/v1/grade", json=body))
        assert client.get("/healthz").status_code == 200, "only the grading endpoints are limited"
        assert client.get("/v1/questions").status_code in {200, 401}


@pytest.fixture
def fake_model():
    with FakeOpenAI() as server:
        server.default = grade_reply(good_stages())
        yield server


def test_two_servers_share_one_budget_one_history_and_one_llm_cache(
    postgres_url, start_server, signing_key, redis_prefix, fake_model
):
    engine = prepare(postgres_url)
    (learner_id, token), (_, other_token) = seed_learners(engine, 2, signing_key)
    engine.dispose()
    shared = dict(
        grade_rate_per_minute=4, redis_url=REDIS_URL, rate_limit_key_prefix=redis_prefix,
        openai_base_url=fake_model.base_url, openai_api_key="test-key", llm_max_retries=0,
        llm_cache="redis", llm_cache_key_prefix=f"{redis_prefix}:llm-cache",
    )
    server_a = start_server(postgres_url, **shared)
    server_b = start_server(postgres_url, **shared)
    assert server_a.port != server_b.port

    with httpx.Client(timeout=30) as client:
        # LLM result cache: graded by the model through A, then served from Redis through B.
        body = {"question_id": "Q473", "answer": LLM_ANSWER, "grader": "llm"}
        first = client.post(f"{server_a.url}/v1/grade", json=body)
        assert first.status_code == 200 and first.json()["grader"] == "llm", first.text
        assert fake_model.request_count == 1
        second = client.post(f"{server_b.url}/v1/grade", json=body)
        assert second.status_code == 200
        assert fake_model.request_count == 1, "the second server answered from the shared cache"
        assert second.json()["details"]["cache"]["hit"] is True
        assert [s["score"] for s in second.json()["stages"]] == [s["score"] for s in first.json()["stages"]]

        statuses = []
        for i in range(5):  # alternate between the two processes, as a load balancer would
            base = (server_a, server_b)[i % 2].url
            response = client.post(
                f"{base}/v1/submissions",
                json={"question_id": "Q473", "answer": f"{ANSWER} #{i}", "grader": "deterministic"},
                headers=bearer(token),
            )
            statuses.append(response.status_code)
        assert statuses == [201, 201, 201, 201, 429], "one budget per learner across both servers"

        other = client.post(
            f"{server_b.url}/v1/submissions",
            json={"question_id": "Q473", "answer": ANSWER, "grader": "deterministic"},
            headers=bearer(other_token),
        )
        assert other.status_code == 201, "another learner's budget is their own"

        history_a = client.get(f"{server_a.url}/v1/learners/{learner_id}/submissions", headers=bearer(token)).json()
        history_b = client.get(f"{server_b.url}/v1/learners/{learner_id}/submissions", headers=bearer(token)).json()
    assert len(history_a["items"]) == 4
    assert history_a["items"] == history_b["items"], "both servers show the same history"

    counter = redis.Redis.from_url(REDIS_URL).get(f"{redis_prefix}:user:{learner_id}")
    assert int(counter) == 5, "the counter lives in Redis under our own prefix"
