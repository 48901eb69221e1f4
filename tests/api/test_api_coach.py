"""GET /v1/coach/learners (roster) and the CSV exports (learner and cohort)."""

import csv
import io
from datetime import datetime

import pytest
from api_helpers import crafted_grade, submit

from hedgehog.api.views import EXPORT_COLUMNS
from hedgehog.db import crud


def test_roster_lists_assigned_learners_with_stats(client, accounts, session):
    lea = accounts.users["lea"]
    first = crud.store_submission(session, lea, "a", crafted_grade("Q473", "scale", [1, 2, 3, 4]))
    crud.store_submission(session, lea, "b", crafted_grade("Q473", "scale", [3, 2, 1, 0]))
    client.post(f"/v1/submissions/{first.id}/reviews", json={"comment": "ok"}, headers=accounts.headers("cora"))
    reply = client.get("/v1/coach/learners", headers=accounts.headers("cora"))
    assert reply.status_code == 200
    (entry,) = reply.json()["learners"]
    assert entry["username"] == "lea" and entry["attempts"] == 2 and entry["awaiting_review"] == 1
    assert entry["average_per_stage"] == {"scale": {"current_load": 2.0, "projection": 2.0, "bottlenecks": 2.0, "mitigation": 2.0}}
    assert entry["target_role"] == "product_manager"
    assert datetime.fromisoformat(entry["last_activity"]) == crud.all_submissions(session, [lea.id])[-1].created_at


def test_roster_of_admin_has_every_learner_and_others_are_refused(client, accounts):
    names = [e["username"] for e in client.get("/v1/coach/learners", headers=accounts.headers("ada")).json()["learners"]]
    assert names == ["lea", "leo"]
    assert [e["username"] for e in client.get("/v1/coach/learners", headers=accounts.headers("cole")).json()["learners"]] == ["leo"]
    assert client.get("/v1/coach/learners", headers=accounts.headers("lea")).status_code == 403
    assert client.get("/v1/coach/learners").status_code == 401


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_learner_export_has_one_row_per_attempt_and_stage(client, accounts, session):
    headers = accounts.headers("lea")
    a = submit(client, headers, "Q742").json()
    submit(client, headers, "Q473")
    client.post(f"/v1/submissions/{a['id']}/reviews", headers=accounts.headers("cora"),
                json={"comment": "", "overrides": [{"stage_id": "bottlenecks", "score": 4, "reason": "=cmd|' /C calc'!A0"}]})
    reply = client.get(f"/v1/learners/{accounts.id('lea')}/export.csv", headers=headers)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    assert reply.text.splitlines()[0].split(",") == EXPORT_COLUMNS
    table = rows(reply.text)
    assert len(table) == 5 + 4  # capacity has 5 stages, scale 4
    overridden = next(r for r in table if r["submission_id"] == str(a["id"]) and r["stage_id"] == "bottlenecks")
    assert overridden["coach_score"] == "4" and overridden["effective_score"] == "4"
    assert overridden["automatic_score"] == str(next(s["score"] for s in a["grade"]["stages"] if s["id"] == "bottlenecks"))
    assert overridden["coach_reason"].startswith("'=")  # a spreadsheet must not run it as a formula
    assert {r["rubric_version"] for r in table} >= {a["grade"]["rubric_version"]}
    assert all(r["attempt_number"] == "1" and r["submitted_at"] for r in table)


@pytest.mark.parametrize(("who", "status"), [("lea", 200), ("cora", 200), ("ada", 200), ("leo", 404), ("cole", 404)])
def test_learner_export_access(client, accounts, who, status):
    assert client.get(f"/v1/learners/{accounts.id('lea')}/export.csv", headers=accounts.headers(who)).status_code == status


def test_cohort_export_only_has_assigned_learners(client, accounts):
    submit(client, accounts.headers("lea"), "Q742")
    submit(client, accounts.headers("leo"), "Q473")
    cora = rows(client.get("/v1/coach/export.csv", headers=accounts.headers("cora")).text)
    admin = rows(client.get("/v1/coach/export.csv", headers=accounts.headers("ada")).text)
    assert {r["learner_username"] for r in cora} == {"lea"} and len(cora) == 5
    assert {r["learner_username"] for r in admin} == {"lea", "leo"}
    assert client.get("/v1/coach/export.csv", headers=accounts.headers("lea")).status_code == 403
    assert client.get("/v1/coach/export.csv").status_code == 401


def test_exports_stream_in_batches_in_history_order(client, accounts, session, monkeypatch):
    """Exports read a few submissions at a time (keyset pages, learners in chunks): every attempt x
    stage row still comes out once, in (learner, time, id) order."""
    lea, leo = accounts.users["lea"], accounts.users["leo"]
    for n in range(5):
        crud.store_submission(session, lea, f"a{n}", crafted_grade("Q473", "scale", [n % 5, 1, 2, 3]))
    for n in range(3):
        crud.store_submission(session, leo, f"b{n}", crafted_grade("Q742", "capacity", [1, 2, 3, 4, n]))
    monkeypatch.setattr(crud, "EXPORT_BATCH", 2)  # three pages for lea, two for leo
    monkeypatch.setattr(crud, "_IN_CHUNK", 1)  # one learner per chunk
    submissions = crud.all_submissions(session, [lea.id, leo.id])
    stages = crud.stage_scores_for(session, [s.id for s in submissions])
    expected = [(str(s.id), st.stage_id, str(st.score)) for s in submissions for st in stages[s.id]]
    table = rows(client.get("/v1/coach/export.csv", headers=accounts.headers("ada")).text)
    assert [(r["submission_id"], r["stage_id"], r["automatic_score"]) for r in table] == expected
    assert len(table) == 5 * 4 + 3 * 5
    mine = rows(client.get(f"/v1/learners/{lea.id}/export.csv", headers=accounts.headers("lea")).text)
    assert [(r["submission_id"], r["stage_id"], r["automatic_score"]) for r in mine] == expected[:20]
