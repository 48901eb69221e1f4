"""The baseline (`evals/baseline.json`) and the gate that compares a run with it.

The baseline records, per grader, every item's stage scores and the metrics, and once per
rubric its version and content hash. The gate fails when
- pooled QWK falls by more than the tolerance (measured on the items the baseline knows),
- any item moves by 2 or more points on any stage,
- any adversarial check fails (those are never baselined), or
- a rubric's content changed while its `version` stayed the same.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hedgehog.evaluation.checks import CheckResult
from hedgehog.evaluation.metrics import compute_metrics
from hedgehog.evaluation.runner import GraderRun
from hedgehog.grading.document import FRAMEWORKS
from hedgehog.grading.errors import HedgehogError
from hedgehog.grading.rubric import load_rubric_file, rubric_content_hash, rubric_path
from hedgehog.paths import evals_dir, rubrics_dir

BASELINE_SCHEMA = 1
MOVE_LIMIT = 2  # a stage score that moves this much against the baseline fails the gate


class BaselineError(HedgehogError):
    """The baseline file cannot be read or is malformed."""


class RubricStamp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    content_hash: str


class GraderBaseline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: dict[str, dict[str, int]]
    metrics: dict[str, object] = Field(default_factory=dict)


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_version: int = BASELINE_SCHEMA
    about: str = "Written by `hedgehog eval --update-baseline`; compared by `hedgehog eval` and tests/evals."
    rubrics: dict[str, RubricStamp] = Field(default_factory=dict)
    graders: dict[str, GraderBaseline] = Field(default_factory=dict)


def default_baseline_path() -> Path:
    return evals_dir() / "baseline.json"


def load_baseline(path: Path | None = None) -> Baseline | None:
    """The baseline, or None when the file does not exist yet."""
    path = path or default_baseline_path()
    if not path.exists():
        return None
    try:
        return Baseline.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: cannot read: {e}") from e
    except ValidationError as e:
        raise BaselineError(f"{path}: not a valid baseline: {e.errors()[0]['msg']} at {e.errors()[0]['loc']}") from e


def rubric_stamps(directory: Path | None = None) -> dict[str, RubricStamp]:
    directory = directory or rubrics_dir()
    return {
        framework: RubricStamp(
            version=load_rubric_file(rubric_path(framework, directory)).version,
            content_hash=rubric_content_hash(framework, directory),
        )
        for framework in FRAMEWORKS
    }


def metrics_summary(run: GraderRun) -> dict[str, object]:
    metrics = compute_metrics(run.results)
    return {
        "items": metrics.items,
        "pooled": asdict(metrics.pooled),
        "stages": {key: asdict(value) for key, value in sorted(metrics.stages.items())},
        "overall_mae": metrics.overall_mae,
    }


def updated_baseline(previous: Baseline | None, run: GraderRun, rubric_dir: Path | None = None) -> Baseline:
    """A new baseline with this grader's entry replaced; other graders' entries are kept."""
    graders = dict(previous.graders) if previous else {}
    graders[run.grader] = GraderBaseline(
        items={r.id: dict(r.predicted) for r in sorted(run.results, key=lambda r: r.id)},
        metrics=metrics_summary(run),
    )
    return Baseline(rubrics=rubric_stamps(rubric_dir), graders=dict(sorted(graders.items())))


def write_baseline(baseline: Baseline, path: Path | None = None) -> Path:
    path = path or default_baseline_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(baseline.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # never leave a half-written baseline behind
    return path


@dataclass
class MovedItem:
    id: str
    stage: str
    baseline: int
    now: int

    def __str__(self) -> str:
        return f"{self.id} {self.stage}: {self.baseline} -> {self.now}"


@dataclass
class GateResult:
    grader: str
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    moved: list[MovedItem] = field(default_factory=list)
    baseline_qwk: float | None = None
    current_qwk: float | None = None  # over the items the baseline knows
    tolerance: float = 0.05
    compared_items: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures


def check_rubric_versions(baseline: Baseline, rubric_dir: Path | None = None) -> tuple[list[str], list[str]]:
    failures, notes = [], []
    current = rubric_stamps(rubric_dir)
    for framework, stamp in current.items():
        recorded = baseline.rubrics.get(framework)
        if recorded is None:
            notes.append(f"the baseline has no record of the {framework} rubric")
        elif stamp.content_hash != recorded.content_hash and stamp.version <= recorded.version:
            failures.append(
                f"rubrics/{framework}.yaml changed since the baseline but its version is still {stamp.version}: "
                f"bump `version` in rubrics/{framework}.yaml, then run `hedgehog eval --update-baseline`"
            )
        elif stamp.version != recorded.version:
            notes.append(
                f"rubrics/{framework}.yaml is version {stamp.version} (baseline: {recorded.version}); "
                "refresh the baseline with `hedgehog eval --update-baseline` once the results are reviewed"
            )
    return failures, notes


def compare_with_baseline(
    run: GraderRun,
    checks: list[CheckResult],
    baseline: Baseline | None,
    *,
    rubric_dir: Path | None = None,
    tolerance: float = 0.05,
) -> GateResult:
    gate = GateResult(grader=run.grader, tolerance=tolerance)
    for check in checks:
        if not check.passed:
            gate.failures.append(f"adversarial check {check.name} failed: {'; '.join(check.failures[:5])}")
    if baseline is None:
        gate.notes.append("no baseline yet: run `hedgehog eval --update-baseline` to record one")
        return gate

    failures, notes = check_rubric_versions(baseline, rubric_dir)
    gate.failures += failures
    gate.notes += notes

    recorded = baseline.graders.get(run.grader)
    if recorded is None:
        gate.notes.append(f"the baseline has no entry for the {run.grader} grader; record one with --update-baseline")
        return gate

    known = [r for r in run.results if r.id in recorded.items]
    gate.compared_items = len(known)
    for result in known:
        for stage, score in result.predicted.items():
            before = recorded.items[result.id].get(stage)
            if before is not None and abs(score - before) >= MOVE_LIMIT:
                gate.moved.append(MovedItem(result.id, stage, before, score))
    if gate.moved:
        gate.failures.append(f"{len(gate.moved)} stage score(s) moved by {MOVE_LIMIT} or more against the baseline")

    missing = sorted(set(recorded.items) - {r.id for r in run.results})
    if missing:
        gate.notes.append(f"{len(missing)} baseline item(s) were not graded in this run: {', '.join(missing[:10])}")
    new = sorted({r.id for r in run.results} - set(recorded.items))
    if new:
        gate.notes.append(f"{len(new)} item(s) are not in the baseline yet: {', '.join(new[:10])}")

    pooled = recorded.metrics.get("pooled") if isinstance(recorded.metrics, dict) else None
    gate.baseline_qwk = pooled.get("qwk") if isinstance(pooled, dict) else None
    gate.current_qwk = compute_metrics(known).pooled.qwk if known else None
    if gate.baseline_qwk is not None and gate.current_qwk is not None:
        drop = gate.baseline_qwk - gate.current_qwk
        if drop > tolerance:
            gate.failures.append(
                f"pooled QWK fell from {gate.baseline_qwk:.3f} to {gate.current_qwk:.3f} "
                f"(drop {drop:.3f} > tolerance {tolerance:.3f})"
            )
    return gate
