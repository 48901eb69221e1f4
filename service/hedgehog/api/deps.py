"""Dependencies: settings, the database session, the current user and role checks."""

import logging
import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from hedgehog.api.errors import ApiError
from hedgehog.api.security import decode_access_token
from hedgehog.config import Settings
from hedgehog.db import crud
from hedgehog.db.migrate import prepare_database
from hedgehog.db.models import User, UserRole

logger = logging.getLogger("hedgehog.api")

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", auto_error=False)
_schema_lock = threading.Lock()


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def ensure_schema(app_state) -> None:  # noqa: ANN001
    """Migrations run at start; if the database was down then, they run on first use after it is back."""
    if app_state.schema_ready:
        return
    with _schema_lock:
        if not app_state.schema_ready:
            prepare_database(app_state.engine)
            app_state.schema_ready = True


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def get_session(request: Request) -> Iterator[Session]:
    ensure_schema(request.app.state)
    # expire_on_commit=False: what a request wrote stays readable after its commit without another
    # round trip (which could fail if the database drops out just then).
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        try:
            session.close()
        except SQLAlchemyError as e:  # the database went away after the response was decided
            logger.warning("closing a database session failed: %s", e.__class__.__name__)


# Database ids are 32-bit on every backend; larger numbers are a 422, not a driver overflow.
MAX_ID = 2_147_483_647
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]

SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]


def not_authenticated(detail: str = "not authenticated: log in at /v1/auth/token and send the bearer token") -> ApiError:
    return ApiError(401, "not_authenticated", detail, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(request: Request, session: SessionDep, token: TokenDep) -> User:
    if not token:
        raise not_authenticated()
    user_id = decode_access_token(token, request.app.state.signing_key)
    if user_id is None:
        raise not_authenticated("the token is invalid or expired: log in again")
    user = session.get(User, user_id)
    # End the read transaction so its connection goes back to the pool now. FastAPI runs this
    # dependency and the endpoint in separate threadpool calls: a connection held across that hop
    # waits for a free thread while every thread waits for a connection, a deadlock that only the
    # pool timeout breaks. expire_on_commit=False keeps `user` loaded.
    session.commit()
    if user is None or not user.is_active:
        raise not_authenticated("the token's user no longer exists or is disabled")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: UserRole):  # noqa: ANN201
    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise ApiError(403, "forbidden", f"this endpoint is for a {allowed}; you are a {user.role.value}")
        return user

    return check


LearnerUser = Annotated[User, Depends(require_roles(UserRole.learner))]
CoachUser = Annotated[User, Depends(require_roles(UserRole.coach, UserRole.admin))]
AdminUser = Annotated[User, Depends(require_roles(UserRole.admin))]


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def can_see_learner(session: Session, user: User, learner_id: int) -> bool:
    """A learner sees only themselves, a coach only assigned learners, an admin everyone."""
    if user.role == UserRole.admin:
        return True
    if user.role == UserRole.learner:
        return user.id == learner_id
    return crud.coach_has_learner(session, user.id, learner_id)


def visible_learner(session: Session, user: User, learner_id: int) -> User:
    """Someone else's data answers 404, the same as data that does not exist (no existence leak)."""
    learner = session.get(User, learner_id)
    if learner is None or learner.role != UserRole.learner or not can_see_learner(session, user, learner_id):
        raise not_found(f"learner {learner_id}")
    return learner
