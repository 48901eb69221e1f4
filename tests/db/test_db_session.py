"""make_engine sizes the connection pool from the settings on both backends."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from hedgehog.config import Settings
from hedgehog.db.session import make_engine


def test_pool_follows_the_settings(database_url):
    settings = Settings(database_url=database_url, db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=0.2)
    engine = make_engine(database_url, pool=settings.db_pool_options)
    try:
        assert engine.pool.size() == 1 and engine.pool.timeout() == 0.2
        with engine.connect() as held:
            assert held.execute(text("select 1")).scalar() == 1
            # The only connection is out and no overflow is allowed: the next checkout times out.
            with pytest.raises(PoolTimeoutError):
                engine.connect()
        with engine.connect() as again:  # returned to the pool, usable again
            assert again.execute(text("select 2")).scalar() == 2
    finally:
        engine.dispose()


def test_in_memory_sqlite_ignores_pool_sizes():
    engine = make_engine("sqlite://", pool=Settings(db_pool_size=3).db_pool_options)
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("field", ["worker_threads", "db_pool_size", "db_pool_timeout_seconds"])
def test_sizes_must_be_positive(field):
    with pytest.raises(ValueError, match=field):
        Settings(**{field: 0})
