"""Engine and session: SQLite (WAL, busy timeout) by default, PostgreSQL through psycopg."""

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

SQLITE_BUSY_TIMEOUT_MS = 5_000
PG_CONNECT_TIMEOUT_S = 3


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, echo: bool = False, pool: dict | None = None) -> Engine:
    """One engine per process (or per test database). `pool`: pool_size, max_overflow, pool_timeout."""
    pool = pool or {}
    if is_sqlite(url):
        if make_url(url).database in (None, "", ":memory:"):
            pool = {}  # an in-memory database is one connection (SingletonThreadPool); it has no pool to size
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_pre_ping=True,
            **pool,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            # WAL lets readers proceed while one writer commits; busy_timeout waits instead of failing.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,  # a restarted database is noticed on checkout, not by a failed request
        pool_recycle=1800,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        **pool,
    )
