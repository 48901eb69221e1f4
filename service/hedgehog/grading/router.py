"""The question router: is a question L2 (scale & capacity), and which framework fits?

Cue patterns and weights live in `rubrics/router.yaml`; this module only adds them up.
"""

import re
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hedgehog.grading.rubric import _check_patterns, parse_model
from hedgehog.paths import rubrics_dir


class Cue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str
    weight: float = Field(gt=0)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        return _check_patterns([value])[0]


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    cues: list[Cue] = Field(min_length=1)


class RouterRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    categories: list[Category] = Field(min_length=1)
    frameworks: dict[str, list[Cue]]


class Classification(BaseModel):
    is_scale_capacity: bool
    framework: str | None
    category: str
    cues: list[str]
    reason: str


@cache
def load_router_rules() -> RouterRules:
    return parse_model(RouterRules, rubrics_dir() / "router.yaml")


def _score(cues: list[Cue], text: str) -> tuple[float, list[str]]:
    total, found = 0.0, []
    for cue in cues:
        matches = [m.group(0).strip() for m in re.finditer(cue.pattern, text, re.IGNORECASE)]
        if matches:
            total += cue.weight
            found.extend(m for m in matches if m and m.lower() not in {f.lower() for f in found})
    return total, found


def classify_question(question: str) -> Classification:
    rules = load_router_rules()
    text = " ".join(question.split())
    scored = [(cat, *_score(cat.cues, text)) for cat in rules.categories]
    l2 = next(s for s in scored if s[0].id == "L2")
    red_flags = [s for s in scored if s[0].id != "L2" and s[1] > 0]
    best_red = max(red_flags, key=lambda s: s[1], default=None)

    # A red-flag category wins only when it outweighs the scale cues: "how do you monitor a
    # system at 10x traffic" is still about monitoring, "what breaks at 10x" is not.
    if best_red is not None and best_red[1] >= l2[1]:
        cat, _, cues = best_red
        return Classification(
            is_scale_capacity=False,
            framework=None,
            category=cat.id,
            cues=cues,
            reason=f"{cat.name} ({cat.id}) question: cued by {', '.join(repr(c) for c in cues)}; not L2 scale & capacity.",
        )
    if l2[1] < 2:
        return Classification(
            is_scale_capacity=False,
            framework=None,
            category="other",
            cues=l2[2],
            reason="No scale or capacity cue strong enough (no growth multiple, load, bottleneck or estimate of a resource).",
        )
    fw_scores = {fw: _score(cues, text) for fw, cues in rules.frameworks.items()}
    capacity_score, capacity_cues = fw_scores["capacity"]
    scale_score, scale_cues = fw_scores["scale"]
    framework = "capacity" if capacity_score > scale_score else "scale"
    fw_cues = capacity_cues if framework == "capacity" else scale_cues
    why = (
        "it asks to estimate a quantity (capacity planning)"
        if framework == "capacity"
        else "it asks what breaks or how to scale (scale framework)"
    )
    cues = list(dict.fromkeys(l2[2] + fw_cues))
    return Classification(
        is_scale_capacity=True,
        framework=framework,
        category="L2",
        cues=cues,
        reason=f"Scale & capacity (L2) question; {framework} framework because {why}: cued by {', '.join(repr(c) for c in fw_cues) or 'the scale cues'}.",
    )
