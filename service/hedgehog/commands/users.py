"""`hedgehog users create|assign`: manage accounts against DATABASE_URL."""

import sys
from typing import Annotated, Optional

import typer

from hedgehog.commands import fail

users_app = typer.Typer(help="Manage accounts and coach assignments (uses DATABASE_URL).", no_args_is_help=True)


def _session():  # noqa: ANN202
    from sqlmodel import Session

    from hedgehog.config import get_settings
    from hedgehog.db.migrate import prepare_database
    from hedgehog.db.session import make_engine

    engine = make_engine(get_settings().database_url)
    try:
        prepare_database(engine)
    except Exception as e:
        fail(f"cannot open the database at DATABASE_URL: {e.__class__.__name__}: {e}")
    return Session(engine)


@users_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, _ . @ -).")],
    role: Annotated[str, typer.Option("--role", help="learner, coach or admin.")] = "learner",
    target_role: Annotated[
        Optional[str], typer.Option("--target-role", help="For learners: product_manager or data_engineer.")
    ] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Create an account; the password comes from stdin or a prompt (never an argument)."""
    from pydantic import ValidationError

    from hedgehog.db import crud
    from hedgehog.db.models import UserCreate

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        data = UserCreate.model_validate(
            {"username": username, "role": role, "target_role": target_role, "password": password}
        )
    except ValidationError as e:
        fail("; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()))
    with _session() as session:
        try:
            user = crud.create_user(session, data)
        except crud.DataError as e:
            fail(str(e))
        print(f"created {user.role.value} {user.username} (id {user.id})")


@users_app.command("assign")
def assign(
    coach: Annotated[str, typer.Option("--coach", help="The coach's username.")],
    learner: Annotated[str, typer.Option("--learner", help="The learner's username.")],
) -> None:
    """Assign a learner to a coach (the coach then sees and reviews their attempts)."""
    from hedgehog.db import crud

    with _session() as session:
        try:
            crud.assign_learner(session, coach, learner)
        except crud.DataError as e:
            fail(str(e))
        print(f"assigned learner {learner} to coach {coach}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
