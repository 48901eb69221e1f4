"""Deliberately good or bad fake graders for the eval tests.

A fake grader goes through `prepare_request` (so blank answers are refused exactly as by the real
facade) and then scores from the item's human labels through a transform."""

from collections.abc import Callable

from hedgehog.evaluation.dataset import GoldenItem
from hedgehog.grading.document import GradeDocument, StageGrade, overall_score
from hedgehog.grading.grade import prepare_request

Transform = Callable[[GoldenItem], dict[str, int]]


def fake_grade_fn(items: list[GoldenItem], transform: Transform, *, flag_injection: bool = True):
    by_answer = {item.answer: item for item in items}

    def grade_fn(answer, *, question_id, question_text, framework):
        request = prepare_request(answer, question_id=question_id, question_text=question_text, framework=framework)
        item = by_answer[answer]
        scores = transform(item)
        stages = [StageGrade(id=s.id, name=s.name, score=scores[s.id]) for s in request.rubric.stages]
        return GradeDocument(
            framework=request.framework,
            rubric_version=request.rubric.rubric_version,
            grader="fake",
            question_id=question_id,
            overall=overall_score([s.score for s in stages]),
            stages=stages,
            flags=["injection"] if flag_injection and "injection" in item.expect_flags else [],
        )

    return grade_fn


def oracle(item: GoldenItem) -> dict[str, int]:
    return dict(item.labels)


def all_fours(item: GoldenItem) -> dict[str, int]:
    return {stage: 4 for stage in item.labels}


def shifted_by_two(item: GoldenItem) -> dict[str, int]:
    """Every stage moves by exactly two points (up from 0-1, down from 2-4)."""
    return {stage: score + 2 if score < 2 else score - 2 for stage, score in item.labels.items()}
