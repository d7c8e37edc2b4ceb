"""Race curves: loss and learning rate per step on a surface, and training curves of the
race on a network, one colour per optimizer."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz.race_style import fill_colors, legend_name

LOSS_FLOOR = 1e-16
"""Smallest gap f − f* drawn on the log axis of the loss chart (double-precision noise)."""
LOSS_HEADROOM = 1e3
"""The loss chart's log axis ends this many times above the starting gap."""


def _gap_curves(surface, result) -> dict[str, np.ndarray]:
    """Label -> what the loss chart draws: the gap f − f* (floored), or f without f*."""
    if surface.min_value is None:
        return dict(result.losses)
    return {
        label: np.maximum(losses - surface.min_value, LOSS_FLOOR)
        for label, losses in result.losses.items()
    }


def _diverged_cross(result, label: str, shown: np.ndarray, top, color: str) -> go.Scatter:
    """An ✕ at the last finite step of a diverged run, held at the top edge if above it."""
    return go.Scatter(
        x=[len(shown) - 1],
        y=[shown[-1] if top is None else min(shown[-1], top)],
        mode="markers",
        marker={"symbol": "x", "size": 12, "color": color},
        cliponaxis=False,
        legendgroup=label,
        showlegend=False,
        hovertemplate=f"{label} diverged at step {result.diverged_at[label]}<extra></extra>",
    )


def _mark_tolerance(figure: go.Figure, tolerance: float) -> None:
    """A dashed line at the gap that counts as arrived, labelled at the right edge."""
    figure.add_hline(y=tolerance, line={"dash": "dash", "color": "grey", "width": 1})
    # Annotations on a log axis take log10 of the value as their y.
    figure.add_annotation(
        x=1,
        xref="paper",
        y=float(np.log10(tolerance)),
        yref="y",
        text=f"f − f* = {tolerance:g}",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font={"size": 11, "color": "grey"},
    )


def loss_curves(
    surface,
    result,
    colors: Mapping[str, str] | None = None,
    tolerance: float | None = None,
    height: int = 340,
) -> go.Figure:
    """Loss against step: the gap f − f* on a log axis, or f itself without a known minimum.

    Gaps below :data:`LOSS_FLOOR` are drawn at the floor. The log axis ends
    :data:`LOSS_HEADROOM` times above the starting gap, so a run that blows up leaves the
    chart at the top instead of squashing the others; a diverged run ends with an ✕ at its
    last finite step (held at the top edge if it is off the chart). ``tolerance`` adds a
    dashed line at that gap.
    """
    labels = list(result.paths)
    colors = fill_colors(labels, colors)
    has_minimum = surface.min_value is not None
    curves = _gap_curves(surface, result)
    figure = go.Figure()
    top = None
    if has_minimum and labels:
        top = max(float(curve[0]) for curve in curves.values()) * LOSS_HEADROOM
        lowest = min(float(np.min(curve)) for curve in curves.values())
        figure.update_yaxes(range=[np.log10(lowest) - 0.5, np.log10(top)])
    for label in labels:
        shown = curves[label]
        figure.add_trace(
            go.Scatter(
                x=np.arange(len(shown)),
                y=shown,
                mode="lines",
                line={"color": colors[label], "width": 2},
                name=legend_name(result, label),
                legendgroup=label,
                hovertemplate=f"{label}<br>step %{{x}}<br>%{{y:.3g}}<extra></extra>",
            )
        )
        if result.diverged_at[label] is not None:
            figure.add_trace(_diverged_cross(result, label, shown, top, colors[label]))
    if tolerance is not None and has_minimum:
        _mark_tolerance(figure, tolerance)
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 10, "t": 40, "b": 40},
        title={"text": "Loss per step", "x": 0, "font": {"size": 15}},
        xaxis={"title": "step"},
        yaxis={
            "title": "f − f* (log scale)" if has_minimum else "f(x, y)",
            "type": "log" if has_minimum else "linear",
            "exponentformat": "power",
        },
        showlegend=False,
    )
    return figure


