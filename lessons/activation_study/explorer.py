"""The Activations page's settings and summaries: what can be chosen, and each result in words.

An activation with its parameters travels as a hashable *spec* ``(name, ((param, value),
...))`` (:func:`spec`, :func:`build`), so cached calls can be keyed by it. The summaries
turn the measurements of this package into the Markdown the page shows, naming every
activation by its display ``label`` from :mod:`core.activations`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from core.activations import ACTIVATIONS, Activation, get
from lessons.activation_study.derivatives import DerivativeCheck, derivative_check, saturation_zones
from lessons.activation_study.properties import properties

DEFAULT_NAMES = ("sigmoid", "tanh", "relu")
Z_LIMIT = 20.0
"""The x-range slider spans [-Z_LIMIT, Z_LIMIT]."""
DEFAULT_RANGE = (-6.0, 6.0)
GRID_POINTS = 801
THRESHOLDS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
GRADIENT_MODEL_LABELS = {
    "normal": "averaged over z ~ N(0, 1)",
    "fixed": "at one fixed pre-activation z₀",
}
"""``gradient_products(model=...)`` choices and how the page names them."""
Z0_LIMIT = 6.0
MAX_DEPTH = 50
BENCHMARK_VALUES = 1_000_000
REPETITION_CHOICES = (1, 10, 100)
GREEK = {"alpha": "α"}
# Slider (min, max, step) per (activation, parameter); any other parameter gets
# (0, 2 * default + 1, 0.01). Defaults come from the registry.
_PARAMETER_RANGES = {
    ("leaky_relu", "alpha"): (0.0, 1.0, 0.01),
    ("elu", "alpha"): (0.05, 3.0, 0.05),
}

Spec = tuple[str, tuple[tuple[str, float], ...]]


def label(name: str) -> str:
    """Display name of activation ``name`` (``"Leaky ReLU"``), from :mod:`core.activations`."""
    return ACTIVATIONS[name].label


def spec(name: str, params: Mapping[str, float] | None = None) -> Spec:
    """Hashable description of activation ``name`` with ``params``."""
    return name, tuple(sorted((params or {}).items()))


def build(activation_spec: Spec) -> Activation:
    """The activation a :func:`spec` describes."""
    name, params = activation_spec
    return get(name, **dict(params))


@dataclass(frozen=True)
class ParameterSlider:
    """One parameter of one activation, as a slider and a URL field ``<param>_<name>``."""

    name: str
    param: str
    default: float
    low: float
    high: float
    step: float

    @property
    def key(self) -> str:
        return f"{self.param}_{self.name}"

    @property
    def label(self) -> str:
        return f"{label(self.name)}: {GREEK.get(self.param, self.param)}"


def parameter_sliders() -> list[ParameterSlider]:
    """Every parameter of every registered activation, in registry order."""
    sliders = []
    for name, activation in ACTIVATIONS.items():
        for param, default in activation.defaults.items():
            fallback = (0.0, 2 * default + 1, 0.01)
            low, high, step = _PARAMETER_RANGES.get((name, param), fallback)
            sliders.append(ParameterSlider(name, param, float(default), low, high, step))
    return sliders


def parse_range(text: str) -> tuple[float, float]:
    """``"low,high"`` -> ``(low, high)`` with ``-Z_LIMIT <= low < high <= Z_LIMIT``.

    Raises
    ------
    ValueError
        For anything else (the message says what is allowed).
    """
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError("expected two numbers low,high")
    low, high = (float(part) for part in parts)
    if not (-Z_LIMIT <= low < high <= Z_LIMIT):
        raise ValueError(f"expected -{Z_LIMIT:g} ≤ low < high ≤ {Z_LIMIT:g}")
    return low, high


def format_range(values) -> str:
    """``(low, high)`` as the text :func:`parse_range` reads back."""
    low, high = values
    return f"{float(low)!r},{float(high)!r}"


def latex_number(value: float) -> str:
    """``1.5e-11`` as LaTeX ``1.5 \\times 10^{-11}`` (plain digits between 0.01 and 1000)."""
    if value == 0 or 1e-2 <= abs(value) < 1e3:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def check_and_zones(activation_spec: Spec, low: float, high: float, threshold: float):
    """Derivative check and saturation zones on :data:`GRID_POINTS` points of [low, high]."""
    z = np.linspace(low, high, GRID_POINTS)
    activation = build(activation_spec)
    return derivative_check(activation, z), saturation_zones(activation, z, threshold)


def property_row(activation_spec: Spec) -> dict[str, object]:
    """The property-table row of an activation, named by its display label."""
    return {**properties(build(activation_spec)).as_row(), "activation": label(activation_spec[0])}


def derivative_summary(checks: Mapping[str, DerivativeCheck]) -> str:
    """One bullet per activation: the largest disagreement and the kinks left out."""
    lines = []
    for name, check in checks.items():
        line = f"- **{label(name)}**: max $|f'_{{num}} - f'| = {latex_number(check.max_error)}$"
        if check.max_error_at is not None:
            line += f" at $z = {check.max_error_at:.3g}$"
        if check.skipped:
            kinks = ", ".join(f"{k:g}" for k in check.skipped)
            line += (
                f" (kink at $z = {kinks}$ left out: there the two one-sided slopes differ and "
                "the central difference returns their average)"
            )
        lines.append(line)
    return "\n".join(lines)


def zone_summary(zones: Mapping[str, np.ndarray], threshold: float) -> str:
    """One bullet per activation: the intervals where ``|f'| < threshold``."""
    lines = []
    for name, intervals in zones.items():
        spans = ", ".join(f"[{start:.2f}, {stop:.2f}]" for start, stop in intervals) or "none"
        lines.append(f"- **{label(name)}**: $|f'| < {threshold:g}$ on {spans}")
    return "\n".join(lines)


