"""The Alembic migration builds exactly the schema the models describe, on SQLite and PostgreSQL,
and leaves an `llm_cache` table made earlier by the CLI alone."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from hedgehog.db.migrate import prepare_database
from hedgehog.db.session import make_engine

LLM_CACHE_COLUMNS = {"key", "model", "rubric_version", "prompt_version", "document_json", "usage_json", "created_at"}


def test_migrated_schema_matches_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, SQLModel.metadata) if "llm_cache" not in repr(d)]
    assert diff == []


def test_tables_indexes_and_llm_cache_exist(engine):
    inspector = sa.inspect(engine)
    assert {"user", "coach_assignment", "question", "submission", "stage_score", "review", "stage_override",
            "audit_event", "llm_cache", "alembic_version"} <= set(inspector.get_table_names())
    assert {c["name"] for c in inspector.get_columns("llm_cache")} == LLM_CACHE_COLUMNS
    assert inspector.get_pk_constraint("llm_cache")["constrained_columns"] == ["key"]
    history_index = next(i for i in inspector.get_indexes("submission") if i["name"] == "ix_submission_learner_created")
    assert history_index["column_names"] == ["learner_id", "created_at", "id"]


def test_question_bank_is_mirrored(engine):
    with engine.connect() as connection:
        ids = set(connection.execute(sa.text("SELECT id FROM question")).scalars())
    assert {"Q110", "Q473", "Q179", "Q742", "Q745", "Q748"} <= ids


def test_migration_is_idempotent_and_reversible(engine):
    prepare_database(engine)  # second run: nothing to do
    from alembic import command

    from hedgehog.db.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert "submission" not in sa.inspect(engine).get_table_names()
    assert "llm_cache" in sa.inspect(engine).get_table_names()  # belongs to the LLM helper: kept
    prepare_database(engine)
    assert "submission" in sa.inspect(engine).get_table_names()


def test_existing_llm_cache_is_left_alone(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'cli-first.db'}")
    with engine.begin() as connection:  # what the CLI's cache makes before the service ever ran
        connection.execute(sa.text(
            "CREATE TABLE llm_cache (key VARCHAR(64) PRIMARY KEY, model VARCHAR, rubric_version VARCHAR, "
            "prompt_version VARCHAR, document_json TEXT, usage_json TEXT, created_at TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO llm_cache (key, model) VALUES ('k1', 'm')"))
    prepare_database(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT model FROM llm_cache WHERE key = 'k1'")).scalar() == "m"
    engine.dispose()


@pytest.mark.parametrize("pragma, expected", [("journal_mode", "wal"), ("foreign_keys", 1), ("busy_timeout", 5000)])
def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path, pragma, expected):
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected
    engine.dispose()
