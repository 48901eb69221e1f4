"""Accounts (admin only): list and create users."""

from fastapi import APIRouter
from sqlmodel import select

from hedgehog.api.deps import AdminUser, SessionDep
from hedgehog.db import crud
from hedgehog.db.models import User, UserCreate, UserPublic

router = APIRouter(prefix="/admin/users", tags=["admin"])


@router.get("", response_model=list[UserPublic])
def list_users(session: SessionDep, _admin: AdminUser) -> list[User]:
    return list(session.exec(select(User).order_by(User.id)).all())


@router.post("", response_model=UserPublic, status_code=201, responses={409: {"description": "Username taken."}})
def create_user(body: UserCreate, session: SessionDep, admin: AdminUser) -> User:
    return crud.create_user(session, body, actor=admin)
