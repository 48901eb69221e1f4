"""Reports: JSON holds everything, Markdown and HTML render from it, the HTML draws the matrix."""

import json
import re

from evals.fake_graders import fake_grade_fn, oracle, shifted_by_two
from hedgehog.evaluation.report import heat, write_reports
from hedgehog.evaluation.runner import evaluate


def test_reports_show_metrics_checks_and_the_drawn_confusion_matrix(golden_items, tmp_path):
    items = golden_items[:10]
    evaluation = evaluate(items, "deterministic", grade_fn=fake_grade_fn(items, shifted_by_two))
    paths = write_reports([evaluation], [tmp_path / "golden.jsonl"], tmp_path / "out")

    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    grader = data["graders"][0]
    assert data["passed"] is False  # shifted scores break the stuffing cap
    assert grader["metrics"]["confusion"] == evaluation.metrics.confusion
    assert sum(map(sum, grader["metrics"]["confusion"])) == sum(len(i.labels) for i in items)
    assert {c["name"] for c in grader["checks"]} >= {"stuffing_capped", "injection_flagged", "blank_refused"}
    assert all(item["max_difference"] == 2 for item in grader["items"])

    html = paths["html"].read_text(encoding="utf-8")
    cells = re.findall(r'<td class="(?:diagonal)?" style="background: hsl\(215, 70%, (\d+)%\)[^>]*>(\d+)</td>', html)
    assert [int(count) for _, count in cells] == [n for row in evaluation.metrics.confusion for n in row]
    assert all(count == "0" for _, count in cells[::6])  # the diagonal is empty: every score moved by two

    markdown = paths["md"].read_text(encoding="utf-8")
    assert "| **pooled** |" in markdown and "### Confusion matrix" in markdown and "FAIL" in markdown


def test_heat_scale_runs_from_white_to_deep_blue():
    assert heat(0, 10) == "hsl(215, 70%, 97%)"
    assert heat(10, 10) == "hsl(215, 70%, 42%)"
    assert heat(0, 0) == "hsl(215, 70%, 97%)"


def test_a_faithful_grader_reports_a_perfect_diagonal(golden_items, tmp_path):
    items = golden_items[:6]
    evaluation = evaluate(items, "deterministic", grade_fn=fake_grade_fn(items, oracle))
    paths = write_reports([evaluation], [], tmp_path)
    confusion = json.loads(paths["json"].read_text(encoding="utf-8"))["graders"][0]["metrics"]["confusion"]
    assert all(confusion[h][g] == 0 for h in range(5) for g in range(5) if h != g)
    assert "<th>pooled</th><th>{}</th><th>1.000</th>".format(sum(len(i.labels) for i in items)) in paths["html"].read_text(encoding="utf-8")
