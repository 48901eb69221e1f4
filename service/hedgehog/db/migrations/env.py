"""Alembic environment. Run programmatically by `hedgehog.db.migrate.upgrade(engine)`, the
connection coming in through `config.attributes["connection"]`. For a developer writing a new
revision: `alembic -c service/hedgehog/db/alembic.ini revision --autogenerate -m "..."`
(against DATABASE_URL)."""

from alembic import context
from sqlmodel import SQLModel

from hedgehog.db import models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from hedgehog.db.session import make_engine

        from hedgehog.config import get_settings

        engine = make_engine(config.get_main_option("sqlalchemy.url") or get_settings().database_url)
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run them against a database")
run_migrations_online()
