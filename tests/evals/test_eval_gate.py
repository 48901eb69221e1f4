"""The gate: a faithful grader passes against its own baseline; deliberately worse graders,
broken hard rules and an unbumped rubric change fail it."""

import json
import re
import shutil

import pytest

from evals.fake_graders import all_fours, fake_grade_fn, oracle, shifted_by_two
from hedgehog.evaluation.baseline import (
    Baseline,
    load_baseline,
    rubric_stamps,
    updated_baseline,
    write_baseline,
)
from hedgehog.evaluation.runner import evaluate, run_grader
from hedgehog.paths import rubrics_dir


@pytest.fixture
def rubric_copy(tmp_path):
    directory = tmp_path / "rubrics"
    shutil.copytree(rubrics_dir(), directory)
    return directory


@pytest.fixture
def oracle_baseline(golden_items, rubric_copy) -> Baseline:
    run = run_grader(golden_items, "deterministic", grade_fn=fake_grade_fn(golden_items, oracle))
    return updated_baseline(None, run, rubric_copy)


def gate_for(items, transform, baseline, rubric_dir, **fake):
    return evaluate(
        items, "deterministic", grade_fn=fake_grade_fn(items, transform, **fake), baseline=baseline, rubric_dir=rubric_dir
    )


def test_a_faithful_grader_passes_against_its_own_baseline(golden_items, oracle_baseline, rubric_copy):
    evaluation = gate_for(golden_items, oracle, oracle_baseline, rubric_copy)
    assert evaluation.passed, evaluation.gate.failures
    assert evaluation.metrics.pooled.qwk == pytest.approx(1.0)
    assert evaluation.gate.compared_items == len(golden_items)
    assert all(check.passed for check in evaluation.checks)


def test_a_grader_that_gives_everything_four_fails(golden_items, oracle_baseline, rubric_copy):
    gate = gate_for(golden_items, all_fours, oracle_baseline, rubric_copy).gate
    assert not gate.passed
    assert any("pooled QWK fell" in f for f in gate.failures)
    assert any("stuffing_capped" in f for f in gate.failures)
    assert gate.moved  # e.g. every off-topic 0 that became a 4


def test_a_grader_shifted_by_two_points_fails_and_lists_every_move(golden_items, oracle_baseline, rubric_copy):
    gate = gate_for(golden_items, shifted_by_two, oracle_baseline, rubric_copy).gate
    assert not gate.passed
    stage_count = sum(len(i.labels) for i in golden_items)
    assert len(gate.moved) == stage_count
    assert any("moved by 2 or more" in f for f in gate.failures)


def test_small_disagreements_within_tolerance_pass(golden_items, oracle_baseline, rubric_copy):
    def one_off_on_one_stage(item):
        scores = dict(item.labels)
        if item.id in {"G03", "G26"}:
            stage = next(iter(scores))
            scores[stage] = scores[stage] - 1
        return scores

    evaluation = gate_for(golden_items, one_off_on_one_stage, oracle_baseline, rubric_copy)
    assert evaluation.passed, evaluation.gate.failures
    assert evaluation.gate.current_qwk < 1.0


def test_a_grader_that_misses_injections_fails(golden_items, oracle_baseline, rubric_copy):
    evaluation = gate_for(golden_items, oracle, oracle_baseline, rubric_copy, flag_injection=False)
    check = next(c for c in evaluation.checks if c.name == "injection_flagged")
    assert not check.passed and check.checked >= 3
    assert not evaluation.passed


def test_a_grader_that_grades_blank_answers_fails(golden_items, oracle_baseline, rubric_copy):
    good = fake_grade_fn(golden_items, oracle)

    def lenient(answer, *, question_id, question_text, framework):
        if not answer.strip():
            return good(golden_items[0].answer, question_id=golden_items[0].question_id,
                        question_text=golden_items[0].question_text, framework=golden_items[0].framework)
        return good(answer, question_id=question_id, question_text=question_text, framework=framework)

    evaluation = evaluate(golden_items, "deterministic", grade_fn=lenient, baseline=oracle_baseline, rubric_dir=rubric_copy)
    check = next(c for c in evaluation.checks if c.name == "blank_refused")
    assert not check.passed and "graded instead of refused" in check.failures[0]


def test_a_nondeterministic_grader_fails(golden_items, oracle_baseline, rubric_copy):
    calls = {"n": 0}
    good = fake_grade_fn(golden_items, oracle)

    def drifting(answer, **kwargs):
        document = good(answer, **kwargs)
        calls["n"] += 1
        return document.model_copy(update={"summary": f"call {calls['n']}"})

    evaluation = evaluate(golden_items, "deterministic", grade_fn=drifting, baseline=oracle_baseline, rubric_dir=rubric_copy)
    check = next(c for c in evaluation.checks if c.name == "deterministic_repeatable")
    assert not check.passed and len(check.failures) == len(golden_items)


