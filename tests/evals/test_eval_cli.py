"""`hedgehog eval` end to end, in process: reports, baseline update and gate, readable errors.

The golden subset used here has no keyword-stuffed or injected answers, so the exit status
depends only on contract rules every grader keeps (blank refusals, verbatim evidence,
determinism) and on the baseline comparison, not on how well the deterministic grader scores."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from hedgehog.cli import app
from hedgehog.evaluation.dataset import default_golden_paths
from hedgehog.paths import project_root

SUBSET = {"G01", "G09", "G25", "G37"}


@pytest.fixture
def subset_file(tmp_path):
    lines = [
        line
        for path in default_golden_paths()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and json.loads(line)["id"] in SUBSET
    ]
    path = tmp_path / "subset.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(app, ["eval", *map(str, args)])


def test_update_then_gate_then_regression(subset_file, tmp_path):
    baseline, out = tmp_path / "baseline.json", tmp_path / "out"

    first = invoke(subset_file, "--baseline", baseline, "--out", out, "--update-baseline")
    assert first.exit_code == 0, first.output
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert set(recorded["graders"]["deterministic"]["items"]) == SUBSET
    assert set(recorded["rubrics"]) == {"scale", "capacity"}

    second = invoke(subset_file, "--baseline", baseline, "--out", out)
    assert second.exit_code == 0, second.output
    for heading in ("Agreement per stage", "Per category", "Confusion matrix", "Adversarial checks", "eval: PASS"):
        assert heading in second.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["passed"] is True and report["graders"][0]["grader"] == "deterministic"
    assert len(report["graders"][0]["items"]) == len(SUBSET)
    assert len(report["graders"][0]["metrics"]["confusion"]) == 5
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<table class="heat">' in html and "hsl(215" in html
    assert "## Grader `deterministic`: pass" in (out / "report.md").read_text(encoding="utf-8")

    scores = recorded["graders"]["deterministic"]["items"]["G01"]
    scores["current_load"] = scores["current_load"] + 2 if scores["current_load"] <= 2 else scores["current_load"] - 2
    baseline.write_text(json.dumps(recorded), encoding="utf-8")
    third = invoke(subset_file, "--baseline", baseline, "--out", out)
    assert third.exit_code == 1
    assert "G01" in third.stdout and "moved by 2 or more" in third.stdout and "eval: FAIL" in third.stdout


def test_unbumped_rubric_change_fails_and_blocks_update(subset_file, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(project_root() / "rubrics", data / "rubrics")
    monkeypatch.setenv("HEDGEHOG_DATA_DIR", str(data))
    baseline, out = tmp_path / "baseline.json", tmp_path / "out"
    assert invoke(subset_file, "--baseline", baseline, "--out", out, "--update-baseline").exit_code == 0
    before = baseline.read_text(encoding="utf-8")

    capacity = data / "rubrics" / "capacity.yaml"
    capacity.write_text(capacity.read_text(encoding="utf-8") + "\n# tweaked without a version bump\n", encoding="utf-8")
    gate = invoke(subset_file, "--baseline", baseline, "--out", out)
    assert gate.exit_code == 1
    assert "bump `version` in rubrics/capacity.yaml" in gate.stdout.replace("\n", " ")
    update = invoke(subset_file, "--baseline", baseline, "--out", out, "--update-baseline")
    assert update.exit_code == 1 and "refused" in update.stdout
    assert baseline.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.jsonl"], "cannot read"),
        (["--grader", "oracle"], "unknown grader"),
        (["--grader", "llm"], "needs an endpoint"),
        (["--tolerance", "-1"], "--tolerance"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_a_corrupt_baseline_is_a_clear_error(subset_file, tmp_path):
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{not json", encoding="utf-8")
    result = invoke(subset_file, "--baseline", baseline, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "not a valid baseline" in result.stderr
