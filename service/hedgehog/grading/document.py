"""The grade document of CONTRACT.md section 3: what every grader returns."""

from typing import Any, Literal

from pydantic import BaseModel, Field

Framework = Literal["scale", "capacity"]
FRAMEWORKS: tuple[str, ...] = ("scale", "capacity")
MAX_STAGE_SCORE = 4
MAX_ANSWER_CHARS = 20_000


class StageGrade(BaseModel):
    id: str
    name: str
    score: int = Field(ge=0, le=MAX_STAGE_SCORE)
    max_score: int = MAX_STAGE_SCORE
    evidence: list[str] = Field(default_factory=list, description="Verbatim substrings of the answer.")
    critique: str = ""
    missing: list[str] = Field(default_factory=list)
    label: str = Field("", description="The score anchor's label: Absent, Named, Partial, Solid, Excellent.")


class Usage(BaseModel):
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    estimated_cost_usd: float = 0.0


class GradeDocument(BaseModel):
    framework: Framework
    rubric_version: str
    grader: str
    question_id: str | None = None
    question_text: str = ""
    overall: int = Field(ge=0, le=100)
    stages: list[StageGrade]
    flags: list[str] = Field(default_factory=list)
    summary: str = ""
    # Extras (CONTRACT.md welcomes them): provenance of LLM grades and why a fallback happened.
    prompt_version: str | None = None
    model: str | None = None
    usage: Usage | None = None
    notes: list[str] = Field(default_factory=list, description="Human-readable detail behind the flags.")
    raw_reply: str | None = Field(None, description="The model's raw reply when it could not be used.")
    details: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> str:
        """Stable serialisation: the deterministic grader's output is byte-for-byte repeatable."""
        return self.model_dump_json(indent=2)


def overall_score(scores: list[int], weights: list[float] | None = None) -> int:
    """round(100 x weighted sum / (4 x total weight)); equal weights give the contract's formula."""
    if not scores:
        return 0
    weights = weights or [1.0] * len(scores)
    total = sum(s * w for s, w in zip(scores, weights, strict=True))
    return int(round(100 * total / (MAX_STAGE_SCORE * sum(weights))))