def test_a_crashing_grader_is_reported_per_item(golden_items, oracle_baseline, rubric_copy):
    good = fake_grade_fn(golden_items, oracle)

    def crashes_on_g05(answer, **kwargs):
        if answer == next(i.answer for i in golden_items if i.id == "G05"):
            raise RuntimeError("boom")
        return good(answer, **kwargs)

    evaluation = evaluate(golden_items, "deterministic", grade_fn=crashes_on_g05, baseline=oracle_baseline, rubric_dir=rubric_copy)
    assert evaluation.run.errors == {"G05": "RuntimeError: boom"}
    assert not evaluation.passed


def test_changing_a_rubric_without_bumping_its_version_fails(golden_items, oracle_baseline, rubric_copy):
    scale = rubric_copy / "scale.yaml"
    scale.write_text(scale.read_text(encoding="utf-8") + "\n# a quiet tweak\n", encoding="utf-8")
    gate = gate_for(golden_items, oracle, oracle_baseline, rubric_copy).gate
    assert not gate.passed
    assert any("bump `version` in rubrics/scale.yaml" in f for f in gate.failures)
    assert not any("capacity.yaml" in f for f in gate.failures)

    text = scale.read_text(encoding="utf-8")
    version = int(re.search(r"^version: (\d+)$", text, re.M).group(1))
    scale.write_text(re.sub(r"^version: \d+$", f"version: {version + 1}", text, count=1, flags=re.M), encoding="utf-8")
    gate = gate_for(golden_items, oracle, oracle_baseline, rubric_copy).gate
    assert gate.passed, gate.failures
    assert any("scale.yaml is version" in n for n in gate.notes)


def test_without_a_baseline_only_the_adversarial_checks_gate(golden_items, rubric_copy):
    assert gate_for(golden_items, oracle, None, rubric_copy).passed
    assert not gate_for(golden_items, all_fours, None, rubric_copy).passed  # stuffing above 1


def test_baseline_round_trip_keeps_other_graders(golden_items, tmp_path, rubric_copy):
    run = run_grader(golden_items, "deterministic", grade_fn=fake_grade_fn(golden_items, oracle))
    llm_run = run_grader(golden_items, "llm", grade_fn=fake_grade_fn(golden_items, all_fours))
    path = tmp_path / "baseline.json"
    write_baseline(updated_baseline(updated_baseline(None, llm_run, rubric_copy), run, rubric_copy), path)

    loaded = load_baseline(path)
    assert set(loaded.graders) == {"deterministic", "llm"}
    labels = {item.id: item.labels for item in golden_items}
    assert loaded.graders["deterministic"].items["G01"] == labels["G01"]
    assert loaded.graders["llm"].items["G07"]["current_load"] == 4
    assert loaded.graders["deterministic"].metrics["pooled"]["qwk"] == pytest.approx(1.0)
    assert loaded.rubrics == rubric_stamps(rubric_copy)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and not (tmp_path / "baseline.json.tmp").exists()
    assert load_baseline(tmp_path / "absent.json") is None


def test_the_gate_compares_only_items_the_baseline_knows(golden_items, rubric_copy):
    known = golden_items[:20]
    run = run_grader(known, "deterministic", grade_fn=fake_grade_fn(known, oracle))
    baseline = updated_baseline(None, run, rubric_copy)

    def wrong_on_new_items(item):
        return item.labels if item in known else all_fours(item)

    gate = gate_for(golden_items, wrong_on_new_items, baseline, rubric_copy).gate
    assert gate.compared_items == 20 and gate.current_qwk == pytest.approx(1.0)
    assert not gate.moved
    assert any(f"{len(golden_items) - 20} item(s) are not in the baseline yet" in n for n in gate.notes)


def test_invented_evidence_fails_the_verbatim_check(golden_items, rubric_copy):
    good = fake_grade_fn(golden_items, oracle)

    def invents_quotes(answer, **kwargs):
        document = good(answer, **kwargs)
        stages = [s.model_copy(update={"evidence": ["a quote the candidate never said"]}) for s in document.stages]
        return document.model_copy(update={"stages": stages})

    evaluation = evaluate(golden_items, "deterministic", grade_fn=invents_quotes, rubric_dir=rubric_copy)
    check = next(c for c in evaluation.checks if c.name == "evidence_verbatim")
    assert not check.passed and not evaluation.passed
