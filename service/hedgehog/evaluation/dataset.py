"""Golden sets: JSONL files of hand-labelled answers in the format of the shared calibration set
(`../shared/calibration/README.md`). A file that breaks the format or the contract's hard rules is
refused with a message naming the file, the line and the field."""

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hedgehog.grading.document import MAX_STAGE_SCORE, overall_score
from hedgehog.grading.errors import HedgehogError
from hedgehog.grading.rubric import CONTRACT_STAGES
from hedgehog.paths import evals_dir

Category = Literal[
    "exemplary",
    "solid_unquantified",
    "missing_stages",
    "paraphrased",
    "keyword_stuffing",
    "off_topic",
    "injection",
    "arithmetic_error",
    "too_short",
    "rambling",
    "wrong_framework",
    "operational",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

# CONTRACT.md section 2 hard rules, as the labels must reflect them.
STUFFING_CAP = 1
ARITHMETIC_CAP = 2


class GoldenSetError(HedgehogError):
    """A golden-set file cannot be read or an item breaks the format."""


class GoldenItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question_id: str | None
    question_text: str = Field(min_length=1)
    framework: Literal["scale", "capacity"]
    category: Category
    answer: str = Field(min_length=1)
    labels: dict[str, int]
    expect_flags: list[Literal["injection"]] = Field(default_factory=list)
    rationale: dict[str, str]
    source: str = Field("", exclude=True, description="File the item came from (not part of the format).")

    @property
    def stage_ids(self) -> list[str]:
        return CONTRACT_STAGES[self.framework]

    @property
    def expected_overall(self) -> int:
        return overall_score([self.labels[s] for s in self.stage_ids])

    @model_validator(mode="after")
    def _follows_contract(self) -> "GoldenItem":
        stages = CONTRACT_STAGES[self.framework]
        if list(self.labels) != stages:
            raise ValueError(f"labels must have exactly the {self.framework} stage ids in order {stages}, got {list(self.labels)}")
        if list(self.rationale) != stages:
            raise ValueError(f"rationale must have exactly the {self.framework} stage ids in order {stages}, got {list(self.rationale)}")
        for stage, score in self.labels.items():
            if not 0 <= score <= MAX_STAGE_SCORE:
                raise ValueError(f"labels.{stage} must be 0..{MAX_STAGE_SCORE}, got {score}")
        if self.category == "keyword_stuffing" and max(self.labels.values()) > STUFFING_CAP:
            raise ValueError(f"keyword_stuffing items score at most {STUFFING_CAP} on every stage")
        if self.category == "injection" and "injection" not in self.expect_flags:
            raise ValueError('injection items must expect the "injection" flag')
        if self.category == "arithmetic_error" and self.framework == "capacity" and self.labels["capacity_needs"] > ARITHMETIC_CAP:
            raise ValueError(f"an arithmetic error caps capacity_needs at {ARITHMETIC_CAP}")
        return self


def default_golden_paths(directory: Path | None = None) -> list[Path]:
    """evals/golden/*.jsonl, sorted, so runs and reports list items in a stable order."""
    return sorted(((directory or evals_dir()) / "golden").glob("*.jsonl"))


def load_file(path: Path) -> list[GoldenItem]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise GoldenSetError(f"{path}: cannot read: {e.strerror}") from e
    except UnicodeDecodeError as e:
        raise GoldenSetError(f"{path}: not UTF-8 text: {e}") from e
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldenSetError(f"{path}:{number}: not valid JSON: {e.msg}") from e
        if not isinstance(data, dict):
            raise GoldenSetError(f"{path}:{number}: expected a JSON object")
        try:
            items.append(GoldenItem.model_validate({**data, "source": str(path)}))
        except ValidationError as e:
            problems = "; ".join(f"field {'.'.join(map(str, err['loc'])) or '(item)'}: {err['msg']}" for err in e.errors())
            raise GoldenSetError(f"{path}:{number} (id {data.get('id', '?')}): {problems}") from e
    if not items:
        raise GoldenSetError(f"{path}: no items")
    return items


def load_items(paths: list[Path] | None = None) -> list[GoldenItem]:
    """Load and merge golden files; ids must be unique across all of them."""
    paths = list(paths) if paths else default_golden_paths()
    if not paths:
        raise GoldenSetError(f"no golden files found in {evals_dir() / 'golden'}")
    items: list[GoldenItem] = []
    seen: dict[str, str] = {}
    for path in paths:
        for item in load_file(path):
            if item.id in seen:
                raise GoldenSetError(f"{path}: id {item.id} already used in {seen[item.id]}")
            seen[item.id] = str(path)
            items.append(item)
    return items
