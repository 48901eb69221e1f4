"""Alembic migrations (env.py, versions/); applied by hedgehog.db.migrate."""