def _log_ticks(arrays) -> dict:
    """Tick settings for a log axis: 1-2-5 labels within a decade or two, else powers of 10."""
    values = np.concatenate([np.ravel(array) for array in arrays] or [np.ones(1)])
    values = values[values > 0]
    spread = np.log10(values.max() / values.min()) if values.size else 0.0
    if spread <= 1.5:
        return {"dtick": "D2", "tickformat": "~g"}
    return {"dtick": 1, "exponentformat": "power"}


def learning_rate_chart(
    result, colors: Mapping[str, str] | None = None, height: int = 340
) -> go.Figure:
    """Learning rate used at each step, one line per optimizer, on a log axis."""
    labels = list(result.lrs)
    colors = fill_colors(labels, colors)
    figure = go.Figure()
    for label in labels:
        lrs = result.lrs[label]
        figure.add_trace(
            go.Scatter(
                x=np.arange(len(lrs)),
                y=lrs,
                mode="lines",
                line={"color": colors[label], "width": 2, "shape": "hv"},
                name=label,
                hovertemplate=f"{label}<br>step %{{x}}<br>η = %{{y:.3g}}<extra></extra>",
            )
        )
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 10, "t": 40, "b": 40},
        title={"text": "Learning rate per step", "x": 0, "font": {"size": 15}},
        xaxis={"title": "step"},
        yaxis={"title": "η (log scale)", "type": "log", **_log_ticks(result.lrs.values())},
        showlegend=False,
    )
    return figure


def _add_run_curves(figure: go.Figure, label: str, run, color: str) -> None:
    """One run's training loss (left, with the legend entry) and validation accuracy."""
    epochs = np.arange(1, len(run.loss) + 1)
    panels = ((1, run.loss, "loss %{y:.4f}"), (2, run.val_accuracy, "accuracy %{y:.3f}"))
    for column, values, hover in panels:
        figure.add_trace(
            go.Scatter(
                x=epochs,
                y=values,
                mode="lines",
                line={"color": color, "width": 2},
                name=label if not run.diverged else f"{label} (diverged)",
                legendgroup=label,
                showlegend=column == 1,
                hovertemplate=f"{label}<br>epoch %{{x}}<br>{hover}<extra></extra>",
            ),
            row=1,
            col=column,
        )


def network_curves(
    result,
    colors: Mapping[str, str] | None = None,
    target: float | None = None,
    height: int = 380,
) -> go.Figure:
    """Training loss and validation accuracy per epoch for each optimizer, side by side.

    Parameters
    ----------
    result : lessons.race.network_race.NetworkRaceResult
    colors : mapping label -> colour, optional
    target : float, optional
        Validation accuracy drawn as a dashed line (defaults to ``result.target_accuracy``).

    Returns
    -------
    go.Figure
        Two subplots; traces alternate loss (left) and accuracy (right) per label.
    """
    labels = list(result.runs)
    colors = fill_colors(labels, colors)
    target = result.target_accuracy if target is None else target
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Training loss", "Validation accuracy"),
        horizontal_spacing=0.1,
    )
    for label in labels:
        _add_run_curves(figure, label, result.runs[label], colors[label])
    if target is not None:
        figure.add_hline(
            y=target,
            line={"dash": "dash", "color": "grey", "width": 1},
            annotation_text=f"{target:.0%}",
            annotation_position="bottom right",
            row=1,
            col=2,
        )
    figure.update_layout(
        height=height,
        margin={"l": 50, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "x": 0, "y": -0.2},
    )
    figure.update_xaxes(title_text="epoch")
    figure.update_yaxes(title_text="loss (BCE)", row=1, col=1)
    figure.update_yaxes(title_text="accuracy", tickformat=".0%", row=1, col=2)
    return figure
