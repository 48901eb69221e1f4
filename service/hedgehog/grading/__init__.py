"""The grading core: rubrics, question bank, router and graders. Public surface:

- `grade(answer, question_id=..., question_text=..., framework=..., grader=...)` -> GradeDocument
- `prepare_request(...)` validates input; `get_grader(name)` returns a grader
- `classify_question(text)` -> Classification
- errors: `GradingInputError` and its subclasses, `RubricError`
"""

from hedgehog.grading.document import GradeDocument, StageGrade, overall_score
from hedgehog.grading.errors import GradingInputError, HedgehogError, RubricError
from hedgehog.grading.grade import GradeRequest, get_grader, grade, prepare_request
from hedgehog.grading.router import Classification, classify_question

__all__ = [
    "Classification",
    "GradeDocument",
    "GradeRequest",
    "GradingInputError",
    "HedgehogError",
    "RubricError",
    "StageGrade",
    "classify_question",
    "get_grader",
    "grade",
    "overall_score",
    "prepare_request",
]
