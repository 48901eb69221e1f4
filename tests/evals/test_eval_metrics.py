"""The agreement metrics on small examples whose answers are known or worked out by hand."""

import random

import pytest

from hedgehog.evaluation.metrics import (
    ScoredItem,
    compute_metrics,
    confusion_matrix,
    exact_agreement,
    mean_absolute_error,
    quadratic_weighted_kappa,
    within_one_agreement,
)


def test_perfect_agreement_is_one():
    scores = [0, 1, 2, 3, 4, 2, 3, 1]
    assert quadratic_weighted_kappa(scores, scores) == pytest.approx(1.0)


def test_hand_computed_kappa():
    # human [1,2,3], grader [1,2,4]. Weights (i-j)^2/16.
    # Observed disagreement: only (3,4) -> 1/16 = 3/48.
    # Expected: each of the 9 (h, g) pairs has weight 1/3; sum of (h-g)^2 over
    # h in {1,2,3}, g in {1,2,4} is 0+1+9+1+0+4+4+1+1 = 21 -> 21/48.
    # kappa = 1 - 3/21 = 6/7.
    assert quadratic_weighted_kappa([1, 2, 3], [1, 2, 4]) == pytest.approx(6 / 7)


def test_complete_reversal_is_minus_one():
    # Observed: two pairs at the maximum weight 1 -> 2. Expected: 4 cells x 0.5, two of them weight 1 -> 1.
    assert quadratic_weighted_kappa([0, 4], [4, 0]) == pytest.approx(-1.0)


def test_independent_ratings_are_near_chance():
    rng = random.Random(20261128)
    human = [rng.randint(0, 4) for _ in range(5000)]
    grader = [rng.randint(0, 4) for _ in range(5000)]
    assert abs(quadratic_weighted_kappa(human, grader)) < 0.05


def test_kappa_edge_cases():
    assert quadratic_weighted_kappa([], []) is None
    assert quadratic_weighted_kappa([2, 2, 2], [2, 2, 2]) == 1.0  # nothing to disagree about
    # One rater constant: the other's spread is exactly what chance predicts.
    assert quadratic_weighted_kappa([4, 4, 4], [2, 3, 4]) == pytest.approx(0.0)


def test_kappa_weights_distance_quadratically():
    human = [0, 1, 2, 3, 4] * 4
    off_by_one = [min(4, s + 1) for s in human]
    off_by_two = [min(4, s + 2) for s in human]
    assert quadratic_weighted_kappa(human, off_by_one) > quadratic_weighted_kappa(human, off_by_two)


def test_exact_within_one_and_mae():
    human = [0, 1, 2, 3, 4]
    grader = [0, 2, 4, 3, 1]
    assert exact_agreement(human, grader) == pytest.approx(2 / 5)
    assert within_one_agreement(human, grader) == pytest.approx(3 / 5)
    assert mean_absolute_error(human, grader) == pytest.approx((0 + 1 + 2 + 0 + 3) / 5)
    assert exact_agreement([], []) is None


def test_confusion_matrix_rows_are_human_columns_grader():
    matrix = confusion_matrix([0, 0, 4, 2], [0, 1, 3, 2])
    assert len(matrix) == 5 and all(len(row) == 5 for row in matrix)
    assert matrix[0][0] == 1 and matrix[0][1] == 1 and matrix[4][3] == 1 and matrix[2][2] == 1
    assert sum(map(sum, matrix)) == 4


@pytest.mark.parametrize("human, grader", [([1, 2], [1]), ([5], [4]), ([-1], [0])])
def test_bad_score_lists_are_refused(human, grader):
    with pytest.raises(ValueError):
        quadratic_weighted_kappa(human, grader)


def test_compute_metrics_per_stage_pooled_and_category():
    items = [
        ScoredItem("A", "scale", "exemplary", {"current_load": 4, "projection": 3, "bottlenecks": 4, "mitigation": 4},
                   {"current_load": 4, "projection": 3, "bottlenecks": 3, "mitigation": 4}, 94, 88),
        ScoredItem("B", "capacity", "too_short",
                   {"current_load": 2, "growth_projection": 0, "nonlinear_factors": 1, "capacity_needs": 2, "bottlenecks": 2},
                   {"current_load": 2, "growth_projection": 0, "nonlinear_factors": 3, "capacity_needs": 2, "bottlenecks": 2}, 35, 45),
    ]
    metrics = compute_metrics(items)
    assert metrics.items == 2
    assert metrics.pooled.n == 9
    assert metrics.pooled.exact == pytest.approx(7 / 9)
    assert metrics.pooled.within_one == pytest.approx(8 / 9)
    assert set(metrics.stages) == {
        "scale.current_load", "scale.projection", "scale.bottlenecks", "scale.mitigation",
        "capacity.current_load", "capacity.growth_projection", "capacity.nonlinear_factors",
        "capacity.capacity_needs", "capacity.bottlenecks",
    }
    assert metrics.stages["scale.bottlenecks"].mae == 1.0
    assert metrics.categories["too_short"].items == 1
    assert metrics.categories["too_short"].agreement.mae == pytest.approx(2 / 5)
    assert metrics.overall_mae == pytest.approx(8.0)
    assert metrics.confusion[1][3] == 1 and metrics.confusion[4][3] == 1
