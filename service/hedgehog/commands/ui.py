"""`hedgehog ui` (not built yet; see its issue)."""

import typer


def register(app: typer.Typer) -> None:
    """Nothing to register until the command is built."""
