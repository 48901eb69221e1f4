"""Fixtures: `engine` and `session` over SQLite and PostgreSQL (see tests/fixtures_service.py)."""

from fixtures_service import database_url, engine, postgres_template, session, sqlite_template  # noqa: F401
