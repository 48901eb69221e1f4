"""`hedgehog eval`: grade the golden sets, report agreement with the human labels, and gate
regressions against `evals/baseline.json` (exit 1). Heavy imports live inside the command."""

from pathlib import Path

import typer

from hedgehog.commands import fail


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        files: list[Path] = typer.Argument(None, help="Golden JSONL files (default: evals/golden/*.jsonl)."),
        grader: str | None = typer.Option(
            None, "--grader", help="deterministic or llm (default: deterministic, plus llm when an endpoint is configured)."
        ),
        out: Path = typer.Option(Path("eval-out"), "--out", help="Folder for report.md, report.json and report.html."),
        update_baseline: bool = typer.Option(
            False, "--update-baseline", help="Rewrite the baseline with this run's scores, metrics and rubric hashes."
        ),
        baseline: Path | None = typer.Option(None, "--baseline", help="Baseline file (default: evals/baseline.json)."),
        tolerance: float = typer.Option(0.05, "--tolerance", help="Largest allowed drop in pooled QWK."),
    ) -> None:
        """Grade the golden sets, print agreement and adversarial checks, and fail (exit 1) on regression."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from hedgehog.config import get_settings
        from hedgehog.evaluation.baseline import (
            BaselineError,
            check_rubric_versions,
            default_baseline_path,
            load_baseline,
            updated_baseline,
            write_baseline,
        )
        from hedgehog.evaluation.dataset import GoldenSetError, default_golden_paths, load_items
        from hedgehog.evaluation.report import write_reports
        from hedgehog.evaluation.runner import evaluate
        from hedgehog.evaluation.terminal import print_evaluation
        from hedgehog.grading.errors import HedgehogError

        settings = get_settings()
        if grader is not None and grader not in ("deterministic", "llm"):
            fail(f"unknown grader {grader!r}: choose deterministic or llm")
        if grader == "llm" and not settings.llm_configured:
            fail("the llm grader needs an endpoint: set OPENAI_API_KEY and/or OPENAI_BASE_URL")
        if tolerance < 0:
            fail("--tolerance must be zero or more")
        graders = [grader] if grader else ["deterministic"] + (["llm"] if settings.llm_configured else [])

        paths = list(files) if files else default_golden_paths()
        baseline_path = baseline or default_baseline_path()
        try:
            items = load_items(paths)
            recorded = load_baseline(baseline_path)
        except (GoldenSetError, BaselineError) as e:
            fail(str(e))

        console = Console()
        progress_console = Console(stderr=True)
        evaluations = []
        for name in graders:
            with Progress(
                TextColumn(f"grading with {name}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=progress_console, transient=True,
            ) as progress:
                task = progress.add_task(name, total=len(items))
                try:
                    evaluation = evaluate(
                        items, name, settings=settings, baseline=recorded, tolerance=tolerance,
                        progress=lambda n, task=task: progress.advance(task, n),
                    )
                except HedgehogError as e:
                    fail(str(e))
            evaluations.append(evaluation)
            print_evaluation(evaluation, console)

        reports = write_reports(evaluations, paths, out)
        console.print(f"reports: {reports['md']}, {reports['json']}, {reports['html']}")

        failed = False
        if update_baseline:
            if recorded is not None:
                rubric_failures, _ = check_rubric_versions(recorded)
                if rubric_failures:
                    # Re-stamping would hide exactly the change the guard exists to catch.
                    for message in rubric_failures:
                        console.print(f"[red]refused[/] {message}")
                    raise typer.Exit(code=1)
            new = recorded
            for evaluation in evaluations:
                new = updated_baseline(new, evaluation.run)
            write_baseline(new, baseline_path)
            console.print(f"baseline written: {baseline_path} ({', '.join(graders)})")
            # Adversarial checks are never baselined: they still decide the exit status.
            for evaluation in evaluations:
                broken = [c.name for c in evaluation.checks if not c.passed]
                if broken:
                    failed = True
                    console.print(f"[red]FAIL[/] {evaluation.run.grader}: adversarial checks still fail: {', '.join(broken)}")
        else:
            failed = any(not e.passed for e in evaluations)
        console.print("eval: [bold red]FAIL[/]" if failed else "eval: [bold green]PASS[/]")
        if failed:
            raise typer.Exit(code=1)
