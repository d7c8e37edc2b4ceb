"""Figures for the Activations page: functions and derivatives, saturation, depth, speed.

Every function is pure: it takes results from :mod:`lessons.activation_study` (keyed by
activation name) and returns a ``plotly.graph_objects.Figure``. Each activation keeps one
colour across all figures (:func:`colour`) and is named by its display ``label`` from
:mod:`core.activations`, as in the page's controls.

Figures are assembled from plain dicts (subplots laid out by :func:`subplot_grid`) and
wrapped without Plotly's per-property validation, which cost more than all the numbers on
the page; the tests validate every figure's full spec with a normal ``go.Figure(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from core.activations import ACTIVATIONS
from lessons.activation_study import DerivativeCheck
from viz.figures import axis_names, fast_figure, subplot_grid

_PALETTE = qualitative.D3
COLOURS: dict[str, str] = {
    name: _PALETTE[index % len(_PALETTE)] for index, name in enumerate(ACTIVATIONS)
}
"""Activation name -> line colour, in registry order."""
NUMERICAL_MARKERS = 41
"""About this many numerical-derivative markers are drawn per curve."""
SATURATION_FILL = "rgba(198, 40, 40, 0.12)"
THRESHOLD_LINE = {"dash": "dot", "color": "#C62828", "width": 1}
ROW_HEIGHT = 250
LEGEND_BELOW = {"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"}


def colour(name: str) -> str:
    """Colour of activation ``name`` (grey for names outside the registry)."""
    return COLOURS.get(name, "#555555")


def label(name: str) -> str:
    """Display name of activation ``name`` (the name itself outside the registry)."""
    return ACTIVATIONS[name].label if name in ACTIVATIONS else name


def _marker_slice(n_points: int) -> slice:
    return slice(None, None, max(1, n_points // (NUMERICAL_MARKERS - 1)))


def _curve(name: str, z, values, symbol: str, legend: str, group: str, show: bool, axes: int):
    """A solid line of activation ``name``: ``symbol`` is "f" or "f′" in the hover text."""
    x, y = axis_names(axes)
    return {
        "type": "scatter",
        "x": z,
        "y": values,
        "xaxis": x,
        "yaxis": y,
        "mode": "lines",
        "line": {"color": colour(name), "width": 2.5},
        "name": legend,
        "legendgroup": group,
        "showlegend": show,
        "hovertemplate": f"{label(name)}<br>z=%{{x:.3f}}<br>{symbol}=%{{y:.4g}}<extra></extra>",
    }


def _numerical(name: str, check: DerivativeCheck, legend: str, group: str, show: bool, axes: int):
    picks = _marker_slice(len(check.z))
    x, y = axis_names(axes)
    return {
        "type": "scatter",
        "x": check.z[picks],
        "y": check.numerical[picks],
        "xaxis": x,
        "yaxis": y,
        "mode": "markers",
        "marker": {"size": 6, "color": "white", "line": {"width": 1.5, "color": colour(name)}},
        "name": legend,
        "legendgroup": group,
        "showlegend": show,
        "hovertemplate": "z=%{x:.3f}<br>central difference %{y:.6g}<extra></extra>",
    }


def comparison_figure(checks: Mapping[str, DerivativeCheck]) -> go.Figure:
    """All selected activations on shared axes: f(z) on the left, f'(z) on the right.

    Parameters
    ----------
    checks : mapping name -> DerivativeCheck
        From :func:`lessons.activation_study.derivative_check` on a common grid.

    Returns
    -------
    go.Figure
        Per activation three traces: f (left), analytic f' (right), and central-difference
        markers (right), grouped in the legend by activation and named by its label.
    """
    data = []
    for name, check in checks.items():
        title = label(name)
        data += [
            _curve(name, check.z, check.value, "f", title, name, True, 1),
            _curve(name, check.z, check.analytic, "f′", f"{title} f′", name, False, 2),
            _numerical(name, check, f"{title} f′ numerical", name, False, 2),
        ]
    layout = subplot_grid(1, 2, ("f(z)", "f′(z): lines exact, circles numerical"), 0.1, 0.0)
    for axis in ("xaxis", "xaxis2"):
        layout[axis]["title"] = {"text": "z"}
    layout.update(
        height=400,
        margin={"l": 40, "r": 10, "t": 40, "b": 40},
        legend=LEGEND_BELOW,
        hovermode="closest",
    )
    return fast_figure(data, layout)


def _detail_titles(name: str, check: DerivativeCheck) -> list[str]:
    skipped = (
        f" (kink at z = {', '.join(f'{k:g}' for k in check.skipped)} skipped)"
        if check.skipped
        else ""
    )
    title = label(name)
    return [
        f"{title}: f(z)",
        f"{title}: f′(z) · max |numerical − exact| = {check.max_error:.1e}{skipped}",
    ]


def _detail_shapes(zones: np.ndarray, threshold: float, first_axes: int) -> list[dict]:
    """Saturation zones shaded in both panels of a row, ±threshold dotted in the f' panel."""
    shapes = []
    for axes in (first_axes, first_axes + 1):
        x, y = axis_names(axes)
        shapes += [
            {
                "type": "rect",
                "xref": x,
                "yref": f"{y} domain",
                "x0": float(start),
                "x1": float(stop),
                "y0": 0,
                "y1": 1,
                "fillcolor": SATURATION_FILL,
                "line": {"width": 0},
                "layer": "below",
            }
            for start, stop in zones
        ]
    x, y = axis_names(first_axes + 1)
    for level in (threshold, -threshold):
        shapes.append(
            {
                "type": "line",
                "xref": f"{x} domain",
                "yref": y,
                "x0": 0,
                "x1": 1,
                "y0": level,
                "y1": level,
                "line": THRESHOLD_LINE,
            }
        )
    return shapes


