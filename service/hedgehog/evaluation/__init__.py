"""Rubric regression evals: golden sets, agreement metrics, adversarial checks, a baseline gate
and reports. `hedgehog eval` (commands/eval.py) is the command-line face of this package.

Public surface:
- `load_items(paths)` / `default_golden_paths()` -> list[GoldenItem]   (dataset.py)
- `run_grader(items, grader=...)` -> GraderRun                         (runner.py)
- `compute_metrics(results)` -> Metrics, `quadratic_weighted_kappa`     (metrics.py)
- `run_adversarial_checks(...)` -> list[CheckResult]                    (checks.py)
- `Baseline`, `compare_with_baseline(...)` -> GateResult                (baseline.py)
- `evaluate(...)` runs all of the above for one grader                  (runner.py)
"""

from hedgehog.evaluation.baseline import Baseline, GateResult, compare_with_baseline, load_baseline
from hedgehog.evaluation.checks import CheckResult, run_adversarial_checks
from hedgehog.evaluation.dataset import GoldenItem, GoldenSetError, default_golden_paths, load_items
from hedgehog.evaluation.metrics import Metrics, compute_metrics, quadratic_weighted_kappa
from hedgehog.evaluation.runner import Evaluation, GraderRun, ItemResult, evaluate, run_grader

__all__ = [
    "Baseline",
    "CheckResult",
    "Evaluation",
    "GateResult",
    "GoldenItem",
    "GoldenSetError",
    "GraderRun",
    "ItemResult",
    "Metrics",
    "compare_with_baseline",
    "compute_metrics",
    "default_golden_paths",
    "evaluate",
    "load_baseline",
    "load_items",
    "quadratic_weighted_kappa",
    "run_adversarial_checks",
    "run_grader",
]
