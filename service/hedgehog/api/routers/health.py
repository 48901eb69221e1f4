"""Liveness (`/healthz`, the process answers) and readiness (`/readyz`, the database answers)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from hedgehog.api.deps import ensure_schema
from hedgehog.api.errors import DATABASE_UNAVAILABLE, error_body, is_database_outage
from hedgehog.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"description": "The database is unreachable."}})
def readyz(request: Request):  # noqa: ANN201
    try:
        ensure_schema(request.app.state)
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as e:
        if not is_database_outage(e):
            raise
        return JSONResponse(error_body(DATABASE_UNAVAILABLE, "database_unavailable"), status_code=503,
                            headers={"Retry-After": "5"})
    return Health(status="ready")
