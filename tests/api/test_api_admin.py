"""Admin endpoints: users, assignments, audit trail; everyone else is refused."""

import pytest
from fixtures_service import count_rows

from hedgehog.db.models import User


def test_admin_creates_user_and_assigns_learner(client, accounts, session):
    headers = accounts.headers("ada")
    reply = client.post("/v1/admin/users", headers=headers,
                        json={"username": "lin", "password": "lin-password-1", "role": "learner", "target_role": "data_engineer"})
    assert reply.status_code == 201, reply.text
    assert reply.json()["username"] == "lin" and "password" not in reply.text and "hash" not in reply.text
    assert client.post("/v1/admin/users", headers=headers, json={"username": "lin", "password": "another-pass"}).status_code == 409
    assigned = client.post("/v1/admin/assignments", headers=headers, json={"coach": "cora", "learner": "lin"})
    assert assigned.status_code == 201
    names = [e["username"] for e in client.get("/v1/coach/learners", headers=accounts.headers("cora")).json()["learners"]]
    assert names == ["lea", "lin"]
    assert client.delete(f"/v1/admin/assignments/{assigned.json()['id']}", headers=headers).status_code == 204
    assert client.delete(f"/v1/admin/assignments/{assigned.json()['id']}", headers=headers).status_code == 404
    audit = client.get("/v1/admin/audit", headers=headers).json()
    assert [e["action"] for e in audit][:3] == ["assignment.delete", "assignment.create", "user.create"]
    assert all(e["actor"] == "ada" for e in audit[:3])


@pytest.mark.parametrize(
    "body",
    [{"username": "x y", "password": "long-enough"}, {"username": "ok", "password": "short"},
     {"username": "ok", "password": "long-enough", "role": "boss"}, {"password": "long-enough"}],
)
def test_bad_user_bodies_are_422(client, accounts, session, body):
    before = count_rows(session, User)
    reply = client.post("/v1/admin/users", headers=accounts.headers("ada"), json=body)
    assert reply.status_code == 422 and reply.json()["fields"]
    assert count_rows(session, User) == before


@pytest.mark.parametrize(("body", "status"), [({"coach": "lea", "learner": "leo"}, 422), ({"coach": "cora", "learner": "ghost"}, 404)])
def test_bad_assignments(client, accounts, body, status):
    assert client.post("/v1/admin/assignments", headers=accounts.headers("ada"), json=body).status_code == status


@pytest.mark.parametrize("who", ["lea", "cora"])
@pytest.mark.parametrize(("method", "path"), [("get", "/v1/admin/users"), ("get", "/v1/admin/assignments"),
                                              ("get", "/v1/admin/audit"), ("post", "/v1/admin/assignments")])
def test_admin_endpoints_refuse_others(client, accounts, who, method, path):
    kwargs = {"json": {"coach": "cora", "learner": "leo"}} if method == "post" else {}
    assert getattr(client, method)(path, headers=accounts.headers(who), **kwargs).status_code == 403
    assert getattr(client, method)(path, **kwargs).status_code == 401
