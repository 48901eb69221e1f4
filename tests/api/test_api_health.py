"""/healthz and /readyz; an unreachable database gives 503 with a clear message on /readyz and on
writes, and the service recovers by itself when the database is back."""

import contextlib
import socket
import threading

import pytest
from api_helpers import ANSWER
from fastapi.testclient import TestClient
from fixtures_service import TEST_PASSWORD, settings_for
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from hedgehog.api.main import create_app
from hedgehog.db import crud
from hedgehog.db.models import Submission, UserCreate
from hedgehog.db.session import make_engine


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["status"] == "ready"


def login(client: TestClient, username: str) -> dict[str, str]:
    token = client.post("/v1/auth/token", data={"username": username, "password": TEST_PASSWORD}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def assert_unavailable(reply) -> None:  # noqa: ANN001
    assert reply.status_code == 503, reply.text
    assert reply.json()["code"] == "database_unavailable"
    assert "database is unavailable" in reply.json()["detail"]
    assert "Traceback" not in reply.text


def test_sqlite_missing_then_created(tmp_path):
    """The database folder does not exist at start: the API starts, says 503, then recovers."""
    folder = tmp_path / "later"
    app = create_app(settings_for(f"sqlite:///{folder / 'hedgehog.db'}"))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert_unavailable(client.get("/readyz"))
        assert_unavailable(client.post("/v1/auth/token", data={"username": "lea", "password": TEST_PASSWORD}))
        assert_unavailable(client.post("/v1/submissions", json={"question_id": "Q742", "answer": ANSWER},
                                       headers={"Authorization": "Bearer whatever"}))
        assert client.post("/v1/grade", json={"question_id": "Q742", "answer": ANSWER}).status_code == 200

        folder.mkdir()
        assert client.get("/readyz").status_code == 200  # migrations run on first use
        with Session(app.state.engine) as session:
            crud.create_user(session, UserCreate(username="lea", password=TEST_PASSWORD))
        reply = client.post("/v1/submissions", json={"question_id": "Q742", "answer": ANSWER}, headers=login(client, "lea"))
        assert reply.status_code == 201


class TcpProxy:
    """A loopback TCP forwarder we can cut and restore: the database 'goes away' for the app
    exactly as a crashed or partitioned server would (connections reset, new ones refused)."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._listener:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close alone may not
            self._listener.close()
            self._listener = None
        with self._lock:
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._sockets.clear()


@pytest.mark.postgres
def test_postgres_outage_and_recovery(postgres_database_url):
    database_url = postgres_database_url
    real = make_url(database_url)
    proxy = TcpProxy((real.host or "127.0.0.1", real.port or 5432))
    proxy.start()
    through_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(settings_for(through_proxy))
    direct = make_engine(database_url)
    try:
        with TestClient(app) as client:
            with Session(app.state.engine) as session:
                crud.create_user(session, UserCreate(username="lea", password=TEST_PASSWORD))
            headers = login(client, "lea")
            body = {"question_id": "Q742", "answer": ANSWER}
            assert client.post("/v1/submissions", json=body, headers=headers).status_code == 201

            proxy.stop()
            assert_unavailable(client.get("/readyz"))
            assert_unavailable(client.post("/v1/submissions", json=body, headers=headers))
            assert_unavailable(client.get("/v1/me", headers=headers))
            assert client.get("/healthz").status_code == 200  # the process itself is fine

            proxy.start()
            assert client.get("/readyz").status_code == 200
            assert client.post("/v1/submissions", json=body, headers=headers).status_code == 201
        with Session(direct) as session:
            assert session.exec(select(func.count()).select_from(Submission)).one() == 2
    finally:
        proxy.stop()
        direct.dispose()
