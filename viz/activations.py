"""Figures for the Activations page: functions and derivatives, saturation, depth, speed.

Every function is pure: it takes results from :mod:`lessons.activation_study` (keyed by
activation name) and returns a ``plotly.graph_objects.Figure``. Each activation keeps one
colour across all figures (:func:`colour`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from core.activations import ACTIVATIONS
from lessons.activation_study import DerivativeCheck

_PALETTE = qualitative.D3
COLOURS: dict[str, str] = {
    name: _PALETTE[index % len(_PALETTE)] for index, name in enumerate(ACTIVATIONS)
}
"""Activation name -> line colour, in registry order."""
NUMERICAL_MARKERS = 41
"""About this many numerical-derivative markers are drawn per curve."""
SATURATION_FILL = "rgba(198, 40, 40, 0.12)"
ROW_HEIGHT = 250


def colour(name: str) -> str:
    """Colour of activation ``name`` (grey for names outside the registry)."""
    return COLOURS.get(name, "#555555")


def _marker_slice(n_points: int) -> slice:
    return slice(None, None, max(1, n_points // (NUMERICAL_MARKERS - 1)))


def _curve(name: str, z, values, symbol: str, label: str, legendgroup: str, show: bool):
    """A solid line of activation ``name``: ``symbol`` is "f" or "f′" in the hover text."""
    return go.Scatter(
        x=z,
        y=values,
        mode="lines",
        line={"color": colour(name), "width": 2.5},
        name=label,
        legendgroup=legendgroup,
        showlegend=show,
        hovertemplate=f"{name}<br>z=%{{x:.3f}}<br>{symbol}=%{{y:.4g}}<extra></extra>",
    )


def _numerical_trace(name: str, check: DerivativeCheck, legendgroup: str, show: bool):
    picks = _marker_slice(len(check.z))
    return go.Scatter(
        x=check.z[picks],
        y=check.numerical[picks],
        mode="markers",
        marker={"size": 6, "color": "white", "line": {"width": 1.5, "color": colour(name)}},
        name=f"{name} f′ numerical",
        legendgroup=legendgroup,
        showlegend=show,
        hovertemplate="z=%{x:.3f}<br>central difference %{y:.6g}<extra></extra>",
    )


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
        markers (right), grouped in the legend by activation.
    """
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("f(z)", "f′(z): lines exact, circles numerical")
    )
    for name, check in checks.items():
        figure.add_trace(_curve(name, check.z, check.value, "f", name, name, True), row=1, col=1)
        figure.add_trace(
            _curve(name, check.z, check.analytic, "f′", f"{name} f′", name, False), row=1, col=2
        )
        figure.add_trace(_numerical_trace(name, check, name, show=False), row=1, col=2)
    figure.update_xaxes(title_text="z")
    figure.update_layout(
        height=400,
        margin={"l": 40, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
        hovermode="closest",
    )
    return figure


def _shade(figure: go.Figure, zones: np.ndarray, row: int, col: int) -> None:
    for start, stop in zones:
        figure.add_vrect(
            x0=start,
            x1=stop,
            fillcolor=SATURATION_FILL,
            line_width=0,
            layer="below",
            row=row,
            col=col,
        )


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
    titles = []
    for name in names:
        check = checks[name]
        skipped = (
            f" (kink at z = {', '.join(f'{k:g}' for k in check.skipped)} skipped)"
            if check.skipped
            else ""
        )
        titles += [
            f"{name}: f(z)",
            f"{name}: f′(z) · max |numerical − exact| = {check.max_error:.1e}{skipped}",
        ]
    figure = make_subplots(
        rows=len(names),
        cols=2,
        subplot_titles=titles,
        vertical_spacing=min(0.25 / max(len(names), 1), 0.1),
        horizontal_spacing=0.08,
    )
    for row, name in enumerate(names, start=1):
        check = checks[name]
        first = row == 1
        figure.add_trace(_curve(name, check.z, check.value, "f", "f", "f", False), row=row, col=1)
        exact = _curve(name, check.z, check.analytic, "f′", "exact f′ (formula)", "exact", first)
        figure.add_trace(exact, row=row, col=2)
        numerical = _numerical_trace(name, check, "numerical", show=first)
        numerical.name = "numerical f′ (central difference)"
        figure.add_trace(numerical, row=row, col=2)
        for col in (1, 2):
            _shade(figure, zones[name], row, col)
        for level in (threshold, -threshold):
            figure.add_hline(
                y=level, line={"dash": "dot", "color": "#C62828", "width": 1}, row=row, col=2
            )
    figure.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"size": 12, "symbol": "square", "color": SATURATION_FILL},
            name=f"saturated: |f′| < {threshold:g}",
        )
    )
    figure.update_xaxes(title_text="z", row=len(names))
    figure.update_annotations(font_size=13)
    height = ROW_HEIGHT * len(names) + 110
    plot_height = height - 70 - 40
    figure.update_layout(
        height=height,
        margin={"l": 40, "r": 10, "t": 70, "b": 40},
        # Above the first row's subplot titles: 30 px over the top of the plotting area.
        legend={
            "orientation": "h",
            "y": 1 + 30 / plot_height,
            "x": 0,
            "yanchor": "bottom",
            "xanchor": "left",
        },
    )
    return figure


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
    figure = go.Figure()
    for name, values in products.items():
        values = np.asarray(values, dtype=np.float64)
        depth = np.arange(1, len(values) + 1)
        shown = np.where(values > 0, values, np.nan)
        label = name if np.any(values > 0) else f"{name} (= 0 at every depth)"
        figure.add_trace(
            go.Scatter(
                x=depth,
                y=shown,
                mode="lines+markers",
                marker={"size": 4},
                line={"color": colour(name), "width": 2.5},
                name=label,
                hovertemplate=f"{name}<br>depth %{{x}}: %{{y:.3g}}<extra></extra>",
            )
        )
    figure.add_hline(y=1.0, line={"dash": "dot", "color": "#555", "width": 1})
    figure.update_layout(
        title={"text": f"Product of |f′| through depth · {model_label}"},
        height=420,
        margin={"l": 50, "r": 10, "t": 60, "b": 40},
        xaxis={"title": "depth d (layers the gradient crosses)"},
        yaxis={"title": "∏ |f′| (log scale)", "type": "log", "exponentformat": "power"},
        legend={"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
    )
    return figure


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
        One bar trace, bars in the mapping's order, each labelled with its time.
    """
    names = list(milliseconds)
    times = [float(milliseconds[name]) for name in names]
    figure = go.Figure(
        go.Bar(
            x=names,
            y=times,
            marker={"color": [colour(name) for name in names]},
            text=[f"{value:.3g} ms" for value in times],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.4g} ms per call<extra></extra>",
        )
    )
    figure.update_layout(
        title={
            "text": f"forward(z) on {n_values:,} values · "
            + ("one call" if repetitions == 1 else f"mean of {repetitions} calls")
        },
        height=380,
        margin={"l": 50, "r": 10, "t": 70, "b": 40},
        yaxis={"title": "ms per call", "range": [0, 1.18 * max(times, default=1.0) or 1.0]},
        showlegend=False,
    )
    return figure
