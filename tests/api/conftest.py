"""Fixtures: `session` and `client` over SQLite and PostgreSQL, `accounts` with tokens; `live_api`."""

from fixtures_live import live_api  # noqa: F401
from fixtures_service import (  # noqa: F401
    accounts,
    app,
    client,
    database_url,
    engine,
    postgres_database_url,
    postgres_run_database,
    postgres_template,
    session,
    sqlite_template,
    shared_password_hash,
)
