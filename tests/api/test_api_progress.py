"""GET /v1/learners/{id}/progress: first/best/latest/trend per stage, weakest stage, attempts per
question, comparison of two attempts, and readiness per the rules in rubrics/readiness.yaml.
Stage scores are crafted (stored through the same transaction the API uses) so the numbers are known."""

import pytest
from api_helpers import crafted_grade

from hedgehog.api.progress import load_readiness_rules
from hedgehog.db import crud

SCALE_BUCKET = ["Q110", "Q473", "Q179", "Q742", "Q745"]
CAPACITY_BUCKET = ["Q110", "Q179", "Q742", "Q745", "Q748"]


def store(session, learner, question_id, framework, scores, question_text=None):  # noqa: ANN001, ANN201
    doc = crafted_grade(question_id, framework, scores, question_text)
    return crud.store_submission(session, learner, "an answer", doc)


def progress(client, accounts, who="lea", learner="lea", **params):  # noqa: ANN001, ANN201
    return client.get(f"/v1/learners/{accounts.id(learner)}/progress", params=params, headers=accounts.headers(who))


def test_stage_first_best_latest_and_trend(client, accounts, session):
    lea = accounts.users["lea"]
    for scores in ([1, 0, 2, 1], [2, 1, 2, 3], [3, 1, 2, 2]):
        store(session, lea, "Q473", "scale", scores)
    body = progress(client, accounts).json()
    scale = next(f for f in body["frameworks"] if f["framework"] == "scale")
    stages = {s["stage_id"]: s for s in scale["stages"]}
    assert scale["attempts"] == 3
    assert (stages["current_load"]["first"], stages["current_load"]["best"], stages["current_load"]["latest"]) == (1, 3, 3)
    assert stages["current_load"]["direction"] == "improving" and stages["current_load"]["trend"] > 0
    assert stages["bottlenecks"]["direction"] == "flat" and stages["bottlenecks"]["trend"] == 0
    # recency weighting: latest 2 outweighs the earlier 3 for mitigation (1, 3, 2)
    assert 2 <= stages["mitigation"]["weighted_average"] < 2.5
    assert scale["weakest_stage"] == "projection" == body["weakest_stage"]["scale"]
    assert body["weakest_stage"]["capacity"] is None
    assert body["attempts"] == 3
    (question,) = body["questions"]
    assert question["question_id"] == "Q473" and question["attempts"] == 3
    assert (question["first_overall"], question["best_overall"], question["latest_overall"]) == (25, 50, 50)


def test_coach_override_changes_effective_progress(client, accounts, session):
    sub = store(session, accounts.users["lea"], "Q473", "scale", [1, 1, 1, 1])
    client.post(f"/v1/submissions/{sub.id}/reviews", headers=accounts.headers("cora"),
                json={"comment": "", "overrides": [{"stage_id": "projection", "score": 4, "reason": "clear 10x math"}]})
    scale = next(f for f in progress(client, accounts).json()["frameworks"] if f["framework"] == "scale")
    assert next(s for s in scale["stages"] if s["stage_id"] == "projection")["latest"] == 4


def test_compare_two_attempts_at_the_same_question(client, accounts, session):
    lea = accounts.users["lea"]
    a = store(session, lea, "Q742", "capacity", [1, 1, 1, 1, 1])
    b = store(session, lea, "Q742", "capacity", [2, 3, 1, 0, 4])
    other = store(session, lea, "Q745", "capacity", [2, 2, 2, 2, 2])
    body = progress(client, accounts, compare=f"{a.id},{b.id}").json()["comparison"]
    assert body["a"]["attempt_number"] == 1 and body["b"]["attempt_number"] == 2
    assert [s["delta"] for s in body["stages"]] == [1, 2, 0, -1, 3]
    assert body["overall_delta"] == body["b"]["effective_overall"] - body["a"]["effective_overall"] == 25
    mismatch = progress(client, accounts, compare=f"{a.id},{other.id}")
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "not_comparable"
    assert progress(client, accounts, compare="1").status_code == 422
    assert progress(client, accounts, compare=f"{a.id},999999").status_code == 404


