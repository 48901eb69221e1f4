"""Rubrics as data: the pydantic schema of `rubrics/*.yaml` and a loader that names the file and
field of any mistake. The deterministic grader's vocabulary lives in these files, not in code."""

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hedgehog.grading.document import FRAMEWORKS, MAX_STAGE_SCORE
from hedgehog.grading.errors import RubricError, UnknownFrameworkError
from hedgehog.paths import rubrics_dir

ModelT = TypeVar("ModelT", bound=BaseModel)

# Checks the deterministic grader knows how to run for a 4 (deterministic.py implements each).
EXCELLENCE_CHECKS = frozenset(
    {"quantified", "worked_arithmetic", "groups_covered", "prioritised", "linked_to_bottleneck", "consistent_arithmetic"}
)

# CONTRACT.md section 1: stage ids in order. A rubric may not reorder or rename them.
CONTRACT_STAGES: dict[str, list[str]] = {
    "scale": ["current_load", "projection", "bottlenecks", "mitigation"],
    "capacity": ["current_load", "growth_projection", "nonlinear_factors", "capacity_needs", "bottlenecks"],
}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ValueError(f"invalid pattern {pattern!r}: {e}") from e
    return patterns


class Anchor(StrictModel):
    score: int = Field(ge=0, le=MAX_STAGE_SCORE)
    label: str
    meaning: str


class ElementGroup(StrictModel):
    """One of a stage's element groups (e.g. Traffic within Current Load)."""

    id: str
    name: str
    concepts: list[str] = Field(min_length=1, description="What the source names, for people and prompts.")
    cues: list[str] = Field(min_length=1, description="Regular expressions (case-insensitive) for the concepts, paraphrases included.")
    missing: str = Field(description="How the critique names this group when it is missing.")
    weight: float = Field(1.0, gt=0, description="How strongly this group's cues tie a sentence to the stage.")
    quantity_dimensions: list[str] = Field(
        default_factory=list,
        description="A concrete figure of these dimensions (rate, bytes, bitrate, money...) also counts as this group.",
    )
    counts_asked_for: bool = Field(
        False,
        description='A figure counting what the question asks to estimate ("how many analysts": "63 analysts") counts as this group.',
    )

    @field_validator("cues")
    @classmethod
    def _cues_compile(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class StageCritique(StrictModel):
    absent: str
    named: str
    partial: str
    solid: str
    excellent: str

    def for_score(self, score: int) -> str:
        return [self.absent, self.named, self.partial, self.solid, self.excellent][score]


class Stage(StrictModel):
    id: str
    name: str
    weight: float = Field(1.0, gt=0)
    cue_weight: float = Field(1.0, gt=0, description="How strongly a group cue ties a sentence to this stage.")
    covers: str = Field(description="What a full answer covers (CONTRACT.md section 1).")
    markers: list[str] = Field(default_factory=list, description="Patterns that announce this stage.")
    headings: list[str] = Field(
        default_factory=list,
        description='Words that, followed by a colon at the start of a sentence ("Growth: ..."), label it as this stage.',
    )
    groups: list[ElementGroup] = Field(min_length=1)
    required_for_solid: list[str] = Field(
        default_factory=list, description="Element groups without which the stage stays Partial (2)."
    )
    announced_by: list[str] = Field(
        default_factory=list,
        description="Element groups whose cues also announce the stage, as a marker does (naming what fails first opens the bottleneck stage).",
    )
    marked_by_target: bool = Field(
        False,
        description='A sentence that restates the figure the question grows to ("... to 800,000 homes") announces the stage, as a marker does.',
    )
    figures_as_working: int = Field(
        0,
        ge=0,
        description="For the worked_arithmetic check, this many of the stage's own figures count as the working (0: off).",
    )
    quantities_expected: bool = Field(True, description="Without numbers or explicit assumptions the stage stays Partial (2).")
    collects_worked_totals: bool = Field(
        False, description="Sentences that work an estimate out to a total also count as evidence here."
    )
    min_groups_for_solid: int = Field(2, ge=1, description="Element groups an applied stage covers to count as Solid (3).")
    solid_checks: list[str] = Field(
        default_factory=list, description="Excellence checks that must already hold for a Solid (3)."
    )
    excellence: list[str] = Field(
        min_length=1,
        description="Named checks the deterministic grader requires for a 4 (see deterministic.py).",
    )
    critique: StageCritique

    @field_validator("markers")
    @classmethod
    def _markers_compile(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class Rubric(StrictModel):
    framework: Literal["scale", "capacity"]
    version: int = Field(ge=1)
    name: str
    description: str
    key_principle: str
    question_cues: list[str] = Field(default_factory=list)
    anchors: list[Anchor]
    stages: list[Stage]

    @property
    def rubric_version(self) -> str:
        return f"{self.framework}@{self.version}"

    @property
    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def stage(self, stage_id: str) -> Stage:
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)

    @model_validator(mode="after")
    def _matches_contract(self) -> "Rubric":
        expected = CONTRACT_STAGES[self.framework]
        if self.stage_ids != expected:
            raise ValueError(f"stages must be {expected} in this order, got {self.stage_ids}")
        for stage in self.stages:
            if stage.min_groups_for_solid > len(stage.groups):
                raise ValueError(f"stage {stage.id}: min_groups_for_solid exceeds its {len(stage.groups)} groups")
            for field in ("required_for_solid", "announced_by"):
                unknown_groups = set(getattr(stage, field)) - {g.id for g in stage.groups}
                if unknown_groups:
                    raise ValueError(f"stage {stage.id}: {field} names unknown groups {sorted(unknown_groups)}")
            unknown = set(stage.excellence + stage.solid_checks) - EXCELLENCE_CHECKS
            if unknown:
                raise ValueError(f"stage {stage.id}: unknown excellence checks {sorted(unknown)}")
        if sorted(a.score for a in self.anchors) != list(range(MAX_STAGE_SCORE + 1)):
            raise ValueError("anchors must define each score 0..4 exactly once")
        return self


def _format_validation_error(path: Path, error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{path.name}: field {where}: {err['msg']}")
    return "; ".join(parts)


def load_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise RubricError(f"{path}: cannot read: {e.strerror}") from e
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise RubricError(f"{path}: not valid YAML: {e}") from e


def parse_model(model: type[ModelT], path: Path) -> ModelT:
    """Load a YAML file into a pydantic model; errors name the file and the field."""
    data = load_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise RubricError(_format_validation_error(path, e)) from e


def load_rubric_file(path: Path) -> Rubric:
    return parse_model(Rubric, path)


def rubric_path(framework: str, directory: Path | None = None) -> Path:
    return (directory or rubrics_dir()) / f"{framework}.yaml"


@cache
def load_rubric(framework: str) -> Rubric:
    if framework not in FRAMEWORKS:
        raise UnknownFrameworkError(f"unknown framework {framework!r}: choose one of {', '.join(FRAMEWORKS)}")
    rubric = load_rubric_file(rubric_path(framework))
    if rubric.framework != framework:
        raise RubricError(f"{framework}.yaml: field framework: says {rubric.framework!r}")
    return rubric


def rubric_content_hash(framework: str, directory: Path | None = None) -> str:
    """Hash of the rubric file's bytes: the eval gate checks that a change bumps `version`."""
    return hashlib.sha256(rubric_path(framework, directory).read_bytes()).hexdigest()
