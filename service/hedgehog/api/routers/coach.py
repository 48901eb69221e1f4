"""The coach's cohort: roster and export (a coach sees assigned learners; an admin sees all)."""

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from hedgehog.api.deps import CoachUser, SessionDep
from hedgehog.api.schemas import ErrorBody, Roster, RosterEntry
from hedgehog.api.views import export_csv
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
    "/export.csv", response_class=PlainTextResponse,
    responses={**RESPONSES, 200: {"content": {"text/csv": {}}, "description": "One row per attempt x stage."}},
)
def export_cohort(session: SessionDep, coach: CoachUser) -> PlainTextResponse:
    learners = crud.learners_of(session, coach)
    submissions = crud.all_submissions(session, [u.id for u in learners])
    stages = crud.stage_scores_for(session, [s.id for s in submissions])
    body = export_csv(submissions, stages, {u.id: u.username for u in learners})
    return PlainTextResponse(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="hedgehog-cohort.csv"'})
