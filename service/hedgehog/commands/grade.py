"""`hedgehog grade` and `hedgehog classify` (CONTRACT.md section 4)."""

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from hedgehog.commands import fail
from hedgehog.grading.document import GradeDocument
from hedgehog.grading.errors import HedgehogError


def read_answer(answer_file: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if answer_file == "-" else Path(answer_file).read_bytes()
    except OSError as e:
        fail(f"cannot read the answer file {answer_file!r}: {e.strerror or e}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"the answer file {answer_file!r} is not UTF-8 text")


def render_report(doc: GradeDocument) -> str:
    """A readable stage-by-stage report for a terminal."""
    bar = lambda score: "█" * score + "·" * (4 - score)  # noqa: E731
    lines = [
        f"Hedgehog grade — {doc.framework} framework ({doc.rubric_version}, {doc.grader} grader)",
        f"Question: {doc.question_id + ': ' if doc.question_id else ''}{doc.question_text}",
        f"Overall: {doc.overall}/100",
        "",
    ]
    for stage in doc.stages:
        lines.append(f"{stage.name:<20} {bar(stage.score)} {stage.score}/{stage.max_score} {stage.label}")
        lines.append(f"    {stage.critique}")
        if stage.missing:
            lines.append(f"    Missing: {', '.join(stage.missing)}")
        for quote in stage.evidence[:2]:
            lines.append(f'    Evidence: "{quote}"')
        lines.append("")
    if doc.flags:
        lines.append(f"Flags: {', '.join(doc.flags)}")
        lines.extend(f"  - {note}" for note in doc.notes)
    if doc.usage:
        u = doc.usage
        cache = doc.details.get("cache") if isinstance(doc.details.get("cache"), dict) else {}
        served = " (served from the result cache: no request made)" if cache.get("hit") else ""
        lines.append(
            f"Tokens: {u.prompt_tokens} prompt ({u.cached_tokens} cached), {u.completion_tokens} completion; "
            f"estimated cost ${u.estimated_cost_usd:.4f}{served}"
        )
    lines.append(doc.summary)
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command()
    def grade(
        answer_file: Annotated[str, typer.Option("--answer-file", help="Path to the answer (UTF-8), or - for stdin.")],
        question_id: Annotated[Optional[str], typer.Option("--question-id", help="A bank question id, e.g. Q742.")] = None,
        question_text: Annotated[Optional[str], typer.Option("--question-text", help="A question not in the bank.")] = None,
        framework: Annotated[Optional[str], typer.Option("--framework", help="scale or capacity (default: chosen from the question).")] = None,
        grader: Annotated[Optional[str], typer.Option("--grader", help="deterministic or llm (default: llm when an endpoint is configured).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the grade document as JSON.")] = False,
    ) -> None:
        """Grade one answer stage by stage."""
        from hedgehog.grading.grade import grade as grade_answer

        if question_id and question_text:
            fail("give either --question-id or --question-text, not both")
        if not question_id and not question_text:
            fail("give --question-id or --question-text")
        answer = read_answer(answer_file)
        try:
            doc = grade_answer(
                answer, question_id=question_id, question_text=question_text, framework=framework, grader=grader
            )
        except HedgehogError as e:
            fail(str(e))
        print(doc.to_json() if as_json else render_report(doc))

    @app.command()
    def classify(
        question: Annotated[str, typer.Argument(help="The interview question.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the classification as JSON.")] = False,
    ) -> None:
        """Say whether a question is L2 scale & capacity, and which framework fits."""
        from hedgehog.grading.router import classify_question

        if not question.strip():
            fail("the question is empty")
        try:
            result = classify_question(question)
        except HedgehogError as e:
            fail(str(e))
        if as_json:
            print(json.dumps(result.model_dump(), indent=2))
        else:
            fw = f", framework: {result.framework}" if result.framework else ""
            print(f"{result.category}{fw}\n{result.reason}")
