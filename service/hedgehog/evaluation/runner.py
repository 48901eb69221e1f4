"""Run a grader over golden items and evaluate it: metrics, adversarial checks and the baseline gate.

Every item is graded through the same facade as the CLI and API
(`hedgehog.grading.grade.grade`), so an eval measures what users get. The LLM grader runs through
`hedgehog.llm.grader.grade_many`, which keeps at most `settings.llm_concurrency` requests in flight.
"""

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hedgehog.config import Settings, get_settings
from hedgehog.evaluation.dataset import GoldenItem
from hedgehog.evaluation.metrics import Metrics, ScoredItem, compute_metrics
from hedgehog.grading.document import GradeDocument, Usage
from hedgehog.grading.errors import HedgehogError

if TYPE_CHECKING:  # imported for annotations only: both modules import this one
    from hedgehog.evaluation.baseline import Baseline, GateResult
    from hedgehog.evaluation.checks import CheckResult


class GradeFn(Protocol):
    """The shape of `hedgehog.grading.grade.grade` with the grader already chosen."""

    def __call__(
        self, answer: str, *, question_id: str | None, question_text: str | None, framework: str | None
    ) -> GradeDocument: ...


Progress = Callable[[int], None]


@dataclass(frozen=True)
class ItemResult(ScoredItem):
    question_id: str | None = None
    answer: str = ""
    expect_flags: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    document_json: str = ""
    evidence: tuple[str, ...] = ()


@dataclass
class GraderRun:
    grader: str
    results: list[ItemResult]
    errors: dict[str, str] = field(default_factory=dict)  # item id -> why it could not be graded
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0


@dataclass
class Evaluation:
    """Everything `hedgehog eval` reports for one grader."""

    run: GraderRun
    metrics: Metrics
    checks: list["CheckResult"]
    gate: "GateResult"

    @property
    def passed(self) -> bool:
        return self.gate.passed


def grade_function(grader: str, settings: Settings | None = None) -> GradeFn:
    from hedgehog.grading.grade import grade

    return functools.partial(grade, grader=grader, settings=settings or get_settings())


def _result(item: GoldenItem, document: GradeDocument) -> ItemResult:
    predicted = {stage.id: stage.score for stage in document.stages}
    if list(predicted) != item.stage_ids:
        raise HedgehogError(f"{item.id}: the grader returned stages {list(predicted)}, expected {item.stage_ids}")
    return ItemResult(
        id=item.id,
        framework=item.framework,
        category=item.category,
        labels=dict(item.labels),
        predicted=predicted,
        expected_overall=item.expected_overall,
        overall=document.overall,
        question_id=item.question_id,
        answer=item.answer,
        expect_flags=tuple(item.expect_flags),
        flags=tuple(document.flags),
        document_json=document.to_json(),
        evidence=tuple(quote for stage in document.stages for quote in stage.evidence),
    )


def _grade_one(grade_fn: GradeFn, item: GoldenItem) -> GradeDocument:
    return grade_fn(item.answer, question_id=item.question_id, question_text=item.question_text, framework=item.framework)


def _llm_documents(items: Sequence[GoldenItem], settings: Settings, progress: Progress | None) -> list[GradeDocument | Exception]:
    """Batch through the LLM package's bounded-concurrency `grade_many`, a few batches at a time
    so that the progress bar moves."""
    from hedgehog.grading.grade import prepare_request
    from hedgehog.llm.grader import grade_many

    chunk = max(1, settings.llm_concurrency) * 4
    documents: list[GradeDocument | Exception] = []
    for start in range(0, len(items), chunk):
        batch = items[start : start + chunk]
        requests = [
            prepare_request(i.answer, question_id=i.question_id, question_text=i.question_text, framework=i.framework)
            for i in batch
        ]
        try:
            documents.extend(grade_many(requests, settings))
        except Exception as e:  # one failed batch is reported per item, the run goes on
            documents.extend([e] * len(batch))
        if progress:
            progress(len(batch))
    return documents


def run_grader(
    items: Sequence[GoldenItem],
    grader: str = "deterministic",
    *,
    settings: Settings | None = None,
    grade_fn: GradeFn | None = None,
    progress: Progress | None = None,
) -> GraderRun:
    """Grade every item. `grade_fn` replaces the real facade (tests use deliberately bad graders)."""
    settings = settings or get_settings()
    started = time.perf_counter()
    if grade_fn is None and grader == "llm":
        documents = _llm_documents(items, settings, progress)
    else:
        fn = grade_fn or grade_function(grader, settings)
        documents = []
        for item in items:
            try:
                documents.append(_grade_one(fn, item))
            except Exception as e:  # reported per item; a crash must not hide the other results
                documents.append(e)
            if progress:
                progress(1)

    run = GraderRun(grader=grader, results=[])
    usage = Usage()
    for item, document in zip(items, documents, strict=True):
        if isinstance(document, Exception):
            run.errors[item.id] = f"{type(document).__name__}: {document}"
            continue
        try:
            run.results.append(_result(item, document))
        except HedgehogError as e:
            run.errors[item.id] = str(e)
            continue
        if document.usage:
            usage = Usage(
                prompt_tokens=usage.prompt_tokens + document.usage.prompt_tokens,
                cached_tokens=usage.cached_tokens + document.usage.cached_tokens,
                completion_tokens=usage.completion_tokens + document.usage.completion_tokens,
                estimated_cost_usd=usage.estimated_cost_usd + document.usage.estimated_cost_usd,
            )
    run.usage = usage
    run.seconds = time.perf_counter() - started
    return run


def evaluate(
    items: Sequence[GoldenItem],
    grader: str = "deterministic",
    *,
    settings: Settings | None = None,
    grade_fn: GradeFn | None = None,
    baseline: "Baseline | None" = None,
    rubric_dir: Path | None = None,
    tolerance: float = 0.05,
    progress: Progress | None = None,
) -> Evaluation:
    """Grade, measure, run the adversarial checks and compare with the baseline (if any)."""
    from hedgehog.evaluation.baseline import compare_with_baseline
    from hedgehog.evaluation.checks import run_adversarial_checks

    settings = settings or get_settings()
    run = run_grader(items, grader, settings=settings, grade_fn=grade_fn, progress=progress)
    metrics = compute_metrics(run.results)
    checks = run_adversarial_checks(items, run, settings=settings, grade_fn=grade_fn)
    gate = compare_with_baseline(run, checks, baseline, rubric_dir=rubric_dir, tolerance=tolerance)
    return Evaluation(run=run, metrics=metrics, checks=checks, gate=gate)
