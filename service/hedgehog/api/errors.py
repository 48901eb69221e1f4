"""Every error leaves the API as JSON `{"detail": ..., "code": ...}`: bad input is a 4xx naming
the field, an unreachable database is a 503, and nothing ever answers with a traceback."""

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError as DatabaseDataError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hedgehog.api.progress import NotComparableError
from hedgehog.db.crud import (
    DataError,
    InvalidCursorError,
    InvalidReviewError,
    UnknownUserError,
    UsernameTakenError,
    WrongRoleError,
)
from hedgehog.grading.errors import GradingInputError, HedgehogError, RubricError

log = logging.getLogger("hedgehog.api")

DATABASE_UNAVAILABLE = "the database is unavailable right now; nothing was stored — retry shortly"

# Which request field a grading refusal is about (CONTRACT.md section 2's refusals).
GRADING_ERROR_FIELDS = {
    "empty_answer": "answer",
    "answer_too_long": "answer",
    "unknown_question": "question_id",
    "unknown_framework": "framework",
    "unknown_grader": "grader",
    "llm_not_configured": "grader",
}
DATA_ERROR_STATUS = {
    UsernameTakenError: 409,
    UnknownUserError: 404,
    WrongRoleError: 422,
    InvalidReviewError: 422,
    InvalidCursorError: 422,
}
STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
                422: "validation_error", 429: "rate_limited", 503: "unavailable"}


class ApiError(Exception):
    """A refusal with a status, a machine-readable code and a message a person can act on."""

    def __init__(self, status_code: int, code: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status_code, self.code, self.detail, self.headers = status_code, code, detail, headers


def error_body(detail: object, code: str, **extra: object) -> dict:
    return {"detail": detail, "code": code, **extra}


def is_database_outage(exc: Exception) -> bool:
    if isinstance(exc, (OperationalError, PoolTimeoutError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.detail, exc.code), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = STATUS_CODES.get(exc.status_code, "error")
        return JSONResponse(error_body(exc.detail, code), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(exc.errors(), custom_encoder={bytes: lambda b: b.decode("utf-8", "replace")})
        for err in errors:  # the offending input can be huge (a 20k answer); the field name is what helps
            err.pop("input", None)
            err.pop("url", None)
        fields = [".".join(str(p) for p in e.get("loc", ()) if p != "body") for e in errors]
        return JSONResponse(error_body(errors, "validation_error", fields=fields), status_code=422)

    @app.exception_handler(GradingInputError)
    async def _grading_input_error(_request: Request, exc: GradingInputError) -> JSONResponse:
        field = GRADING_ERROR_FIELDS.get(exc.code)
        return JSONResponse(error_body(str(exc), exc.code, field=field), status_code=422)

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        return JSONResponse(error_body(str(exc), exc.code), status_code=DATA_ERROR_STATUS.get(type(exc), 422))

    @app.exception_handler(NotComparableError)
    async def _not_comparable(_request: Request, exc: NotComparableError) -> JSONResponse:
        return JSONResponse(error_body(str(exc), exc.code, field="compare"), status_code=422)

    @app.exception_handler(RubricError)
    async def _rubric_error(_request: Request, exc: RubricError) -> JSONResponse:
        log.error("rubric data error: %s", exc)
        return JSONResponse(error_body("the grading data on the server is invalid; an operator must fix it",
                                       "rubric_error"), status_code=500)

    @app.exception_handler(HedgehogError)
    async def _hedgehog_error(_request: Request, exc: HedgehogError) -> JSONResponse:
        # Not an input problem (those are GradingInputError): e.g. the LLM endpoint failed.
        return JSONResponse(error_body(str(exc), getattr(exc, "code", "grader_unavailable")), status_code=502)

    @app.exception_handler(DBAPIError)
    async def _database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        if isinstance(exc, DatabaseDataError) and "NUL" in str(exc.orig):
            # PostgreSQL refuses NUL in text (SQLite stores it): whichever input field carried it
            # into a query, it is the client's text, and the transaction was rolled back whole.
            return JSONResponse(error_body("text must not contain NUL (0x00) characters", "invalid_text"),
                                status_code=422)
        if is_database_outage(exc):
            log.warning("database unavailable: %s", exc.orig)
            return JSONResponse(error_body(DATABASE_UNAVAILABLE, "database_unavailable"), status_code=503,
                                headers={"Retry-After": "5"})
        log.exception("database error")
        return JSONResponse(error_body("the request could not be stored", "database_error"), status_code=500)

    @app.exception_handler(PoolTimeoutError)
    async def _pool_timeout(_request: Request, _exc: PoolTimeoutError) -> JSONResponse:
        return JSONResponse(error_body(DATABASE_UNAVAILABLE, "database_unavailable"), status_code=503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _last_resort(_request: Request, exc: Exception) -> JSONResponse:
        # Tests assert this never fires; if it does in production the body still carries no traceback.
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal error", "internal_error"), status_code=500)
