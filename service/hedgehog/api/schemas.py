"""Request and response bodies of the API that are not table models."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from hedgehog.db.models import ReviewPublic, StageScore
from hedgehog.grading.document import MAX_ANSWER_CHARS, GradeDocument


class GradeBody(BaseModel):
    """CONTRACT.md section 4: give `question_id` (a bank question) or `question_text`, and the answer."""

    question_id: str | None = Field(None, max_length=32, description="A bank question id, e.g. Q742.", examples=["Q742"])
    question_text: str | None = Field(
        None, max_length=MAX_ANSWER_CHARS, description="A question not in the bank (instead of question_id)."
    )
    answer: str = Field(
        description=f"The answer to grade: not empty, at most {MAX_ANSWER_CHARS:,} characters.",
        examples=["We serve about 2M concurrent viewers at launch ..."],
    )
    framework: str | None = Field(None, description="scale or capacity; default: the question's.", examples=["capacity"])
    grader: str | None = Field(
        None,
        description="deterministic or llm; default: llm when an OpenAI-compatible endpoint is configured, "
        "else deterministic. Asking for llm when none is configured is refused with 422 (code llm_not_configured).",
        examples=["deterministic"],
    )


class ErrorBody(BaseModel):
    detail: str | list | dict
    code: str
    field: str | None = None


class EffectiveStage(BaseModel):
    stage_id: str
    name: str
    automatic_score: int
    coach_score: int | None
    coach_reason: str | None
    effective_score: int = Field(description="The coach's score where one exists, else the automatic score.")

    @classmethod
    def of(cls, s: StageScore) -> "EffectiveStage":
        return cls(stage_id=s.stage_id, name=s.name, automatic_score=s.score, coach_score=s.coach_score,
                   coach_reason=s.coach_reason, effective_score=s.effective_score)


class EffectiveGrade(BaseModel):
    overall: int = Field(description="Overall from the effective stage scores.")
    stages: list[EffectiveStage]


class SubmissionCreated(BaseModel):
    id: int
    learner_id: int
    created_at: datetime
    attempt_number: int
    grade: GradeDocument


class SubmissionPublic(SubmissionCreated):
    learner_username: str
    answer: str
    effective: EffectiveGrade
    reviews: list[ReviewPublic]


class SubmissionSummary(BaseModel):
    id: int
    learner_id: int
    created_at: datetime
    attempt_number: int
    question_id: str | None
    question_text: str
    framework: str
    grader: str
    rubric_version: str
    overall: int = Field(description="The automatic overall score.")
    effective_overall: int
    reviewed: bool
    stages: list[EffectiveStage]


class SubmissionPage(BaseModel):
    items: list[SubmissionSummary] = Field(description="Newest first.")
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class RosterEntry(BaseModel):
    learner_id: int
    username: str
    target_role: str | None
    attempts: int
    last_activity: datetime | None
    awaiting_review: int
    average_per_stage: dict[str, dict[str, float]] = Field(
        description="framework -> stage id -> mean effective score over all attempts."
    )


class Roster(BaseModel):
    learners: list[RosterEntry]


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"


class Health(BaseModel):
    status: str
    detail: str | None = None


class RubricSummary(BaseModel):
    framework: str
    rubric_version: str
    name: str
    description: str
    stages: list[dict]
