"""500 concurrent submissions from 50 learners against `hedgehog serve --workers 2`, on SQLite and
on PostgreSQL: every accepted submission is stored exactly once with all its stage scores, every
refused one got a clear 429/503 and left nothing behind. And a server with fewer threads than
requests and fewer connections than threads still answers every one (no deadlock)."""

import asyncio
from collections import Counter

import httpx

from reliability_harness import REDIS_URL, assert_complete, bearer, prepare, seed_learners, stored_submissions

LEARNERS = 50
PER_LEARNER = 10
LIMIT_PER_LEARNER = 8  # below PER_LEARNER, so the shared limiter must refuse exactly the excess
ANSWER = (
    "We serve about 2,000 RPS today with a 3x evening peak; at 10x that is 60k RPS at peak. "
    "The primary database's write path fails first, so we queue writes, cache reads and shard by learner."
)


async def submit_all(base_url: str, learners: list[tuple[int, str]], per_learner: int = PER_LEARNER,
                     timeout: float = 60) -> list:
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:

        async def submit(learner_id: int, token: str, n: int):
            answer = f"{ANSWER} [learner {learner_id} attempt {n}]"
            body = {"question_id": "Q473" if n % 2 else "Q742", "answer": answer, "grader": "deterministic"}
            return learner_id, answer, await client.post("/v1/submissions", json=body, headers=bearer(token))

        return await asyncio.gather(
            *(submit(lid, tok, n) for n in range(per_learner) for lid, tok in learners), return_exceptions=True
        )


def test_concurrent_submissions_are_stored_exactly_once(database_url, start_server, signing_key, redis_prefix):
    engine = prepare(database_url)
    learners = seed_learners(engine, LEARNERS, signing_key)
    server = start_server(
        database_url, workers=2, grade_rate_per_minute=LIMIT_PER_LEARNER, rate_limit_window_seconds=600,
        redis_url=REDIS_URL, rate_limit_key_prefix=redis_prefix,
    )

    results = asyncio.run(submit_all(server.url, learners))
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"{len(failures)} request(s) got no response, e.g. {failures[0]!r}\n{server.log()[-4000:]}"

    statuses = Counter(r.status_code for _, _, r in results)
    assert set(statuses) <= {201, 429, 503}, f"unexpected statuses {statuses}\n{server.log()}"
    for _, _, response in results:
        if response.status_code != 201:
            body = response.json()
            assert body["code"] in {"rate_limited", "database_unavailable"} and body["detail"]
            assert int(response.headers["retry-after"]) >= 1

    stored = stored_submissions(engine)
    accepted = {answer: (lid, r.json()) for lid, answer, r in results if r.status_code == 201}
    refused = {answer for _, answer, r in results if r.status_code != 201}
    assert set(stored) == set(accepted), "stored submissions must be exactly the accepted ones"
    assert not refused & set(stored), "a refused submission was stored"
    for answer, (learner_id, body) in accepted.items():
        record = stored[answer]
        assert record["copies"] == 1
        assert record["id"] == body["id"] and record["learner_id"] == learner_id
        assert_complete(record)
        assert [s for s, _ in record["stages"]] == [s["id"] for s in body["grade"]["stages"]]
        assert [score for _, score in record["stages"]] == [s["score"] for s in body["grade"]["stages"]]

    per_learner = Counter(lid for lid, _, r in results if r.status_code == 201)
    limited = Counter(lid for lid, _, r in results if r.status_code == 429)
    for learner_id, _ in learners:
        # One budget per learner across both worker processes (the counters live in Redis).
        assert per_learner[learner_id] <= LIMIT_PER_LEARNER
        assert limited[learner_id] >= PER_LEARNER - LIMIT_PER_LEARNER
    # Concurrent attempts at the same question get distinct attempt numbers, 1..n per learner and question.
    attempts: dict[tuple[int, str], list[int]] = {}
    for learner_id, body in accepted.values():
        attempts.setdefault((learner_id, body["grade"]["question_id"]), []).append(body["attempt_number"])
    for key, numbers in attempts.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"{key}: attempt numbers {sorted(numbers)}"
    # 503s are the server shedding load (database pool wait exceeded); most of the budget still gets through.
    assert statuses[201] >= LEARNERS * LIMIT_PER_LEARNER // 2, f"too few accepted: {statuses}"
    engine.dispose()


def test_fewer_threads_and_connections_than_requests_do_not_deadlock(database_url, start_server, signing_key):
    # Two threads, one connection, 60 requests at once. A request that kept its connection from the
    # login lookup while waiting for a thread to run the endpoint would deadlock with a request
    # holding that thread while waiting for the connection; only the pool timeout (503) ends it.
    engine = prepare(database_url)
    learners = seed_learners(engine, 6, signing_key)
    server = start_server(
        database_url, workers=1, worker_threads=2, db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=10,
        grade_rate_per_minute=0,
    )

    results = asyncio.run(submit_all(server.url, learners, per_learner=10, timeout=30))
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"{len(failures)} request(s) got no response, e.g. {failures[0]!r}\n{server.log()}"
    statuses = Counter(r.status_code for _, _, r in results)
    assert statuses == {201: 60}, f"{statuses}\n{server.log()}"
    assert set(stored_submissions(engine)) == {answer for _, answer, _ in results}
    engine.dispose()
