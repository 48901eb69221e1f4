"""Benchmark (prints figures; not a test): keyset pages of a learner's history at 100k rows.

    python tests/db/bench_history.py [DATABASE_URL]     (default: a temp SQLite file)

Seeds 100,000 submissions (4 stage rows each) for one learner among others, then times the first
page, a page 50,000 rows deep, and the last page through `crud.list_submissions`.
"""

import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlmodel import Session

from hedgehog.db import crud
from hedgehog.db.migrate import prepare_database
from hedgehog.db.models import StageScore, Submission, User, UserRole
from hedgehog.db.session import make_engine

ROWS = 100_000


def seed(engine) -> int:  # noqa: ANN001
    with Session(engine) as session:
        learner = User(username=f"bench-{time.time_ns()}", role=UserRole.learner, password_hash="x")
        other = User(username=f"bench-other-{time.time_ns()}", role=UserRole.learner, password_hash="x")
        session.add_all([learner, other])
        session.commit()
        learner_id, other_id = learner.id, other.id
    start = datetime.now(timezone.utc) - timedelta(days=365)
    base = {"question_text": "q", "framework": "scale", "grader": "deterministic", "rubric_version": "scale@1",
            "overall": 50, "answer": "a", "attempt_number": 1, "summary": "", "flags": [], "extra": {},
            "question_id": "Q473"}
    batch = 5_000
    with engine.begin() as connection:
        for offset in range(0, ROWS, batch):
            rows = [{**base, "learner_id": learner_id if i % 4 else other_id,
                     "created_at": start + timedelta(seconds=i)} for i in range(offset, offset + batch)]
            connection.execute(Submission.__table__.insert(), rows)
        ids = [r[0] for r in connection.exec_driver_sql("SELECT id FROM submission").all()]
        for offset in range(0, len(ids), batch):
            stage_rows = [{"submission_id": sid, "position": p, "stage_id": f"s{p}", "name": "n", "score": 2,
                           "max_score": 4, "label": "", "evidence": [], "critique": "", "missing": []}
                          for sid in ids[offset:offset + batch] for p in range(4)]
            connection.execute(StageScore.__table__.insert(), stage_rows)
    return learner_id


def timed_page(engine, learner_id: int, cursor: str | None) -> tuple[float, str | None]:  # noqa: ANN001
    with Session(engine) as session:
        t0 = time.perf_counter()
        _, next_cursor = crud.list_submissions(session, learner_id, cursor=cursor, limit=20)
        return (time.perf_counter() - t0) * 1000, next_cursor


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    prepare_database(engine)
    t0 = time.perf_counter()
    learner_id = seed(engine)
    print(f"seeded {ROWS:,} submissions ({ROWS * 4:,} stage rows) in {time.perf_counter() - t0:.1f}s on {engine.dialect.name}")
    first_ms, cursor = timed_page(engine, learner_id, None)
    print(f"first page: {first_ms:.2f} ms")
    pages, deep_ms = 1, 0.0
    while cursor and pages < 2_500:  # ~50k rows deep
        deep_ms, cursor = timed_page(engine, learner_id, cursor)
        pages += 1
    print(f"page {pages} (~{pages * 20:,} rows deep): {deep_ms:.2f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
