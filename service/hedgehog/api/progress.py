"""A learner's progress and readiness, computed from their stored attempts with the rules of
`rubrics/readiness.yaml` (the rules are data; this module only applies them)."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hedgehog.db.models import StageScore, Submission
from hedgehog.grading.document import FRAMEWORKS
from hedgehog.grading.questions import load_bank
from hedgehog.grading.rubric import load_rubric, parse_model
from hedgehog.paths import rubrics_dir

Light = Literal["green", "yellow", "red"]


# --- the rules file --------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PracticeRule(_Strict):
    target_per_bucket: int = Field(ge=1)
    target_total: int = Field(ge=1)


class GreenRule(_Strict):
    meaning: str
    min_practised: int = Field(ge=1)
    min_stage_score: int = Field(ge=0, le=4)


class YellowRule(_Strict):
    meaning: str
    min_practised: int = Field(ge=1)
    min_average_stage_score: float = Field(ge=0, le=4)


class RedRule(_Strict):
    meaning: str


class Lights(_Strict):
    green: GreenRule
    yellow: YellowRule
    red: RedRule


class BucketPriority(_Strict):
    framework: Literal["scale", "capacity"]
    priority: str


class RolePlan(_Strict):
    label: str
    buckets: list[BucketPriority] = Field(min_length=1)


class ProgressRule(_Strict):
    half_life_attempts: float = Field(gt=0)
    flat_band: float = Field(ge=0)


class ReadinessRules(_Strict):
    version: int
    practice: PracticeRule
    lights: Lights
    roles: dict[str, RolePlan]
    default_role: str
    progress: ProgressRule


@cache
def load_readiness_rules() -> ReadinessRules:
    return parse_model(ReadinessRules, rubrics_dir() / "readiness.yaml")


# --- response shapes -------------------------------------------------------------------------


class StageProgress(BaseModel):
    stage_id: str
    name: str
    attempts: int
    first: int
    best: int
    latest: int
    weighted_average: float = Field(description="Recency-weighted mean of the effective scores.")
    trend: float = Field(description="weighted_average - first: above zero is improvement.")
    direction: Literal["improving", "flat", "declining"]


class FrameworkProgress(BaseModel):
    framework: str
    attempts: int
    stages: list[StageProgress]
    weakest_stage: str | None


class QuestionAttempts(BaseModel):
    question_id: str | None
    question_text: str
    framework: str
    attempts: int
    first_overall: int
    best_overall: int
    latest_overall: int
    latest_submission_id: int
    last_attempt_at: datetime


class ComparedAttempt(BaseModel):
    submission_id: int
    attempt_number: int
    created_at: datetime
    overall: int
    effective_overall: int


class ComparedStage(BaseModel):
    stage_id: str
    name: str
    a: int
    b: int
    delta: int


class Comparison(BaseModel):
    question_id: str | None
    question_text: str
    framework: str
    a: ComparedAttempt
    b: ComparedAttempt
    stages: list[ComparedStage]
    overall_delta: int


class BucketReadiness(BaseModel):
    framework: str
    priority: str
    practised: int
    target: int
    practised_question_ids: list[str]
    remaining_question_ids: list[str]
    light: Light
    reason: str


class Readiness(BaseModel):
    target_role: str
    role_label: str
    rules_version: int
    practised_total: int
    target_total: int
    ready: bool
    buckets: list[BucketReadiness]


class Progress(BaseModel):
    learner_id: int
    attempts: int
    frameworks: list[FrameworkProgress]
    weakest_stage: dict[str, str | None] = Field(description="Per framework, the stage to practise next.")
    questions: list[QuestionAttempts]
    readiness: Readiness
    comparison: Comparison | None = None


# --- computation -----------------------------------------------------------------------------


def effective_overall(stages: Sequence[StageScore]) -> int:
    if not stages:
        return 0
    return int(round(100 * sum(s.effective_score for s in stages) / sum(s.max_score for s in stages)))


def _weighted(scores: list[int], half_life: float) -> float:
    n = len(scores)
    weights = [0.5 ** ((n - 1 - i) / half_life) for i in range(n)]
    return sum(w * s for w, s in zip(weights, scores)) / sum(weights)


def _question_key(s: Submission) -> tuple:
    return (s.question_id,) if s.question_id else (None, s.question_text, s.framework)


def framework_progress(
    framework: str, submissions: Sequence[Submission], stages: dict[int, list[StageScore]]
) -> FrameworkProgress:
    rules = load_readiness_rules().progress
    rubric = load_rubric(framework)
    chronological = [s for s in submissions if s.framework == framework]
    rows: list[StageProgress] = []
    for stage in rubric.stages:
        scores = [
            st.effective_score for sub in chronological for st in stages.get(sub.id, []) if st.stage_id == stage.id
        ]
        if not scores:
            continue
        weighted = _weighted(scores, rules.half_life_attempts)
        trend = weighted - scores[0]
        direction = "flat" if abs(trend) < rules.flat_band else ("improving" if trend > 0 else "declining")
        rows.append(
            StageProgress(
                stage_id=stage.id, name=stage.name, attempts=len(scores), first=scores[0], best=max(scores),
                latest=scores[-1], weighted_average=round(weighted, 2), trend=round(trend, 2), direction=direction,
            )
        )
    # Weakest: lowest recency-weighted score; ties go to the earlier stage (it comes first in an answer).
    weakest = min(rows, key=lambda r: r.weighted_average).stage_id if rows else None
    return FrameworkProgress(framework=framework, attempts=len(chronological), stages=rows, weakest_stage=weakest)


def question_attempts(submissions: Sequence[Submission], stages: dict[int, list[StageScore]]) -> list[QuestionAttempts]:
    groups: dict[tuple, list[Submission]] = defaultdict(list)
    for s in submissions:
        groups[_question_key(s)].append(s)
    result = []
    for subs in groups.values():
        overall = [effective_overall(stages.get(s.id, [])) for s in subs]
        result.append(
            QuestionAttempts(
                question_id=subs[-1].question_id, question_text=subs[-1].question_text, framework=subs[-1].framework,
                attempts=len(subs), first_overall=overall[0], best_overall=max(overall), latest_overall=overall[-1],
                latest_submission_id=subs[-1].id, last_attempt_at=subs[-1].created_at,
            )
        )
    return sorted(result, key=lambda q: q.last_attempt_at, reverse=True)


class NotComparableError(ValueError):
    code = "not_comparable"


def compare(a: Submission, b: Submission, stages: dict[int, list[StageScore]]) -> Comparison:
    if _question_key(a) != _question_key(b) or a.framework != b.framework:
        raise NotComparableError(
            f"compare: submissions {a.id} and {b.id} answer different questions (or frameworks); "
            "compare two attempts at the same question"
        )
    a_stages = {s.stage_id: s for s in stages.get(a.id, [])}
    b_stages = {s.stage_id: s for s in stages.get(b.id, [])}
    rows = [
        ComparedStage(stage_id=sid, name=st.name, a=st.effective_score, b=b_stages[sid].effective_score,
                      delta=b_stages[sid].effective_score - st.effective_score)
        for sid, st in a_stages.items()
        if sid in b_stages
    ]

    def side(s: Submission) -> ComparedAttempt:
        return ComparedAttempt(submission_id=s.id, attempt_number=s.attempt_number, created_at=s.created_at,
                               overall=s.overall, effective_overall=effective_overall(stages.get(s.id, [])))

    sa_, sb_ = side(a), side(b)
    return Comparison(question_id=a.question_id, question_text=a.question_text, framework=a.framework, a=sa_, b=sb_,
                      stages=rows, overall_delta=sb_.effective_overall - sa_.effective_overall)


def bucket_questions() -> dict[str, list[str]]:
    """The bank questions the study plan files under each bucket, in bank order."""
    buckets: dict[str, list[str]] = {fw: [] for fw in FRAMEWORKS}
    for q in load_bank().values():
        for fw in q.frameworks or [q.framework]:
            buckets[fw].append(q.id)
    return buckets


def readiness(
    target_role: str | None, submissions: Sequence[Submission], stages: dict[int, list[StageScore]]
) -> Readiness:
    rules = load_readiness_rules()
    role = target_role if target_role in rules.roles else rules.default_role
    plan = rules.roles[role]
    bank_buckets = bucket_questions()
    target = rules.practice.target_per_bucket
    buckets: list[BucketReadiness] = []
    for entry in plan.buckets:
        fw = entry.framework
        in_bucket = bank_buckets.get(fw, [])
        latest: dict[str, Submission] = {}
        for s in submissions:  # chronological: the last one seen is the latest
            if s.framework == fw and s.question_id in in_bucket:
                latest[s.question_id] = s
        practised = [q for q in in_bucket if q in latest]
        scores = [st.effective_score for s in latest.values() for st in stages.get(s.id, [])]
        light, reason = _light(len(practised), scores, rules)
        buckets.append(
            BucketReadiness(
                framework=fw, priority=entry.priority, practised=len(practised), target=target,
                practised_question_ids=practised, remaining_question_ids=[q for q in in_bucket if q not in latest],
                light=light, reason=reason,
            )
        )
    total = sum(min(b.practised, target) for b in buckets)
    return Readiness(
        target_role=role, role_label=plan.label, rules_version=rules.version, practised_total=total,
        target_total=rules.practice.target_total,
        ready=total >= rules.practice.target_total and all(b.light == "green" for b in buckets),
        buckets=buckets,
    )


def _light(practised: int, scores: list[int], rules: ReadinessRules) -> tuple[Light, str]:
    green, yellow = rules.lights.green, rules.lights.yellow
    if practised == 0 or not scores:
        return "red", "Not started: no bank question of this bucket practised yet."
    average = sum(scores) / len(scores)
    lowest = min(scores)
    if practised >= green.min_practised and lowest >= green.min_stage_score:
        return "green", f"{practised} questions practised; every stage of the latest attempts is at least {green.min_stage_score}."
    if practised >= yellow.min_practised and average >= yellow.min_average_stage_score:
        gaps = []
        if practised < green.min_practised:
            gaps.append(f"{green.min_practised - practised} more question(s) to practise")
        if lowest < green.min_stage_score:
            gaps.append(f"some stages below {green.min_stage_score} (lowest {lowest})")
        return "yellow", f"Practised but shaky: {'; '.join(gaps)}."
    return "red", f"Weak: latest attempts average {average:.1f} per stage, below {yellow.min_average_stage_score}."
