"""The CI gate (run by `.ci/run` through `python -m pytest`): the deterministic grader over the
golden set must not regress against evals/baseline.json and must keep every hard rule."""

from hedgehog.evaluation.baseline import default_baseline_path, load_baseline
from hedgehog.evaluation.runner import evaluate


def test_deterministic_grader_passes_the_eval_gate(golden_items):
    baseline = load_baseline()
    assert baseline is not None, f"{default_baseline_path()} is missing: run `hedgehog eval --update-baseline`"
    assert "deterministic" in baseline.graders

    evaluation = evaluate(golden_items, "deterministic", baseline=baseline)

    gate = evaluation.gate
    report = "\n".join(gate.failures + [f"moved: {m}" for m in gate.moved])
    assert gate.passed, f"eval gate failed (run `hedgehog eval` for the full report):\n{report}"
    assert gate.compared_items == len(golden_items)
