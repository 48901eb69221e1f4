"""SQLModel tables and their API shapes (families XBase / XCreate / X(table=True) / XPublic).

Timestamps are aware UTC on both backends (SQLModel's UTCDateTime column type restores the
zone SQLite does not store). The automatic grade is never modified after it is stored: a
coach's override lives beside it (`StageScore.coach_score`) and in `StageOverride` (history).
"""

from datetime import datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class UserRole(str, Enum):
    learner = "learner"
    coach = "coach"
    admin = "admin"


class TargetRole(str, Enum):
    product_manager = "product_manager"
    data_engineer = "data_engineer"


# --- users ---------------------------------------------------------------------------------


class UserBase(SQLModel):
    username: str = Field(min_length=1, max_length=64, schema_extra={"pattern": r"^[A-Za-z0-9_.@-]+$"}, unique=True, index=True)
    role: UserRole = Field(default=UserRole.learner, sa_type=SAEnum(UserRole, native_enum=False, length=16))
    target_role: TargetRole | None = Field(
        default=None, sa_type=SAEnum(TargetRole, native_enum=False, length=32), description="A learner's target role; orders the readiness buckets."
    )


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=256)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class UserPublic(SQLModel):
    id: int
    username: str
    role: UserRole
    target_role: TargetRole | None = None
    created_at: datetime


class ProfileUpdate(SQLModel):
    target_role: TargetRole


class Me(SQLModel):
    id: int
    username: str
    role: UserRole


# --- cohorts -------------------------------------------------------------------------------


class CoachAssignmentBase(SQLModel):
    coach_id: int = Field(foreign_key="user.id", index=True)
    learner_id: int = Field(foreign_key="user.id", index=True)


class CoachAssignment(CoachAssignmentBase, table=True):
    __tablename__ = "coach_assignment"
    __table_args__ = (UniqueConstraint("coach_id", "learner_id", name="uq_coach_assignment"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class CoachAssignmentCreate(SQLModel):
    coach: str = Field(description="The coach's username.")
    learner: str = Field(description="The learner's username.")


class CoachAssignmentPublic(CoachAssignmentBase):
    id: int
    created_at: datetime


# --- questions (mirror of the bank, for referential integrity) ------------------------------


class QuestionBase(SQLModel):
    text: str = Field(sa_column=Column(Text, nullable=False))
    framework: str = Field(max_length=16)
    frameworks: str = Field(default="", max_length=64, description="Comma-separated buckets.")
    angle: str = Field(default="", max_length=128)


class Question(QuestionBase, table=True):
    id: str = Field(primary_key=True, max_length=16)


# --- submissions and their stage scores -----------------------------------------------------


class SubmissionBase(SQLModel):
    question_id: str | None = Field(default=None, foreign_key="question.id", max_length=16)
    question_text: str = Field(sa_column=Column(Text, nullable=False))
    framework: str = Field(max_length=16)
    grader: str = Field(max_length=32)
    rubric_version: str = Field(max_length=32)
    prompt_version: str | None = Field(default=None, max_length=64)
    model: str | None = Field(default=None, max_length=128)
    overall: int


class Submission(SubmissionBase, table=True):
    __table_args__ = (
        # History reads: a learner's submissions newest first, keyset on (created_at, id).
        Index("ix_submission_learner_created", "learner_id", "created_at", "id"),
        Index("ix_submission_learner_question", "learner_id", "question_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="user.id")
    answer: str = Field(sa_column=Column(Text, nullable=False))
    attempt_number: int = 1
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    extra: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False),
        description="The rest of the grade document (notes, usage, details) so it can be returned as graded.",
    )
    created_at: datetime = Field(default_factory=utcnow)


class StageScore(SQLModel, table=True):
    __tablename__ = "stage_score"
    __table_args__ = (UniqueConstraint("submission_id", "stage_id", name="uq_stage_score_stage"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    position: int
    stage_id: str = Field(max_length=32)
    name: str = Field(max_length=64)
    score: int = Field(ge=0, le=4, description="The automatic score; never changed after grading.")
    max_score: int = 4
    label: str = Field(default="", max_length=32)
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    critique: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    missing: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    coach_score: int | None = Field(default=None, description="The latest coach override, if any.")
    coach_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    @property
    def effective_score(self) -> int:
        return self.coach_score if self.coach_score is not None else self.score


# --- coach reviews ---------------------------------------------------------------------------


class StageOverrideBase(SQLModel):
    stage_id: str = Field(min_length=1, max_length=32)
    score: int = Field(ge=0, le=4)
    reason: str = Field(min_length=1, max_length=2000)


class StageOverrideCreate(StageOverrideBase):
    pass


class StageOverride(StageOverrideBase, table=True):
    __tablename__ = "stage_override"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    automatic_score: int
    created_at: datetime = Field(default_factory=utcnow)


class StageOverridePublic(StageOverrideBase):
    automatic_score: int


class ReviewBase(SQLModel):
    comment: str = Field(default="", max_length=10_000, sa_column_kwargs={"nullable": False})


class ReviewCreate(ReviewBase):
    overrides: list[StageOverrideCreate] = Field(default_factory=list, max_length=10)


class Review(ReviewBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    coach_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class ReviewPublic(ReviewBase):
    id: int
    submission_id: int
    coach_id: int
    coach_username: str
    created_at: datetime
    overrides: list[StageOverridePublic] = []


# --- audit trail -----------------------------------------------------------------------------


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    actor: str = Field(max_length=64, description="Username, or 'cli' for the command line.")
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class AuditEventPublic(SQLModel):
    id: int
    actor_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
    created_at: datetime
