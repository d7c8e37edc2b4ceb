"""yieldmodel.evaluation: the chance check, and the view at one threshold against sklearn."""

import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, confusion_matrix, recall_score, roc_curve

from core import metrics
from yieldmodel.evaluation import chance_check, evaluate, round_down

Y = np.array([0, 0, 0, 0, 1, 1, 1, 0, 1, 0])
PROBA = np.array([0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 0.9, 0.8, 0.35, 0.05])


# ---------------------------------------------------------------------------- chance check


def test_chance_standard_error_matches_the_mann_whitney_formula():
    # n0 = 3, n1 = 2: sqrt((3 + 2 + 1) / (12 * 3 * 2)) = sqrt(1 / 12)
    check = chance_check([0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9])
    assert check.standard_error == pytest.approx(math.sqrt(1 / 12))
    assert check.roc_auc == 1.0
    assert check.z == pytest.approx(0.5 / math.sqrt(1 / 12))
    assert check.no_better_than_chance  # 5 rows cannot prove anything
    assert check.fail_share == pytest.approx(0.4) and check.majority_accuracy == pytest.approx(0.6)


def test_chance_check_separates_signal_from_noise():
    generator = np.random.default_rng(0)
    y = generator.integers(0, 2, size=2000)
    assert chance_check(y, generator.random(2000)).no_better_than_chance
    assert not chance_check(y, 0.3 * y + 0.7 * generator.random(2000)).no_better_than_chance
    with pytest.raises(ValueError, match="both classes"):
        chance_check([1, 1], [0.2, 0.3])


def test_evaluation_agrees_with_sklearn_and_says_it_in_words():
    view = evaluate(Y, PROBA, 0.4, 0.75)
    predicted = PROBA >= 0.4
    (tn, fp), (fn, tp) = confusion_matrix(Y, predicted)
    assert view.report["recall"] == pytest.approx(recall_score(Y, predicted))
    assert view.report["pr_auc"] == pytest.approx(average_precision_score(Y, PROBA))
    fpr, tpr, _ = roc_curve(Y, PROBA)
    np.testing.assert_allclose(view.fpr, fpr)
    np.testing.assert_allclose(view.tpr, tpr)
    assert view.outcome() == (
        f"At 0.40: **{tp}** of {tp + fn} fails caught, **{fn}** missed (escapes), **{fp}** of "
        f"{tn + fp} good dies flagged (yield loss)."
    )
    # 3 of the 4 fails (0.5, 0.7, 0.9) reach 75 % recall; 0.5 is the highest such threshold.
    assert view.suggested == 0.5
    assert view.at_suggested["recall"] == 0.75
    assert view.suggestion() == (
        "To catch **75%** of fails, flag FAIL from p ≥ **0.500**: recall 75.0%, "
        "precision 75.0%, 1 good dies flagged."
    )


def test_without_fails_there_is_no_suggestion():
    view = evaluate(np.zeros(4, dtype=int), np.array([0.1, 0.2, 0.3, 0.4]), 0.5, 0.85)
    assert view.suggested is None and view.suggestion() is None
    assert math.isnan(view.report["roc_auc"])


@pytest.mark.parametrize(
    ("value", "expected"), [(0.2934, 0.29), (0.29, 0.28), (0.999, 0.99), (0.0, 0.0), (1.0, 1.0)]
)
def test_round_down_stays_at_or_below(value, expected):
    assert round_down(value) == expected


def test_operating_point_lies_on_the_curves():
    report = metrics.binary_report(Y, PROBA, 0.4)
    point = metrics.operating_point(report["confusion"])
    assert point == {"fpr": pytest.approx(2 / 6), "recall": 0.75, "precision": 0.6}
    assert metrics.operating_point([[5, 0], [3, 0]])["precision"] == 1.0  # nothing flagged
    with pytest.raises(ValueError, match="shape"):
        metrics.operating_point([[1, 2, 3]])
