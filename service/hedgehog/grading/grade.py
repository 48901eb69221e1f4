"""The one entry point every caller (CLI, API, evals, UI via the API) uses to grade an answer.

It validates the request (CONTRACT.md section 2's refusals), resolves the question and the
framework, and hands a `GradeRequest` to the chosen grader.
"""

import re
from dataclasses import dataclass
from typing import Protocol

from hedgehog.config import Settings, get_settings
from hedgehog.grading.document import FRAMEWORKS, MAX_ANSWER_CHARS, GradeDocument
from hedgehog.grading.errors import (
    AnswerTooLongError,
    EmptyAnswerError,
    GradingInputError,
    UnknownFrameworkError,
    UnreadableTextError,
)
from hedgehog.grading.questions import Question, get_question
from hedgehog.grading.router import classify_question
from hedgehog.grading.rubric import Rubric, load_rubric

GRADERS = ("deterministic", "llm")


@dataclass(frozen=True)
class GradeRequest:
    answer: str
    question: Question
    framework: str
    rubric: Rubric


class Grader(Protocol):
    name: str

    def grade(self, request: GradeRequest) -> GradeDocument: ...


# NUL and unpaired surrogates are not text: no database stores them and no reader sees them.
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def _encodes(text: str) -> bool:
    """No unpaired surrogate: UTF-8 can encode every other character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate_text(text: str, what: str) -> str:
    if "\x00" not in text and (text.isascii() or _encodes(text)):
        return text  # the usual case, found by scans in C far faster than the regex's
    found = _UNREADABLE.search(text)
    if found:
        kind = "a NUL character" if found.group(0) == "\x00" else "an unpaired surrogate (invalid Unicode)"
        raise UnreadableTextError(f"the {what} contains {kind} at position {found.start()}: remove it and try again")
    return text


def validate_answer(answer: str) -> str:
    if not isinstance(answer, str) or not answer or answer.isspace():
        raise EmptyAnswerError("the answer is empty: write an answer to grade")
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerTooLongError(
            f"the answer has {len(answer):,} characters; the limit is {MAX_ANSWER_CHARS:,}"
        )
    return validate_text(answer, "answer")


def validate_framework(framework: str) -> str:
    if framework not in FRAMEWORKS:
        raise UnknownFrameworkError(f"unknown framework {framework!r}: choose one of {', '.join(FRAMEWORKS)}")
    return framework


def prepare_request(
    answer: str,
    *,
    question_id: str | None = None,
    question_text: str | None = None,
    framework: str | None = None,
) -> GradeRequest:
    """Validate everything before any grading or storing happens."""
    if framework is not None:
        validate_framework(framework)
    validate_answer(answer)
    if question_id:
        question = get_question(question_id)
        chosen = framework or question.framework
    elif question_text and question_text.strip():
        text = validate_text(question_text.strip(), "question")
        if len(text) > MAX_ANSWER_CHARS:
            raise GradingInputError(f"the question has {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}")
        chosen = framework or classify_question(text).framework or "scale"
        question = Question(id=None, text=text, framework=chosen)
    else:
        raise GradingInputError("give a question: a bank question id or the question text")
    return GradeRequest(answer=answer, question=question, framework=chosen, rubric=load_rubric(chosen))


def resolve_grader_name(grader: str | None, settings: Settings) -> str:
    if grader is None or grader == "auto":
        return "llm" if settings.llm_configured else "deterministic"
    if grader not in GRADERS:
        raise GradingInputError(f"unknown grader {grader!r}: choose one of {', '.join(GRADERS)}")
    return grader


def get_grader(name: str, settings: Settings | None = None) -> Grader:
    settings = settings or get_settings()
    if name == "llm":
        from hedgehog.llm.grader import LLMGrader  # imported lazily: the openai client is heavy

        return LLMGrader(settings)
    from hedgehog.grading.deterministic import DeterministicGrader

    return DeterministicGrader()


def grade(
    answer: str,
    *,
    question_id: str | None = None,
    question_text: str | None = None,
    framework: str | None = None,
    grader: str | None = None,
    settings: Settings | None = None,
) -> GradeDocument:
    settings = settings or get_settings()
    name = resolve_grader_name(grader, settings)
    request = prepare_request(answer, question_id=question_id, question_text=question_text, framework=framework)
    return get_grader(name, settings).grade(request)
