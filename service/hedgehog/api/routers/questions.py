"""The question bank (rubrics/question_bank.yaml)."""

from fastapi import APIRouter

from hedgehog.api.deps import not_found
from hedgehog.grading.errors import UnknownQuestionError
from hedgehog.grading.questions import Question, get_question, load_bank

router = APIRouter(prefix="/questions", tags=["questions"])


@router.get("", response_model=list[Question])
def list_questions() -> list[Question]:
    return list(load_bank().values())


@router.get("/{question_id}", response_model=Question, responses={404: {"description": "Unknown question id."}})
def read_question(question_id: str) -> Question:
    try:
        return get_question(question_id)
    except UnknownQuestionError as e:
        raise not_found(f"question {question_id!r}") from e
