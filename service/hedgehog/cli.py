"""`hedgehog`: the command line. Each command group lives in `hedgehog/commands/` and imports
its heavy dependencies (FastAPI, Streamlit, openai) only when it runs, so `hedgehog grade` starts fast."""

import typer

from hedgehog.commands import eval as eval_command
from hedgehog.commands import grade as grade_command
from hedgehog.commands import serve as serve_command
from hedgehog.commands import ui as ui_command
from hedgehog.commands import users as users_command

app = typer.Typer(
    name="hedgehog",
    help="Grade scale & capacity interview answers stage by stage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (grade_command, serve_command, users_command, ui_command, eval_command):
    module.register(app)


if __name__ == "__main__":
    app()
