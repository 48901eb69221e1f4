"""Coach reviews: comment and per-stage overrides; the automatic score stays beside the coach's."""

import pytest
from api_helpers import submit
from fixtures_service import count_rows
from sqlmodel import select

from hedgehog.db.models import AuditEvent, Review, StageOverride


def review(client, headers, sid, comment="Good baseline.", overrides=None):  # noqa: ANN001, ANN201
    return client.post(f"/v1/submissions/{sid}/reviews", json={"comment": comment, "overrides": overrides or []},
                       headers=headers)


def test_override_sets_effective_score_and_keeps_automatic(client, accounts, session):
    created = submit(client, accounts.headers("lea")).json()
    auto = {s["id"]: s["score"] for s in created["grade"]["stages"]}
    new_score = 4 if auto["current_load"] != 4 else 0
    reply = review(client, accounts.headers("cora"), created["id"], "Numbers are right; well done.",
                   [{"stage_id": "current_load", "score": new_score, "reason": "States 2M viewers and bitrate."}])
    assert reply.status_code == 201, reply.text
    body = reply.json()
    stage = next(s for s in body["effective"]["stages"] if s["stage_id"] == "current_load")
    assert stage["automatic_score"] == auto["current_load"]
    assert stage["coach_score"] == stage["effective_score"] == new_score
    assert stage["coach_reason"] == "States 2M viewers and bitrate."
    assert body["grade"] == created["grade"]  # the automatic grade is never rewritten
    assert body["reviews"][0]["coach_username"] == "cora"
    assert body["reviews"][0]["overrides"][0]["automatic_score"] == auto["current_load"]
    # the learner sees both
    seen = client.get(f"/v1/submissions/{created['id']}", headers=accounts.headers("lea")).json()
    assert seen["effective"] == body["effective"]
    actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "review.create" in actions


def test_later_override_wins_and_history_is_kept(client, accounts, session):
    sid = submit(client, accounts.headers("lea")).json()["id"]
    review(client, accounts.headers("cora"), sid, "", [{"stage_id": "bottlenecks", "score": 1, "reason": "vague"}])
    body = review(client, accounts.headers("ada"), sid, "", [{"stage_id": "bottlenecks", "score": 3, "reason": "on reread, fine"}]).json()
    stage = next(s for s in body["effective"]["stages"] if s["stage_id"] == "bottlenecks")
    assert stage["effective_score"] == 3 and len(body["reviews"]) == 2
    assert count_rows(session, StageOverride) == 2


@pytest.mark.parametrize(
    "overrides",
    [
        [{"stage_id": "projection", "score": 2, "reason": "capacity has no projection stage"}],
        [{"stage_id": "current_load", "score": 5, "reason": "out of range"}],
        [{"stage_id": "current_load", "score": 2, "reason": ""}],
        [{"stage_id": "current_load", "score": 2, "reason": "a"}, {"stage_id": "current_load", "score": 3, "reason": "b"}],
    ],
)
def test_invalid_overrides_are_422_and_store_nothing(client, accounts, session, overrides):
    sid = submit(client, accounts.headers("lea")).json()["id"]
    reply = review(client, accounts.headers("cora"), sid, "c", overrides)
    assert reply.status_code == 422
    assert count_rows(session, Review) == 0 and count_rows(session, StageOverride) == 0


def test_empty_review_is_refused(client, accounts):
    sid = submit(client, accounts.headers("lea")).json()["id"]
    reply = review(client, accounts.headers("cora"), sid, "   ", [])
    assert reply.status_code == 422 and reply.json()["code"] == "invalid_review"


def test_who_may_review(client, accounts):
    sid = submit(client, accounts.headers("lea")).json()["id"]
    assert review(client, {}, sid).status_code == 401
    assert review(client, {"Authorization": "Bearer x"}, sid).status_code == 401
    assert review(client, accounts.headers("lea"), sid).status_code == 403
    assert review(client, accounts.headers("leo"), sid).status_code == 403
    assert review(client, accounts.headers("cole"), sid).status_code == 404  # not their learner
    assert review(client, accounts.headers("cora"), 999999).status_code == 404
    assert review(client, accounts.headers("cora"), sid).status_code == 201
