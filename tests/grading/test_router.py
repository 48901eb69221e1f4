"""The question router on the study plan's own examples and red flags."""

import pytest

from hedgehog.grading.questions import load_bank
from hedgehog.grading.router import classify_question


@pytest.mark.parametrize(
    "question, framework",
    [
        ("What breaks if traffic grows 10x?", "scale"),
        ("How do you scale X?", "scale"),
        ("What's the bottleneck?", "scale"),
        ("Design system for 100k requests/sec", "scale"),
        ("Scale to 5 million users: what do you change first?", "scale"),
        ("How much bandwidth/storage is needed?", "capacity"),
        ("Estimate capacity for a ticketing site on sale day", "capacity"),
        ("Headcount forecasting for the support team next quarter", "capacity"),
        ("Estimate how much bandwidth is needed for launching YouTube TV.", "capacity"),
    ],
)
def test_l2_questions_get_a_framework(question, framework):
    result = classify_question(question)
    assert result.is_scale_capacity is True
    assert result.category == "L2"
    assert result.framework == framework
    assert result.cues and all(c.lower() in question.lower() for c in result.cues)
    assert framework in result.reason


@pytest.mark.parametrize(
    "question, category",
    [
        ("How do you monitor a system?", "L5"),
        ("How do you ensure data quality?", "L1"),
        ("How do you calculate ROI?", "L3"),
        ("How do you ensure system reliability?", "P12"),
        ("What metrics and alerts would you put on the checkout service?", "L5"),
    ],
)
def test_red_flags_are_not_l2(question, category):
    result = classify_question(question)
    assert result.is_scale_capacity is False
    assert result.framework is None
    assert result.category == category
    assert result.cues
    assert "not L2" in result.reason


def test_unrelated_question_is_other():
    result = classify_question("Tell me about a time you disagreed with your manager.")
    assert result.category == "other"
    assert result.framework is None
    assert result.is_scale_capacity is False


def test_every_bank_question_is_l2_with_its_default_framework():
    for qid, question in load_bank().items():
        result = classify_question(question.text)
        assert result.category == "L2", qid
        assert result.framework in question.frameworks, qid
