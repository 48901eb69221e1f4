"""Helpers shared by the API tests."""

from hedgehog.grading.document import GradeDocument, StageGrade, overall_score
from hedgehog.grading.questions import get_question
from hedgehog.grading.rubric import load_rubric

ANSWER = (
    "Today we stream to about 2M concurrent viewers at 5 Mbps each. At launch we expect 10x growth. "
    "Peak is 3x the average, plus a 30% buffer: 2M x 10 x 5 Mbps x 3 x 1.3 = 390 Tbps. "
    "The CDN edge capacity fails first; mitigate with adaptive bitrate and regional caching."
)


def submit(client, headers, question_id: str = "Q742", answer: str = ANSWER, **extra):  # noqa: ANN001, ANN201
    return client.post("/v1/submissions", json={"question_id": question_id, "answer": answer, **extra}, headers=headers)


def crafted_grade(question_id: str | None, framework: str, scores: list[int], question_text: str | None = None) -> GradeDocument:
    """A grade document with chosen stage scores: progress rules are tested on known numbers,
    independent of what the deterministic grader currently gives."""
    rubric = load_rubric(framework)
    assert len(scores) == len(rubric.stages)
    text = question_text or get_question(question_id).text
    stages = [StageGrade(id=s.id, name=s.name, score=v, critique="c", evidence=[], missing=[])
              for s, v in zip(rubric.stages, scores)]
    return GradeDocument(framework=framework, rubric_version=rubric.rubric_version, grader="deterministic",
                         question_id=question_id, question_text=text, overall=overall_score(scores), stages=stages,
                         summary="crafted")
