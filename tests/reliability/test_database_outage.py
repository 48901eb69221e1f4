"""The database goes away mid-run: requests get a clear 503, nothing is half-written, and the
service recovers by itself when the database is back. The PostgreSQL here is a private cluster
started by the test (initdb/pg_ctl in a temp folder), so stopping it disturbs nobody."""

import asyncio
import time

import httpx
import pytest

from reliability_harness import (
    PrivatePostgres,
    assert_complete,
    bearer,
    closed_port,
    prepare,
    seed_learners,
    stored_submissions,
)

ANSWER = "Today 3k RPS, 10x is 30k RPS; the database fails first, so we add a write queue and read replicas."


@pytest.fixture
def private_postgres():
    cluster = PrivatePostgres()
    cluster.start()
    yield cluster
    cluster.cleanup()


def assert_database_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert "database is unavailable" in body["detail"] and "nothing was stored" in body["detail"]
    assert int(response.headers["retry-after"]) >= 1


async def load_through_outage(
    base_url: str, learners, cluster: PrivatePostgres, dropped: list[tuple[str, str, str]]
) -> list[tuple[str, str, httpx.Response]]:
    """Submit continuously; stop the database once some submissions are in, start it again after a
    few seconds of refusals, and keep going until submissions succeed again."""
    results: list[tuple[str, str, httpx.Response]] = []
    phase = {"name": "up"}
    stop = asyncio.Event()

    async def submitter(client: httpx.AsyncClient, learner_index: int) -> None:
        learner_id, token = learners[learner_index]
        n = 0
        while not stop.is_set():
            answer = f"{ANSWER} [learner {learner_id} #{n}]"
            n += 1
            try:
                response = await client.post(
                    "/v1/submissions", json={"question_id": "Q473", "answer": answer}, headers=bearer(token)
                )
            except (httpx.ReadError, httpx.RemoteProtocolError) as e:
                # A dropped connection instead of an answer: recorded so the test can fail on it
                # (get_session once raised on close when the database died mid-response).
                dropped.append((phase["name"], answer, repr(e)))
                continue
            results.append((phase["name"], answer, response))

    def count(phase_name: str, status: int) -> int:
        return sum(1 for p, _, r in results if p == phase_name and r.status_code == status)

    async def wait_for(condition, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"timed out; statuses so far {[(p, r.status_code) for p, _, r in results][-20:]}"
            await asyncio.sleep(0.05)

    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        tasks = [asyncio.create_task(submitter(client, i)) for i in range(len(learners))]
        try:
            await wait_for(lambda: count("up", 201) >= 10, 30)
            phase["name"] = "stopping"
            await asyncio.to_thread(cluster.stop, "immediate")
            phase["name"] = "down"
            await wait_for(lambda: count("down", 503) >= 5, 30)
            readyz_down = await client.get("/readyz")
            history_down = await client.get(f"/v1/learners/{learners[0][0]}/submissions", headers=bearer(learners[0][1]))
            phase["name"] = "starting"
            await asyncio.to_thread(cluster.start)
            phase["name"] = "back"
            await wait_for(lambda: count("back", 201) >= 10, 30)
            readyz_back = await client.get("/readyz")
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=False)
    results.append(("probe-down", "", readyz_down))
    results.append(("probe-down", "", history_down))
    results.append(("probe-back", "", readyz_back))
    return results


def test_database_stopped_mid_run_gives_503_and_recovers(private_postgres, start_server, signing_key):
    engine = prepare(private_postgres.url)
    learners = seed_learners(engine, 4, signing_key)
    engine.dispose()
    server = start_server(private_postgres.url, grade_rate_per_minute=0)

    dropped: list[tuple[str, str, str]] = []
    results = asyncio.run(load_through_outage(server.url, learners, private_postgres, dropped))
    assert not dropped, f"connections dropped instead of a 503: {dropped}"

    submissions = [(p, a, r) for p, a, r in results if not p.startswith("probe")]
    assert {r.status_code for _, _, r in submissions} <= {201, 503}, server.log()
    for phase, _, response in submissions:
        if response.status_code == 503:
            assert_database_unavailable(response)
        if phase == "down":
            assert response.status_code == 503
    readyz_down, history_down, readyz_back = (r for p, _, r in results if p.startswith("probe"))
    assert_database_unavailable(readyz_down)
    assert_database_unavailable(history_down)
    assert readyz_back.status_code == 200

    engine = prepare(private_postgres.url)
    stored = stored_submissions(engine)
    engine.dispose()
    accepted = {answer for _, answer, r in submissions if r.status_code == 201}
    refused = {answer for _, answer, r in submissions if r.status_code == 503}
    unknown = {answer for _, answer, _ in dropped}  # no answer reached the client: either outcome is possible
    # A commit in flight when the database is killed may land without its acknowledgement reaching
    # the service, which then answers 503: that ambiguity is inherent, and only possible while the
    # database is going away, so it is tolerated only in that phase.
    refused_while_stopping = {answer for p, answer, r in submissions if r.status_code == 503 and p in {"stopping", "down"}}
    assert accepted <= set(stored), "every acknowledged submission is stored"
    assert set(stored) <= accepted | unknown | refused_while_stopping, "nothing refused while the database was up is stored"
    assert not (refused - refused_while_stopping) & set(stored)
    for record in stored.values():
        assert record["copies"] == 1
        assert_complete(record)


def test_unreachable_database_at_start(start_server, signing_key):
    """Started against a closed port: the process runs, says it is not ready, stores nothing, and
    still grades statelessly (POST /v1/grade needs no database)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/hedgehog"
    server = start_server(url)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert_database_unavailable(client.get("/readyz"))
        from hedgehog.api.security import create_access_token

        token = create_access_token(1, "learner", signing_key, 5)
        assert_database_unavailable(
            client.post("/v1/submissions", json={"question_id": "Q742", "answer": ANSWER}, headers=bearer(token))
        )
        graded = client.post("/v1/grade", json={"question_id": "Q742", "answer": ANSWER, "grader": "deterministic"})
        assert graded.status_code == 200
        assert [s["id"] for s in graded.json()["stages"]][0] == "current_load"
