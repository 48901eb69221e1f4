"""The SQL cache of LLM grades on real SQLite and PostgreSQL databases."""

import importlib.util
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine, select

from hedgehog.grading.grade import prepare_request
from hedgehog.llm.cache import CacheEntry, LLMCacheEntry, SqlCache, cache_from_settings, cache_key
from hedgehog.llm.grader import LLMGrader
from llm.fake_openai import grade_reply
from llm.scenario import ANSWER, good_stages, make_settings

pytestmark = pytest.mark.timeout(60)


def _require_postgres_url() -> str | None:
    """tests/conftest.py's rule, loaded by path (every folder's conftest is named `conftest`)."""
    spec = importlib.util.spec_from_file_location("hedgehog_root_conftest_llm", Path(__file__).parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.require_postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path):
    """A fresh, empty database: a temp SQLite file or a uniquely named PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cache.db'}"
        return
    base = _require_postgres_url()
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    u = make_url(base)
    name = f"hedgehog_t_{uuid.uuid4().hex[:12]}"

    def admin():
        return psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                               password=u.password, dbname=u.database or "postgres", autocommit=True, connect_timeout=5)

    with admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield u.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(empty_database_url):
    engine = create_engine(empty_database_url)
    yield engine
    engine.dispose()


def entry(key: str = "k" * 64) -> CacheEntry:
    return CacheEntry(key, "gpt-4o-mini", "scale@1", "v1", '{"doc": 1}', '{"prompt_tokens": 5}')


def test_sql_cache_creates_only_its_table_and_round_trips(engine):
    cache = SqlCache(engine)
    assert inspect(engine).get_table_names() == ["llm_cache"]
    assert {c["name"] for c in inspect(engine).get_columns("llm_cache")} == {
        "key", "model", "rubric_version", "prompt_version", "document_json", "usage_json", "created_at"
    }
    assert cache.get("k" * 64) is None
    cache.set(entry())
    assert cache.get("k" * 64) == entry()
    cache.set(CacheEntry("k" * 64, "gpt-4o-mini", "scale@1", "v1", '{"doc": 2}', "{}"))  # replace, not duplicate
    with Session(engine) as session:
        rows = session.exec(select(LLMCacheEntry)).all()
    assert len(rows) == 1 and rows[0].document_json == '{"doc": 2}' and rows[0].created_at is not None


def test_grades_are_served_from_the_database_by_a_new_grader(engine, fake_openai, q473_request):
    fake_openai.default = grade_reply(good_stages())
    settings = make_settings(fake_openai)
    first = LLMGrader(settings, cache=SqlCache(engine)).grade(q473_request)
    second = LLMGrader(settings, cache=SqlCache(engine)).grade(q473_request)

    assert fake_openai.request_count == 1
    assert second.details["cache"]["hit"] is True and second.grader == "llm"
    assert [s.score for s in second.stages] == [s.score for s in first.stages]
    with Session(engine) as session:
        row = session.exec(select(LLMCacheEntry)).one()
    assert row.key == LLMGrader(settings, cache=SqlCache(engine)).cache_key(q473_request)
    assert row.model == "gpt-4o-mini-2024-07-18" and row.prompt_version == "v2"
    assert row.rubric_version == q473_request.rubric.rubric_version


def test_cache_from_settings_uses_the_database_url(empty_database_url, fake_openai, q473_request):
    fake_openai.default = grade_reply(good_stages())
    settings = make_settings(fake_openai, llm_cache="database", database_url=empty_database_url)
    assert isinstance(cache_from_settings(settings), SqlCache)
    LLMGrader(settings).grade(q473_request)
    LLMGrader(settings).grade(q473_request)
    assert fake_openai.request_count == 1


def test_an_unreachable_cache_does_not_stop_grading(fake_openai, q473_request, tmp_path):
    fake_openai.default = grade_reply(good_stages())
    broken = make_settings(fake_openai, llm_cache="database", database_url=f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    doc = LLMGrader(broken).grade(q473_request)
    assert doc.grader == "llm" and "cache" in doc.details and "unavailable" in doc.details["cache"]["error"]


def test_cache_key_depends_on_every_part():
    base = dict(model="m", rubric_version="scale@1", prompt_version="v1", answer="a")
    assert cache_key(**base) == cache_key(**dict(reversed(base.items())))
    assert len(cache_key(**base)) == 64
    for name in base:
        assert cache_key(**{**base, name: "other"}) != cache_key(**base)


def test_redis_is_chosen_by_settings_and_serves_repeats(fake_openai):
    from hedgehog.llm.redis_cache import RedisCache

    fake_openai.default = grade_reply(good_stages())
    settings = make_settings(fake_openai, llm_cache="redis", redis_url="redis://127.0.0.1:6379/11")
    assert isinstance(cache_from_settings(settings), RedisCache)
    # A fresh answer each run: the shared Redis keeps entries between runs.
    request = prepare_request(f"{ANSWER} Run {uuid.uuid4().hex}.", question_id="Q473")
    LLMGrader(settings).grade(request)
    assert LLMGrader(settings).grade(request).details["cache"]["hit"] is True
    assert fake_openai.request_count == 1


def test_an_unknown_cache_setting_is_noted_and_grading_goes_on(fake_openai, q473_request):
    fake_openai.default = grade_reply(good_stages())
    doc = LLMGrader(make_settings(fake_openai, llm_cache="memcache")).grade(q473_request)
    assert doc.grader == "llm" and "unknown llm_cache 'memcache'" in doc.details["cache"]["error"]
