"""Shared data of the LLM grader tests: an answer, verbatim quotes from it, fast settings."""

from hedgehog.config import Settings
from llm.fake_openai import FakeOpenAI, stage

MODEL = "gpt-4o-mini-2024-07-18"

# A scale answer to Q473 whose sentences the scripted verdicts quote.
ANSWER = (
    "Today we handle 100k requests per second at peak, about 40k on average, on 200 GPU workers. "
    "At 10x that is 1M requests per second and ten times the GPU bill; hot keys on popular prompts "
    "grow faster than linearly.\n\n"
    "The first thing to fail is the KV-cache memory on the GPU workers, then the token store's write path. "
    "I'd add a prefix cache and shed free-tier traffic first, with a cost cap on GPU spend."
)
QUOTES = {
    "current_load": ["100k requests per second at peak, about 40k on average"],
    "projection": ["At 10x that is 1M requests per second", "hot keys on popular prompts grow faster than linearly"],
    "bottlenecks": ["The first thing to fail is the KV-cache memory on the GPU workers"],
    "mitigation": ["I'd add a prefix cache and shed free-tier traffic first"],
}
SCORES = {"current_load": 3, "projection": 3, "bottlenecks": 2, "mitigation": 3}


def good_stages(scores: dict[str, int] | None = None, quotes: dict[str, list[str]] | None = None) -> list[dict]:
    """A verdict's stages for ANSWER: given scores, verbatim quotes."""
    scores = {**SCORES, **(scores or {})}
    quotes = {**QUOTES, **(quotes or {})}
    return [stage(sid, scores[sid], quotes[sid], critique=f"Critique of {sid}.", missing=["something"]) for sid in SCORES]


def make_settings(server: FakeOpenAI | None, **overrides) -> Settings:
    values = dict(
        openai_base_url=server.base_url if server else None,
        openai_api_key="test-key" if server else None,
        hedgehog_model=MODEL,
        llm_timeout_seconds=5.0,
        llm_max_retries=2,
        llm_backoff_seconds=0.01,
        llm_backoff_max_seconds=0.05,
        llm_cache="off",
        database_url="sqlite://",
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)
