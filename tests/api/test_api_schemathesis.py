"""Property-based requests generated from the OpenAPI schema: no input may cause a server error.
Bounded (max_examples per operation) to stay fast; runs the real app on a temp SQLite database
with real per-request sessions, authenticated as an admin so the protected endpoints are reached."""

import secrets

import pytest
import schemathesis
from fastapi.testclient import TestClient
from fixtures_service import TEST_PASSWORD
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlmodel import Session

from hedgehog.api.main import create_app
from hedgehog.config import Settings
from hedgehog.db import crud
from hedgehog.db.models import UserCreate, UserRole


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    app = create_app(Settings(_env_file=None, database_url=url, hedgehog_env="test",
                              hedgehog_secret_key=secrets.token_urlsafe(32)))
    with TestClient(app) as client:
        with Session(app.state.engine) as session:
            crud.create_user(session, UserCreate(username="root", password=TEST_PASSWORD, role=UserRole.admin))
            crud.create_user(session, UserCreate(username="lea", password=TEST_PASSWORD))
        token = client.post("/v1/auth/token", data={"username": "root", "password": TEST_PASSWORD}).json()["access_token"]
        app.state.fuzz_headers = {"Authorization": f"Bearer {token}"}
        yield app


@pytest.fixture(scope="module")
def api_schema(fuzzed_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, fuzzed_app):
    case.call_and_validate(headers=fuzzed_app.state.fuzz_headers, checks=[not_a_server_error])
