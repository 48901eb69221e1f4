"""The prompt set in `prompts/` (Jinja2, StrictUndefined): loading, versioning and rendering.

Message order serves provider-side prompt caching: the system message (instructions and rubric)
is identical for every answer of a framework; the question and the answer come last.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from pydantic import BaseModel, ConfigDict, Field

from hedgehog.grading.errors import RubricError
from hedgehog.grading.grade import GradeRequest
from hedgehog.grading.rubric import parse_model
from hedgehog.llm.safety import ScreenedText, neutralise_markup
from hedgehog.llm.schema import GradeVerdict
from hedgehog.paths import prompts_dir

TEMPLATE_ROLES = ("system", "user", "repair", "json_mode")


class PromptManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    templates: dict[str, str]


@dataclass(frozen=True)
class PromptSet:
    version: str
    content_hash: str
    templates: dict[str, jinja2.Template]

    def render(self, role: str, **context: object) -> str:
        try:
            return self.templates[role].render(**context).strip() + "\n"
        except jinja2.UndefinedError as e:
            raise RubricError(f"prompt template {role!r}: {e}") from e

    def system_message(self, request: GradeRequest, *, json_mode: bool) -> str:
        text = self.render("system", rubric=request.rubric, stage_ids=request.rubric.stage_ids)
        if json_mode:
            schema = json.dumps(GradeVerdict.model_json_schema())
            text += "\n" + self.render("json_mode", schema_json=schema)
        return text

    def user_message(self, request: GradeRequest, answer: ScreenedText) -> str:
        question = request.question
        return self.render(
            "user",
            question_id=question.id,
            question_text=neutralise_markup(question.text),
            framework=request.framework,
            hints={k: neutralise_markup(v) for k, v in question.hints.items()},
            answer=answer.for_model,
            stage_ids=request.rubric.stage_ids,
        )

    def messages(self, request: GradeRequest, answer: ScreenedText, *, json_mode: bool) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.system_message(request, json_mode=json_mode)},
            {"role": "user", "content": self.user_message(request, answer)},
        ]

    def repair_message(self, request: GradeRequest, problems: list[str]) -> str:
        return self.render("repair", problems=problems, stage_ids=request.rubric.stage_ids)


def load_prompt_set(directory: Path | None = None) -> PromptSet:
    directory = directory or prompts_dir()
    manifest = parse_model(PromptManifest, directory / "prompts.yaml")
    missing = [role for role in TEMPLATE_ROLES if role not in manifest.templates]
    if missing:
        raise RubricError(f"prompts.yaml: field templates: missing {', '.join(missing)}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain-text prompts; the answer is made inert by safety.screen instead
        keep_trailing_newline=True,
    )
    digest = hashlib.sha256()
    templates = {}
    for role in TEMPLATE_ROLES:
        name = manifest.templates[role]
        try:
            templates[role] = env.get_template(name)
            digest.update((directory / name).read_bytes())
        except (jinja2.TemplateError, OSError) as e:
            raise RubricError(f"prompts.yaml: template {name!r} for {role!r}: {e}") from e
    return PromptSet(version=f"v{manifest.version}", content_hash=digest.hexdigest(), templates=templates)


@cache
def default_prompt_set() -> PromptSet:
    return load_prompt_set()
