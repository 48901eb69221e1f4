"""The coach's cohort: roster and export (a coach sees assigned learners; an admin sees all)."""

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from hedgehog.api.deps import CoachUser, EngineDep, SessionDep
from hedgehog.api.schemas import ErrorBody, Roster, RosterEntry
from hedgehog.api.views import export_response
from hedgehog.db import crud

router = APIRouter(prefix="/coach", tags=["coach"])

RESPONSES = {
    401: {"model": ErrorBody, "description": "No or bad token."},
    403: {"model": ErrorBody, "description": "Only coaches and admins."},
}


@router.get("/learners", response_model=Roster, responses=RESPONSES)
def roster(session: SessionDep, coach: CoachUser) -> Roster:
    learners = crud.learners_of(session, coach)
    ids = [u.id for u in learners]
    activity = crud.activity_by_learner(session, ids)
    averages = crud.stage_averages(session, ids)
    awaiting = crud.awaiting_review_counts(session, ids)
    return Roster(learners=[
        RosterEntry(
            learner_id=u.id, username=u.username, target_role=u.target_role.value if u.target_role else None,
            attempts=activity.get(u.id, (0, None))[0], last_activity=activity.get(u.id, (0, None))[1],
            awaiting_review=awaiting.get(u.id, 0), average_per_stage=averages.get(u.id, {}),
        )
        for u in learners
    ])


@router.get(
    "/export.csv", response_class=StreamingResponse,
    responses={**RESPONSES, 200: {"content": {"text/csv": {}}, "description": "One row per attempt x stage."}},
)
def export_cohort(session: SessionDep, engine: EngineDep, coach: CoachUser) -> StreamingResponse:
    return export_response(engine, crud.learners_of(session, coach), "hedgehog-cohort.csv")
