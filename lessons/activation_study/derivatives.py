r"""Derivatives of an activation: the formula against the central difference, and saturation.

* :func:`numerical_derivative` and :func:`derivative_check` — the central difference

  .. math:: f'(z) \approx \frac{f(z + h) - f(z - h)}{2h},

  whose error is :math:`\tfrac{h^2}{6} f'''(z)` plus rounding of order
  :math:`\epsilon_{\mathrm{mach}} |f| / h`; :math:`h = 10^{-5}` balances the two in float64.
  Where f' jumps (ReLU at 0) the two sides disagree and the difference returns the average
  slope, so those points are reported apart (:data:`NON_SMOOTH_POINTS`).
* :func:`saturation_zones` — the intervals where :math:`|f'(z)| < \text{threshold}`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.activations import Activation
from lessons.activation_study.checks import check_grid, check_positive, resolve, runs

DEFAULT_STEP = 1e-5
"""Central-difference step :math:`h`: near the float64 optimum :math:`\\epsilon^{1/3}`."""

# Points where f' (or, for ELU, f'') jumps, as a function of the activation's parameters.
# Softplus switches to the identity above z = 20 like PyTorch, leaving a jump of 2e-9 there.
NON_SMOOTH_POINTS: dict[str, Callable[[dict], tuple[float, ...]]] = {
    "relu": lambda params: (0.0,),
    "leaky_relu": lambda params: () if params["alpha"] == 1.0 else (0.0,),
    "elu": lambda params: (0.0,),
    "softplus": lambda params: (20.0,),
}
"""Activation name -> ``params -> z positions where the central difference is unreliable``."""

# ---------------------------------------------------------------------------------------------
# Numerical derivative
# ---------------------------------------------------------------------------------------------


def numerical_derivative(function, z, h: float = DEFAULT_STEP) -> np.ndarray:
    """Central difference :math:`(f(z + h) - f(z - h)) / 2h`.

    Parameters
    ----------
    function : callable or Activation or str
        Elementwise ``f``; an activation (or its name) uses its ``forward``.
    z : array_like of shape (n,)
        Positions.
    h : float, default :data:`DEFAULT_STEP`
        Step, > 0.

    Returns
    -------
    ndarray of shape (n,)
    """
    if isinstance(function, (str, Activation)):
        function = resolve(function).forward
    z = check_grid(z)
    h = check_positive(h, "h")
    return (function(z + h) - function(z - h)) / (2.0 * h)


@dataclass(frozen=True)
class DerivativeCheck:
    """Analytic against numerical derivative of one activation on a grid.

    Attributes
    ----------
    z : ndarray of shape (n,)
    value : ndarray of shape (n,)
        ``f(z)``.
    analytic : ndarray of shape (n,)
        ``activation.derivative(z)``.
    numerical : ndarray of shape (n,)
        Central difference at ``z``.
    smooth : ndarray of shape (n,), bool
        False where ``z`` lies within ``h`` of a point in :data:`NON_SMOOTH_POINTS`.
    max_error : float
        :math:`\\max |f'_{num} - f'|` over the smooth points (0 if there are none).
    max_error_at : float or None
        Position of that maximum.
    skipped : tuple of float
        Non-smooth points that lie on the grid's span and were left out.
    """

    z: np.ndarray
    value: np.ndarray
    analytic: np.ndarray
    numerical: np.ndarray
    smooth: np.ndarray
    max_error: float
    max_error_at: float | None
    skipped: tuple[float, ...]


def derivative_check(activation, z, h: float = DEFAULT_STEP) -> DerivativeCheck:
    """Compare ``activation.derivative`` with the central difference on ``z``.

    Parameters
    ----------
    activation : Activation or str
    z : array_like of shape (n,)
    h : float, default :data:`DEFAULT_STEP`

    Returns
    -------
    DerivativeCheck
    """
    activation = resolve(activation)
    z = check_grid(z)
    h = check_positive(h, "h")
    analytic = np.asarray(activation.derivative(z), dtype=np.float64)
    numerical = numerical_derivative(activation.forward, z, h)
    kinks = NON_SMOOTH_POINTS.get(activation.name, lambda params: ())(activation.params)
    smooth = np.ones(z.shape, dtype=bool)
    skipped = []
    for kink in kinks:
        near = np.abs(z - kink) <= h
        smooth &= ~near
        if z.min() - h <= kink <= z.max() + h:
            skipped.append(float(kink))
    error = np.abs(numerical - analytic)
    if smooth.any():
        index = int(np.argmax(np.where(smooth, error, -1.0)))
        max_error, max_error_at = float(error[index]), float(z[index])
    else:
        max_error, max_error_at = 0.0, None
    return DerivativeCheck(
        z=z,
        value=np.asarray(activation.forward(z), dtype=np.float64),
        analytic=analytic,
        numerical=numerical,
        smooth=smooth,
        max_error=max_error,
        max_error_at=max_error_at,
        skipped=tuple(skipped),
    )


# ---------------------------------------------------------------------------------------------
# Saturation and dead zones
# ---------------------------------------------------------------------------------------------


def saturation_zones(activation, z, threshold: float) -> np.ndarray:
    """Intervals of ``z`` where the gradient is weaker than ``threshold``.

    Parameters
    ----------
    activation : Activation or str
    z : array_like of shape (n,)
        Sorted grid; zones are reported at its resolution.
    threshold : float
        A point is saturated when :math:`|f'(z)| < \\text{threshold}`; > 0.

    Returns
    -------
    ndarray of shape (k, 2)
        ``[first z, last z]`` of each run of saturated grid points, left to right.
    """
    activation = resolve(activation)
    z = check_grid(z)
    if np.any(np.diff(z) <= 0):
        raise ValueError("z must be strictly increasing")
    threshold = check_positive(threshold, "threshold")
    return runs(np.abs(activation.derivative(z)) < threshold, z)
