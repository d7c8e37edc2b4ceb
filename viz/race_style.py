r"""What every figure of the optimizer race shares: colours, legend names, the value scale.

Every race figure colours an optimizer the same way, through a ``colors`` mapping
label -> colour (see :func:`assign_colors`). Surfaces whose values span several decades
(``Surface.log_scale``) are coloured by :math:`\log_{10}(f - f^* + \varepsilon)` with
:math:`\varepsilon` = :data:`LOG_FLOOR` (:func:`shown_values`).

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

OPTIMIZER_COLORS = {
    "sgd": "#D62728",
    "momentum": "#FF7F0E",
    "nesterov": "#8C564B",
    "adagrad": "#9467BD",
    "rmsprop": "#2CA02C",
    "adam": "#1F1F1F",
    "adamw": "#E377C2",
}
"""Colour of each optimizer (by ``core.optimizers`` name) in every race figure."""
FALLBACK_COLORS = ("#D62728", "#FF7F0E", "#9467BD", "#2CA02C", "#1F1F1F", "#E377C2", "#8C564B")

SURFACE_COLORSCALE = [
    [0.0, "#FFFFFF"],
    [0.3, "#DEEBF7"],
    [0.7, "#9ECAE1"],
    [1.0, "#4A98C9"],
]
"""Pale low, saturated high, so coloured paths stay readable on top."""
LOG_FLOOR = 1e-3
"""Offset ε in the log colouring, so the minimum itself has a finite colour."""


def assign_colors(labels: Sequence[str], names: Sequence[str] | None = None) -> dict[str, str]:
    """Label -> colour: an optimizer's own colour when its ``core.optimizers`` name is given.

    Parameters
    ----------
    labels : sequence of str
        Trace labels in race order.
    names : sequence of str, optional
        Optimizer name of each label (same length); labels without a known name get the
        fallback palette in order.
    """
    names = list(names) if names is not None else [None] * len(labels)
    if len(names) != len(labels):
        raise ValueError(f"got {len(labels)} labels but {len(names)} optimizer names")
    colors = {}
    for index, (label, name) in enumerate(zip(labels, names, strict=True)):
        colors[label] = OPTIMIZER_COLORS.get(name, FALLBACK_COLORS[index % len(FALLBACK_COLORS)])
    return colors


def spec_colors(specs) -> dict[str, str]:
    """Label -> colour for ``core.optimizers.OptimizerSpec`` s racing under their labels."""
    return assign_colors([spec.label for spec in specs], [spec.name for spec in specs])


def fill_colors(labels, colors: Mapping[str, str] | None) -> dict[str, str]:
    """``colors`` completed with the fallback palette for labels it lacks."""
    colors = dict(colors or {})
    missing = [label for label in labels if label not in colors]
    colors.update(assign_colors(missing))
    return colors


def legend_name(result, label: str) -> str:
    """``label``, with the step it diverged at when its run of ``result`` diverged."""
    failed = result.diverged_at[label]
    return label if failed is None else f"{label} (diverged at step {failed})"


def shown_values(surface, values) -> np.ndarray:
    r"""What the colour of the map shows for ``f`` values on ``surface``.

    :math:`\log_{10}(\max(f - f^*, 0) + \varepsilon)` for log-scaled surfaces, ``f`` itself
    otherwise. Shape is preserved.
    """
    values = np.asarray(values, dtype=np.float64)
    if not surface.log_scale:
        return values
    gap = np.maximum(values - (surface.min_value or 0.0), 0.0)
    return np.log10(gap + LOG_FLOOR)


def value_label(surface) -> str:
    """Name of what the colour shows: the gap on log-scaled surfaces, else f."""
    return "f − f*" if surface.log_scale else "f(x, y)"
