"""Request body size limit as pure ASGI middleware, and the one call that installs the
reliability middleware (rate limit, body size) on the API.

The body is read here, up to the limit, before the application sees it: a declared
Content-Length over the limit is refused at once without reading, and a chunked body without
Content-Length is refused as soon as it grows past the limit. Either way the client gets 413 with
a JSON body and the endpoint never runs, so nothing is half-stored. The API's bodies are small
JSON documents, so holding up to `max_body_bytes` in memory costs no more than parsing them.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hedgehog.config import Settings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def send_json_error(send: Send, status: int, code: str, detail: str, headers: list | None = None) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _too_large_detail(max_bytes: int) -> str:
    return f"the request body is larger than the limit of {max_bytes:,} bytes"


class BodySizeLimitMiddleware:
    """413 for request bodies over `max_bytes`, with or without a Content-Length header."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return

        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None:
            try:
                declared_length = int(declared)
            except ValueError:
                await send_json_error(send, 400, "invalid_content_length", "the Content-Length header is not a number")
                return
            if declared_length > self.max_bytes:
                await send_json_error(send, 413, "payload_too_large", _too_large_detail(self.max_bytes))
                return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away; there is nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await send_json_error(send, 413, "payload_too_large", _too_large_detail(self.max_bytes))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break

        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the buffered body to the app once, then pass through (e.g. to hear a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def install_reliability_middleware(app, settings: Settings) -> None:
    """Rate limit outermost (a limited client is refused before its body is read), then body size."""
    from hedgehog.api.ratelimit import RateLimitMiddleware, make_backend

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RateLimitMiddleware,
        limit=settings.grade_rate_per_minute,
        window_seconds=settings.rate_limit_window_seconds,
        backend=make_backend(settings),
    )
