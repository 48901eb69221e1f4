"""OAuth2 password flow: form `username` + `password` -> a signed bearer token."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from hedgehog.api.deps import CurrentUser, SessionDep, not_authenticated
from hedgehog.api.errors import ApiError
from hedgehog.api.schemas import Token
from hedgehog.api.security import create_access_token
from hedgehog.db import crud
from hedgehog.db.models import Me, ProfileUpdate, User, UserPublic, UserRole

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token, responses={401: {"description": "Wrong username or password."}})
def login(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    # No username holds a NUL; PostgreSQL would refuse to even look one up.
    user = None if "\x00" in form.username else crud.authenticate(session, form.username, form.password)
    if user is None:
        raise not_authenticated("wrong username or password")
    settings = request.app.state.settings
    token = create_access_token(user.id, user.role.value, request.app.state.signing_key, settings.access_token_minutes)
    return Token(access_token=token)


@router.get("/me", response_model=Me, responses={401: {"description": "No or bad token."}})
def me(user: CurrentUser) -> Me:
    return Me(id=user.id, username=user.username, role=user.role)


@router.patch("/me", response_model=UserPublic, responses={401: {"description": "No or bad token."},
                                                          403: {"description": "Only learners have a target role."}})
def update_me(body: ProfileUpdate, session: SessionDep, user: CurrentUser) -> User:
    """A learner picks the target role that orders their readiness buckets."""
    if user.role != UserRole.learner:
        raise ApiError(403, "forbidden", "only learners have a target role")
    crud.record_audit(session, user, "user.update", "user", user.id,
                      {"target_role": body.target_role.value, "was": user.target_role.value if user.target_role else None})
    user.target_role = body.target_role
    session.add(user)
    session.commit()
    session.refresh(user)
    return user
