"""Command groups of the `hedgehog` CLI; each module exposes `register(app)`."""

import sys

import typer


def fail(message: str) -> None:
    """CONTRACT.md section 4: errors go to stderr with exit status 2, nothing on stdout."""
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code=2)
