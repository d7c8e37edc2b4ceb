r"""Central-difference gradient checking.

For every parameter :math:`\theta_j` the numerical derivative is
:math:`\frac{L(\theta + h e_j) - L(\theta - h e_j)}{2h}`; the error reported is the relative
distance :math:`\lVert g - \hat g\rVert / (\lVert g\rVert + \lVert\hat g\rVert)` between
the analytic gradient :math:`g` (backpropagation) and the numerical one :math:`\hat g`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class GradCheckResult:
    relative_error: float
    analytic: np.ndarray
    numerical: np.ndarray

    def per_param(self, model) -> list[float]:
        """Relative error for each array in ``model.params`` (same order)."""
        errors, offset = [], 0
        for p in model.params:
            a = self.analytic[offset : offset + p.size]
            n = self.numerical[offset : offset + p.size]
            errors.append(_relative(a, n))
            offset += p.size
        return errors


def _relative(a, n) -> float:
    scale = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - n) / scale)


def check_detailed(model, X, y, sample_weight=None, h: float = 1e-5) -> GradCheckResult:
    """Compare backpropagation with central differences over every parameter (no dropout)."""
    X = model.check_X(X)
    y_checked = model.check_targets(y, X.shape[0])
    w = model.check_weights(sample_weight, X.shape[0])
    model._loss_and_grads(X, y_checked, w, training=False)
    analytic = model.flat_grad.astype(np.float64).copy()
    numerical = np.empty_like(analytic)
    flat = model.flat
    for j in range(flat.size):
        saved = flat[j]
        flat[j] = saved + h
        plus = model._loss(X, y_checked, w)
        flat[j] = saved - h
        minus = model._loss(X, y_checked, w)
        flat[j] = saved
        numerical[j] = (plus - minus) / (2 * h)
    return GradCheckResult(_relative(analytic, numerical), analytic, numerical)


def check(model, X, y, sample_weight=None, h: float = 1e-5) -> float:
    """Largest per-array relative error between analytic and central-difference gradients."""
    return max(check_detailed(model, X, y, sample_weight, h).per_param(model))
