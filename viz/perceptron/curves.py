"""Training curves of a perceptron run: errors per epoch, and the weights over time."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lessons.perceptron import PerceptronHistory
from viz.figures import fast_figure

PARAMETER_COLOURS = {"w1": "#3566C8", "w2": "#2E9E5B", "w3": "#8E44AD", "b": "#E07B28"}
FINISHED_COLOUR = "#3566C8"
PENDING_COLOUR = "rgba(53, 102, 200, 0.25)"
_CURVE_MARGIN = {"l": 40, "r": 10, "t": 50, "b": 40}


def errors_per_epoch_figure(history: PerceptronHistory, current_step: int = 0) -> go.Figure:
    """Bar chart of misclassified presentations per epoch of the whole run.

    Epochs finished by ``current_step`` are drawn solid, the rest of the run faded.

    Parameters
    ----------
    history : PerceptronHistory
    current_step : int
        Presentations done so far.

    Returns
    -------
    go.Figure
        One bar trace; ``x`` the 1-based epochs, ``y`` ``history.errors_per_epoch``.
    """
    errors = np.asarray(history.errors_per_epoch)
    n_samples = len(history.epoch) // max(len(errors), 1)
    epochs = np.arange(1, len(errors) + 1)
    finished = epochs <= current_step // max(n_samples, 1)
    if history.converged:
        title = f"Errors per epoch · zero at epoch {history.convergence_epoch}: converged"
    else:
        title = f"Errors per epoch · never zero in {len(errors)} epochs"
    bars = {
        "type": "bar",
        "x": epochs,
        "y": errors,
        "marker": {"color": np.where(finished, FINISHED_COLOUR, PENDING_COLOUR).tolist()},
        "name": "errors",
        "hovertemplate": "epoch %{x}: %{y} errors<extra></extra>",
    }
    layout = {
        "title": {"text": title},
        "height": 300,
        "margin": _CURVE_MARGIN,
        "xaxis": {"title": {"text": "epoch"}, "dtick": max(1, len(errors) // 10)},
        "yaxis": {"title": {"text": "misclassified"}, "rangemode": "tozero", "dtick": 1},
        "showlegend": False,
    }
    return fast_figure([bars], layout)


def _now_marker(x: float) -> tuple[dict, dict]:
    """A dashed vertical line at ``x`` and its "now" label (as ``add_vline`` draws them)."""
    line = {
        "type": "line",
        "xref": "x",
        "yref": "y domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"dash": "dash", "color": "#555", "width": 1.5},
    }
    label = {
        "text": "now",
        "xref": "x",
        "yref": "y domain",
        "x": x,
        "y": 1,
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
    }
    return line, label


def trajectories_figure(history: PerceptronHistory, current_step: int = 0) -> go.Figure:
    """Weights and bias after every presentation, against time in epochs.

    Parameters
    ----------
    history : PerceptronHistory
    current_step : int
        Marked by a dashed vertical line.

    Returns
    -------
    go.Figure
        One step-shaped line per weight (``w1``, ``w2``, ...) and one for ``b``; ``x`` is
        ``k / n_samples`` for ``k = 0..n_steps``.
    """
    n_steps = len(history.epoch)
    n_samples = max(n_steps // max(history.n_epochs, 1), 1)
    time = np.arange(n_steps + 1) / n_samples
    series = {f"w{i + 1}": history.weights[:, i] for i in range(history.weights.shape[1])}
    series["b"] = history.bias
    traces = [
        {
            "type": "scatter",
            "x": time,
            "y": values,
            "mode": "lines",
            "line": {"shape": "hv", "width": 2.5, "color": PARAMETER_COLOURS.get(name)},
            "name": name,
            "hovertemplate": f"epoch %{{x:.2f}}: {name} = %{{y:.3g}}<extra></extra>",
        }
        for name, values in series.items()
    ]
    line, label = _now_marker(current_step / n_samples)
    layout = {
        "title": {"text": "Weight and bias trajectories"},
        "height": 300,
        "margin": _CURVE_MARGIN,
        "xaxis": {"title": {"text": "epoch (one unit = one pass over the data)"}},
        "yaxis": {"title": {"text": "value"}},
        "legend": {"orientation": "h", "y": 1.0, "x": 0, "xanchor": "left", "yanchor": "bottom"},
        "shapes": [line],
        "annotations": [label],
    }
    return fast_figure(traces, layout)
