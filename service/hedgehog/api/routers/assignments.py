"""Coach-to-learner assignments (admin only)."""

from fastapi import APIRouter, Response
from sqlmodel import select

from hedgehog.api.deps import IdPath, AdminUser, SessionDep, not_found
from hedgehog.db import crud
from hedgehog.db.models import CoachAssignment, CoachAssignmentCreate, CoachAssignmentPublic

router = APIRouter(prefix="/admin/assignments", tags=["admin"])


@router.get("", response_model=list[CoachAssignmentPublic])
def list_assignments(session: SessionDep, _admin: AdminUser) -> list[CoachAssignment]:
    return list(session.exec(select(CoachAssignment).order_by(CoachAssignment.id)).all())


@router.post("", response_model=CoachAssignmentPublic, status_code=201)
def create_assignment(body: CoachAssignmentCreate, session: SessionDep, admin: AdminUser) -> CoachAssignment:
    return crud.assign_learner(session, body.coach, body.learner, actor=admin)


@router.delete("/{assignment_id}", status_code=204)
def delete_assignment(assignment_id: IdPath, session: SessionDep, admin: AdminUser) -> Response:
    assignment = session.get(CoachAssignment, assignment_id)
    if assignment is None:
        raise not_found(f"assignment {assignment_id}")
    crud.unassign_learner(session, assignment, actor=admin)
    return Response(status_code=204)
