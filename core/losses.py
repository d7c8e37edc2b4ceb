r"""Losses computed from the output layer's raw values (logits), each paired with its output.

=============  ==========  ===============================================================
output         loss        per-sample loss :math:`\ell_i` from logits :math:`z_i`
=============  ==========  ===============================================================
``sigmoid``    ``bce``     :math:`\max(z,0) - z y + \ln(1 + e^{-|z|})`
``softmax``    ``ce``      :math:`\mathrm{logsumexp}(z) - z_{y}`
``linear``     ``mse``     :math:`\tfrac12 \lVert z - y \rVert^2`
=============  ==========  ===============================================================

The batch loss is :math:`\sum_i w_i \ell_i / \sum_i w_i` (plain mean without weights), and
with each pairing the gradient with respect to the logits is
:math:`w_i(\hat y_i - y_i)/\sum w`: the output delta is simply prediction minus target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _weights(n: int, sample_weight):
    if sample_weight is None:
        return None, float(n)
    return sample_weight, float(sample_weight.sum())


def bce_from_logits(z, y, sample_weight=None):
    """Binary cross-entropy with a sigmoid output.

    Parameters
    ----------
    z : ndarray of shape (n, 1)
        Logits.
    y : ndarray of shape (n, 1)
        Targets in {0, 1}.
    sample_weight : ndarray of shape (n, 1) or None

    Returns
    -------
    loss : float
    proba : ndarray of shape (n, 1)
        ``sigmoid(z)``.
    delta : ndarray of shape (n, 1)
        dLoss/dz.
    """
    e = np.exp(-np.abs(z))
    per_sample = np.maximum(z, 0.0) - z * y + np.log1p(e)
    proba = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return _reduce(per_sample, proba, proba - y, sample_weight)


def ce_from_logits(z, y, sample_weight=None):
    """Softmax cross-entropy.

    ``z`` is (n, k) logits and ``y`` (n,) integer labels in ``[0, k)``. Returns
    ``(loss, proba (n, k), delta (n, k))`` like :func:`bce_from_logits`.
    """
    shifted = z - z.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    proba = exp / total
    rows = np.arange(z.shape[0])
    per_sample = (np.log(total[:, 0]) - shifted[rows, y])[:, None]
    delta = proba.copy()
    delta[rows, y] -= 1.0
    return _reduce(per_sample, proba, delta, sample_weight)


def mse(z, y, sample_weight=None):
    """Half squared error on a linear output; ``z`` and ``y`` are (n, k)."""
    residual = z - y
    per_sample = 0.5 * np.sum(residual * residual, axis=1, keepdims=True)
    return _reduce(per_sample, z, residual, sample_weight)


def _reduce(per_sample, proba, delta, sample_weight):
    n = per_sample.shape[0]
    weights, total = _weights(n, sample_weight)
    if weights is None:
        loss = float(per_sample.sum()) / total
    else:
        loss = float((per_sample[:, 0] * weights[:, 0]).sum()) / total
        delta *= weights
    delta /= total
    return loss, proba, delta


@dataclass(frozen=True)
class LossSpec:
    name: str
    output: str
    function: object
    formula: str


LOSSES = {
    "bce": LossSpec(
        "bce",
        "sigmoid",
        bce_from_logits,
        r"L = -\frac1n\sum_i y_i\ln\hat y_i + (1-y_i)\ln(1-\hat y_i)",
    ),
    "ce": LossSpec("ce", "softmax", ce_from_logits, r"L = -\frac1n\sum_i \ln \hat y_{i,y_i}"),
    "mse": LossSpec("mse", "linear", mse, r"L = \frac{1}{2n}\sum_i \lVert \hat y_i - y_i\rVert^2"),
}

#: The loss used for each output activation.
LOSS_FOR_OUTPUT = {spec.output: spec for spec in LOSSES.values()}
