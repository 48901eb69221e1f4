"""Fixtures of the live-system reliability tests: databases (SQLite file, fresh PostgreSQL
database), `hedgehog serve` processes that are always stopped, and a Redis key prefix of our own."""

import os
import secrets
import uuid

import pytest
import redis

from reliability_harness import REDIS_URL, HedgehogServer, fresh_postgres_database


def postgres_base_url() -> str:
    """TEST_DATABASE_URL; with HEDGEHOG_REQUIRE_POSTGRES (CI) a missing URL fails instead of skipping."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url and os.environ.get("HEDGEHOG_REQUIRE_POSTGRES"):
        raise RuntimeError("HEDGEHOG_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (HEDGEHOG_REQUIRE_POSTGRES makes this an error)")
    return url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'hedgehog.db'}"


@pytest.fixture
def postgres_url():
    with fresh_postgres_database(postgres_base_url()) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """The test runs once on a SQLite file and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hedgehog.db'}"
    else:
        with fresh_postgres_database(postgres_base_url()) as url:
            yield url


@pytest.fixture
def signing_key() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture
def start_server(tmp_path, signing_key):
    """start_server(database_url, workers=1, **env) -> a ready HedgehogServer, stopped after the test."""
    started: list[HedgehogServer] = []

    def start(database_url: str, *, workers: int = 1, port: int | None = None, **env: str) -> HedgehogServer:
        environment = {
            "DATABASE_URL": database_url,
            "HEDGEHOG_SECRET_KEY": signing_key,
            "HEDGEHOG_ENV": "production",
            "LLM_CACHE": "off",
            **{k.upper(): str(v) for k, v in env.items()},
        }
        server = HedgehogServer(environment, workers=workers, port=port, log_dir=tmp_path)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def redis_prefix():
    prefix = f"hedgehog-test:{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
