"""Cache of LLM grades: an identical request (same model, rubric version, prompt version and
content, sampling settings, question and answer) is answered from here without any call.

A backend is anything with the two methods of `CacheBackend`; a backend that cannot reach its
store raises `CacheUnavailableError` and the grader carries on without the cache. Backends here:
`MemoryCache` (per process) and `SqlCache` (the `llm_cache` table, SQLite or PostgreSQL).
`cache_from_settings` picks one from `settings.llm_cache` ("database", "redis", "memory" or "off";
the Redis backend, `hedgehog.llm.redis_cache.RedisCache`, uses `settings.redis_url`).

This module does not import openai, so the service's models and migrations can import the table.
"""

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Protocol

from sqlalchemy import TIMESTAMP, Column, Text, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, create_engine

from hedgehog.config import Settings
from hedgehog.grading.errors import HedgehogError

CACHE_TABLE = "llm_cache"


class CacheUnavailableError(HedgehogError):
    """The cache store cannot be read or written; grading goes on without it."""


@dataclass(frozen=True)
class CacheEntry:
    key: str
    model: str
    rubric_version: str
    prompt_version: str
    document_json: str  # the GradeDocument as JSON
    usage_json: str  # the Usage the original grade spent, as JSON


class CacheBackend(Protocol):
    """The whole interface a cache backend implements (a Redis one only needs these two)."""

    def get(self, key: str) -> CacheEntry | None:
        """The entry stored under `key`, or None. Raises CacheUnavailableError."""
        ...

    def set(self, entry: CacheEntry) -> None:
        """Store `entry` under `entry.key`, replacing any entry there. Raises CacheUnavailableError."""
        ...


def cache_key(**parts: object) -> str:
    """sha256 over the canonical JSON of everything that can change a grade."""
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class MemoryCache:
    """Per-process LRU cache (tests, a single CLI run, or no database)."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._entries: OrderedDict[str, CacheEntry] = OrderedDict()
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def get(self, key: str) -> CacheEntry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def set(self, entry: CacheEntry) -> None:
        with self._lock:
            self._entries[entry.key] = entry
            self._entries.move_to_end(entry.key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # naive UTC: the column has no time zone


class LLMCacheEntry(SQLModel, table=True):
    """One cached LLM grade. The service's Alembic migration creates this table too."""

    __tablename__ = CACHE_TABLE

    key: str = Field(primary_key=True, max_length=64)
    model: str
    rubric_version: str
    prompt_version: str
    document_json: str = Field(sa_column=Column(Text, nullable=False))
    usage_json: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=_utcnow, sa_column=Column(TIMESTAMP, nullable=False))


class SqlCache:
    """The `llm_cache` table through SQLAlchemy (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, *, create_table: bool = True) -> None:
        self.engine = engine
        if create_table:
            ensure_cache_table(engine)

    def get(self, key: str) -> CacheEntry | None:
        try:
            with Session(self.engine) as session:
                row = session.get(LLMCacheEntry, key)
        except SQLAlchemyError as e:
            raise CacheUnavailableError(f"LLM cache read failed: {e.__class__.__name__}") from e
        if row is None:
            return None
        return CacheEntry(row.key, row.model, row.rubric_version, row.prompt_version, row.document_json, row.usage_json)

    def set(self, entry: CacheEntry) -> None:
        row = LLMCacheEntry(
            key=entry.key,
            model=entry.model,
            rubric_version=entry.rubric_version,
            prompt_version=entry.prompt_version,
            document_json=entry.document_json,
            usage_json=entry.usage_json,
        )
        try:
            with Session(self.engine) as session:
                session.merge(row)
                session.commit()
        except IntegrityError:
            pass  # another worker stored the same key first; its grade is as good as ours
        except SQLAlchemyError as e:
            raise CacheUnavailableError(f"LLM cache write failed: {e.__class__.__name__}") from e


_tables_ready: set[str] = set()
_tables_lock = threading.Lock()


def ensure_cache_table(engine: Engine) -> None:
    """Create `llm_cache` alone when it is missing (a CLI run against a database without migrations)."""
    url = engine.url.render_as_string(hide_password=False)
    with _tables_lock:
        if url in _tables_ready:
            return
        try:
            if not inspect(engine).has_table(CACHE_TABLE):
                SQLModel.metadata.create_all(engine, tables=[LLMCacheEntry.__table__])
        except SQLAlchemyError as e:
            raise CacheUnavailableError(f"LLM cache table unavailable: {e.__class__.__name__}") from e
        _tables_ready.add(url)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=1)
def _process_memory_cache() -> MemoryCache:
    return MemoryCache()


def cache_from_settings(settings: Settings) -> CacheBackend | None:
    """The backend named by `settings.llm_cache`; None means no caching."""
    choice = settings.llm_cache.strip().lower()
    if choice in {"off", "none", ""}:
        return None
    if choice == "memory":
        return _process_memory_cache()
    if choice == "database":
        return SqlCache(_engine_for(settings.database_url))
    if choice == "redis":
        from hedgehog.llm.redis_cache import RedisCache  # the redis client is imported only when chosen

        return RedisCache.from_settings(settings)
    # A misconfiguration costs the cache, not the grade: the grader notes it and goes on.
    raise CacheUnavailableError(f"unknown llm_cache {settings.llm_cache!r}: choose database, redis, memory or off")
