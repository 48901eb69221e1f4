"""The audit trail (admin only): who changed what, when."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, select

from hedgehog.api.deps import AdminUser, SessionDep
from hedgehog.db.models import AuditEvent, AuditEventPublic

router = APIRouter(prefix="/admin/audit", tags=["admin"])


@router.get("", response_model=list[AuditEventPublic])
def list_audit(
    session: SessionDep, _admin: AdminUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)).all())
