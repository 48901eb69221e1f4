"""Persistence: SQLModel tables (models), engine (session), Alembic migrations (migrate), queries (crud)."""
