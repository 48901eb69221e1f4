"""Graded-and-stored attempts, and coach reviews of them."""

from fastapi import APIRouter, Request

from hedgehog.api.deps import IdPath, CoachUser, CurrentUser, LearnerUser, SessionDep, can_see_learner, not_found
from hedgehog.api.routers.grading import REFUSALS, run_grading
from hedgehog.api.schemas import ErrorBody, GradeBody, SubmissionCreated, SubmissionPublic
from hedgehog.api.views import submission_public
from hedgehog.db import crud
from hedgehog.db.models import ReviewCreate, Submission, User

router = APIRouter(prefix="/submissions", tags=["submissions"])

AUTH = {401: {"model": ErrorBody, "description": "No or bad token."}}
NOT_YOURS = {404: {"model": ErrorBody, "description": "No such submission, or not one you may see."}}
DB_DOWN = {503: {"model": ErrorBody, "description": "The database is unreachable; nothing was stored."}}


def visible_submission(session, user: User, submission_id: int) -> Submission:  # noqa: ANN001
    submission = session.get(Submission, submission_id)
    if submission is None or not can_see_learner(session, user, submission.learner_id):
        raise not_found(f"submission {submission_id}")
    return submission


@router.post(
    "", response_model=SubmissionCreated, status_code=201,
    responses={**REFUSALS, **AUTH, 403: {"model": ErrorBody, "description": "Only learners submit."}, **DB_DOWN},
)
def create_submission(request: Request, body: GradeBody, session: SessionDep, learner: LearnerUser) -> SubmissionCreated:
    """Grade the answer (same body as /v1/grade) and store it with its stage scores, all or nothing."""
    # No connection is held while grading (get_current_user ended its transaction): a model call
    # can take seconds. Storing opens a new transaction.
    doc = run_grading(body, request.app.state.settings)
    submission = crud.store_submission(session, learner, body.answer, doc)
    return SubmissionCreated(id=submission.id, learner_id=submission.learner_id, created_at=submission.created_at,
                             attempt_number=submission.attempt_number, grade=doc)


@router.get("/{submission_id}", response_model=SubmissionPublic, responses={**AUTH, **NOT_YOURS})
def read_submission(submission_id: IdPath, session: SessionDep, user: CurrentUser) -> SubmissionPublic:
    """The automatic grade as stored, the effective scores (coach's where present) and the reviews."""
    return submission_public(session, visible_submission(session, user, submission_id))


@router.post(
    "/{submission_id}/reviews", response_model=SubmissionPublic, status_code=201,
    responses={**AUTH, 403: {"model": ErrorBody, "description": "Only coaches (and admins) review."}, **NOT_YOURS,
               422: {"model": ErrorBody, "description": "Unknown stage, duplicate stage, or empty review."}, **DB_DOWN},
)
def review_submission(submission_id: IdPath, body: ReviewCreate, session: SessionDep, coach: CoachUser) -> SubmissionPublic:
    """A comment and optional per-stage overrides with reasons; the automatic scores stay beside them."""
    submission = visible_submission(session, coach, submission_id)
    crud.add_review(session, submission, coach, body)
    return submission_public(session, submission)