def test_compare_cannot_reach_another_learners_attempt(client, accounts, session):
    mine = store(session, accounts.users["lea"], "Q742", "capacity", [1, 1, 1, 1, 1])
    theirs = store(session, accounts.users["leo"], "Q742", "capacity", [1, 1, 1, 1, 1])
    assert progress(client, accounts, compare=f"{mine.id},{theirs.id}").status_code == 404


def test_readiness_not_started_is_red_and_ordered_by_role(client, accounts):
    for learner, priorities in (("lea", ["HIGHEST", "MEDIUM"]), ("leo", ["HIGHEST", "HIGH"])):
        readiness = progress(client, accounts, who=learner, learner=learner).json()["readiness"]
        assert [b["framework"] for b in readiness["buckets"]] == ["scale", "capacity"]
        assert [b["priority"] for b in readiness["buckets"]] == priorities
        assert all(b["light"] == "red" and b["practised"] == 0 for b in readiness["buckets"])
        assert readiness["target_total"] == 10 and readiness["ready"] is False


def test_readiness_yellow_then_green(client, accounts, session):
    lea = accounts.users["lea"]
    rules = load_readiness_rules()
    assert rules.lights.green.min_practised == 5 and rules.lights.green.min_stage_score == 3
    store(session, lea, "Q473", "scale", [2, 3, 2, 3])
    store(session, lea, "Q742", "capacity", [0, 0, 1, 0, 0])  # weak capacity attempt
    store(session, lea, "Q473", "scale", [0, 0, 0, 0], question_text=None)  # latest Q473 attempt is weak ...
    store(session, lea, "Q473", "scale", [3, 3, 2, 3])  # ... and superseded
    r = progress(client, accounts).json()["readiness"]
    scale, capacity = r["buckets"]
    assert scale["practised"] == 1 and scale["light"] == "yellow"
    assert scale["practised_question_ids"] == ["Q473"] and "Q473" not in scale["remaining_question_ids"]
    assert capacity["light"] == "red" and "Weak" in capacity["reason"]
    for qid in SCALE_BUCKET:
        store(session, lea, qid, "scale", [3, 4, 3, 3])
    r = progress(client, accounts).json()["readiness"]
    assert r["buckets"][0]["light"] == "green" and r["buckets"][0]["practised"] == 5
    assert r["practised_total"] == 6 and r["ready"] is False
    for qid in CAPACITY_BUCKET:
        store(session, lea, qid, "capacity", [3, 3, 3, 3, 4])
    r = progress(client, accounts).json()["readiness"]
    assert [b["light"] for b in r["buckets"]] == ["green", "green"]
    assert r["practised_total"] == 10 and r["ready"] is True


def test_free_text_questions_do_not_count_for_readiness(client, accounts, session):
    store(session, accounts.users["lea"], None, "scale", [4, 4, 4, 4], question_text="Scale our chat app 10x?")
    body = progress(client, accounts).json()
    assert body["readiness"]["practised_total"] == 0
    assert body["questions"][0]["question_id"] is None and body["questions"][0]["attempts"] == 1


@pytest.mark.parametrize(("who", "status"), [("lea", 200), ("cora", 200), ("ada", 200), ("leo", 404), ("cole", 404)])
def test_progress_access(client, accounts, who, status):
    assert progress(client, accounts, who=who).status_code == status


def test_progress_needs_a_token(client, accounts):
    assert client.get(f"/v1/learners/{accounts.id('lea')}/progress").status_code == 401


def test_learner_changes_target_role_and_readiness_follows(client, accounts):
    headers = accounts.headers("lea")
    reply = client.patch("/v1/me", json={"target_role": "data_engineer"}, headers=headers)
    assert reply.status_code == 200 and reply.json()["target_role"] == "data_engineer"
    readiness = progress(client, accounts).json()["readiness"]
    assert readiness["target_role"] == "data_engineer"
    assert [b["priority"] for b in readiness["buckets"]] == ["HIGHEST", "HIGH"]
    bad = client.patch("/v1/me", json={"target_role": "astronaut"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["fields"] == ["target_role"]
