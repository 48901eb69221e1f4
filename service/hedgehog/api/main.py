"""The FastAPI application: `create_app(settings)` builds one; `app` is the one `uvicorn` serves."""

import logging
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI

from hedgehog.api.errors import install_error_handlers, is_database_outage
from hedgehog.api.limits import install_reliability_middleware
from hedgehog.api.routers import (
    assignments,
    audit,
    auth,
    coach,
    grading,
    health,
    learners,
    questions,
    rubrics,
    submissions,
    users,
)
from hedgehog.api.security import resolve_signing_key
from hedgehog.config import Settings, get_settings
from hedgehog.db.migrate import prepare_database
from hedgehog.db.session import make_engine

log = logging.getLogger("hedgehog.api")

API_DESCRIPTION = """Grades free-text answers to scale & capacity interview questions stage by stage,
keeps each learner's attempts and lets coaches review them.

Errors are JSON `{"detail": ..., "code": ...}`. Access: a learner sees only their own data, a coach
only assigned learners; someone else's data answers **404** (as if it did not exist), an endpoint
your role cannot use answers **403**. An unknown `question_id` in a grading body is a **422**
(`code: unknown_question`); an unknown id in a path is a **404**."""


def migrate_on_start(app: FastAPI) -> None:
    """Apply migrations; if the database is down, start anyway (readyz says 503) and migrate on first use."""
    try:
        prepare_database(app.state.engine)
        app.state.schema_ready = True
    except Exception as e:
        if not is_database_outage(e):
            raise
        log.warning("database unreachable at start; will migrate when it answers: %s", e)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        # Refuse to start with a placeholder secret outside development (raises InsecureSecretError);
        # a development key made at construction is kept, so tokens minted before start stay valid.
        if not (settings.is_development and app.state.signing_key):
            app.state.signing_key = resolve_signing_key(settings)
        migrate_on_start(app)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="Hedgehog",
        version="1",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url, pool=settings.db_pool_options)
    app.state.schema_ready = False
    # Usable before the lifespan runs (e.g. a TestClient without `with`); the lifespan re-checks the secret.
    app.state.signing_key = resolve_signing_key(settings) if settings.is_development else None

    # reliability middleware (rate limit, body size) is installed here
    install_reliability_middleware(app, settings)

    install_error_handlers(app)
    app.include_router(health.router)
    v1 = APIRouter(prefix="/v1")
    for module in (auth, grading, rubrics, questions, submissions, learners, coach, users, assignments, audit):
        v1.include_router(module.router)
    app.include_router(v1)
    return app


app = create_app()
