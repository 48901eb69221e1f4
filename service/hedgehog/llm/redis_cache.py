"""A Redis backend of the LLM result cache (`hedgehog.llm.cache.CacheBackend`), so every
`hedgehog serve` process behind a load balancer answers a repeated grading request from one
shared cache instead of paying the model again.

Each entry is one Redis string under `<prefix>:<cache key>` holding the entry as JSON, with an
expiry (a grade cached under an old model or prompt is never asked for again; the TTL lets Redis
reclaim it). Redis errors become `CacheUnavailableError`, and the grader then carries on without
the cache; short socket timeouts keep a dead Redis from stalling a grade.
"""

import dataclasses
import json
import logging
from functools import lru_cache

import redis

from hedgehog.config import Settings
from hedgehog.llm.cache import CacheEntry, CacheUnavailableError

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "hedgehog:llm-cache"
DEFAULT_TTL_SECONDS = 30 * 24 * 3600
SOCKET_TIMEOUT_SECONDS = 0.5
_FIELDS = tuple(f.name for f in dataclasses.fields(CacheEntry))


@lru_cache(maxsize=8)
def _shared_client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(
        redis_url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=SOCKET_TIMEOUT_SECONDS
    )


class RedisCache:
    """CacheBackend on Redis: `get(key)` and `set(entry)`, shared by every process using the same prefix."""

    def __init__(
        self,
        redis_url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        ttl_seconds: int | None = DEFAULT_TTL_SECONDS,
        client: redis.Redis | None = None,
    ) -> None:
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self._redis = client or _shared_client(redis_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> "RedisCache":
        """The cache of `llm_cache=redis`. The API builds a grader per request, so the Redis client
        (and its connection pool) is shared per URL instead of opened per grade."""
        if not settings.redis_url:
            raise CacheUnavailableError("the Redis LLM cache needs REDIS_URL")
        return cls(
            settings.redis_url,
            prefix=settings.llm_cache_key_prefix,
            ttl_seconds=settings.llm_cache_ttl_seconds or None,
            client=_shared_client(settings.redis_url),
        )

    def _redis_key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def get(self, key: str) -> CacheEntry | None:
        try:
            raw = self._redis.get(self._redis_key(key))
        except redis.RedisError as e:
            raise CacheUnavailableError(f"LLM cache read failed: {e.__class__.__name__}") from e
        if raw is None:
            return None
        try:
            values = json.loads(raw)
            return CacheEntry(**{name: values[name] for name in _FIELDS})
        except (ValueError, KeyError, TypeError) as e:
            # A malformed entry is a miss; the fresh grade overwrites it.
            log.warning("LLM cache entry %s is unreadable, ignoring it: %s", key, e)
            return None

    def set(self, entry: CacheEntry) -> None:
        value = json.dumps(dataclasses.asdict(entry), ensure_ascii=False)
        try:
            self._redis.set(self._redis_key(entry.key), value, ex=self.ttl_seconds)
        except redis.RedisError as e:
            raise CacheUnavailableError(f"LLM cache write failed: {e.__class__.__name__}") from e

