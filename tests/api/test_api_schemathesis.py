"""Property-based requests generated from the OpenAPI schema: no input may cause a server error.
Bounded (max_examples per operation) to stay fast; runs the real app on a temp SQLite database and
on a fresh PostgreSQL database, with real per-request sessions, authenticated so the protected
endpoints are reached."""

import secrets

import pytest
import schemathesis
from fastapi.testclient import TestClient
from fixtures_service import BACKENDS, TEST_PASSWORD, copy_of_postgres_template
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlmodel import Session

from hedgehog.api.main import create_app
from hedgehog.config import Settings
from hedgehog.db import crud
from hedgehog.db.models import UserCreate, UserRole


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed_database(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
        return
    with copy_of_postgres_template(*request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture(scope="module")
def fuzzed_app(fuzzed_database):
    url = fuzzed_database
    app = create_app(Settings(_env_file=None, database_url=url, hedgehog_env="test",
                              hedgehog_secret_key=secrets.token_urlsafe(32)))
    with TestClient(app) as client:
        with Session(app.state.engine) as session:
            crud.create_user(session, UserCreate(username="root", password=TEST_PASSWORD, role=UserRole.admin))
            crud.create_user(session, UserCreate(username="lea", password=TEST_PASSWORD))
        tokens = {name: client.post("/v1/auth/token", data={"username": name, "password": TEST_PASSWORD}).json()["access_token"]
                  for name in ("root", "lea")}
        app.state.fuzz_headers = {name: {"Authorization": f"Bearer {t}"} for name, t in tokens.items()}
        yield app
    app.state.engine.dispose()  # PostgreSQL drops the database only once nothing is connected


@pytest.fixture(scope="module")
def api_schema(fuzzed_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, fuzzed_app):
    # Submissions and the learner's own profile are fuzzed as a learner (so answers really get graded
    # and stored); everything else as an admin, who may reach every other endpoint.
    as_learner = case.operation.path == "/v1/submissions" or case.operation.path == "/v1/me"
    headers = fuzzed_app.state.fuzz_headers["lea" if as_learner else "root"]
    case.call_and_validate(headers=headers, checks=[not_a_server_error])
