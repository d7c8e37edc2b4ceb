"""The animated decision boundary: the perceptron's line after every presentation."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lessons.perceptron import PerceptronHistory, step
from viz.animation import frame_slider_steps, play_pause_menu
from viz.figures import fast_figure
from viz.perceptron.geometry import (
    INK,
    MISTAKE_COLOUR,
    REGION_COLOURS,
    boundary_segment,
    closed_ring,
    halfplane_polygon,
    plot_box,
    point_traces,
)

MAX_FRAMES = 200
"""Largest number of animation frames; longer runs are subsampled evenly."""
_CHANGING_TRACES = [2, 3, 4, 5]

# Style of the four traces that change from frame to frame. Frames carry only coordinates
# (Plotly merges them into these traces), which keeps long animations cheap to build.
_STATE_STYLES = (
    {
        "mode": "lines",
        "fill": "toself",
        "fillcolor": REGION_COLOURS[1],
        "line": {"width": 0},
        "name": "predicted 1",
        "hoverinfo": "skip",
    },
    {
        "mode": "lines",
        "line": {"color": INK, "width": 3},
        "name": "decision line",
        "hoverinfo": "skip",
    },
    {
        "mode": "markers",
        "marker": {
            "size": 24,
            "symbol": "circle-open",
            "color": MISTAKE_COLOUR,
            "line": {"width": 3},
        },
        "name": "misclassified",
        "hoverinfo": "skip",
    },
    {
        "mode": "markers",
        "marker": {"size": 34, "symbol": "circle-open-dot", "color": INK, "line": {"width": 2}},
        "name": "sample just shown",
        "hoverinfo": "skip",
    },
)


def frame_steps(n_steps: int, current_step: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Which presentations get an animation frame: all of 0..n_steps, or an even subsample.

    The start, the end and ``current_step`` are always included.

    Returns
    -------
    ndarray of int, sorted, unique
    """
    if n_steps + 1 <= max_frames:
        return np.arange(n_steps + 1)
    picks = np.rint(np.linspace(0, n_steps, max_frames - 1)).astype(int)
    return np.unique(np.concatenate([picks, [current_step]]))


class _Run:
    """The points, the box and the history of one run: the state at any step ``k``."""

    def __init__(self, X, y, history: PerceptronHistory):
        self.X, self.y, self.history = X, y, history
        self.box = plot_box(X)

    def errors(self, k: int) -> int:
        z = self.X @ self.history.weights[k] + self.history.bias[k]
        return int(np.count_nonzero(step(z) != self.y))

    def coordinates(self, k: int) -> list[dict]:
        """``{"x", "y"}`` of the region, the line, the mistakes and the sample just shown."""
        weights, bias = self.history.weights[k], float(self.history.bias[k])
        region_x, region_y = closed_ring(halfplane_polygon(weights, bias, self.box))
        line = boundary_segment(weights, bias, self.box)
        wrong = step(self.X @ weights + bias) != self.y
        sample = [] if k == 0 else [int(self.history.sample_index[k - 1])]
        shown = self.X[sample]
        return [
            {"type": "scatter", "x": region_x, "y": region_y},
            {"type": "scatter", "x": line[:, 0].tolist(), "y": line[:, 1].tolist()},
            {"type": "scatter", "x": self.X[wrong, 0].tolist(), "y": self.X[wrong, 1].tolist()},
            {"type": "scatter", "x": shown[:, 0].tolist(), "y": shown[:, 1].tolist()},
        ]

    def title(self, k: int) -> str:
        history = self.history
        weights = ", ".join(f"{value:.3g}" for value in history.weights[k])
        state = (
            f"<sup>w = ({weights}), b = {history.bias[k]:.3g} · "
            f"{self.errors(k)} misclassified</sup>"
        )
        if k == 0:
            return f"Start<br>{state}"
        epoch, sample = history.epoch[k - 1], history.sample_index[k - 1]
        return f"Update {k} · epoch {epoch}, sample {sample}<br>{state}"

    def frame(self, k: int) -> dict:
        return {
            "name": str(k),
            "data": self.coordinates(k),
            "traces": _CHANGING_TRACES,
            "layout": {"title": {"text": self.title(k)}},
        }


def _slider(steps: np.ndarray, current_step: int) -> dict:
    return {
        "active": int(np.searchsorted(steps, current_step)),
        "currentvalue": {"prefix": "After update "},
        "x": 0.22,
        "len": 0.78,
        "y": 0,
        "yanchor": "top",
        "pad": {"t": 40, "b": 10},
        "steps": frame_slider_steps(steps, redraw=True),
    }


def _plane_layout(box, feature_names) -> dict:
    """The (x1, x2) plane in square units, shaded as "predicted 0", legend on the right."""
    (x_range, y_range) = box
    return {
        "height": 520,
        "margin": {"l": 40, "r": 10, "t": 75, "b": 10},
        "plot_bgcolor": REGION_COLOURS[0],
        "legend": {"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"},
        "xaxis": {
            "title": {"text": feature_names[0]},
            "range": x_range,
            "zeroline": False,
            "constrain": "domain",
        },
        "yaxis": {
            "title": {"text": feature_names[1]},
            "range": y_range,
            "zeroline": False,
            "scaleanchor": "x",
            "scaleratio": 1,
        },
    }


def boundary_animation(
    X,
    y,
    history: PerceptronHistory,
    current_step: int = 0,
    max_frames: int = MAX_FRAMES,
    feature_names: tuple[str, str] = ("x1", "x2"),
) -> go.Figure:
    """Decision line after every presentation, as Plotly frames with a slider and Play.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,), labels 0/1
    history : PerceptronHistory
        From ``Perceptron(2, ...).fit(X, y)``; frame ``k`` shows ``history.weights[k]``.
    current_step : int
        Presentations done so far; the figure opens on that frame.
    max_frames : int
        Frame budget (see :func:`frame_steps`).
    feature_names : (str, str)
        Axis titles.

    Returns
    -------
    go.Figure
        Traces: [label 0 points, label 1 points, predicted-1 region, decision line,
        misclassified rings, sample just shown]; one frame per entry of :func:`frame_steps`,
        named by its step number.
    """
    run = _Run(np.asarray(X, dtype=np.float64), np.asarray(y), history)
    n_steps = len(history.weights) - 1
    current_step = int(np.clip(current_step, 0, n_steps))
    steps = frame_steps(n_steps, current_step, max_frames)
    changing = [
        {**coordinates, **style}
        for coordinates, style in zip(run.coordinates(current_step), _STATE_STYLES, strict=True)
    ]
    layout = {
        **_plane_layout(run.box, feature_names),
        "title": {"text": run.title(current_step)},
        "sliders": [_slider(steps, current_step)],
        "updatemenus": [play_pause_menu(frame_ms=350, redraw=True, x=0.2, pad_top=75)],
    }
    data = point_traces(run.X, run.y, feature_names) + changing
    return fast_figure(data, layout, [run.frame(k) for k in steps])
