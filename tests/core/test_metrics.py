"""core.metrics against hand-worked examples (counted on paper, not taken from sklearn)."""

import warnings

import numpy as np
import pytest

from core import metrics

# The classic four-sample example: negatives score 0.1 and 0.4, positives 0.35 and 0.8.
Y = np.array([0, 0, 1, 1])
P = np.array([0.1, 0.4, 0.35, 0.8])


def test_binary_report_at_half():
    report = metrics.binary_report(Y, P, threshold=0.5)
    # Predicted [0, 0, 0, 1]: tn=2, fp=0, fn=1, tp=1.
    assert report["confusion"] == [[2, 0], [1, 1]]
    assert report["accuracy"] == pytest.approx(3 / 4)
    assert report["precision"] == pytest.approx(1.0)
    assert report["recall"] == pytest.approx(1 / 2)
    assert report["f1"] == pytest.approx(2 * 1 * 0.5 / 1.5)
    # Of the 4 (positive, negative) pairs, 3 are ranked correctly.
    assert report["roc_auc"] == pytest.approx(3 / 4)
    # Average precision: recall steps of 1/2 at precision 1 and 2/3.
    assert report["pr_auc"] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    assert report["support"] == [2, 2]
    assert report["n"] == 4
    assert "note" not in report


def test_threshold_is_inclusive():
    # At 0.35 the positive scoring exactly 0.35 counts as predicted positive.
    report = metrics.binary_report(Y, P, threshold=0.35)
    assert report["confusion"] == [[1, 1], [0, 2]]
    assert report["precision"] == pytest.approx(2 / 3)
    assert report["recall"] == pytest.approx(1.0)


def test_binary_report_nothing_predicted_positive_gives_zero_precision():
    report = metrics.binary_report(Y, P, threshold=1.0)
    assert report["confusion"] == [[2, 0], [2, 0]]
    assert report["precision"] == 0.0 and report["f1"] == 0.0


@pytest.mark.parametrize("only", [0, 1])
def test_one_class_gives_nan_auc_and_a_note_without_warnings(only):
    y = np.full(5, only)
    proba = np.linspace(0.1, 0.9, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = metrics.binary_report(y, proba)
        metrics.roc_curve(y, proba)
        metrics.pr_curve(y, proba)
    assert np.isnan(report["roc_auc"]) and np.isnan(report["pr_auc"])
    assert f"only class {only}" in report["note"]
    assert report["accuracy"] == pytest.approx(np.mean((proba >= 0.5) == only))


def test_roc_curve_points_and_area():
    fpr, tpr, thresholds = metrics.roc_curve(Y, P)
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 0.5, 1, 1])
    assert np.isinf(thresholds[0])
    assert np.trapezoid(tpr, fpr) == pytest.approx(0.75)


def test_pr_curve_points():
    precision, recall, thresholds = metrics.pr_curve(Y, P)
    np.testing.assert_allclose(thresholds, [0.1, 0.35, 0.4, 0.8])
    np.testing.assert_allclose(recall, [1, 1, 0.5, 0.5, 0])
    np.testing.assert_allclose(precision, [0.5, 2 / 3, 0.5, 1, 1])


@pytest.mark.parametrize(
    ("target", "expected"), [(1.0, 0.35), (0.6, 0.35), (0.5, 0.8), (0.01, 0.8)]
)
def test_threshold_for_recall_worked_example(target, expected):
    assert metrics.threshold_for_recall(Y, P, target) == expected


def test_threshold_for_recall_is_the_largest_reaching_threshold():
    rng = np.random.default_rng(3)
    y = (rng.random(400) < 0.2).astype(int)
    proba = np.round(np.clip(0.3 * y + rng.random(400) * 0.7, 0, 1), 2)  # with ties
    for target in (0.5, 0.85, 0.9, 1.0):
        threshold = metrics.threshold_for_recall(y, proba, target)

        def recall(t):
            return ((proba >= t) & (y == 1)).sum() / y.sum()

        assert recall(threshold) >= target
        higher = np.unique(proba[proba > threshold])
        assert all(recall(t) < target for t in higher)


def test_threshold_for_recall_rejects_bad_input():
    with pytest.raises(ValueError, match="no positive"):
        metrics.threshold_for_recall([0, 0, 0], [0.1, 0.2, 0.3], 0.8)
    with pytest.raises(ValueError, match="target_recall"):
        metrics.threshold_for_recall(Y, P, 0.0)
    with pytest.raises(ValueError, match="target_recall"):
        metrics.threshold_for_recall(Y, P, 1.2)


@pytest.mark.parametrize(
    ("y", "proba", "match"),
    [
        ([0, 1, 2], [0.1, 0.2, 0.3], "only 0 and 1"),
        ([0, 1], [0.1, 0.2, 0.3], "samples"),
        ([0, 1], [0.1, np.nan], "NaN"),
        ([], [], "empty"),
    ],
)
def test_binary_inputs_are_checked(y, proba, match):
    with pytest.raises(ValueError, match=match):
        metrics.binary_report(y, proba)


def test_threshold_out_of_range():
    with pytest.raises(ValueError, match="threshold"):
        metrics.binary_report(Y, P, threshold=1.5)


def test_column_probabilities_accepted():
    assert metrics.binary_report(Y, P[:, None]) == metrics.binary_report(Y, P)


def test_multiclass_report_from_probabilities():
    proba = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.0, 0.6, 0.4], [0.5, 0.4, 0.1]])
    report = metrics.multiclass_report([0, 1, 2, 2], proba)
    # Predictions 0, 1, 1, 0: two of four right; class 2 is never predicted.
    assert report["accuracy"] == pytest.approx(0.5)
    assert report["confusion"] == [[1, 0, 0], [0, 1, 0], [1, 1, 0]]
    assert report["labels"] == [0, 1, 2]
    assert report["support"] == [1, 1, 2]


def test_multiclass_report_from_labels():
    report = metrics.multiclass_report([3, 5, 5], [3, 3, 5])
    assert report["labels"] == [3, 5]
    assert report["confusion"] == [[1, 0], [1, 1]]
    assert report["accuracy"] == pytest.approx(2 / 3)


def test_regression_report():
    report = metrics.regression_report([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    assert report["mse"] == pytest.approx(1 / 3)
    assert report["mae"] == pytest.approx(1 / 3)
    # R² = 1 - SS_res / SS_tot = 1 - 1 / 2.
    assert report["r2"] == pytest.approx(0.5)


def test_regression_report_single_sample():
    report = metrics.regression_report([2.0], [1.5])
    assert report["mse"] == pytest.approx(0.25)
    assert np.isnan(report["r2"]) and "note" in report


def test_regression_report_shape_mismatch():
    with pytest.raises(ValueError, match="equal length"):
        metrics.regression_report([1.0, 2.0], [1.0, 2.0, 3.0])
