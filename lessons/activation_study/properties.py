"""The property table of an activation, computed (not typed in) from the function itself,
so it follows the α sliders: range, zero-centred, monotonic, saturation, dead zone, slopes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lessons.activation_study.checks import resolve, runs

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
    activation = resolve(activation)
    values = np.asarray(activation.forward(_PROPERTY_GRID), dtype=np.float64)
    slopes = np.asarray(activation.derivative(_PROPERTY_GRID), dtype=np.float64)
    lower, lower_closed = _bound(activation, -1, values)
    upper, upper_closed = _bound(activation, +1, values)
    tails = activation.derivative(np.array([-_TAIL, _TAIL]))
    inner = np.abs(_PROPERTY_GRID) <= _DEAD_ZONE_SPAN
    flat = runs(slopes[inner] == 0.0, _PROPERTY_GRID[inner])
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