def depth_model_label(model: str, z0: float) -> str:
    """How the per-layer factor was chosen, for the chart title."""
    return "E|f′(z)| per layer, z ~ N(0, 1)" if model == "normal" else f"|f′({z0:g})| per layer"


def depth_summary(products: Mapping[str, np.ndarray]) -> str:
    """The factor after the deepest layer, per activation."""
    finals = ", ".join(
        f"{label(name)} ${latex_number(values[-1])}$" for name, values in products.items()
    )
    depth = len(next(iter(products.values()))) if products else MAX_DEPTH
    return (
        "Backpropagation multiplies one $f'(z_l)$ per layer into the gradient: "
        "$\\frac{\\partial L}{\\partial z_1} \\propto \\prod_{l=1}^{d} f'(z_l)$ (times the "
        "weights, left out here). A factor below 1 shrinks it geometrically. After "
        f"{depth} layers: {finals}."
    )


WHAT_TO_NOTICE = (
    "- **Sigmoid's slope is at most 0.25** ($\\sigma' = \\sigma(1-\\sigma)$ peaks at "
    "$z = 0$), so every sigmoid layer shrinks the gradient at least fourfold: "
    "$0.25^{10} \\approx 10^{-6}$. This is the vanishing-gradient problem of deep "
    "sigmoid networks.\n"
    "- **tanh** is a rescaled sigmoid, $\\tanh z = 2\\sigma(2z) - 1$: zero-centred and "
    "with slope 1 at the origin, but it saturates just the same for large $|z|$.\n"
    "- **ReLU** never saturates for $z > 0$ (slope exactly 1) but has a dead zone: a unit "
    "whose $z$ stays negative gets no gradient at all and stops learning. Its average "
    "factor of 0.5 is the fraction of active units — He initialisation doubles the "
    "weight variance to make up for exactly that.\n"
    "- **Leaky ReLU** and **ELU** keep a small slope for $z < 0$; **swish** and **GELU** "
    "are smooth, dip slightly below zero and are not monotonic.\n"
    "- The numerical derivative matches the formulas to about $10^{-10}$ — the same "
    "check that validates backpropagation (gradient checking). At a kink it cannot: "
    "the central difference averages the two one-sided slopes.\n"
    "- **linear** costs nothing (it returns its input unchanged) but stacking linear "
    "layers gives just another linear map."
)
