"""Evaluation metrics: thin wrappers over ``sklearn.metrics``.

scikit-learn already computes confusion matrices, ROC and precision-recall curves, F1 and
AUCs correctly; this module only fixes the conventions the playground uses and turns the
results into plain, JSON-able values:

* binary targets are 1-D 0/1 arrays and class 1 is the positive class (a FAIL on the
  semiconductor page);
* a sample is predicted positive when its probability is **at or above** the threshold,
  ``proba >= threshold`` -- the same rule scikit-learn's curves use, so a threshold read off
  a curve reproduces the curve's point exactly;
* precision and recall are 0 (not a warning) when nothing is predicted or present;
* with only one class in ``y_true`` the AUCs are undefined: they come back as NaN and a
  ``"note"`` key says why, instead of an exception or a warning.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning


def _binary_inputs(y_true, proba) -> tuple[np.ndarray, np.ndarray]:
    """Check and return (y_true, proba) as 1-D arrays of equal length."""
    y_true = np.asarray(y_true)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 2 and proba.shape[1] == 1:
        proba = proba[:, 0]
    if y_true.ndim != 1 or proba.ndim != 1:
        raise ValueError(
            f"y_true and proba must be 1-D, got shapes {y_true.shape} and {proba.shape}"
        )
    if y_true.shape[0] != proba.shape[0]:
        raise ValueError(f"y_true has {y_true.shape[0]} samples but proba has {proba.shape[0]}")
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty")
    labels = np.unique(y_true)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f"binary y_true must hold only 0 and 1, found {labels.tolist()}")
    if not np.isfinite(proba).all():
        raise ValueError("proba contains NaN or infinite values")
    return y_true.astype(np.int64), proba


def _check_threshold(threshold: float) -> float:
    threshold = float(threshold)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must lie in [0, 1], got {threshold}")
    return threshold


def _one_class_note(y_true: np.ndarray) -> str | None:
    if np.unique(y_true).size < 2:
        only = int(y_true[0])
        return (
            f"y_true holds only class {only}; ROC-AUC and PR-AUC need both classes "
            "and are reported as NaN"
        )
    return None


def binary_report(y_true, proba, threshold: float = 0.5) -> dict:
    """Metrics of a binary classifier at one decision threshold.

    Parameters
    ----------
    y_true : array of shape (n_samples,)
        True labels, 0 or 1 (1 is the positive class).
    proba : array of shape (n_samples,) or (n_samples, 1)
        Predicted probability of class 1.
    threshold : float, default 0.5
        A sample is predicted 1 when ``proba >= threshold``.

    Returns
    -------
    dict
        ``accuracy``, ``precision``, ``recall``, ``f1`` (at the threshold), ``roc_auc``,
        ``pr_auc`` (average precision; threshold-free), ``confusion`` as
        ``[[tn, fp], [fn, tp]]``, ``support`` as ``[n_negative, n_positive]``,
        ``threshold`` and ``n``; plus ``note`` when ``y_true`` has a single class (then
        both AUCs are NaN). All values are plain Python numbers and lists.
    """
    y_true, proba = _binary_inputs(y_true, proba)
    threshold = _check_threshold(threshold)
    y_pred = (proba >= threshold).astype(np.int64)
    confusion = skm.confusion_matrix(y_true, y_pred, labels=[0, 1])
    report = {
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "precision": float(skm.precision_score(y_true, y_pred, zero_division=0)),
        "recall": float(skm.recall_score(y_true, y_pred, zero_division=0)),
        "f1": float(skm.f1_score(y_true, y_pred, zero_division=0)),
        "roc_auc": float("nan"),
        "pr_auc": float("nan"),
        "confusion": confusion.tolist(),
        "support": confusion.sum(axis=1).tolist(),
        "threshold": threshold,
        "n": int(y_true.shape[0]),
    }
    note = _one_class_note(y_true)
    if note is None:
        report["roc_auc"] = float(skm.roc_auc_score(y_true, proba))
        report["pr_auc"] = float(skm.average_precision_score(y_true, proba))
    else:
        report["note"] = note
    return report


def roc_curve(y_true, proba) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Receiver operating characteristic curve.

    Returns
    -------
    fpr, tpr, thresholds : arrays of shape (n_points,)
        As ``sklearn.metrics.roc_curve`` (thresholds decreasing, the first one ``inf``).
        With a single class in ``y_true`` the undefined rate is NaN (no warning).
    """
    y_true, proba = _binary_inputs(y_true, proba)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        fpr, tpr, thresholds = skm.roc_curve(y_true, proba)
    return fpr, tpr, thresholds


