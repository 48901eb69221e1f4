"""Readable terminal output of an eval (rich tables)."""

from rich.console import Console
from rich.table import Table

from hedgehog.evaluation.report import _fmt, _pct
from hedgehog.evaluation.runner import Evaluation

MOVED_ROWS = 40  # a wholesale regression lists every item in the reports; the terminal shows the first few


def _verdict(passed: bool) -> str:
    return "[bold green]PASS[/]" if passed else "[bold red]FAIL[/]"


def print_evaluation(evaluation: Evaluation, console: Console) -> None:
    run, metrics, gate = evaluation.run, evaluation.metrics, evaluation.gate
    console.rule(f"grader [bold]{run.grader}[/]: {_verdict(gate.passed)}")
    console.print(f"{metrics.items} items graded in {run.seconds:.2f} s")
    if run.usage.prompt_tokens or run.usage.completion_tokens:
        console.print(
            f"tokens: {run.usage.prompt_tokens:,} prompt ({run.usage.cached_tokens:,} cached), "
            f"{run.usage.completion_tokens:,} completion; estimated cost ${run.usage.estimated_cost_usd:.4f}"
        )

    stages = Table(title="Agreement per stage", title_justify="left")
    for column in ("stage", "n", "QWK", "exact", "within one", "MAE"):
        stages.add_column(column, justify="left" if column == "stage" else "right", no_wrap=column == "stage")
    for key, a in metrics.stages.items():
        stages.add_row(key, str(a.n), _fmt(a.qwk), _pct(a.exact), _pct(a.within_one), _fmt(a.mae, 2))
    p = metrics.pooled
    stages.add_row("[bold]pooled[/]", str(p.n), f"[bold]{_fmt(p.qwk)}[/]", _pct(p.exact), _pct(p.within_one), _fmt(p.mae, 2), end_section=True)
    console.print(stages)
    console.print(f"overall score MAE (0-100): {_fmt(metrics.overall_mae, 1)}")

    categories = Table(title="Per category", title_justify="left")
    for column in ("category", "items", "exact", "within one", "MAE", "expected overall", "graded overall"):
        categories.add_column(column, justify="left" if column == "category" else "right", no_wrap=column == "category")
    for key, c in metrics.categories.items():
        a = c.agreement
        categories.add_row(key, str(c.items), _pct(a.exact), _pct(a.within_one), _fmt(a.mae, 2), _fmt(c.mean_expected_overall, 1), _fmt(c.mean_overall, 1))
    console.print(categories)

    confusion = Table(title="Confusion matrix (rows: human, columns: grader)", title_justify="left")
    confusion.add_column("human \\ grader")
    for score in range(len(metrics.confusion)):
        confusion.add_column(str(score), justify="right")
    for human, row in enumerate(metrics.confusion):
        confusion.add_row(str(human), *(f"[bold]{n}[/]" if human == grader else str(n) for grader, n in enumerate(row)))
    console.print(confusion)

    checks = Table(title="Adversarial checks", title_justify="left")
    for column in ("check", "result", "checked", "detail"):
        checks.add_column(column, justify="right" if column == "checked" else "left", no_wrap=column == "check")
    for c in evaluation.checks:
        detail = "; ".join(c.failures[:5]) if c.failures else c.description
        checks.add_row(c.name, _verdict(c.passed), str(c.checked), detail)
    console.print(checks)

    if gate.moved:
        moved = Table(title="Items that moved by 2 or more points against the baseline", title_justify="left")
        for column in ("item", "stage", "baseline", "now"):
            moved.add_column(column)
        for m in gate.moved[:MOVED_ROWS]:
            moved.add_row(m.id, m.stage, str(m.baseline), str(m.now))
        console.print(moved)
        if len(gate.moved) > MOVED_ROWS:
            console.print(f"... and {len(gate.moved) - MOVED_ROWS} more (all of them are in the reports)")

    console.print(
        f"gate: pooled QWK {_fmt(gate.current_qwk)} vs baseline {_fmt(gate.baseline_qwk)} "
        f"(tolerance {gate.tolerance:.3f}, {gate.compared_items} items compared)"
    )
    for failure in gate.failures:
        console.print(f"[red]FAIL[/] {failure}")
    for note in gate.notes:
        console.print(f"[yellow]note[/] {note}")
