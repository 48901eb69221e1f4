"""Fixtures: `engine` and `session` over SQLite and PostgreSQL (see tests/fixtures_service.py)."""

from fixtures_service import (  # noqa: F401
    database_url,
    engine,
    postgres_run_database,
    postgres_template,
    session,
    sqlite_template,
)
