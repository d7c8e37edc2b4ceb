r"""Measurements behind the Activations page: derivative checks, saturation, properties, depth.

Every function takes an activation from :mod:`core.activations` (an instance, or a name
resolved with :func:`core.activations.get`).

* :func:`numerical_derivative` and :func:`derivative_check` — the central difference

  .. math:: f'(z) \approx \frac{f(z + h) - f(z - h)}{2h},

  whose error is :math:`\tfrac{h^2}{6} f'''(z)` plus rounding of order
  :math:`\epsilon_{\mathrm{mach}} |f| / h`; :math:`h = 10^{-5}` balances the two in float64.
  Where f' jumps (ReLU at 0) the two sides disagree and the difference returns the average
  slope, so those points are reported apart (:data:`NON_SMOOTH_POINTS`).
* :func:`saturation_zones` — the intervals where :math:`|f'(z)| < \text{threshold}`.
* :func:`properties` — range, zero-centred, monotonic, saturation, dead zone, computed
  (not typed in) from the function, so they follow the α sliders.
* :func:`gradient_products` — the factor :math:`\prod_{l=1}^{d} |f'(z_l)|` that the chain rule
  multiplies into a gradient crossing ``d`` layers (the vanishing-gradient story).
* :func:`benchmark` — milliseconds per ``forward`` call on a million values.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core import activations as activation_registry
from core.validation import as_rng, lookup

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

# The properties are judged on these grids (wide enough to see the tails, narrow enough that
# float64 still tells tanh(z) from 1: tanh rounds to exactly 1 beyond |z| ~ 19).
_TAIL = 40.0
_FINITE_SPAN = 15.0
_PROPERTY_GRID = np.linspace(-_FINITE_SPAN, _FINITE_SPAN, 30_001)
_DEAD_ZONE_SPAN = 10.0
_FLAT_SLOPE = 1e-6
_ZERO_CENTRED_TOLERANCE = 0.05

# Standard-normal expectations use the midpoint rule on [-12, 12] with z = 0 on a cell edge:
# the kinks and jumps of ReLU-like functions sit at 0, so every cell integrates a smooth
# piece and the error stays below 1e-7 (deterministic: no sampling noise on the page).
_NORMAL_CELLS = 48_000
_NORMAL_WIDTH = 24.0 / _NORMAL_CELLS
_NORMAL_GRID = -12.0 + _NORMAL_WIDTH * (np.arange(_NORMAL_CELLS) + 0.5)
_NORMAL_WEIGHTS = _NORMAL_WIDTH * np.exp(-0.5 * _NORMAL_GRID**2) / math.sqrt(2.0 * math.pi)


def _resolve(activation) -> activation_registry.Activation:
    return activation_registry.get(activation)


def _check_grid(z) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty 1-D array of positions, got shape {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError("z contains NaN or infinite values")
    return z


def _check_positive(value, name: str) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


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
    if isinstance(function, (str, activation_registry.Activation)):
        function = _resolve(function).forward
    z = _check_grid(z)
    h = _check_positive(h, "h")
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
    activation = _resolve(activation)
    z = _check_grid(z)
    h = _check_positive(h, "h")
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


def _runs(mask: np.ndarray, z: np.ndarray) -> np.ndarray:
    """First and last ``z`` of every run of True in ``mask``, shape (k, 2)."""
    padded = np.concatenate([[False], mask, [False]])
    changes = np.flatnonzero(np.diff(padded.astype(np.int8)))
    starts, stops = changes[0::2], changes[1::2] - 1
    return np.column_stack([z[starts], z[stops]]) if starts.size else np.empty((0, 2))


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
    activation = _resolve(activation)
    z = _check_grid(z)
    if np.any(np.diff(z) <= 0):
        raise ValueError("z must be strictly increasing")
    threshold = _check_positive(threshold, "threshold")
    return _runs(np.abs(activation.derivative(z)) < threshold, z)


# ---------------------------------------------------------------------------------------------
# Property table
# ---------------------------------------------------------------------------------------------


def normal_expectation(function) -> float:
    """:math:`E[g(z)]` for :math:`z \\sim N(0, 1)`, by the midpoint rule on [-12, 12].

    Parameters
    ----------
    function : callable
        Elementwise ``g`` acting on an array.
    """
    return float(np.dot(function(_NORMAL_GRID), _NORMAL_WEIGHTS))


def _format_number(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value + 0.0:.3g}".replace("-", "−")


@dataclass(frozen=True)
class ActivationProperties:
    """Properties of one activation, computed from its ``forward`` and ``derivative``.

    How each is decided (``L`` = 40 stands in for infinity):

    * ``lower``/``upper``: the limit :math:`f(\\mp L)` when the function has flattened there
      (:math:`|f'(\\mp L)| < 10^{-6}`), otherwise :math:`\\mp\\infty`; a finite minimum or
      maximum reached inside [-15, 15] (swish, GELU) replaces the limit. A bound is
      *closed* when some finite z attains it.
    * ``zero_centred``: :math:`|E[f(z)]| < 0.05` for :math:`z \\sim N(0, 1)`, i.e. a layer
      fed standard-normal pre-activations passes on roughly zero-mean outputs.
    * ``monotonic``: :math:`f'(z) \\ge 0` on [-15, 15].
    * ``saturates``: which tails have :math:`|f'(\\pm L)| < 10^{-6}`.
    * ``dead_zone``: the interval in [-10, 10] where f' is exactly 0 (no gradient at all).

    Attributes
    ----------
    name : str
    lower, upper : float
        Bounds of the output range (may be ±inf).
    lower_closed, upper_closed : bool
    mean_output : float
        :math:`E[f(z)]`, :math:`z \\sim N(0, 1)`.
    zero_centred : bool
    monotonic : bool
    saturates_left, saturates_right : bool
    dead_zone : tuple of (float, float) or None
        First and last z of the exactly-flat interval (``-10`` / ``10`` mean "and beyond").
    max_slope : float
        :math:`\\max |f'|` on [-15, 15].
    slope_at_zero : float
        :math:`f'(0)` as the activation defines it (PyTorch's convention at kinks).
    mean_slope : float
        :math:`E|f'(z)|`, :math:`z \\sim N(0, 1)`: the per-layer factor used by
        :func:`gradient_products`.
    """

    name: str
    lower: float
    upper: float
    lower_closed: bool
    upper_closed: bool
    mean_output: float
    zero_centred: bool
    monotonic: bool
    saturates_left: bool
    saturates_right: bool
    dead_zone: tuple[float, float] | None
    max_slope: float
    slope_at_zero: float
    mean_slope: float

    @property
    def range_text(self) -> str:
        """The range in interval notation, e.g. ``(0, 1)`` or ``[−0.278, ∞)``."""
        left = "[" if self.lower_closed else "("
        right = "]" if self.upper_closed else ")"
        return f"{left}{_format_number(self.lower)}, {_format_number(self.upper)}{right}"

    @property
    def saturates_text(self) -> str:
        sides = {
            (True, True): "both tails",
            (True, False): "z → −∞",
            (False, True): "z → +∞",
            (False, False): "no",
        }
        return sides[(self.saturates_left, self.saturates_right)]

    @property
    def dead_zone_text(self) -> str:
        if self.dead_zone is None:
            return "none"
        start, stop = self.dead_zone
        left_open = start <= -_DEAD_ZONE_SPAN
        right_open = stop >= _DEAD_ZONE_SPAN
        if left_open and right_open:
            return "everywhere"
        if left_open:
            return f"z ≤ {_format_number(stop)}"
        if right_open:
            return f"z ≥ {_format_number(start)}"
        return f"{_format_number(start)} ≤ z ≤ {_format_number(stop)}"

    def as_row(self) -> dict[str, object]:
        """One row of the page's property table (display strings and numbers)."""
        return {
            "activation": self.name,
            "range": self.range_text,
            "zero-centred": "yes" if self.zero_centred else "no",
            "E[f(z)]": round(self.mean_output, 4) + 0.0,
            "monotonic": "yes" if self.monotonic else "no",
            "saturates": self.saturates_text,
            "dead zone (f′ = 0)": self.dead_zone_text,
            "max |f′|": round(self.max_slope, 4),
            "f′(0)": round(self.slope_at_zero, 4),
            "E|f′(z)|": round(self.mean_slope, 4),
        }


def _bound(activation, side: int, grid_values: np.ndarray) -> tuple[float, bool]:
    """Lower (``side=-1``) or upper (``side=+1``) end of the range and whether it is closed."""
    tail = np.array([side * _TAIL])
    slope = float(activation.derivative(tail)[0])
    extreme = grid_values.min() if side < 0 else grid_values.max()
    if abs(slope) >= _FLAT_SLOPE:
        # Still rising (or falling) at the tail: unbounded in the direction it heads.
        heading = side * np.sign(slope)
        if heading == side:
            return side * math.inf, False
        return float(extreme), True
    limit = round(float(activation.forward(tail)[0]), 12) + 0.0
    beyond_limit = extreme < limit if side < 0 else extreme > limit
    if beyond_limit:
        return float(extreme), True
    return limit, bool(extreme == limit)


def properties(activation) -> ActivationProperties:
    """Compute the property table row of ``activation`` (see :class:`ActivationProperties`).

    Parameters
    ----------
    activation : Activation or str

    Returns
    -------
    ActivationProperties
    """
    activation = _resolve(activation)
    values = np.asarray(activation.forward(_PROPERTY_GRID), dtype=np.float64)
    slopes = np.asarray(activation.derivative(_PROPERTY_GRID), dtype=np.float64)
    lower, lower_closed = _bound(activation, -1, values)
    upper, upper_closed = _bound(activation, +1, values)
    tails = activation.derivative(np.array([-_TAIL, _TAIL]))
    inner = np.abs(_PROPERTY_GRID) <= _DEAD_ZONE_SPAN
    flat = _runs(slopes[inner] == 0.0, _PROPERTY_GRID[inner])
    mean_output = normal_expectation(activation.forward)
    return ActivationProperties(
        name=activation.name,
        lower=lower,
        upper=upper,
        lower_closed=lower_closed,
        upper_closed=upper_closed,
        mean_output=mean_output,
        zero_centred=abs(mean_output) < _ZERO_CENTRED_TOLERANCE,
        monotonic=bool(np.all(slopes >= 0)),
        saturates_left=bool(abs(tails[0]) < _FLAT_SLOPE),
        saturates_right=bool(abs(tails[1]) < _FLAT_SLOPE),
        dead_zone=(float(flat[0, 0]), float(flat[-1, 1])) if len(flat) else None,
        max_slope=float(np.abs(slopes).max()),
        slope_at_zero=float(activation.derivative(np.array([0.0]))[0]),
        mean_slope=normal_expectation(lambda z: np.abs(activation.derivative(z))),
    )


# ---------------------------------------------------------------------------------------------
# Vanishing gradients
# ---------------------------------------------------------------------------------------------


def _factor_normal(activation, z0: float) -> float:
    return normal_expectation(lambda z: np.abs(activation.derivative(z)))


def _factor_fixed(activation, z0: float) -> float:
    return float(np.abs(activation.derivative(np.array([float(z0)]))[0]))


GRADIENT_MODELS: dict[str, Callable] = {"normal": _factor_normal, "fixed": _factor_fixed}
r"""How the per-layer factor of :func:`gradient_products` is chosen.

* ``normal`` (the page's default): :math:`E|f'(z)|` with :math:`z \sim N(0, 1)`. A
  well-initialised layer (Xavier/He) keeps its pre-activations near unit variance, so this is
  what a typical unit sees. If the layers' pre-activations are independent, the expected
  product over ``d`` layers is exactly :math:`(E|f'(z)|)^d`.
* ``fixed``: :math:`|f'(z_0)|` at one representative pre-activation ``z0`` — every layer
  sitting at the same operating point, e.g. deep in saturation (``z0 = 4``).
"""


def gradient_products(activation, depth: int = 50, model: str = "normal", z0: float = 0.0):
    r"""The chain-rule factor :math:`\prod_{l=1}^{d} |f'(z_l)|` for depths 1..``depth``.

    This is the activation's share of how much a gradient shrinks (or grows) on its way back
    through ``d`` layers; the weights' share is left out (set it aside as "ideal" weights
    that preserve the norm), so the plot isolates what the activation alone does. Which
    :math:`z_l` to use is a modelling choice, see :data:`GRADIENT_MODELS`.

    Parameters
    ----------
    activation : Activation or str
    depth : int, default 50
        Largest depth, >= 1.
    model : {"normal", "fixed"}, default "normal"
    z0 : float, default 0.0
        Pre-activation for ``model="fixed"``.

    Returns
    -------
    ndarray of shape (depth,)
        Entry ``d - 1`` is the factor after ``d`` layers: ``factor ** d``.
    """
    activation = _resolve(activation)
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    if not math.isfinite(float(z0)):
        raise ValueError(f"z0 must be finite, got {z0}")
    factor = lookup("gradient model", model, GRADIENT_MODELS)(activation, z0)
    return factor ** np.arange(1, int(depth) + 1, dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------------------------


def benchmark(
    activations: Sequence,
    n_values: int = 1_000_000,
    repetitions: int = 100,
    rng=0,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, float]:
    """Time ``forward`` on ``n_values`` standard-normal inputs, as in the seed notebook.

    Each activation is called once untimed (warming caches and allocations), then
    ``repetitions`` times under :func:`time.perf_counter`.

    Parameters
    ----------
    activations : sequence of Activation or str
        Non-empty; names must be distinct.
    n_values : int, default 1_000_000
    repetitions : int, default 100
    rng : int or numpy.random.Generator, default 0
        Source of the input values.
    progress : callable ``(done, total) -> None``, optional
        Called after every timed call; ``total = len(activations) * repetitions``.

    Returns
    -------
    dict
        Activation name -> mean milliseconds per call, in the given order.
    """
    resolved = [_resolve(activation) for activation in activations]
    if not resolved:
        raise ValueError("choose at least one activation to benchmark")
    names = [activation.name for activation in resolved]
    if len(set(names)) != len(names):
        raise ValueError(f"activations must be distinct, got {names}")
    for value, label in ((n_values, "n_values"), (repetitions, "repetitions")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    z = as_rng(rng).standard_normal(int(n_values))
    total, done = len(resolved) * int(repetitions), 0
    timings = {}
    for activation in resolved:
        activation.forward(z)
        elapsed = 0.0
        for _ in range(int(repetitions)):
            start = time.perf_counter()
            activation.forward(z)
            elapsed += time.perf_counter() - start
            done += 1
            if progress is not None:
                progress(done, total)
        timings[activation.name] = 1000.0 * elapsed / int(repetitions)
    return timings
