"""Unit tests of the reliability middleware on a small app of their own: the per-user rate limit
(memory and Redis backends) and the request body size limit (declared and chunked bodies)."""

import asyncio
import json
import uuid

import httpx
import pytest
import redis
from fastapi import FastAPI, Request

from hedgehog.api.limits import BodySizeLimitMiddleware
from hedgehog.api.security import create_access_token
from hedgehog.api.ratelimit import MemoryBackend, RateLimitMiddleware, RedisBackend, client_identity
from reliability_harness import REDIS_URL

SECRET = "unit-test-secret-key-with-enough-bytes-for-hs256"


def make_app(**limits) -> tuple[FastAPI, list]:
    """A bare app with the project's grading paths; `calls` records what reached the endpoints."""
    app = FastAPI()
    app.state.signing_key = SECRET  # where the API keeps its key; the limiter reads it from there
    calls: list = []

    @app.post("/v1/grade")
    async def grade(request: Request):
        body = await request.body()
        calls.append(len(body))
        return {"received": len(body)}

    @app.post("/v1/submissions")
    async def submit(request: Request):
        calls.append(len(await request.body()))
        return {"ok": True}

    @app.get("/v1/learners/{learner_id}/submissions")
    async def history(learner_id: str):
        return []

    if "max_bytes" in limits:
        app.add_middleware(BodySizeLimitMiddleware, max_bytes=limits["max_bytes"])
    if "limit" in limits:
        app.add_middleware(
            RateLimitMiddleware,
            limit=limits["limit"],
            window_seconds=limits.get("window_seconds", 60),
            backend=limits.get("backend"),
        )
    return app, calls


def token_for(user_id: int, key: str = SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(user_id, 'learner', key, minutes=5)}"}


