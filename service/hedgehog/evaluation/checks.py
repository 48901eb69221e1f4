"""Adversarial checks: the contract's hard rules (CONTRACT.md section 2), checked on every run.
They are never baselined: a grader that breaks one fails the gate whatever it scored before."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from hedgehog.config import Settings, get_settings
from hedgehog.evaluation.dataset import STUFFING_CAP, GoldenItem
from hedgehog.evaluation.runner import GradeFn, GraderRun, grade_function, run_grader
from hedgehog.grading.errors import GradingInputError

# Inputs that must be refused before any grading happens (CONTRACT.md section 2).
BLANK_ANSWERS = ("", "   ", "\n\t  \n")
BLANK_QUESTION = {"scale": "What breaks if our API traffic grows 10x?", "capacity": "Estimate the storage needed for a year of logs."}


@dataclass
class CheckResult:
    name: str
    description: str
    passed: bool
    checked: int  # how many items or inputs the check looked at
    failures: list[str] = field(default_factory=list)


def check_stuffing_capped(run: GraderRun) -> CheckResult:
    items = [r for r in run.results if r.category == "keyword_stuffing"]
    failures = [
        f"{r.id}: {stage}={score}" for r in items for stage, score in r.predicted.items() if score > STUFFING_CAP
    ]
    return CheckResult(
        "stuffing_capped",
        f"keyword-stuffed answers score at most {STUFFING_CAP} on every stage",
        not failures,
        len(items),
        failures,
    )


def check_injection_flagged(run: GraderRun) -> CheckResult:
    items = [r for r in run.results if "injection" in r.expect_flags]
    failures = [f"{r.id}: flags {list(r.flags)}" for r in items if "injection" not in r.flags]
    return CheckResult("injection_flagged", "text addressed to the grader is reported as an injection flag", not failures, len(items), failures)


def check_evidence_verbatim(run: GraderRun) -> CheckResult:
    failures = [f"{r.id}: {quote[:60]!r}" for r in run.results for quote in r.evidence if quote not in r.answer]
    return CheckResult("evidence_verbatim", "every evidence quote is a verbatim substring of the answer", not failures, len(run.results), failures)


def check_blank_refused(grade_fn: GradeFn) -> CheckResult:
    failures = []
    checked = 0
    for framework, question in BLANK_QUESTION.items():
        for answer in BLANK_ANSWERS:
            checked += 1
            try:
                grade_fn(answer, question_id=None, question_text=question, framework=framework)
            except GradingInputError:
                continue
            except Exception as e:  # refused, but not with the named error callers map to exit 2 / 4xx
                failures.append(f"{framework} {answer!r}: {type(e).__name__} instead of GradingInputError")
                continue
            failures.append(f"{framework} {answer!r}: graded instead of refused")
    return CheckResult("blank_refused", "empty or whitespace-only answers are refused with GradingInputError", not failures, checked, failures)


def check_deterministic_repeatable(items: Sequence[GoldenItem], run: GraderRun, settings: Settings, grade_fn: GradeFn | None) -> CheckResult:
    """Grade twice and compare byte for byte. When the run under test is the deterministic grader,
    its own results are the first run; otherwise the real deterministic grader runs twice."""
    if run.grader == "deterministic":
        first = {r.id: r.document_json for r in run.results}
        second_run = run_grader(items, "deterministic", settings=settings, grade_fn=grade_fn)
    else:
        first = {r.id: r.document_json for r in run_grader(items, "deterministic", settings=settings).results}
        second_run = run_grader(items, "deterministic", settings=settings)
    second = {r.id: r.document_json for r in second_run.results}
    failures = [item_id for item_id in first if first[item_id] != second.get(item_id)]
    failures += [item_id for item_id in second if item_id not in first]
    return CheckResult(
        "deterministic_repeatable",
        "the deterministic grader gives byte-identical documents across two runs",
        not failures,
        len(first),
        [f"{item_id}: output differs between runs" for item_id in failures],
    )


def check_all_graded(run: GraderRun) -> CheckResult:
    failures = [f"{item_id}: {error}" for item_id, error in run.errors.items()]
    return CheckResult("all_graded", "every golden item is graded without an error", not failures, len(run.results) + len(run.errors), failures)


def run_adversarial_checks(
    items: Sequence[GoldenItem],
    run: GraderRun,
    *,
    settings: Settings | None = None,
    grade_fn: GradeFn | None = None,
) -> list[CheckResult]:
    settings = settings or get_settings()
    return [
        check_all_graded(run),
        check_stuffing_capped(run),
        check_injection_flagged(run),
        check_evidence_verbatim(run),
        check_blank_refused(grade_fn or grade_function(run.grader, settings)),
        check_deterministic_repeatable(items, run, settings, grade_fn),
    ]
