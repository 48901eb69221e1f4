"""A small OpenAI-compatible HTTP server for tests: scripted `/v1/chat/completions` replies over
real sockets on 127.0.0.1, so the real `openai` client is exercised end to end.

Reuse from any test directory (``tests/`` is on ``sys.path`` through ``tests/conftest.py``)::

    from llm.fake_openai import FakeOpenAI, completion, error, grade_reply, stage

    with FakeOpenAI() as server:                      # or the `fake_openai` fixture below
        server.script(error(429, headers={"Retry-After": "1"}), grade_reply([stage("current_load", 3, ["2k RPS"])]))
        settings = Settings(openai_base_url=server.base_url, openai_api_key="test", ...)
        ...
        assert server.request_count == 2
        server.requests[0].body["messages"]        # what the client sent

API:
- `FakeOpenAI.script(*replies)` queues replies, served in order, one per request.
- `FakeOpenAI.default` answers once the queue is empty (a `Reply` or a callable); None gives 500.
- A reply may be a callable `(RecordedRequest) -> Reply`, to answer from what was sent.
- `requests`, `request_count` and `max_in_flight` let a test check what reached the server.
- `completion(content, ...)`, `error(status, ...)` and `grade_reply(stages, ...)` build replies;
  `stage(...)` builds one stage of Hedgehog's verdict schema (hedgehog.llm.schema.GradeVerdict).
A `delay` on a reply makes the server wait before answering (timeouts, concurrency).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Union

import pytest


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict -> JSON; str -> sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float

    @property
    def response_format_type(self) -> str | None:
        fmt = (self.body or {}).get("response_format") or {}
        return fmt.get("type")

    def message_text(self) -> str:
        """Every message's content joined: what the model would have read."""
        return "\n".join(str(m.get("content") or "") for m in (self.body or {}).get("messages", []))


ReplySource = Union[Reply, Callable[[RecordedRequest], Reply]]


def completion(
    content: str | None = None,
    *,
    refusal: str | None = None,
    finish_reason: str = "stop",
    prompt_tokens: int = 1200,
    cached_tokens: int = 0,
    completion_tokens: int = 300,
    model: str = "fake-model",
    delay: float = 0.0,
    headers: dict[str, str] | None = None,
) -> Reply:
    """A chat completion carrying `content` (or a refusal)."""
    body = {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        },
    }
    return Reply(200, body, {"x-request-id": "req_fake", **(headers or {})}, delay)


def error(status: int, message: str = "scripted error", *, headers: dict[str, str] | None = None, delay: float = 0.0) -> Reply:
    """An OpenAI-style error body with the given HTTP status."""
    body = {"error": {"message": message, "type": "scripted", "param": None, "code": None}}
    return Reply(status, body, dict(headers or {}), delay)


def stage(
    stage_id: str,
    score: int,
    evidence: list[str] | tuple[str, ...] = (),
    *,
    critique: str = "Scripted critique.",
    missing: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """One stage of the verdict schema."""
    return {
        "stage_id": stage_id,
        "evidence": list(evidence),
        "missing": list(missing),
        "critique": critique,
        "score": score,
    }


def verdict_json(stages: list[dict[str, Any]], *, injection_detected: bool = False, summary: str = "Scripted summary.") -> str:
    return json.dumps({"stages": stages, "injection_detected": injection_detected, "summary": summary})


def grade_reply(stages: list[dict[str, Any]], *, injection_detected: bool = False, summary: str = "Scripted summary.", **kwargs: Any) -> Reply:
    """A completion whose content is a verdict for the given stages."""
    return completion(verdict_json(stages, injection_detected=injection_detected, summary=summary), **kwargs)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        request = RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
        reply = fake._next_reply(request)
        try:
            if reply.delay and fake._stopping.wait(reply.delay):
                self.close_connection = True
                return
            payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
            data = payload.encode("utf-8")
            self.send_response(reply.status)
            if not any(name.lower() == "content-type" for name in reply.headers):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout test); nothing to answer
        finally:
            fake._finished()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of 32 concurrent connects must not be reset by a backlog of 5
    fake: "FakeOpenAI"


class FakeOpenAI:
    """Scripted OpenAI-compatible server on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[ReplySource] = deque()
        self._stopping = threading.Event()
        self._in_flight = 0
        self.default: ReplySource | None = None
        self.requests: list[RecordedRequest] = []
        self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def script(self, *replies: ReplySource) -> "FakeOpenAI":
        with self._lock:
            self._queue.extend(replies)
        return self

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            if not request.path.rstrip("/").endswith("/chat/completions"):
                return error(404, f"the fake serves /v1/chat/completions only, not {request.path}")
            source = self._queue.popleft() if self._queue else self.default
        if source is None:
            return error(500, "no scripted reply left")
        return source(request) if callable(source) else source

    def _finished(self) -> None:
        with self._lock:
            self._in_flight -= 1


@pytest.fixture
def fake_openai():
    """A started FakeOpenAI, stopped after the test."""
    with FakeOpenAI() as server:
        yield server
