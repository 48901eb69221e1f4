"""The question bank: the study plan's representative questions, loaded from
`rubrics/question_bank.yaml`."""

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from hedgehog.grading.document import Framework
from hedgehog.grading.errors import UnknownQuestionError
from hedgehog.grading.rubric import parse_model
from hedgehog.paths import rubrics_dir


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(None, description="Bank id (Q742); None for a question typed by the learner.")
    text: str
    framework: Framework
    frameworks: list[Framework] = Field(default_factory=list, description="Buckets the source files it under.")
    angle: str = ""
    hints: dict[str, str] = Field(default_factory=dict, description="The source's adaptation hints per stage.")


class QuestionBank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    questions: list[Question]


@cache
def load_bank() -> dict[str, Question]:
    bank = parse_model(QuestionBank, rubrics_dir() / "question_bank.yaml")
    return {q.id: q for q in bank.questions if q.id}


def get_question(question_id: str) -> Question:
    bank = load_bank()
    try:
        return bank[question_id.strip().upper()]
    except KeyError:
        known = ", ".join(sorted(bank))
        raise UnknownQuestionError(f"unknown question id {question_id!r}: the bank holds {known}") from None
