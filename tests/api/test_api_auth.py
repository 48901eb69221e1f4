"""OAuth2 password flow, /v1/me, token checks, and the refusal to start with a placeholder secret."""

from datetime import datetime, timedelta, timezone

import jwt
import pytest
from fastapi.testclient import TestClient
from fixtures_service import TEST_PASSWORD, settings_for

from hedgehog.api.main import create_app
from hedgehog.api.security import InsecureSecretError


def test_login_returns_bearer_token_and_me(client, accounts):
    reply = client.post("/v1/auth/token", data={"username": "lea", "password": TEST_PASSWORD})
    assert reply.status_code == 200, reply.text
    assert reply.json()["token_type"] == "bearer"
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {reply.json()['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {"id": accounts.id("lea"), "username": "lea", "role": "learner"}


@pytest.mark.parametrize(("username", "password"), [("lea", "wrong-password"), ("nobody", TEST_PASSWORD)])
def test_login_refuses_bad_credentials(client, accounts, username, password):
    reply = client.post("/v1/auth/token", data={"username": username, "password": password})
    assert reply.status_code == 401
    assert reply.json()["code"] == "not_authenticated"
    assert "access_token" not in reply.json()


def test_login_form_fields_are_required(client):
    reply = client.post("/v1/auth/token", data={"username": "lea"})
    assert reply.status_code == 422
    assert "password" in reply.json()["fields"]


def test_passwords_are_stored_as_argon2_hashes(session, client):
    from hedgehog.db import crud
    from hedgehog.db.models import UserCreate

    user = crud.create_user(session, UserCreate(username="hashy", password="a-long-password"))
    assert user.password_hash.startswith("$argon2id$")
    assert "a-long-password" not in user.password_hash
    assert client.post("/v1/auth/token", data={"username": "hashy", "password": "a-long-password"}).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-jwt", "Basic bGVhOnB3", "Bearer "],
)
def test_me_refuses_missing_or_bad_token(client, accounts, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    reply = client.get("/v1/me", headers=headers)
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == "Bearer"


def test_expired_or_foreign_tokens_are_refused(client, accounts, app):
    now = datetime.now(timezone.utc)
    expired = jwt.encode({"sub": str(accounts.id("lea")), "exp": now - timedelta(minutes=1)},
                         app.state.signing_key, algorithm="HS256")
    foreign = jwt.encode({"sub": str(accounts.id("lea")), "exp": now + timedelta(minutes=5)},
                         "someone-elses-key-0123456789abcdef", algorithm="HS256")
    for token in (expired, foreign):
        assert client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_token_of_deleted_user_is_refused(client, accounts, session):
    headers = accounts.headers("leo")
    user = accounts.users["leo"]
    user.is_active = False
    session.add(user)
    session.commit()
    assert client.get("/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize("secret", ["", "changeme", "secret"])
def test_service_refuses_to_start_with_placeholder_secret(database_url, secret):
    app = create_app(settings_for(database_url, hedgehog_env="production", hedgehog_secret_key=secret))
    with pytest.raises(InsecureSecretError, match="HEDGEHOG_SECRET_KEY"):
        with TestClient(app):
            pass


def test_development_allows_placeholder_secret(database_url):
    app = create_app(settings_for(database_url, hedgehog_env="development", hedgehog_secret_key=""))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert len(app.state.signing_key) >= 32
