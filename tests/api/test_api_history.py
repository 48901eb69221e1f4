"""GET /v1/learners/{id}/submissions: newest first, keyset cursor, filters, access."""

import pytest
from api_helpers import submit


def test_history_newest_first_with_cursor_pages(client, accounts):
    headers = accounts.headers("lea")
    ids = [submit(client, headers, q).json()["id"] for q in ["Q742", "Q745", "Q742", "Q110", "Q473"]]
    url = f"/v1/learners/{accounts.id('lea')}/submissions"
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(url, params=params, headers=headers)
        assert page.status_code == 200, page.text
        seen += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    first = client.get(url, headers=headers).json()["items"][0]
    assert first["question_id"] == "Q473" and first["reviewed"] is False
    assert {"effective_overall", "stages", "attempt_number", "framework"} <= set(first)


def test_history_filters_by_question_and_framework(client, accounts):
    headers = accounts.headers("lea")
    submit(client, headers, "Q742")
    submit(client, headers, "Q742", framework="scale")
    submit(client, headers, "Q473")
    url = f"/v1/learners/{accounts.id('lea')}/submissions"
    by_question = client.get(url, params={"question_id": "q742"}, headers=headers).json()["items"]
    by_framework = client.get(url, params={"framework": "scale"}, headers=headers).json()["items"]
    both = client.get(url, params={"question_id": "Q742", "framework": "capacity"}, headers=headers).json()["items"]
    assert [i["question_id"] for i in by_question] == ["Q742", "Q742"]
    assert sorted(i["question_id"] for i in by_framework) == ["Q473", "Q742"]
    assert len(both) == 1 and both[0]["framework"] == "capacity"


@pytest.mark.parametrize(
    ("params", "code"),
    [({"cursor": "!!!"}, "invalid_cursor"), ({"framework": "vibes"}, "unknown_framework"),
     ({"limit": 0}, "validation_error"), ({"limit": 101}, "validation_error")],
)
def test_history_bad_parameters_are_422(client, accounts, params, code):
    reply = client.get(f"/v1/learners/{accounts.id('lea')}/submissions", params=params, headers=accounts.headers("lea"))
    assert reply.status_code == 422 and reply.json()["code"] == code


def test_history_access(client, accounts):
    submit(client, accounts.headers("lea"))
    url = f"/v1/learners/{accounts.id('lea')}/submissions"
    assert client.get(url).status_code == 401
    for who, status in {"lea": 200, "cora": 200, "ada": 200, "leo": 404, "cole": 404}.items():
        assert client.get(url, headers=accounts.headers(who)).status_code == status, who
    # a coach or unknown id is not a learner: 404
    assert client.get(f"/v1/learners/{accounts.id('cora')}/submissions", headers=accounts.headers("ada")).status_code == 404
    assert client.get("/v1/learners/999999/submissions", headers=accounts.headers("ada")).status_code == 404
