"""Golden and calibration answers must never leak into grader code, lexicons or prompts: a grader
that memorised them would look good on the eval and learn nothing. Each answer's longest
sentence (8+ words) must not appear in any file under service/, rubrics/ or prompts/."""

import re
from functools import cache

import pytest

from hedgehog.evaluation.dataset import load_items
from hedgehog.paths import project_root

SEARCHED = ("service", "rubrics", "prompts")
SKIPPED_PARTS = {"__pycache__", "hedgehog.egg-info"}
CALIBRATION = project_root().parent / "shared" / "calibration" / "calibration.jsonl"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def distinctive_sentence(answer: str) -> str:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", answer) if s.strip()]
    return normalise(max(sentences, key=lambda s: len(s.split())))


@cache
def searched_text() -> str:
    root = project_root()
    chunks = []
    for folder in SEARCHED:
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or SKIPPED_PARTS & set(path.parts):
                continue
            try:
                chunks.append(normalise(path.read_text(encoding="utf-8")))
            except (UnicodeDecodeError, OSError):
                continue  # binary files cannot hold a quoted answer
    return "\n".join(chunks)


def leaked(items) -> list[str]:
    text = searched_text()
    found = []
    for item in items:
        sentence = distinctive_sentence(item.answer)
        assert len(sentence.split()) >= 8, (item.id, sentence)
        if sentence in text:
            found.append(f"{item.id}: {sentence[:80]}")
    return found


def test_the_search_covers_the_grader_code():
    assert "quadratic weighted kappa" in searched_text()  # this package's own docstring, so the walk works


def test_no_golden_answer_leaks_into_code_rubrics_or_prompts(golden_items):
    assert leaked(golden_items) == []


def test_no_calibration_answer_leaks_into_code_rubrics_or_prompts():
    if not CALIBRATION.exists():
        pytest.skip("no shared calibration set at ../shared/calibration/calibration.jsonl")
    assert leaked(load_items([CALIBRATION])) == []