async def post_many(app, n: int, path: str = "/v1/grade", headers=None, client_ip: str = "10.0.0.1"):
    transport = httpx.ASGITransport(app=app, client=(client_ip, 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return [await client.post(path, json={"answer": "x"}, headers=headers or {}) for _ in range(n)]


# --- rate limit --------------------------------------------------------------------------------


def test_requests_over_the_limit_get_429_with_retry_after_and_json():
    app, calls = make_app(limit=3, window_seconds=60)
    responses = asyncio.run(post_many(app, 5, headers=token_for(1)))
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert len(calls) == 3, "a limited request must not reach the endpoint"
    limited = responses[3]
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["content-type"] == "application/json"
    body = limited.json()
    assert body["code"] == "rate_limited" and "too many grading requests" in body["detail"]
    assert body["retry_after"] == int(limited.headers["retry-after"])
    assert responses[0].headers["x-ratelimit-remaining"] == "2"


def test_each_user_has_their_own_budget_and_both_grading_endpoints_share_it():
    app, _ = make_app(limit=2)

    async def scenario():
        first = await post_many(app, 1, "/v1/grade", token_for(2))
        second = await post_many(app, 2, "/v1/submissions", token_for(2))
        other = await post_many(app, 2, "/v1/grade", token_for(3))
        return first + second, other

    alice, bob = asyncio.run(scenario())
    assert [r.status_code for r in alice] == [200, 200, 429]
    assert [r.status_code for r in bob] == [200, 200]


def test_reads_are_not_limited():
    app, _ = make_app(limit=1)

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [await client.get("/v1/learners/1/submissions") for _ in range(5)]

    assert all(r.status_code == 200 for r in asyncio.run(scenario()))


def test_without_a_valid_token_the_limit_is_per_client_ip():
    app, _ = make_app(limit=2)

    async def scenario():
        forged = [token_for(100 + i, key="not-the-server-key-but-long-enough-for-hs256") for i in range(3)]
        same_ip = [(await post_many(app, 1, headers=h, client_ip="10.0.0.9"))[0] for h in forged]
        other_ip = await post_many(app, 1, client_ip="10.0.0.10")
        return same_ip, other_ip

    same_ip, other_ip = asyncio.run(scenario())
    # Forged subjects do not buy a fresh budget: they all count against the one IP.
    assert [r.status_code for r in same_ip] == [200, 200, 429]
    assert other_ip[0].status_code == 200


def test_client_identity_prefers_the_verified_token_subject():
    scope = {"headers": [(b"authorization", token_for(42)["Authorization"].encode())], "client": ("1.2.3.4", 5)}
    assert client_identity(scope, SECRET) == "user:42"
    assert client_identity(scope, "another-secret-key-that-is-long-enough-for-hs256") == "ip:1.2.3.4"
    assert client_identity({"headers": [(b"authorization", b"Bearer not-a-jwt")], "client": None}, SECRET) == "ip:unknown"


def test_memory_window_reopens_after_it_closes():
    now = [1000.0]
    backend = MemoryBackend(clock=lambda: now[0])

    async def scenario():
        results = [await backend.hit("user:a", 2, 10) for _ in range(3)]
        now[0] += 4
        results.append(await backend.hit("user:a", 2, 10))
        now[0] += 6
        results.append(await backend.hit("user:a", 2, 10))
        return results

    decisions = asyncio.run(scenario())
    assert [d.allowed for d in decisions] == [True, True, False, False, True]
    assert decisions[2].retry_after_seconds == 10 and decisions[3].retry_after_seconds == 6


def test_a_limit_of_zero_disables_the_limiter():
    app, calls = make_app(limit=0)
    assert all(r.status_code == 200 for r in asyncio.run(post_many(app, 5)))
    assert len(calls) == 5


@pytest.fixture
def redis_prefix():
    """A unique key prefix in a Redis database of our own; only our keys are removed afterwards."""
    prefix = f"hedgehog-test:ratelimit:{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_redis_backend_shares_one_budget_between_two_server_processes(redis_prefix):
    async def scenario():
        # Two middleware stacks with their own Redis clients stand for two `hedgehog serve` processes.
        backends = [RedisBackend(REDIS_URL, redis_prefix), RedisBackend(REDIS_URL, redis_prefix)]
        apps = [make_app(limit=3, window_seconds=30, backend=b)[0] for b in backends]
        statuses = []
        for i in range(5):
            response = (await post_many(apps[i % 2], 1, headers=token_for(7)))[0]
            statuses.append(response.status_code)
        last = response
        for b in backends:
            await b.close()
        return statuses, last

    statuses, last = asyncio.run(scenario())
    assert statuses == [200, 200, 200, 429, 429]
    assert 1 <= int(last.headers["retry-after"]) <= 30
    ttl = redis.Redis.from_url(REDIS_URL).pttl(f"{redis_prefix}:user:7")
    assert 0 < ttl <= 30_000, "the counter must expire with its window"


def test_unreachable_redis_fails_open():
    async def scenario():
        backend = RedisBackend("redis://127.0.0.1:1/0", "hedgehog-test:unreachable")
        app, calls = make_app(limit=1, backend=backend)
        responses = await post_many(app, 3)
        await backend.close()
        return responses, calls

    responses, calls = asyncio.run(scenario())
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len(calls) == 3


# --- body size limit ---------------------------------------------------------------------------


async def _post_body(app, content, headers=None, client_ip: str = "10.0.0.1"):
    transport = httpx.ASGITransport(app=app, client=(client_ip, 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/v1/grade", content=content, headers=headers or {})


def test_declared_body_over_the_limit_gets_413_json_without_reaching_the_endpoint():
    app, calls = make_app(max_bytes=1_000)
    response = asyncio.run(_post_body(app, b"a" * 1_001, {"content-type": "application/json"}))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "1,000 bytes" in response.json()["detail"]
    assert calls == []


def test_chunked_body_without_content_length_is_limited_too():
    app, calls = make_app(max_bytes=1_000)

    async def chunks():
        for _ in range(50):
            yield b"x" * 100

    response = asyncio.run(_post_body(app, chunks()))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert calls == []


def test_bodies_up_to_the_limit_pass_through_intact_even_in_chunks():
    app, calls = make_app(max_bytes=1_000)

    async def chunks():
        for _ in range(10):
            yield b"y" * 100

    exact = asyncio.run(_post_body(app, b"z" * 1_000))
    chunked = asyncio.run(_post_body(app, chunks()))
    assert exact.status_code == 200 and exact.json() == {"received": 1_000}
    assert chunked.status_code == 200 and chunked.json() == {"received": 1_000}
    assert calls == [1_000, 1_000]


def test_non_numeric_content_length_is_a_400():
    app, calls = make_app(max_bytes=1_000)

    async def scenario():
        # httpx always computes a correct header, so call the ASGI app directly with a broken one.
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http", "method": "POST", "path": "/v1/grade", "raw_path": b"/v1/grade", "query_string": b"",
            "headers": [(b"content-length", b"abc")], "http_version": "1.1", "scheme": "http",
            "server": ("test", 80), "client": ("1.1.1.1", 1), "root_path": "", "asgi": {"version": "3.0"},
        }
        await app(scope, receive, send)
        return sent

    sent = asyncio.run(scenario())
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"])["code"] == "invalid_content_length"
    assert calls == []


def test_rate_limit_is_checked_before_the_body_is_read():
    app, calls = make_app(limit=1, max_bytes=1_000)

    async def scenario():
        first = await post_many(app, 1)
        second = await _post_body(app, b"a" * 5_000)
        return first[0], second

    first, second = asyncio.run(scenario())
    assert first.status_code == 200
    assert second.status_code == 429
