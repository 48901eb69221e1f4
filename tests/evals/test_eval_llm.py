"""The LLM grader under `hedgehog eval`: the real openai client over HTTP against the scripted
OpenAI-compatible server of tests/llm, bounded concurrency, and token usage summed per run."""

import re

import pytest
from typer.testing import CliRunner

from hedgehog.cli import app
from hedgehog.evaluation.runner import evaluate
from llm.fake_openai import FakeOpenAI, grade_reply, stage
from llm.scenario import MODEL, make_settings

pytestmark = pytest.mark.timeout(120)
SUBSET = ("G01", "G08", "G25", "G30", "G37")
PROMPT_TOKENS, COMPLETION_TOKENS = 1200, 300  # what each scripted completion reports


def labelled_reply(items):
    """Answer each request with the human labels of the item whose answer it carries."""

    def reply(request):
        text = request.message_text()
        item = next(i for i in items if i.answer[:200] in text)
        quote = re.split(r"(?<=[.!?])\s+", item.answer)[0]
        stages = [stage(s, score, [quote]) for s, score in item.labels.items()]
        return grade_reply(stages, injection_detected="injection" in item.expect_flags,
                           prompt_tokens=PROMPT_TOKENS, completion_tokens=COMPLETION_TOKENS, delay=0.05)

    return reply


@pytest.fixture
def subset(golden_items):
    return [i for i in golden_items if i.id in SUBSET]


def test_llm_eval_uses_bounded_concurrency_and_sums_usage(subset):
    with FakeOpenAI() as server:
        server.default = labelled_reply(subset)
        settings = make_settings(server, llm_concurrency=2)
        evaluation = evaluate(subset, "llm", settings=settings)

        assert server.request_count >= len(subset)
        assert server.max_in_flight <= 2
        usage = evaluation.run.usage
        assert usage.prompt_tokens == PROMPT_TOKENS * server.request_count
        assert usage.completion_tokens == COMPLETION_TOKENS * server.request_count
    assert evaluation.run.grader == "llm"
    assert not evaluation.run.errors
    assert [r.id for r in evaluation.run.results] == [i.id for i in subset]
    assert {c.name for c in evaluation.checks} >= {"injection_flagged", "blank_refused", "deterministic_repeatable"}
    assert next(c for c in evaluation.checks if c.name == "blank_refused").passed


def test_eval_command_also_runs_the_llm_grader_when_an_endpoint_is_configured(subset, golden_items, tmp_path, monkeypatch):
    lines = [i.model_dump_json(exclude={"source"}) for i in subset]
    path = tmp_path / "subset.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with FakeOpenAI() as server:
        server.default = labelled_reply(subset)
        for name, value in {
            "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "test-key", "HEDGEHOG_MODEL": MODEL,
            "LLM_CACHE": "off", "LLM_BACKOFF_SECONDS": "0.01", "LLM_CONCURRENCY": "2",
        }.items():
            monkeypatch.setenv(name, value)
        from hedgehog.config import get_settings

        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["eval", str(path), "--baseline", str(tmp_path / "b.json"), "--out", str(tmp_path / "out")])
    assert "grader deterministic" in result.stdout and "grader llm" in result.stdout
    assert re.search(r"tokens: [\d,]+ prompt", result.stdout) and "estimated cost $" in result.stdout
    assert result.exit_code in (0, 1), result.output  # the gate's verdict, never a crash
