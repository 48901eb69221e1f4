"""History reads use the (learner_id, created_at, id) index: the keyset page query never scans
or sorts the whole table, so page N costs what page 1 costs. (Timings: tests/db/bench_history.py.)"""

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlmodel import col, select

from hedgehog.db import crud
from hedgehog.db.models import Submission


def keyset_sql(engine) -> tuple[str, dict]:
    cursor = crud.encode_cursor(datetime.now(timezone.utc), 10)
    created_at, sid = crud.decode_cursor(cursor)
    stamp = sa.bindparam("c", created_at, type_=Submission.__table__.c.created_at.type)
    query = (
        select(Submission)
        .where(Submission.learner_id == 1, sa.tuple_(col(Submission.created_at), col(Submission.id)) < sa.tuple_(stamp, sid))
        .order_by(col(Submission.created_at).desc(), col(Submission.id).desc())
        .limit(21)
    )
    compiled = query.compile(engine, compile_kwargs={"literal_binds": False})
    return str(compiled), compiled.params


def test_keyset_page_uses_the_history_index(engine):
    sql, params = keyset_sql(engine)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SET enable_seqscan = off"))  # an empty table would otherwise be seq-scanned
            plan = "\n".join(connection.exec_driver_sql("EXPLAIN " + sql, params).scalars())
            assert "ix_submission_learner_created" in plan
            assert "Sort" not in plan
        else:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(params.values())).all()
            plan = "\n".join(str(r[-1]) for r in rows)
            assert "ix_submission_learner_created" in plan
            assert "TEMP B-TREE" not in plan  # no sort step
