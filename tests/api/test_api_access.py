"""Every protected endpoint answers 401 without a valid token, and refuses other people's data.
The list is checked against the OpenAPI schema so a new endpoint cannot slip through untested."""

import pytest
from api_helpers import submit

PUBLIC = {
    ("get", "/healthz"), ("get", "/readyz"), ("post", "/v1/grade"), ("post", "/v1/classify"),
    ("get", "/v1/rubrics"), ("get", "/v1/rubrics/{framework}"), ("get", "/v1/questions"),
    ("get", "/v1/questions/{question_id}"), ("post", "/v1/auth/token"),
}
# method, path template, who owns the data ("lea" = learner lea's), roles refused with 403
PROTECTED = [
    ("get", "/v1/me", None, set()),
    ("patch", "/v1/me", None, {"cora", "ada"}),
    ("post", "/v1/submissions", None, {"cora", "ada"}),
    ("get", "/v1/submissions/{submission_id}", "lea", set()),
    ("post", "/v1/submissions/{submission_id}/reviews", "lea", {"lea", "leo"}),
    ("get", "/v1/learners/{learner_id}/submissions", "lea", set()),
    ("get", "/v1/learners/{learner_id}/progress", "lea", set()),
    ("get", "/v1/learners/{learner_id}/export.csv", "lea", set()),
    ("get", "/v1/coach/learners", None, {"lea"}),
    ("get", "/v1/coach/export.csv", None, {"lea"}),
    ("get", "/v1/admin/users", None, {"lea", "cora"}),
    ("post", "/v1/admin/users", None, {"lea", "cora"}),
    ("get", "/v1/admin/assignments", None, {"lea", "cora"}),
    ("post", "/v1/admin/assignments", None, {"lea", "cora"}),
    ("delete", "/v1/admin/assignments/{assignment_id}", None, {"lea", "cora"}),
    ("get", "/v1/admin/audit", None, {"lea", "cora"}),
]
BODIES = {
    "/v1/submissions": {"question_id": "Q742", "answer": "2M viewers at 5 Mbps"},
    "/v1/submissions/{submission_id}/reviews": {"comment": "ok"},
    "/v1/admin/users": {"username": "newbie", "password": "long-enough-1"},
    "/v1/admin/assignments": {"coach": "cora", "learner": "leo"},
    "/v1/me": {"target_role": "data_engineer"},
}


def test_every_endpoint_is_classified(app):
    schema = app.openapi()
    routes = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert routes == PUBLIC | {(m, p) for m, p, _, _ in PROTECTED}


def fill(path: str, accounts, submission_id: int) -> str:  # noqa: ANN001
    return path.format(submission_id=submission_id, learner_id=accounts.id("lea"), assignment_id=1)


@pytest.mark.parametrize(("method", "path", "owner", "refused"), PROTECTED, ids=[f"{m} {p}" for m, p, _, _ in PROTECTED])
def test_protected_endpoint(client, accounts, method, path, owner, refused):
    submission_id = submit(client, accounts.headers("lea")).json()["id"]
    url = fill(path, accounts, submission_id)
    kwargs = {"json": BODIES[path]} if method in {"post", "patch"} and path in BODIES else {}
    for headers in ({}, {"Authorization": "Bearer invalid"}):
        reply = getattr(client, method)(url, headers=headers, **kwargs)
        assert reply.status_code == 401, (headers, reply.text)
    for who in refused:
        assert getattr(client, method)(url, headers=accounts.headers(who), **kwargs).status_code == 403, who
    if owner == "lea":  # leo (another learner) and cole (a coach of someone else) get 404
        for who in {"leo", "cole"} - refused:
            reply = getattr(client, method)(url, headers=accounts.headers(who), **kwargs)
            assert reply.status_code == 404, who
            assert reply.json()["code"] == "not_found"
