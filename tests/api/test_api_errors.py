"""The last-resort handler: an unexpected bug answers a JSON 500 without a traceback. (The rest of
the suite, schemathesis included, runs with server exceptions raised, so it shows none occur.)"""

from fastapi.testclient import TestClient
from fixtures_service import settings_for

from hedgehog.api.main import create_app


def test_unexpected_error_is_json_500_without_traceback(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'e.db'}"))

    @app.get("/boom")
    def boom() -> None:
        raise ZeroDivisionError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        reply = client.get("/boom")
    assert reply.status_code == 500
    assert reply.json() == {"detail": "internal error", "code": "internal_error"}
    assert "Traceback" not in reply.text and "secret internals" not in reply.text


def test_unknown_route_and_method_are_json(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'e.db'}"))
    with TestClient(app) as client:
        missing = client.get("/v1/nothing-here")
        wrong_method = client.delete("/v1/grade")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"


def test_nul_characters_in_any_field_are_a_client_error_on_every_backend(client, accounts, database_url):
    """PostgreSQL refuses NUL in text where SQLite stores it; found by the schema fuzzing on
    PostgreSQL (a NUL in the login form was a 500)."""
    login = client.post("/v1/auth/token", data={"username": "l\x00ea", "password": "whatever"})
    assert login.status_code == 401 and login.json()["code"] == "not_authenticated"
    history = client.get(f"/v1/learners/{accounts.id('lea')}/submissions", params={"question_id": "Q\x00742"},
                         headers=accounts.headers("lea"))
    if database_url.startswith("postgresql"):
        assert history.status_code == 422 and history.json()["code"] == "invalid_text"
    else:
        assert history.status_code == 200 and history.json()["items"] == []
