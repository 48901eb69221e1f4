"""`live_api`: a real `hedgehog serve --demo` on a free loopback port with a temp SQLite database.

Reusable by any test folder: `from fixtures_live import live_api  # noqa: F401` in its conftest.py.
The fixture returns a `LiveAPI` with `.url`, `.learner` and `.coach` (`.username`, `.password`),
the demo accounts whose generated passwords the server printed once at start.
"""

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

DEMO_LINE = re.compile(r"demo account created: (\S+) / (\S+)")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


@dataclass(frozen=True)
class LiveAPI:
    url: str
    learner: Credentials
    coach: Credentials
    database_url: str
    log_path: Path

    def token(self, who: Credentials) -> str:
        reply = httpx.post(f"{self.url}/v1/auth/token", data={"username": who.username, "password": who.password})
        reply.raise_for_status()
        return reply.json()["access_token"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # its own process group: uvicorn and any workers
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


@contextlib.contextmanager
def start_live_api(folder: Path, timeout: float = 60.0) -> Iterator[LiveAPI]:
    port = free_port()
    database_url = f"sqlite:///{folder / 'live.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(DATABASE_URL=database_url, HEDGEHOG_SECRET_KEY=secrets.token_urlsafe(32), PYTHONUNBUFFERED="1")
    log_path = folder / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "hedgehog.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--demo"],
            env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"hedgehog serve exited ({process.returncode}):\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"hedgehog serve not ready after {timeout:.0f}s:\n{log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200:
                    break
            time.sleep(0.2)
        created = dict(DEMO_LINE.findall(log_path.read_text()))
        yield LiveAPI(
            url=url,
            learner=Credentials("demo-learner", created["demo-learner"]),
            coach=Credentials("demo-coach", created["demo-coach"]),
            database_url=database_url,
            log_path=log_path,
        )
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def live_api(tmp_path_factory) -> Iterator[LiveAPI]:
    with start_live_api(tmp_path_factory.mktemp("live-api")) as api:
        yield api
