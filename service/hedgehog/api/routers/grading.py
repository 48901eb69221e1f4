"""Stateless grading and the question router (no login needed)."""

from typing import Annotated

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from hedgehog.api.errors import ApiError
from hedgehog.api.schemas import ErrorBody, GradeBody
from hedgehog.config import Settings
from hedgehog.grading.document import MAX_ANSWER_CHARS, GradeDocument
from hedgehog.grading.errors import GradingInputError
from hedgehog.grading.grade import GRADERS, get_grader, prepare_request
from hedgehog.grading.router import Classification, classify_question

router = APIRouter(tags=["grading"])

REFUSALS = {422: {"model": ErrorBody, "description": "Refused input (empty, too long, unknown question, framework or grader); nothing is graded."}}


class LlmNotConfiguredError(GradingInputError):
    code = "llm_not_configured"


class UnknownGraderError(GradingInputError):
    code = "unknown_grader"


class ClassifyBody(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS, description="The interview question.")


def run_grading(body: GradeBody, settings: Settings) -> GradeDocument:
    """Validate, then grade. Shared by /v1/grade and /v1/submissions; raises GradingInputError."""
    if body.question_id and body.question_text:
        raise ApiError(422, "invalid_input", "give question_id or question_text, not both")
    grader = body.grader or ("llm" if settings.llm_configured else "deterministic")
    if grader not in GRADERS:
        raise UnknownGraderError(f"unknown grader {grader!r}: choose one of {', '.join(GRADERS)}")
    if grader == "llm" and not settings.llm_configured:
        raise LlmNotConfiguredError(
            "the llm grader needs an OpenAI-compatible endpoint (OPENAI_BASE_URL / OPENAI_API_KEY) and none is "
            "configured on this server; use grader=deterministic"
        )
    request = prepare_request(
        body.answer, question_id=body.question_id, question_text=body.question_text, framework=body.framework
    )
    return get_grader(grader, settings).grade(request)


@router.post("/grade", response_model=GradeDocument, responses=REFUSALS)
def grade(request: Request, body: GradeBody) -> GradeDocument:
    """Grade one answer stage by stage; nothing is stored (CONTRACT.md sections 3-4)."""
    return run_grading(body, request.app.state.settings)


@router.post("/classify", response_model=Classification, responses=REFUSALS)
def classify(body: Annotated[ClassifyBody, Body()]) -> Classification:
    """Is the question L2 scale & capacity, and which framework fits?"""
    if not body.question.strip():
        raise ApiError(422, "empty_question", "the question is empty")
    return classify_question(body.question)
