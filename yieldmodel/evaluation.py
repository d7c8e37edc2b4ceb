r"""Judging a pass/fail model honestly on its validation rows.

* :func:`chance_check` -- is the validation ROC-AUC distinguishable from a coin flip?
* :func:`evaluate` -- everything the evaluation view shows at one decision threshold: the
  metrics, the confusion counts in words, the curves, and the threshold that reaches a
  target fail recall.

Class 1 is FAIL throughout; a row is predicted FAIL when its probability is
``>= threshold``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core import metrics

#: A ROC-AUC within this many standard errors of 0.5 is called "no better than chance".
CHANCE_Z = 2.0
#: Step of the page's threshold slider; a suggested threshold is rounded down onto it.
THRESHOLD_STEP = 0.01


@dataclass(frozen=True)
class ChanceCheck:
    r"""Is the model better than guessing?

    Under the null hypothesis that scores are unrelated to the label, the ROC-AUC (the
    Mann-Whitney statistic divided by :math:`n_0 n_1`) has mean 0.5 and standard error

    .. math:: \mathrm{SE}_0 = \sqrt{\frac{n_0 + n_1 + 1}{12\, n_0 n_1}}

    The model is called no better than chance when ROC-AUC < 0.5 + :data:`CHANCE_Z` SE.

    Attributes
    ----------
    roc_auc, standard_error : float
    z : float
        (ROC-AUC - 0.5) / SE.
    no_better_than_chance : bool
    fail_share : float
        Share of FAIL rows: the PR-AUC a random scorer gets.
    majority_accuracy : float
        Accuracy of always predicting the more common class.
    """

    roc_auc: float
    standard_error: float
    z: float
    no_better_than_chance: bool
    fail_share: float
    majority_accuracy: float

    def message(self) -> str:
        """One honest sentence about what the validation numbers mean."""
        if self.no_better_than_chance:
            return (
                f"No better than chance: the validation ROC-AUC {self.roc_auc:.3f} lies within "
                f"{CHANCE_Z:g} standard errors (±{CHANCE_Z * self.standard_error:.3f}) of the "
                "0.5 a coin flip scores. The features as given do not predict the label; more "
                "rows, more fails or other measurements are needed before trusting any "
                "prediction."
            )
        return (
            f"Better than chance: ROC-AUC {self.roc_auc:.3f} is {self.z:.1f} standard errors "
            f"above 0.5. Baselines: always predicting the majority class scores "
            f"{self.majority_accuracy:.1%} accuracy, a random ranking a PR-AUC of "
            f"{self.fail_share:.3f}."
        )


def chance_check(y_true, proba) -> ChanceCheck:
    """Compare the ROC-AUC of ``proba`` on ``y_true`` with what chance gives.

    Parameters
    ----------
    y_true : array of shape (n,)
        0/1 labels with both classes present.
    proba : array of shape (n,)
        Fail probabilities.

    Returns
    -------
    ChanceCheck
    """
    y_true = np.asarray(y_true)
    n_fail = int(np.count_nonzero(y_true == 1))
    n_pass = int(y_true.size - n_fail)
    if n_fail == 0 or n_pass == 0:
        raise ValueError("the chance check needs both classes in y_true")
    roc_auc = metrics.binary_report(y_true, proba)["roc_auc"]
    standard_error = math.sqrt((n_pass + n_fail + 1) / (12.0 * n_pass * n_fail))
    z = (roc_auc - 0.5) / standard_error
    return ChanceCheck(
        roc_auc=roc_auc,
        standard_error=standard_error,
        z=z,
        no_better_than_chance=bool(z < CHANCE_Z),
        fail_share=n_fail / y_true.size,
        majority_accuracy=max(n_pass, n_fail) / y_true.size,
    )


def round_down(threshold: float, step: float = THRESHOLD_STEP) -> float:
    """``threshold`` rounded down onto a slider's steps: a lower threshold only catches more
    fails, so the rounded one still reaches the recall it was chosen for."""
    per_unit = round(1 / step)
    return math.floor(threshold * per_unit) / per_unit


@dataclass(frozen=True)
class Evaluation:
    """A model's validation results at one threshold (see :func:`evaluate`).

    Attributes
    ----------
    threshold, target_recall : float
    report : dict
        ``core.metrics.binary_report`` at ``threshold``.
    suggested : float or None
        Largest threshold whose recall reaches ``target_recall`` (None without fails).
    at_suggested : dict or None
        ``binary_report`` at ``suggested``.
    fpr, tpr, precision, recall : ndarray
        The ROC and precision-recall curves.
    """

    threshold: float
    target_recall: float
    report: dict
    suggested: float | None
    at_suggested: dict | None
    fpr: np.ndarray
    tpr: np.ndarray
    precision: np.ndarray
    recall: np.ndarray

    def outcome(self) -> str:
        """The confusion counts in words: fails caught and missed, good dies flagged."""
        (tn, fp), (fn, tp) = self.report["confusion"]
        return (
            f"At {self.threshold:.2f}: **{tp}** of {tp + fn} fails caught, **{fn}** missed "
            f"(escapes), **{fp}** of {tn + fp} good dies flagged (yield loss)."
        )

    def suggestion(self) -> str | None:
        """What the suggested threshold would give, or None when there is none."""
        if self.suggested is None:
            return None
        at = self.at_suggested
        return (
            f"To catch **{self.target_recall:.0%}** of fails, flag FAIL from p ≥ "
            f"**{self.suggested:.3f}**: recall {at['recall']:.1%}, precision "
            f"{at['precision']:.1%}, {at['confusion'][0][1]} good dies flagged."
        )


def evaluate(y_true, proba, threshold: float, target_recall: float) -> Evaluation:
    """Metrics, curves and the suggested threshold of validation scores ``proba``.

    Parameters
    ----------
    y_true : array of shape (n,)
        0/1 labels (1 = fail).
    proba : array of shape (n,)
        Fail probabilities.
    threshold : float in [0, 1]
        FAIL when ``proba >= threshold``.
    target_recall : float in (0, 1]
        Fail recall the suggested threshold reaches.
    """
    y_true = np.asarray(y_true)
    suggested = at_suggested = None
    if y_true.any():
        suggested = metrics.threshold_for_recall(y_true, proba, target_recall)
        at_suggested = metrics.binary_report(y_true, proba, suggested)
    fpr, tpr, _ = metrics.roc_curve(y_true, proba)
    precision, recall, _ = metrics.pr_curve(y_true, proba)
    return Evaluation(
        threshold=float(threshold),
        target_recall=float(target_recall),
        report=metrics.binary_report(y_true, proba, threshold),
        suggested=suggested,
        at_suggested=at_suggested,
        fpr=fpr,
        tpr=tpr,
        precision=precision,
        recall=recall,
    )
