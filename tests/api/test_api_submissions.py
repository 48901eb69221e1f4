"""POST /v1/submissions and GET /v1/submissions/{id}: grade-and-store, attempts, and who may read."""

from datetime import datetime, timedelta

import pytest
from api_helpers import ANSWER, submit
from fixtures_service import count_rows
from sqlmodel import select

from hedgehog.db.models import AuditEvent, StageScore, Submission
from hedgehog.grading.document import MAX_ANSWER_CHARS


def test_submission_is_graded_stored_and_returned(client, accounts, session):
    reply = submit(client, accounts.headers("lea"))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert set(body) >= {"id", "learner_id", "created_at", "grade"}
    assert body["learner_id"] == accounts.id("lea") and body["attempt_number"] == 1
    assert body["grade"]["question_id"] == "Q742" and body["grade"]["framework"] == "capacity"
    assert datetime.fromisoformat(body["created_at"]).utcoffset() == timedelta(0)
    stored = session.get(Submission, body["id"])
    assert stored.answer == ANSWER and stored.overall == body["grade"]["overall"]
    assert count_rows(session, StageScore) == len(body["grade"]["stages"])
    events = [e for e in session.exec(select(AuditEvent)).all() if e.action == "submission.create"]
    assert events and events[0].actor == "lea" and events[0].entity_id == str(body["id"])


def test_stored_grade_reads_back_exactly_as_graded(client, accounts):
    created = submit(client, accounts.headers("lea")).json()
    read = client.get(f"/v1/submissions/{created['id']}", headers=accounts.headers("lea"))
    assert read.status_code == 200
    assert read.json()["grade"] == created["grade"]
    assert read.json()["answer"] == ANSWER and read.json()["reviews"] == []
    effective = read.json()["effective"]
    assert effective["overall"] == created["grade"]["overall"]
    assert [s["effective_score"] for s in effective["stages"]] == [s["score"] for s in created["grade"]["stages"]]


def test_attempt_numbers_count_per_question(client, accounts):
    headers = accounts.headers("lea")
    numbers = [submit(client, headers, "Q742").json()["attempt_number"] for _ in range(3)]
    other = submit(client, headers, "Q745").json()["attempt_number"]
    assert numbers == [1, 2, 3] and other == 1
    assert submit(client, accounts.headers("leo"), "Q742").json()["attempt_number"] == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question_id": "Q742", "answer": "  "}, "empty_answer"),
        ({"question_id": "Q742", "answer": "x" * (MAX_ANSWER_CHARS + 1)}, "answer_too_long"),
        ({"question_id": "Q000", "answer": ANSWER}, "unknown_question"),
        ({"question_id": "Q742", "answer": ANSWER, "framework": "nope"}, "unknown_framework"),
        ({"question_id": "Q742", "answer": ANSWER, "grader": "llm"}, "llm_not_configured"),
    ],
)
def test_refused_submission_stores_nothing(client, accounts, session, body, code):
    reply = client.post("/v1/submissions", json=body, headers=accounts.headers("lea"))
    assert reply.status_code == 422 and reply.json()["code"] == code
    assert count_rows(session, Submission) == 0 and count_rows(session, StageScore) == 0


@pytest.mark.parametrize("who", ["cora", "ada"])
def test_only_learners_submit(client, accounts, who):
    reply = submit(client, accounts.headers(who))
    assert reply.status_code == 403 and reply.json()["code"] == "forbidden"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}])
def test_submissions_need_a_token(client, accounts, headers):
    assert submit(client, headers).status_code == 401
    sid = submit(client, accounts.headers("lea")).json()["id"]
    assert client.get(f"/v1/submissions/{sid}", headers=headers).status_code == 401


def test_who_may_read_a_submission(client, accounts):
    sid = submit(client, accounts.headers("lea")).json()["id"]
    allowed = {"lea": 200, "cora": 200, "ada": 200, "leo": 404, "cole": 404}
    for who, status in allowed.items():
        reply = client.get(f"/v1/submissions/{sid}", headers=accounts.headers(who))
        assert reply.status_code == status, who
        if status == 404:  # indistinguishable from a submission that does not exist
            assert reply.json() == client.get("/v1/submissions/999999", headers=accounts.headers(who)).json() | {
                "detail": reply.json()["detail"]}
    assert client.get("/v1/submissions/999999", headers=accounts.headers("lea")).status_code == 404


def test_submission_id_must_be_an_integer(client, accounts):
    reply = client.get("/v1/submissions/abc", headers=accounts.headers("lea"))
    assert reply.status_code == 422 and "submission_id" in reply.json()["fields"][0]