def pr_curve(y_true, proba) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision-recall curve.

    Returns
    -------
    precision, recall : arrays of shape (n_points,)
        As ``sklearn.metrics.precision_recall_curve``: recall decreasing, ending at the
        point (recall 0, precision 1). Without positives scikit-learn sets recall to 1.
    thresholds : array of shape (n_points - 1,)
        Increasing; ``precision[i]``/``recall[i]`` hold for ``proba >= thresholds[i]``.
    """
    y_true, proba = _binary_inputs(y_true, proba)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "no positive class found"
        precision, recall, thresholds = skm.precision_recall_curve(y_true, proba)
    return precision, recall, thresholds


def threshold_for_recall(y_true, proba, target_recall: float) -> float:
    """Largest threshold whose recall (``proba >= threshold``) reaches ``target_recall``.

    Raising the threshold can only lower recall, so this is the threshold that reaches the
    target with the fewest false positives.

    Parameters
    ----------
    y_true : array of shape (n_samples,)
        True 0/1 labels; at least one must be 1.
    proba : array of shape (n_samples,)
        Predicted probability of class 1.
    target_recall : float in (0, 1]
        Wanted fraction of positives caught, e.g. 0.85.

    Returns
    -------
    float
        One of the values in ``proba``.
    """
    y_true, proba = _binary_inputs(y_true, proba)
    target_recall = float(target_recall)
    if not 0.0 < target_recall <= 1.0:
        raise ValueError(f"target_recall must lie in (0, 1], got {target_recall}")
    if not y_true.any():
        raise ValueError("y_true has no positive samples, so recall is undefined")
    _, recall, thresholds = pr_curve(y_true, proba)
    # recall[i] belongs to thresholds[i]; the trailing recall-0 point has no threshold.
    reaching = thresholds[recall[:-1] >= target_recall]
    return float(reaching.max())


def multiclass_report(y_true, y_pred_or_proba, labels=None) -> dict:
    """Accuracy and confusion matrix of a multi-class classifier.

    Parameters
    ----------
    y_true : array of shape (n_samples,)
        True integer labels.
    y_pred_or_proba : array of shape (n_samples,) or (n_samples, n_classes)
        Predicted labels, or class probabilities (the arg-max is the prediction and then
        the classes are ``0 .. n_classes - 1``).
    labels : sequence, optional
        Class order of the confusion matrix; by default every label seen.

    Returns
    -------
    dict
        ``accuracy``, ``confusion`` (rows true class, columns predicted class),
        ``labels``, ``support`` (true count per class) and ``n``.
    """
    y_true = np.asarray(y_true)
    predicted = np.asarray(y_pred_or_proba)
    if predicted.ndim == 2:
        if labels is None:
            labels = list(range(predicted.shape[1]))
        predicted = predicted.argmax(axis=1)
    if y_true.ndim != 1 or predicted.ndim != 1 or y_true.shape != predicted.shape:
        raise ValueError(
            f"y_true and the predictions must be 1-D of equal length, got shapes "
            f"{y_true.shape} and {predicted.shape}"
        )
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty")
    if labels is None:
        labels = np.union1d(y_true, predicted).tolist()
    confusion = skm.confusion_matrix(y_true, predicted, labels=labels)
    return {
        "accuracy": float(skm.accuracy_score(y_true, predicted)),
        "confusion": confusion.tolist(),
        "labels": [label.item() if hasattr(label, "item") else label for label in labels],
        "support": confusion.sum(axis=1).tolist(),
        "n": int(y_true.shape[0]),
    }


def regression_report(y_true, y_pred) -> dict:
    """Mean squared error, mean absolute error and R² of a regression.

    ``mse`` is the plain mean of squared errors (no ½ factor, unlike the training loss).

    Parameters
    ----------
    y_true, y_pred : arrays of shape (n_samples,) or (n_samples, 1)

    Returns
    -------
    dict
        ``mse``, ``mae``, ``r2`` (NaN with a ``note`` when fewer than two samples) and ``n``.
    """
    y_true = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(len(y_pred), -1)
    if y_true.shape != y_pred.shape or y_true.shape[1] != 1:
        raise ValueError(
            f"y_true and y_pred must be 1-D of equal length, got shapes "
            f"{y_true.shape} and {y_pred.shape}"
        )
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty")
    report = {
        "mse": float(skm.mean_squared_error(y_true, y_pred)),
        "mae": float(skm.mean_absolute_error(y_true, y_pred)),
        "r2": float("nan"),
        "n": int(y_true.shape[0]),
    }
    if y_true.shape[0] < 2:
        report["note"] = "R² needs at least two samples and is reported as NaN"
    else:
        report["r2"] = float(skm.r2_score(y_true, y_pred))
    return report


def operating_point(confusion) -> dict:
    """Rates of a binary confusion matrix ``[[tn, fp], [fn, tp]]``: one point on the curves.

    Returns
    -------
    dict
        ``fpr`` = fp / (fp + tn) (0 without negatives), ``recall`` = tp / (tp + fn) (0
        without positives) and ``precision`` = tp / (tp + fp) -- 1 when nothing is flagged,
        where ``sklearn.metrics.precision_recall_curve`` ends -- so the point lies on the
        ROC and precision-recall curves of :func:`roc_curve` and :func:`pr_curve`.
    """
    matrix = np.asarray(confusion, dtype=np.float64)
    if matrix.shape != (2, 2):
        raise ValueError(f"confusion must have shape (2, 2), got {matrix.shape}")
    (tn, fp), (fn, tp) = matrix
    return {
        "fpr": fp / (fp + tn) if fp + tn else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
    }
