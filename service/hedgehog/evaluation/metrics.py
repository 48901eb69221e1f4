"""Agreement between a grader and the human labels: quadratic weighted kappa (QWK), exact and
within-one agreement, mean absolute error and a confusion matrix, per stage, pooled and per
category. Plain Python: the sets are small and the formulas should be readable."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hedgehog.grading.document import MAX_STAGE_SCORE

SCORES = tuple(range(MAX_STAGE_SCORE + 1))


def confusion_matrix(human: Sequence[int], grader: Sequence[int], levels: int = len(SCORES)) -> list[list[int]]:
    """counts[h][g]: how often the human said h and the grader said g."""
    _check_pairs(human, grader)
    counts = [[0] * levels for _ in range(levels)]
    for h, g in zip(human, grader, strict=True):
        counts[h][g] += 1
    return counts


def quadratic_weighted_kappa(human: Sequence[int], grader: Sequence[int], levels: int = len(SCORES)) -> float | None:
    """Cohen's kappa with quadratic weights: 1 is perfect agreement, 0 is what independent
    ratings with the same marginals would give, negative is worse than chance.

    None when there are no pairs. When both raters use a single identical level throughout, the
    chance disagreement is zero and kappa is undefined; we return 1.0 for identical ratings
    (nothing to disagree about) and 0.0 otherwise.
    """
    _check_pairs(human, grader)
    n = len(human)
    if n == 0:
        return None
    observed = confusion_matrix(human, grader, levels)
    human_counts = [sum(row) for row in observed]
    grader_counts = [sum(observed[h][g] for h in range(levels)) for g in range(levels)]
    weight = [[(i - j) ** 2 / (levels - 1) ** 2 for j in range(levels)] for i in range(levels)]
    observed_disagreement = sum(weight[i][j] * observed[i][j] for i in range(levels) for j in range(levels))
    expected_disagreement = sum(
        weight[i][j] * human_counts[i] * grader_counts[j] / n for i in range(levels) for j in range(levels)
    )
    if expected_disagreement == 0:
        return 1.0 if observed_disagreement == 0 else 0.0
    return 1.0 - observed_disagreement / expected_disagreement


def exact_agreement(human: Sequence[int], grader: Sequence[int]) -> float | None:
    _check_pairs(human, grader)
    return _mean(1.0 if h == g else 0.0 for h, g in zip(human, grader, strict=True))


def within_one_agreement(human: Sequence[int], grader: Sequence[int]) -> float | None:
    _check_pairs(human, grader)
    return _mean(1.0 if abs(h - g) <= 1 else 0.0 for h, g in zip(human, grader, strict=True))


def mean_absolute_error(human: Sequence[int], grader: Sequence[int]) -> float | None:
    _check_pairs(human, grader)
    return _mean(float(abs(h - g)) for h, g in zip(human, grader, strict=True))


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _check_pairs(human: Sequence[int], grader: Sequence[int]) -> None:
    if len(human) != len(grader):
        raise ValueError(f"{len(human)} human scores but {len(grader)} grader scores")
    for score in (*human, *grader):
        if score not in SCORES:
            raise ValueError(f"score {score!r} is outside 0..{MAX_STAGE_SCORE}")


@dataclass
class Agreement:
    """The agreement figures for one set of (human, grader) score pairs."""

    n: int
    qwk: float | None
    exact: float | None
    within_one: float | None
    mae: float | None

    @classmethod
    def of(cls, human: Sequence[int], grader: Sequence[int]) -> "Agreement":
        return cls(
            n=len(human),
            qwk=quadratic_weighted_kappa(human, grader),
            exact=exact_agreement(human, grader),
            within_one=within_one_agreement(human, grader),
            mae=mean_absolute_error(human, grader),
        )


@dataclass
class CategoryResult:
    items: int
    agreement: Agreement
    mean_expected_overall: float
    mean_overall: float


@dataclass
class Metrics:
    pooled: Agreement
    stages: dict[str, Agreement]  # keyed "framework.stage_id"
    categories: dict[str, CategoryResult]
    confusion: list[list[int]]  # pooled, rows = human score, columns = grader score
    overall_mae: float | None  # on the 0-100 overall score
    items: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScoredItem:
    """What metrics need from one graded item."""

    id: str
    framework: str
    category: str
    labels: dict[str, int]
    predicted: dict[str, int]
    expected_overall: int
    overall: int


def compute_metrics(results: Sequence[ScoredItem]) -> Metrics:
    human_all: list[int] = []
    grader_all: list[int] = []
    per_stage: dict[str, tuple[list[int], list[int]]] = {}
    per_category: dict[str, list[ScoredItem]] = {}
    for item in results:
        for stage, label in item.labels.items():
            score = item.predicted[stage]
            human_all.append(label)
            grader_all.append(score)
            h, g = per_stage.setdefault(f"{item.framework}.{stage}", ([], []))
            h.append(label)
            g.append(score)
        per_category.setdefault(item.category, []).append(item)

    categories = {}
    for category in sorted(per_category):
        members = per_category[category]
        h = [item.labels[s] for item in members for s in item.labels]
        g = [item.predicted[s] for item in members for s in item.labels]
        categories[category] = CategoryResult(
            items=len(members),
            agreement=Agreement.of(h, g),
            mean_expected_overall=sum(i.expected_overall for i in members) / len(members),
            mean_overall=sum(i.overall for i in members) / len(members),
        )
    return Metrics(
        pooled=Agreement.of(human_all, grader_all),
        stages={key: Agreement.of(*pairs) for key, pairs in per_stage.items()},
        categories=categories,
        confusion=confusion_matrix(human_all, grader_all),
        overall_mae=_mean(float(abs(i.expected_overall - i.overall)) for i in results),
        items=len(results),
    )
