"""`hedgehog serve`: the HTTP API under uvicorn, migrations applied first."""

import os
from typing import Annotated

import typer

from hedgehog.commands import fail

DEMO_LEARNER = "demo-learner"
DEMO_COACH = "demo-coach"


def create_demo_users(engine) -> dict[str, str]:  # noqa: ANN001
    """Create the demo learner and coach (assigned to each other) if they do not exist yet.
    Returns {username: password} for the accounts created now; existing ones keep their password."""
    import secrets

    from sqlmodel import Session

    from hedgehog.db import crud
    from hedgehog.db.models import TargetRole, UserCreate, UserRole

    created: dict[str, str] = {}
    with Session(engine) as session:
        for username, role in ((DEMO_LEARNER, UserRole.learner), (DEMO_COACH, UserRole.coach)):
            if crud.get_user_by_username(session, username) is None:
                password = secrets.token_urlsafe(12)
                target = TargetRole.product_manager if role == UserRole.learner else None
                crud.create_user(session, UserCreate(username=username, role=role, target_role=target, password=password))
                created[username] = password
        crud.assign_learner(session, DEMO_COACH, DEMO_LEARNER)
    return created


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
        workers: Annotated[int, typer.Option("--workers", min=1, help="uvicorn worker processes.")] = 1,
        keep_alive: Annotated[
            int,
            typer.Option(
                "--keep-alive", min=1, help="Seconds an idle connection stays open; keep it above a load balancer's idle timeout."
            ),
        ] = 75,
        demo: Annotated[
            bool, typer.Option("--demo", help="Create demo-learner and demo-coach (passwords printed once); implies HEDGEHOG_ENV=development.")
        ] = False,
    ) -> None:
        """Start the HTTP API (OpenAPI docs at /docs), using DATABASE_URL (default: ./hedgehog.db)."""
        import secrets

        import uvicorn

        from hedgehog.api.errors import is_database_outage
        from hedgehog.api.security import InsecureSecretError, resolve_signing_key, secret_is_placeholder
        from hedgehog.config import get_settings
        from hedgehog.db.migrate import prepare_database
        from hedgehog.db.session import make_engine

        if demo:
            os.environ["HEDGEHOG_ENV"] = "development"
        get_settings.cache_clear()
        settings = get_settings()
        try:
            resolve_signing_key(settings)
        except InsecureSecretError as e:
            fail(str(e))
        if secret_is_placeholder(settings.hedgehog_secret_key):
            # Development only: one random key shared by every worker, valid until the server stops.
            os.environ["HEDGEHOG_SECRET_KEY"] = secrets.token_urlsafe(32)
            get_settings.cache_clear()

        engine = make_engine(settings.database_url)
        try:
            prepare_database(engine)
            if demo:
                created = create_demo_users(engine)
                for username, password in created.items():
                    print(f"demo account created: {username} / {password}  (shown once)")
                if not created:
                    print(f"demo accounts {DEMO_LEARNER} and {DEMO_COACH} already exist (passwords unchanged)")
        except Exception as e:
            if not is_database_outage(e):
                raise
            if demo:
                fail(f"the database at DATABASE_URL is unreachable, cannot create demo users: {e}")
            print(f"warning: the database is unreachable ({e.__class__.__name__}); starting anyway, /readyz answers 503")
        finally:
            engine.dispose()
        print(f"Hedgehog API on http://{host}:{port}  (docs: http://{host}:{port}/docs)", flush=True)
        # uvicorn's default of 5 s lets a client or load balancer send a request on a connection the
        # server is just closing: a POST then fails with no response. 75 s outlasts common idle timeouts.
        uvicorn.run(
            "hedgehog.api.main:app", host=host, port=port, workers=workers, log_level="info", timeout_keep_alive=keep_alive
        )