def _saturated_key(threshold: float) -> dict:
    """A legend entry for the shaded zones (a marker with no data)."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "marker": {"size": 12, "symbol": "square", "color": SATURATION_FILL},
        "name": f"saturated: |f′| < {threshold:g}",
    }


def detail_figure(
    checks: Mapping[str, DerivativeCheck],
    zones: Mapping[str, np.ndarray],
    threshold: float,
) -> go.Figure:
    """One row per activation: f(z) and f'(z), saturation zones shaded in both.

    Parameters
    ----------
    checks : mapping name -> DerivativeCheck
    zones : mapping name -> ndarray of shape (k, 2)
        From :func:`lessons.activation_study.saturation_zones`.
    threshold : float
        Drawn as dotted lines at ±threshold in the f' panels.

    Returns
    -------
    go.Figure
        ``len(checks)`` rows × 2 columns; per row the traces f, exact f', numerical f';
        a shaded rectangle per zone in each panel. The f' subplot title carries the
        maximum numerical-derivative error.
    """
    names = list(checks)
    titles = [title for name in names for title in _detail_titles(name, checks[name])]
    v_spacing = min(0.25 / max(len(names), 1), 0.1)
    layout = subplot_grid(len(names), 2, titles, 0.08, v_spacing, title_size=13)
    data, shapes = [], []
    for row, name in enumerate(names):
        check, first, axes = checks[name], row == 0, 2 * row + 1
        data += [
            _curve(name, check.z, check.value, "f", "f", "f", False, axes),
            _curve(
                name, check.z, check.analytic, "f′", "exact f′ (formula)", "exact", first, axes + 1
            ),
            _numerical(
                name, check, "numerical f′ (central difference)", "numerical", first, axes + 1
            ),
        ]
        shapes += _detail_shapes(zones[name], threshold, axes)
    data.append(_saturated_key(threshold))
    for axes in (2 * len(names) - 1, 2 * len(names)):
        layout[f"xaxis{axis_names(axes)[0][1:]}"]["title"] = {"text": "z"}
    height = ROW_HEIGHT * len(names) + 110
    plot_height = height - 70 - 40
    layout.update(
        height=height,
        margin={"l": 40, "r": 10, "t": 70, "b": 40},
        shapes=shapes,
        # Above the first row's subplot titles: 30 px over the top of the plotting area.
        legend={
            "orientation": "h",
            "y": 1 + 30 / plot_height,
            "x": 0,
            "yanchor": "bottom",
            "xanchor": "left",
        },
    )
    return fast_figure(data, layout)


def gradient_products_figure(products: Mapping[str, np.ndarray], model_label: str) -> go.Figure:
    """The chain-rule factor through depth 1..D for each activation, on a log axis.

    Parameters
    ----------
    products : mapping name -> ndarray of shape (D,)
        From :func:`lessons.activation_study.gradient_products`; entry ``d - 1`` is depth ``d``.
    model_label : str
        How the per-layer factor was chosen, shown in the title.

    Returns
    -------
    go.Figure
        One line per activation; zero products (a log axis cannot show them) become gaps and
        their legend entry says "= 0".
    """
    data = []
    for name, values in products.items():
        values = np.asarray(values, dtype=np.float64)
        title = label(name)
        data.append(
            {
                "type": "scatter",
                "x": np.arange(1, len(values) + 1),
                "y": np.where(values > 0, values, np.nan),
                "mode": "lines+markers",
                "marker": {"size": 4},
                "line": {"color": colour(name), "width": 2.5},
                "name": title if np.any(values > 0) else f"{title} (= 0 at every depth)",
                "hovertemplate": f"{title}<br>depth %{{x}}: %{{y:.3g}}<extra></extra>",
            }
        )
    one = {
        "type": "line",
        "xref": "x domain",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": 1.0,
        "y1": 1.0,
        "line": {"dash": "dot", "color": "#555", "width": 1},
    }
    layout = {
        "title": {"text": f"Product of |f′| through depth · {model_label}"},
        "height": 420,
        "margin": {"l": 50, "r": 10, "t": 60, "b": 40},
        "xaxis": {"title": {"text": "depth d (layers the gradient crosses)"}},
        "yaxis": {
            "title": {"text": "∏ |f′| (log scale)"},
            "type": "log",
            "exponentformat": "power",
        },
        "legend": LEGEND_BELOW,
        "shapes": [one],
    }
    return fast_figure(data, layout)


def benchmark_figure(milliseconds: Mapping[str, float], n_values: int, repetitions: int):
    """Bar chart of milliseconds per ``forward`` call.

    Parameters
    ----------
    milliseconds : mapping name -> float
        From :func:`lessons.activation_study.benchmark`.
    n_values, repetitions : int
        Shown in the title.

    Returns
    -------
    go.Figure
        One bar trace, bars in the mapping's order (named by their labels), each labelled
        with its time.
    """
    names = list(milliseconds)
    times = [float(milliseconds[name]) for name in names]
    bars = {
        "type": "bar",
        "x": [label(name) for name in names],
        "y": times,
        "marker": {"color": [colour(name) for name in names]},
        "text": [f"{value:.3g} ms" for value in times],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x}: %{y:.4g} ms per call<extra></extra>",
    }
    calls = "one call" if repetitions == 1 else f"mean of {repetitions} calls"
    layout = {
        "title": {"text": f"forward(z) on {n_values:,} values · {calls}"},
        "height": 380,
        "margin": {"l": 50, "r": 10, "t": 70, "b": 40},
        "yaxis": {
            "title": {"text": "ms per call"},
            "range": [0, 1.18 * max(times, default=1.0) or 1.0],
        },
        "showlegend": False,
    }
    return fast_figure([bars], layout)
