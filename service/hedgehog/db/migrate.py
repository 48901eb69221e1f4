"""Apply the Alembic migrations programmatically (on `hedgehog serve`, on app start, in tests)
and mirror the question bank into the `question` table."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hedgehog.db.models import Question
from hedgehog.grading.questions import load_bank

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def sync_questions(engine: Engine) -> int:
    """Upsert every bank question; rows of questions that left the bank stay (history points at them)."""
    bank = load_bank()
    with Session(engine) as session:
        for q in bank.values():
            row = session.get(Question, q.id) or Question(id=q.id, text=q.text, framework=q.framework)
            row.text, row.framework = q.text, q.framework
            row.frameworks = ",".join(q.frameworks or [q.framework])
            row.angle = q.angle
            session.add(row)
        session.commit()
    return len(bank)


def prepare_database(engine: Engine) -> None:
    upgrade(engine)
    sync_questions(engine)
