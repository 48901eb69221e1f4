"""The rubrics the graders apply (data from rubrics/*.yaml)."""

from fastapi import APIRouter

from hedgehog.api.deps import not_found
from hedgehog.api.schemas import RubricSummary
from hedgehog.grading.document import FRAMEWORKS
from hedgehog.grading.rubric import Rubric, load_rubric

router = APIRouter(prefix="/rubrics", tags=["rubrics"])


def summary(rubric: Rubric) -> RubricSummary:
    return RubricSummary(
        framework=rubric.framework, rubric_version=rubric.rubric_version, name=rubric.name,
        description=rubric.description,
        stages=[{"id": s.id, "name": s.name, "covers": s.covers, "weight": s.weight} for s in rubric.stages],
    )


@router.get("", response_model=list[RubricSummary])
def list_rubrics() -> list[RubricSummary]:
    return [summary(load_rubric(fw)) for fw in FRAMEWORKS]


@router.get("/{framework}", response_model=Rubric, responses={404: {"description": "Unknown framework."}})
def get_rubric(framework: str) -> Rubric:
    if framework not in FRAMEWORKS:
        raise not_found(f"rubric {framework!r} (frameworks: {', '.join(FRAMEWORKS)})")
    return load_rubric(framework)
