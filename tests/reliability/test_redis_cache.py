"""The Redis backend of the LLM result cache: entries round-trip, are shared between processes,
expire, and a dead Redis degrades to "no cache" instead of failing the grade."""

import uuid

import pytest
import redis

from hedgehog.grading.grade import prepare_request
from hedgehog.llm.cache import CacheEntry, CacheUnavailableError
from hedgehog.llm.grader import LLMGrader
from hedgehog.llm.redis_cache import RedisCache
from llm.fake_openai import FakeOpenAI, grade_reply
from llm.scenario import ANSWER, good_stages, make_settings
from reliability_harness import REDIS_URL



@pytest.fixture
def prefix():
    """A unique key prefix; only keys under it are deleted afterwards."""
    value = f"hedgehog-test:llm-cache:{uuid.uuid4().hex}"
    yield value
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{value}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def entry(key: str = "k1") -> CacheEntry:
    return CacheEntry(key, "gpt-test", "scale@1", "grade@1", '{"overall": 50, "note": "héllo 🦔"}', '{"prompt_tokens": 10}')


def test_entries_round_trip_and_expire(prefix):
    cache = RedisCache(REDIS_URL, prefix=prefix, ttl_seconds=120)
    assert cache.get("k1") is None
    cache.set(entry())
    assert cache.get("k1") == entry()
    ttl = redis.Redis.from_url(REDIS_URL).ttl(f"{prefix}:k1")
    assert 0 < ttl <= 120


def test_two_processes_share_entries(prefix):
    writer, reader = RedisCache(REDIS_URL, prefix=prefix), RedisCache(REDIS_URL, prefix=prefix)
    writer.set(entry("shared"))
    assert reader.get("shared") == entry("shared")


def test_a_malformed_entry_is_a_miss(prefix):
    redis.Redis.from_url(REDIS_URL).set(f"{prefix}:broken", b"not json")
    assert RedisCache(REDIS_URL, prefix=prefix).get("broken") is None


def test_unreachable_redis_raises_cache_unavailable():
    cache = RedisCache("redis://127.0.0.1:1/0", prefix="hedgehog-test:unreachable")
    with pytest.raises(CacheUnavailableError):
        cache.get("k")
    with pytest.raises(CacheUnavailableError):
        cache.set(entry())


def test_a_second_grader_process_is_served_from_the_shared_cache(prefix):
    request = prepare_request(ANSWER, question_id="Q473")
    with FakeOpenAI() as server:
        server.default = grade_reply(good_stages())
        settings = make_settings(server)
        first = LLMGrader(settings, cache=RedisCache(REDIS_URL, prefix=prefix)).grade(request)
        assert server.request_count == 1
        # A new grader with its own Redis connection stands for another server process.
        second = LLMGrader(settings, cache=RedisCache(REDIS_URL, prefix=prefix)).grade(request)
        assert server.request_count == 1, "the repeat must not reach the model"
    assert second.details["cache"]["hit"] is True
    assert [s.score for s in second.stages] == [s.score for s in first.stages]
    assert second.usage.prompt_tokens == 0


def test_grading_goes_on_when_redis_is_down():
    request = prepare_request(ANSWER, question_id="Q473")
    with FakeOpenAI() as server:
        server.default = grade_reply(good_stages())
        grader = LLMGrader(make_settings(server), cache=RedisCache("redis://127.0.0.1:1/0"))
        document = grader.grade(request)
        assert server.request_count == 1
    assert document.grader == "llm"
    assert [s.id for s in document.stages] == ["current_load", "projection", "bottlenecks", "mitigation"]
