"""Database and API fixtures for tests/api and tests/db (imported by their conftest.py files).

`database_url` is parametrised over SQLite (a temp file) and PostgreSQL (a fresh, uniquely named
database on the server of TEST_DATABASE_URL, created for the run and dropped afterwards; each test
starts from emptied tables). Without TEST_DATABASE_URL the PostgreSQL cases skip, unless
HEDGEHOG_REQUIRE_POSTGRES is set: then they fail. Each backend is migrated once into a template.
"""

import contextlib
import importlib.util
import secrets
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from hedgehog.api.deps import get_session
from hedgehog.api.main import create_app
from hedgehog.api.security import create_access_token, hash_password
from hedgehog.config import Settings
from hedgehog.db import crud
from hedgehog.db.migrate import prepare_database
from hedgehog.db.models import CoachAssignment, TargetRole, User, UserRole
from hedgehog.db.session import make_engine

def require_postgres_url() -> str | None:
    """tests/conftest.py's rule (loaded by path: every test folder's conftest is named `conftest`)."""
    spec = importlib.util.spec_from_file_location("hedgehog_tests_root_conftest", Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.require_postgres_url()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
TEST_PASSWORD = "correct-horse-battery"


def admin_connection(url: str) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                           password=u.password, dbname=u.database or "postgres", autocommit=True, connect_timeout=5)


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    prepare_database(engine)
    engine.dispose()  # the last close checkpoints the WAL into the main file
    return str(path)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[tuple[str, str]]:
    url = require_postgres_url()
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (set it, or HEDGEHOG_REQUIRE_POSTGRES makes this an error)")
    name = f"hedgehog_t_{uuid.uuid4().hex[:12]}_tpl"
    with admin_connection(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        engine = make_engine(with_database(url, name))
        prepare_database(engine)
        engine.dispose()
        yield url, name
    finally:
        with admin_connection(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def copy_of_postgres_template(base: str, template: str) -> Iterator[str]:
    name = f"hedgehog_t_{uuid.uuid4().hex[:12]}"
    with admin_connection(base) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield with_database(base, name)
    finally:
        with admin_connection(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Every table the tests write; `question` (the bank mirror) and `alembic_version` stay.
TRUNCATED_TABLES = ("stage_override", "review", "stage_score", "submission", "audit_event", "coach_assignment",
                    '"user"', "llm_cache")


@pytest.fixture(scope="session")
def postgres_run_database(postgres_template) -> Iterator[str]:
    """One fresh database for this test run (copied from the migrated template, dropped at the end);
    each test starts from emptied tables, which is much cheaper than a CREATE DATABASE per test."""
    with copy_of_postgres_template(*postgres_template) as url:
        yield url


def empty_postgres_tables(url: str) -> None:
    with admin_connection(url) as connection:
        connection.execute("SET lock_timeout = '15s'")
        connection.execute(f"TRUNCATE TABLE {', '.join(TRUNCATED_TABLES)} RESTART IDENTITY CASCADE")


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "hedgehog.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_run_database")
    empty_postgres_tables(url)
    yield url


@pytest.fixture
def postgres_database_url(postgres_template) -> Iterator[str]:
    """A fresh migrated PostgreSQL database, for tests that only make sense on PostgreSQL."""
    with copy_of_postgres_template(*postgres_template) as url:
        yield url


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def settings_for(database_url: str, **overrides) -> Settings:
    values = {"database_url": database_url, "hedgehog_env": "test",
              "hedgehog_secret_key": secrets.token_urlsafe(32), **overrides}
    return Settings(_env_file=None, **values)


@pytest.fixture
def app(database_url) -> FastAPI:
    return create_app(settings_for(database_url))


@pytest.fixture
def client(app, session) -> Iterator[TestClient]:
    """SQLModel-docs style: the app's session dependency is the test's session."""
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield client
    app.dependency_overrides.clear()
    app.state.engine.dispose()


# --- accounts ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_password_hash() -> str:
    """Hashed once: argon2 is slow on purpose, and tests create many users."""
    return hash_password(TEST_PASSWORD)


@dataclass
class Accounts:
    """lea and leo are learners; cora coaches lea, cole coaches leo; ada is an admin."""

    app: FastAPI
    users: dict[str, User]

    def id(self, name: str) -> int:
        return self.users[name].id

    def headers(self, name: str) -> dict[str, str]:
        user = self.users[name]
        token = create_access_token(user.id, user.role.value, self.app.state.signing_key, 30)
        return {"Authorization": f"Bearer {token}"}


def add_user(session: Session, username: str, role: UserRole, password_hash: str,
             target_role: TargetRole | None = None) -> User:
    user = User(username=username, role=role, password_hash=password_hash,
                target_role=target_role or (TargetRole.product_manager if role == UserRole.learner else None))
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


@pytest.fixture
def accounts(app, session, shared_password_hash) -> Accounts:
    users = {
        "lea": add_user(session, "lea", UserRole.learner, shared_password_hash, TargetRole.product_manager),
        "leo": add_user(session, "leo", UserRole.learner, shared_password_hash, TargetRole.data_engineer),
        "cora": add_user(session, "cora", UserRole.coach, shared_password_hash),
        "cole": add_user(session, "cole", UserRole.coach, shared_password_hash),
        "ada": add_user(session, "ada", UserRole.admin, shared_password_hash),
    }
    session.add(CoachAssignment(coach_id=users["cora"].id, learner_id=users["lea"].id))
    session.add(CoachAssignment(coach_id=users["cole"].id, learner_id=users["leo"].id))
    session.commit()
    return Accounts(app=app, users=users)


def count_rows(session: Session, model) -> int:  # noqa: ANN001
    from sqlmodel import func, select

    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


__all__ = [
    "Accounts", "TEST_PASSWORD", "accounts", "add_user", "app", "client", "count_rows", "crud", "database_url",
    "engine", "postgres_database_url", "postgres_run_database", "postgres_template", "session", "sqlite_template", "shared_password_hash", "settings_for",
]
