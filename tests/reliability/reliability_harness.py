"""Live-system harness shared by tests/reliability and benchmarks/: free ports, a fresh PostgreSQL
database per run, a private PostgreSQL cluster that a test may stop and start, and `hedgehog serve`
as a real subprocess. Everything binds 127.0.0.1; every process started here is stopped by its id.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

DEFAULT_TEST_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Redis db 11 is this suite's; tests use a unique key prefix and delete only keys under it.
REDIS_URL = "redis://127.0.0.1:6379/11"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    return free_port()


def _admin_connect(url: str):
    import psycopg

    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname=parsed.database or "postgres",
        autocommit=True,
        connect_timeout=5,
    )


@contextlib.contextmanager
def fresh_postgres_database(base_url: str | None = None, prefix: str = "hedgehog_t") -> Iterator[str]:
    """CREATE DATABASE <prefix>_<random> on the server of `base_url`, yield its URL, then drop it."""
    base_url = base_url or os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _admin_connect(base_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connect(base_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_database(backend: str, folder: str | Path) -> contextlib.AbstractContextManager[str]:
    """The database URL a benchmark runs on: a SQLite file in `folder`, or a fresh PostgreSQL
    database on the server of TEST_DATABASE_URL (dropped afterwards)."""
    if backend == "sqlite":
        return contextlib.nullcontext(f"sqlite:///{Path(folder) / 'bench.db'}")
    return fresh_postgres_database(prefix="hedgehog_bench")


def _postgres_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if not candidates:
        found = shutil.which("pg_ctl")
        if not found:
            raise RuntimeError("pg_ctl not found: install PostgreSQL server binaries (apt-get install postgresql)")
        return Path(found).parent
    return candidates[0].parent


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temp folder that a test may stop and start at will.

    PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user.
    """

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="hedgehog-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        """`immediate` is the closest to a crash: connections are cut, nothing is flushed politely."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def cleanup(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class HedgehogServer:
    """`hedgehog serve` in a subprocess (its own process group) on a random loopback port."""

    def __init__(self, env: dict[str, str], *, workers: int = 1, port: int | None = None, log_dir: Path | None = None):
        self.port = port or free_port()
        self.workers = workers
        self.env = {**os.environ, **env}
        if "OPENAI_BASE_URL" not in env:  # a developer's real endpoint must not leak into a test server
            for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
                self.env.pop(name, None)
        self.log_path = Path(log_dir or tempfile.mkdtemp(prefix="hedgehog-serve-")) / f"serve-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> "HedgehogServer":
        hedgehog = shutil.which("hedgehog") or str(Path(sys.executable).parent / "hedgehog")
        command = [hedgehog, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"hedgehog serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"hedgehog serve did not become ready in {timeout:.0f}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the server's own process group (uvicorn and its workers), SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        self._log.close()

    def __enter__(self) -> "HedgehogServer":
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- data helpers ------------------------------------------------------------------------------



def prepare(url: str):
    """An engine on `url` with the schema migrated and the question bank mirrored."""
    from hedgehog.db.migrate import prepare_database
    from hedgehog.db.session import make_engine

    engine = make_engine(url)
    prepare_database(engine)
    return engine


def seed_learners(engine, count: int, signing_key: str, prefix: str = "learner") -> list[tuple[int, str]]:
    """`count` learner accounts inserted directly (one shared argon2 hash keeps this fast) and a
    signed access token for each, as the API would issue at login. Returns [(user_id, token)]."""
    from sqlmodel import Session

    from hedgehog.api.security import create_access_token, hash_password
    from hedgehog.db.models import User, UserRole

    shared_hash = hash_password("learner-password-123")
    tag = uuid.uuid4().hex[:6]
    with Session(engine) as session:
        users = [
            User(username=f"{prefix}-{tag}-{i}", role=UserRole.learner, password_hash=shared_hash) for i in range(count)
        ]
        session.add_all(users)
        session.commit()
        ids = [u.id for u in users]
    return [(user_id, create_access_token(user_id, "learner", signing_key, 60)) for user_id in ids]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored_submissions(engine) -> dict[str, dict]:
    """Every stored submission keyed by its answer, with its stage rows: what a client's 201 promised."""
    from sqlmodel import Session, select

    from hedgehog.db.models import StageScore, Submission

    with Session(engine) as session:
        submissions = session.exec(select(Submission)).all()
        stages = session.exec(select(StageScore)).all()
    by_submission: dict[int, list] = {}
    for stage in stages:
        by_submission.setdefault(stage.submission_id, []).append(stage)
    out: dict[str, dict] = {}
    for s in submissions:
        rows = sorted(by_submission.get(s.id, []), key=lambda r: r.position)
        entry = {"id": s.id, "learner_id": s.learner_id, "framework": s.framework, "overall": s.overall,
                 "flags": list(s.flags), "stages": [(r.stage_id, r.score) for r in rows], "copies": 1}
        if s.answer in out:
            out[s.answer]["copies"] += 1
        else:
            out[s.answer] = entry
    return out


def assert_complete(record: dict) -> None:
    """A stored submission has every stage of its framework, in contract order, with a valid score."""
    from hedgehog.grading.rubric import CONTRACT_STAGES

    expected = CONTRACT_STAGES[record["framework"]]
    assert [stage_id for stage_id, _ in record["stages"]] == expected, f"half-written submission {record}"
    assert all(0 <= score <= 4 for _, score in record["stages"])
