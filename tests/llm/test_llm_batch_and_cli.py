"""Batch grading (async client, bounded concurrency) and `hedgehog grade --grader llm` as a process."""

import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest

from hedgehog.grading.grade import prepare_request
from hedgehog.llm.grader import grade_many
from llm.fake_openai import completion, grade_reply
from llm.scenario import ANSWER, MODEL, good_stages

pytestmark = pytest.mark.timeout(120)


def test_grade_many_bounds_concurrency_and_keeps_order(fake_openai, settings_for):
    def reply(request):
        variant = int(re.search(r"Variant (\d+)\.", request.message_text()).group(1))
        if variant == 5:
            return completion(None, refusal="no", delay=0.15)
        return grade_reply(good_stages({"current_load": variant % 5}), delay=0.15)

    fake_openai.default = reply
    requests = [prepare_request(f"{ANSWER} Variant {i}.", question_id="Q473") for i in range(7)]
    docs = grade_many(requests, settings_for(llm_concurrency=2))

    assert fake_openai.request_count == 7
    assert fake_openai.max_in_flight == 2
    for i, doc in enumerate(docs):
        if i == 5:
            assert doc.grader == "deterministic" and "llm_refusal" in doc.flags
        else:
            assert doc.grader == "llm"
            assert doc.stages[0].score == i % 5  # each answer got its own reply back


def test_grade_many_uses_the_cache(fake_openai, settings_for):
    fake_openai.default = grade_reply(good_stages())
    settings = settings_for(llm_cache="memory", llm_concurrency=3)
    request = prepare_request(ANSWER + " Cached batch.", question_id="Q473")
    first = grade_many([request], settings)
    second = grade_many([request, request], settings)
    assert fake_openai.request_count == 1
    assert first[0].grader == "llm" and all(d.details["cache"]["hit"] for d in second)


def run_cli(args: list[str], env_extra: dict[str, str], cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "HEDGEHOG_", "LLM_", "DATABASE_URL"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "hedgehog.cli", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def cli_env(fake_openai, tmp_path):
    (tmp_path / "answer.txt").write_text(ANSWER, encoding="utf-8")
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "test-key",
        "HEDGEHOG_MODEL": MODEL,
        "LLM_BACKOFF_SECONDS": "0.01",
        "LLM_CACHE": "database",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hedgehog.db'}",
    }


def test_cli_grades_with_the_llm_and_prints_usage(fake_openai, cli_env, tmp_path):
    fake_openai.default = grade_reply(good_stages(), prompt_tokens=1500, cached_tokens=1024, completion_tokens=250)
    result = run_cli(["grade", "--question-id", "Q473", "--answer-file", "answer.txt", "--grader", "llm", "--json"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["grader"] == "llm" and doc["model"] == MODEL and doc["prompt_version"] == "v2"
    assert doc["usage"]["prompt_tokens"] == 1500 and doc["usage"]["cached_tokens"] == 1024
    assert doc["usage"]["estimated_cost_usd"] > 0
    assert [s["score"] for s in doc["stages"]] == [3, 3, 2, 3] and doc["overall"] == 69

    # The readable report, served from the database cache this time (no second request).
    report = run_cli(["grade", "--question-id", "Q473", "--answer-file", "answer.txt", "--grader", "llm"], cli_env, tmp_path)
    assert report.returncode == 0, report.stderr
    assert "llm grader" in report.stdout and "Overall: 69/100" in report.stdout
    assert re.search(r"Tokens: \d+ prompt \(\d+ cached\), \d+ completion; estimated cost \$\d+\.\d{4}", report.stdout)
    assert fake_openai.request_count == 1
    with sqlite3.connect(tmp_path / "hedgehog.db") as db:
        assert db.execute("select count(*) from llm_cache").fetchone() == (1,)


def test_cli_defaults_to_the_llm_when_an_endpoint_is_configured(fake_openai, cli_env, tmp_path):
    fake_openai.default = grade_reply(good_stages())
    result = run_cli(["grade", "--question-id", "Q473", "--answer-file", "answer.txt", "--json"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["grader"] == "llm"


def test_cli_fallback_is_visible_in_the_document(fake_openai, cli_env, tmp_path):
    fake_openai.default = completion(None, refusal="I won't grade this.")
    result = run_cli(["grade", "--question-id", "Q473", "--answer-file", "answer.txt", "--grader", "llm", "--json"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["grader"] == "deterministic" and "llm_fallback" in doc["flags"] and "llm_refusal" in doc["flags"]


def test_grade_many_retries_and_falls_back_like_the_blocking_path(fake_openai, settings_for):
    from llm.fake_openai import error

    def reply(request):
        variant = int(re.search(r"Variant (\d+)\.", request.message_text()).group(1))
        earlier = sum(1 for r in fake_openai.requests if f"Variant {variant}." in r.message_text())
        if variant == 0:
            return error(503, "busy") if earlier == 1 else grade_reply(good_stages())
        return grade_reply(good_stages(), delay=5)  # variant 1 never answers in time

    fake_openai.default = reply
    requests = [prepare_request(f"{ANSWER} Variant {i}.", question_id="Q473") for i in range(2)]
    recovered, timed_out = grade_many(requests, settings_for(llm_timeout_seconds=0.3, llm_max_retries=1))

    assert recovered.grader == "llm" and recovered.details["llm"]["attempts"] == 2
    assert timed_out.grader == "deterministic" and "llm_timeout" in timed_out.flags
