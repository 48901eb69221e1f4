"""A learner's history, progress, readiness and CSV export."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from hedgehog.api import progress as progress_rules
from hedgehog.api.deps import CurrentUser, EngineDep, IdPath, SessionDep, visible_learner
from hedgehog.api.errors import ApiError
from hedgehog.api.schemas import ErrorBody, SubmissionPage
from hedgehog.api.views import export_response, submission_summaries
from hedgehog.db import crud
from hedgehog.db.models import Submission
from hedgehog.grading.document import FRAMEWORKS

router = APIRouter(prefix="/learners", tags=["learners"])

RESPONSES = {
    401: {"model": ErrorBody, "description": "No or bad token."},
    404: {"model": ErrorBody, "description": "No such learner, or not one you may see."},
}


@router.get("/{learner_id}/submissions", response_model=SubmissionPage, responses=RESPONSES)
def list_learner_submissions(
    learner_id: IdPath,
    session: SessionDep,
    user: CurrentUser,
    question_id: Annotated[str | None, Query(max_length=32)] = None,
    framework: Annotated[str | None, Query(description="scale or capacity")] = None,
    cursor: Annotated[str | None, Query(max_length=200, description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SubmissionPage:
    visible_learner(session, user, learner_id)
    if framework is not None and framework not in FRAMEWORKS:
        raise ApiError(422, "unknown_framework", f"framework: choose one of {', '.join(FRAMEWORKS)}")
    page, next_cursor = crud.list_submissions(
        session, learner_id, question_id=question_id, framework=framework, cursor=cursor, limit=limit
    )
    return SubmissionPage(items=submission_summaries(session, page), next_cursor=next_cursor)


def _parse_compare(compare: str) -> tuple[int, int]:
    parts = [p.strip() for p in compare.split(",")]
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ApiError(422, "invalid_compare", "compare: give two submission ids, e.g. ?compare=12,15")
    return int(parts[0]), int(parts[1])


@router.get("/{learner_id}/progress", response_model=progress_rules.Progress, responses=RESPONSES)
def learner_progress(
    learner_id: IdPath,
    session: SessionDep,
    user: CurrentUser,
    compare: Annotated[str | None, Query(max_length=50, description="Two submission ids at the same question: a,b")] = None,
) -> progress_rules.Progress:
    learner = visible_learner(session, user, learner_id)
    compare_ids = _parse_compare(compare) if compare else None
    submissions = crud.all_submissions(session, [learner_id], with_text=False)  # progress needs scores, not answers
    stages = crud.stage_scores_for(session, [s.id for s in submissions])
    comparison = None
    if compare_ids:
        by_id: dict[int, Submission] = {s.id: s for s in submissions}
        missing = [i for i in compare_ids if i not in by_id]
        if missing:
            raise ApiError(404, "not_found", f"compare: submission {missing[0]} not found for this learner")
        comparison = progress_rules.compare(by_id[compare_ids[0]], by_id[compare_ids[1]], stages)
    frameworks = [progress_rules.framework_progress(fw, submissions, stages) for fw in FRAMEWORKS]
    return progress_rules.Progress(
        learner_id=learner_id,
        attempts=len(submissions),
        frameworks=frameworks,
        weakest_stage={f.framework: f.weakest_stage for f in frameworks},
        questions=progress_rules.question_attempts(submissions, stages),
        readiness=progress_rules.readiness(learner.target_role, submissions, stages),
        comparison=comparison,
    )


@router.get(
    "/{learner_id}/export.csv", response_class=StreamingResponse,
    responses={**RESPONSES, 200: {"content": {"text/csv": {}}, "description": "One row per attempt x stage."}},
)
def export_learner(learner_id: IdPath, session: SessionDep, engine: EngineDep, user: CurrentUser) -> StreamingResponse:
    learner = visible_learner(session, user, learner_id)
    return export_response(engine, [learner], f"hedgehog-{learner.username}.csv")
