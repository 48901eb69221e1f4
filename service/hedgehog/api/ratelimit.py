"""Per-user rate limit for the grading endpoints, as pure ASGI middleware.

A fixed window per user: the first request opens a window of `window_seconds`, and at most
`limit` requests are served in it; the rest get 429 with Retry-After (the seconds until the
window closes) and a JSON body. The user is the signed access token's subject (checked with the
API's own key, `app.state.signing_key`), else the client IP. Counters live in process memory, or
in Redis when `settings.redis_url` is set, so several `hedgehog serve` processes (and uvicorn
workers) share one budget per user. With in-memory counters each worker process keeps its own,
so `--workers 2` without Redis allows up to twice the limit.

If Redis cannot be reached the request is served (fail open) and a warning is logged: losing the
limiter must not take grading down with it.
"""

import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from hedgehog.api.security import decode_access_token
from hedgehog.config import Settings

logger = logging.getLogger(__name__)

REDIS_POOL_SIZE = 32
REDIS_TIMEOUT_SECONDS = 2.0
# (method, path) pairs that cost a grade; everything else is not limited here.
GRADING_ENDPOINTS: frozenset[tuple[str, str]] = frozenset({("POST", "/v1/grade"), ("POST", "/v1/submissions")})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int


class RateLimitBackend(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: float) -> Decision: ...

    async def close(self) -> None: ...


class MemoryBackend:
    """Counters in this process only (one server process, or tests)."""

    _SWEEP_AT = 10_000  # forget closed windows once this many keys are held

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, limit: int, window_seconds: float) -> Decision:
        now = self._clock()
        opened, count = self._windows.get(key, (now, 0))
        if now - opened >= window_seconds:
            opened, count = now, 0
        count += 1
        self._windows[key] = (opened, count)
        if len(self._windows) > self._SWEEP_AT:
            self._sweep(now, window_seconds)
        retry_after = max(1, math.ceil(opened + window_seconds - now))
        return Decision(count <= limit, limit, max(0, limit - count), retry_after)

    def _sweep(self, now: float, window_seconds: float) -> None:
        self._windows = {k: v for k, v in self._windows.items() if now - v[0] < window_seconds}

    async def close(self) -> None:
        self._windows.clear()


# INCR and the expiry in one atomic step: a crash between them can never leave a key that never expires.
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
"""


class RedisBackend:
    """Counters shared by every process that points at the same Redis and key prefix."""

    def __init__(self, redis_url: str, key_prefix: str) -> None:
        import redis.asyncio as redis_asyncio  # only servers with REDIS_URL pay for the import

        # A bounded pool: under a burst, requests wait briefly for one of a few warm connections
        # instead of each opening its own (hundreds of simultaneous connects time out and fail open).
        pool = redis_asyncio.BlockingConnectionPool.from_url(
            redis_url,
            max_connections=REDIS_POOL_SIZE,
            timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._redis = redis_asyncio.Redis(connection_pool=pool)
        self._script = self._redis.register_script(_HIT_SCRIPT)
        self.key_prefix = key_prefix

    async def hit(self, key: str, limit: int, window_seconds: float) -> Decision:
        count, ttl_ms = await self._script(keys=[f"{self.key_prefix}:{key}"], args=[int(window_seconds * 1000)])
        count, ttl_ms = int(count), int(ttl_ms)
        return Decision(count <= limit, limit, max(0, limit - count), max(1, math.ceil(ttl_ms / 1000)))

    async def close(self) -> None:
        await self._redis.aclose()


def make_backend(settings: Settings) -> RateLimitBackend:
    if settings.redis_url:
        return RedisBackend(settings.redis_url, settings.rate_limit_key_prefix)
    return MemoryBackend()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def client_identity(scope: Scope, signing_key: str | None) -> str:
    """`user:<id>` for a valid signed access token, else `ip:<client address>`.

    The signature is checked: an unverified subject would let one client spread its requests
    over invented users. An invalid token is limited by IP (the endpoint then answers 401).
    """
    authorization = _header(scope, b"authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip() and signing_key:
        user_id = decode_access_token(token.strip(), signing_key)
        if user_id is not None:
            return f"user:{user_id}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def app_signing_key(scope: Scope) -> str | None:
    """The key the application signs tokens with (set on app.state by the API's lifespan)."""
    app = scope.get("app")
    return getattr(getattr(app, "state", None), "signing_key", None)


class RateLimitMiddleware:
    """429 + Retry-After once a user has used up `limit` grading requests in the window."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        window_seconds: float = 60.0,
        backend: RateLimitBackend | None = None,
        signing_key: str | Callable[[Scope], str | None] = app_signing_key,
        endpoints: Iterable[tuple[str, str]] = GRADING_ENDPOINTS,
    ) -> None:
        self.app = app
        self.limit = limit
        self.window_seconds = window_seconds
        self.backend = backend or MemoryBackend()
        self.signing_key = signing_key
        self.endpoints = frozenset((method.upper(), path.rstrip("/")) for method, path in endpoints)

    def _is_limited(self, scope: Scope) -> bool:
        return (scope["method"], scope["path"].rstrip("/")) in self.endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit <= 0 or not self._is_limited(scope):
            await self.app(scope, receive, send)
            return
        key = self.signing_key(scope) if callable(self.signing_key) else self.signing_key
        identity = client_identity(scope, key)
        try:
            decision = await self.backend.hit(identity, self.limit, self.window_seconds)
        except Exception as e:  # noqa: BLE001 - any backend failure means "serve, and say so in the log"
            logger.warning("rate limiter unavailable, serving without a limit: %s", e)
            await self.app(scope, receive, send)
            return
        if not decision.allowed:
            await self._reject(decision, send)
            return
        await self.app(scope, receive, self._with_headers(send, decision))

    @staticmethod
    def _with_headers(send: Send, decision: Decision) -> Send:
        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-ratelimit-limit", str(decision.limit).encode()))
                headers.append((b"x-ratelimit-remaining", str(decision.remaining).encode()))
                message = {**message, "headers": headers}
            await send(message)

        return send_with_headers

    async def _reject(self, decision: Decision, send: Send) -> None:
        body = json.dumps(
            {
                "detail": (
                    f"too many grading requests: the limit is {decision.limit} per "
                    f"{self.window_seconds:g} seconds; try again in {decision.retry_after_seconds} seconds"
                ),
                "code": "rate_limited",
                "retry_after": decision.retry_after_seconds,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(decision.retry_after_seconds).encode()),
                    (b"x-ratelimit-limit", str(decision.limit).encode()),
                    (b"x-ratelimit-remaining", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
