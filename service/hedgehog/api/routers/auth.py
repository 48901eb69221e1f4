"""OAuth2 password flow: form `username` + `password` -> a signed bearer token."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from hedgehog.api.deps import CurrentUser, SessionDep, not_authenticated
from hedgehog.api.schemas import Token
from hedgehog.api.security import create_access_token
from hedgehog.db import crud
from hedgehog.db.models import Me

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token, responses={401: {"description": "Wrong username or password."}})
def login(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    user = crud.authenticate(session, form.username, form.password)
    if user is None:
        raise not_authenticated("wrong username or password")
    settings = request.app.state.settings
    token = create_access_token(user.id, user.role.value, request.app.state.signing_key, settings.access_token_minutes)
    return Token(access_token=token)


@router.get("/me", response_model=Me, responses={401: {"description": "No or bad token."}})
def me(user: CurrentUser) -> Me:
    return Me(id=user.id, username=user.username, role=user.role)
