"""Data survives a restart of the service (SQLite file and PostgreSQL), and bad input at a live
server gets a clear 4xx JSON error — never a 500 — with nothing stored."""

import httpx
import pytest

from reliability_harness import assert_complete, bearer, prepare, seed_learners, stored_submissions

ANSWER = "We run 5k RPS at peak (2x average); at 10x the cache tier fails first, so we shard it and shed load."


def test_submissions_survive_a_restart(database_url, start_server, signing_key):
    engine = prepare(database_url)
    [(learner_id, token)] = seed_learners(engine, 1, signing_key)
    first = start_server(database_url)
    with httpx.Client(base_url=first.url, timeout=30) as client:
        created = [
            client.post("/v1/submissions", json={"question_id": q, "answer": f"{ANSWER} ({q})"}, headers=bearer(token))
            for q in ("Q473", "Q742")
        ]
    assert [r.status_code for r in created] == [201, 201]
    first.stop()

    second = start_server(database_url)  # a new process, same database
    with httpx.Client(base_url=second.url, timeout=30) as client:
        history = client.get(f"/v1/learners/{learner_id}/submissions", headers=bearer(token))
        again = client.get(f"/v1/submissions/{created[0].json()['id']}", headers=bearer(token))
    assert history.status_code == 200
    assert sorted(item["id"] for item in history.json()["items"]) == sorted(r.json()["id"] for r in created)
    assert again.status_code == 200
    before = created[0].json()["grade"]
    after = again.json()
    after_grade = after.get("grade", after)
    assert [(s["id"], s["score"]) for s in after_grade["stages"]] == [(s["id"], s["score"]) for s in before["stages"]]
    for record in stored_submissions(engine).values():
        assert_complete(record)
    engine.dispose()


JSON = {"content-type": "application/json"}
DEEP = 100_000
BAD_REQUESTS = {
    "empty answer": dict(json={"question_id": "Q742", "answer": ""}),
    "whitespace answer": dict(json={"question_id": "Q742", "answer": " \n\t\u3000 "}),
    "20,001 characters": dict(json={"question_id": "Q742", "answer": "a" * 20_001}),
    "10 MB body": dict(content=b'{"question_id": "Q742", "answer": "' + b"a" * 10_000_000 + b'"}', headers=JSON),
    "invalid UTF-8": dict(content=b'{"question_id": "Q742", "answer": "caf\xe9 \xff\xfe 10k RPS"}', headers=JSON),
    "deeply nested JSON": dict(content=b'{"question_id": "Q742", "answer": ' + b"[" * DEEP + b"]" * DEEP + b"}", headers=JSON),
    "deeply nested objects": dict(content=b'{"a":' * 50_000 + b"1" + b"}" * 50_000, headers=JSON),
    "truncated JSON": dict(content=b'{"question_id": "Q742", "answer": "abc', headers=JSON),
    "answer is a number": dict(json={"question_id": "Q742", "answer": 42}),
    "answer is null": dict(json={"question_id": "Q742", "answer": None}),
    "answer is an object": dict(json={"question_id": "Q742", "answer": {"text": "hi"}}),
    "question_id is a list": dict(json={"question_id": ["Q742"], "answer": "10k RPS"}),
    "body is a list": dict(json=[{"question_id": "Q742", "answer": "10k RPS"}]),
    "body is a string": dict(json="answer"),
    "no body": dict(headers=JSON),
    "not JSON at all": dict(content=b"answer=10k+RPS", headers={"content-type": "application/x-www-form-urlencoded"}),
    "unknown question": dict(json={"question_id": "Q000", "answer": "10k RPS"}),
    "unknown framework": dict(json={"question_text": "Scale X 10x?", "framework": "galaxy", "answer": "10k RPS"}),
    "unknown grader": dict(json={"question_id": "Q742", "answer": "10k RPS", "grader": "oracle"}),
    "no question": dict(json={"answer": "10k RPS"}),
}
# Awkward but legitimate text: graded and stored like any other answer.
ODD_BUT_VALID = {
    "control characters": "We serve\x01 10k\x07 RPS\x1b[31m at peak\x0b; the DB\x7f fails first.\u0085\u2028",
    "emoji": "🦔 We serve 10k RPS 🚀 at peak; 10x → 100k RPS 📈; the DB fails first 🔥, so cache 💾.",
    "right-to-left": "אנחנו מטפלים ב-10k RPS בשיא; \u202eالحمل الحالي ٢٠٠٠ طلب\u202c at 10x the DB fails first.",
    "numbers with units": "2M viewers × 5 Mbps × 1.3 = 13 Tbps; 50 GB/day; 10x → 130 Tbps; 1e6 req/day ≈ 11.6 req/s",
}
# Text PostgreSQL cannot store (NUL) or that is not valid Unicode (a lone surrogate, legal as a JSON escape).
UNSTORABLE = {
    "NUL character": b'{"question_id": "Q742", "answer": "10k RPS \\u0000 at peak"}',
    "lone surrogate": b'{"question_id": "Q742", "answer": "10k RPS \\ud800 at peak"}',
    "NUL in question text": b'{"question_text": "How do we scale \\u0000 X 10x?", "answer": "10k RPS"}',
}


def assert_clear_refusal(response: httpx.Response, label: str) -> None:
    assert 400 <= response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"
    body = response.json()
    assert body["code"] and body["detail"], f"{label}: {body}"


@pytest.fixture
def live(database_url, start_server, signing_key):
    engine = prepare(database_url)
    [(learner_id, token)] = seed_learners(engine, 1, signing_key)
    server = start_server(database_url, grade_rate_per_minute=0)
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client, bearer(token), engine
    engine.dispose()


def test_bad_input_gets_a_clear_4xx_and_nothing_is_stored(live):
    client, auth, engine = live
    for label, request in BAD_REQUESTS.items():
        headers = {**auth, **request.get("headers", {})}
        payload = {k: v for k, v in request.items() if k != "headers"}
        for path in ("/v1/grade", "/v1/submissions"):
            assert_clear_refusal(client.post(path, headers=headers, **payload), f"{label} {path}")
    assert stored_submissions(engine) == {}, "a refused request must store nothing"


def test_odd_but_valid_text_is_graded_and_stored_verbatim(live):
    client, auth, engine = live
    for label, answer in ODD_BUT_VALID.items():
        graded = client.post("/v1/grade", json={"question_id": "Q742", "answer": answer})
        assert graded.status_code == 200, f"{label}: {graded.text[:300]}"
        for stage in graded.json()["stages"]:
            assert all(quote in answer for quote in stage["evidence"]), label
        stored = client.post("/v1/submissions", json={"question_id": "Q742", "answer": answer}, headers=auth)
        assert stored.status_code == 201, f"{label}: {stored.text[:300]}"
    records = stored_submissions(engine)
    assert set(records) == set(ODD_BUT_VALID.values()), "stored verbatim, byte for byte"
    for record in records.values():
        assert_complete(record)


def test_text_the_database_cannot_store_is_refused_not_a_500(live):
    client, auth, engine = live
    for label, body in UNSTORABLE.items():
        for path in ("/v1/grade", "/v1/submissions"):
            response = client.post(path, content=body, headers={**auth, **JSON})
            assert response.status_code == 422, f"{label} {path}: {response.status_code} {response.text[:200]}"
            assert response.json()["code"] == "unreadable_text", label
    assert stored_submissions(engine) == {}
