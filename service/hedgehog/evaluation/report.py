"""Reports of an eval: `report.json` (everything, machine-readable), `report.md` and `report.html`
(the confusion matrix drawn as a heat map). Markdown and HTML come from Jinja templates in
`templates/`, rendered from the same data as the JSON."""

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import jinja2

from hedgehog.evaluation.runner import Evaluation
from hedgehog.grading.document import MAX_STAGE_SCORE

TEMPLATES = Path(__file__).parent / "templates"


def evaluation_data(evaluation: Evaluation) -> dict:
    run, metrics, gate = evaluation.run, evaluation.metrics, evaluation.gate
    return {
        "grader": run.grader,
        "passed": gate.passed,
        "seconds": round(run.seconds, 3),
        "usage": run.usage.model_dump(),
        "metrics": {
            "items": metrics.items,
            "pooled": asdict(metrics.pooled),
            "overall_mae": metrics.overall_mae,
            "stages": {key: asdict(value) for key, value in metrics.stages.items()},
            "categories": {key: asdict(value) for key, value in metrics.categories.items()},
            "confusion": metrics.confusion,
        },
        "checks": [asdict(check) for check in evaluation.checks],
        "gate": {
            "passed": gate.passed,
            "failures": gate.failures,
            "notes": gate.notes,
            "moved": [asdict(m) for m in gate.moved],
            "baseline_qwk": gate.baseline_qwk,
            "current_qwk": gate.current_qwk,
            "tolerance": gate.tolerance,
            "compared_items": gate.compared_items,
        },
        "errors": run.errors,
        "items": [
            {
                "id": r.id,
                "framework": r.framework,
                "category": r.category,
                "question_id": r.question_id,
                "labels": r.labels,
                "predicted": r.predicted,
                "expected_overall": r.expected_overall,
                "overall": r.overall,
                "max_difference": max(abs(r.labels[s] - r.predicted[s]) for s in r.labels),
                "flags": list(r.flags),
                "expect_flags": list(r.expect_flags),
            }
            for r in run.results
        ],
    }


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def report_data(evaluations: Sequence[Evaluation], files: Sequence[Path]) -> dict:
    return {
        "generated_by": "hedgehog eval",
        "files": [_display_path(f) for f in files],
        "passed": all(e.passed for e in evaluations),
        "scores": list(range(MAX_STAGE_SCORE + 1)),
        "graders": [evaluation_data(e) for e in evaluations],
    }


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["pct"] = _pct
    return env


def heat(count: int, largest: int) -> str:
    """Background colour of a confusion-matrix cell: white for 0, deep blue for the largest count."""
    share = count / largest if largest else 0.0
    lightness = 97 - round(55 * share)
    return f"hsl(215, 70%, {lightness}%)"


def render_markdown(data: dict) -> str:
    return _environment(autoescape=False).get_template("report.md.j2").render(report=data)


def render_html(data: dict) -> str:
    env = _environment(autoescape=True)
    env.globals["heat"] = heat
    return env.get_template("report.html.j2").render(report=data)


def write_reports(evaluations: Sequence[Evaluation], files: Sequence[Path], out_dir: Path) -> dict[str, Path]:
    data = report_data(evaluations, files)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    paths["md"].write_text(render_markdown(data), encoding="utf-8")
    paths["html"].write_text(render_html(data), encoding="utf-8")
    return paths
