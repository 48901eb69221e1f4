"""The API client turns every failure into an ApiError with a readable message. A tiny real HTTP
server on a random port answers with the statuses the Hedgehog API uses."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


from api_client import ApiError, HedgehogClient, describe_detail

# path -> (status, headers, body) the fake upstream answers with
RESPONSES = {
    "/v1/me": (401, {}, {"detail": "Could not validate credentials"}),
    "/v1/submissions/7": (404, {}, {"detail": "submission 7 not found", "code": "not_found"}),
    "/v1/learners/2/progress": (403, {}, {"detail": "not your learner"}),
    "/v1/submissions": (422, {}, {"detail": [{"loc": ["body", "answer"], "msg": "String should have at least 1 character", "type": "string_too_short"}]}),
    "/v1/grade": (429, {"Retry-After": "17"}, {"detail": "rate limit exceeded", "code": "rate_limited"}),
    "/v1/classify": (503, {}, {"detail": "database unavailable"}),
    "/v1/questions": (500, {}, "Internal Server Error"),
    "/v1/rubrics": (200, {}, "not json at all"),
}


SEEN_AUTHORIZATION: list[str | None] = []


class Handler(BaseHTTPRequestHandler):
    def _answer(self):
        SEEN_AUTHORIZATION.append(self.headers.get("Authorization"))
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(2)
        status, headers, body = RESPONSES.get(path, (200, {}, {"ok": True}))
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if isinstance(body, str) else "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def error_of(call) -> ApiError:
    with pytest.raises(ApiError) as info:
        call()
    return info.value


def test_401_asks_to_sign_in_again(upstream):
    err = error_of(HedgehogClient(upstream, "expired").me)
    assert (err.kind, err.status) == ("unauthorized", 401)
    assert "sign in again" in str(err).lower() and "Could not validate credentials" in str(err)


def test_403_and_404_are_named(upstream):
    client = HedgehogClient(upstream, "t")
    assert error_of(lambda: client.progress(2)).kind == "forbidden"
    err = error_of(lambda: client.submission(7))
    assert err.kind == "not_found" and "submission 7 not found" in str(err)


def test_422_names_the_field(upstream):
    err = error_of(lambda: HedgehogClient(upstream, "t").submit(" ", question_id="Q742"))
    assert err.kind == "invalid" and "answer: String should have at least 1 character" in str(err)


def test_429_says_when_to_retry(upstream):
    err = error_of(lambda: HedgehogClient(upstream).grade("x", question_id="Q742"))
    assert err.kind == "rate_limited" and "17 seconds" in str(err)


def test_503_and_500_are_readable(upstream):
    client = HedgehogClient(upstream)
    assert "temporarily unavailable: database unavailable" in str(error_of(lambda: client.classify("q")))
    err = error_of(client.questions)
    assert err.kind == "server" and "HTTP 500" in str(err) and "Traceback" not in str(err)


def test_a_non_json_body_is_a_readable_error(upstream):
    assert error_of(HedgehogClient(upstream).rubrics).kind == "bad_response"


def test_timeout(upstream, monkeypatch):
    import api_client

    monkeypatch.setattr(api_client, "READ_TIMEOUT_SECONDS", 0.3)
    client = HedgehogClient(upstream)
    err = error_of(lambda: client._json("GET", "/slow", timeout=api_client.READ_TIMEOUT_SECONDS))
    assert err.kind == "timeout" and "did not answer" in str(err)


def test_unreachable_api():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    err = error_of(HedgehogClient(f"http://127.0.0.1:{closed_port}").me)
    assert err.kind == "unreachable" and f"127.0.0.1:{closed_port}" in str(err)


def test_bearer_token_is_sent(upstream):
    assert HedgehogClient(upstream, "abc").health() == {"ok": True}
    assert SEEN_AUTHORIZATION[-1] == "Bearer abc"
    HedgehogClient(upstream).health()
    assert SEEN_AUTHORIZATION[-1] is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"detail": "plain"}, "plain"),
        ({"detail": [{"loc": ["query", "limit"], "msg": "too big"}]}, "limit: too big"),
        ({"error": {"message": "nested"}}, "nested"),
        (None, ""),
    ],
)
def test_describe_detail(body, expected):
    assert describe_detail(body) == expected
