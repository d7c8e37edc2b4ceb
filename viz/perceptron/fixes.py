"""The two ways out of XOR, drawn in the (x1, x2) plane: an extra feature, a hidden layer."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lessons.datasets import features
from lessons.perceptron import step
from viz.figures import fast_figure
from viz.perceptron.geometry import (
    INK,
    REGION_COLOURS,
    boundary_segment,
    plane_grid,
    plane_layout,
    plot_box,
    point_traces,
)

HIDDEN_LINE_COLOUR = "#6A1B9A"
HIDDEN_DASHES = ("dash", "dot", "dashdot", "longdash")
PROBABILITY_COLOURS = [[0.0, "rgb(214, 226, 248)"], [0.5, "white"], [1.0, "rgb(248, 217, 190)"]]


def equation(weights, bias: float, names) -> str:
    """``w1·n1 + w2·n2 + ... + b`` written the way a person would, e.g. ``x1 + x2 − 3·x1*x2 − 1``.

    Zero terms are left out, a unit weight has no factor, signs are merged.
    """
    terms = [(float(weight), f"·{name}") for weight, name in zip(weights, names, strict=True)]
    terms.append((float(bias), ""))
    text = ""
    for value, name in terms:
        if value == 0:
            continue
        size = abs(value)
        body = name[1:] if size == 1 and name else f"{size:.3g}{name}"
        sign = "−" if value < 0 else "+"
        text += f"{sign} {body} " if text else ("−" if value < 0 else "") + f"{body} "
    return text.strip() or "0"


def _level_line(xs, ys, z, level: float, name: str, width: float) -> dict:
    """The contour ``z = level`` as one dark line, listed in the legend."""
    return {
        "type": "contour",
        "x": xs,
        "y": ys,
        "z": z,
        "contours": {"start": level, "end": level, "coloring": "none", "showlabels": False},
        "line": {"color": INK, "width": width},
        "showscale": False,
        "hoverinfo": "skip",
        "name": name,
        "showlegend": True,
    }


def feature_fix_figure(X, y, weights, bias: float, feature_names) -> go.Figure:
    """A perceptron on extra features, seen back in the (x1, x2) plane.

    With the features ``[x1, x2, x1*x2]`` the decision rule
    ``w1 x1 + w2 x2 + w3 x1 x2 + b >= 0`` is linear in the features but curved in the plane.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
        The original points.
    y : array_like of shape (n_samples,)
    weights : array_like of shape (n_features,)
    bias : float
    feature_names : sequence of str
        Names from ``lessons.datasets.FEATURES`` that built the perceptron's input.

    Returns
    -------
    go.Figure
        Traces: [prediction heatmap, z = 0 contour, label 0 points, label 1 points].
    """
    X = np.asarray(X, dtype=np.float64)
    box = plot_box(X)
    xs, ys, grid = plane_grid(box)
    decision = (features(grid, feature_names) @ np.asarray(weights) + bias).reshape(len(ys), -1)
    prediction = {
        "type": "heatmap",
        "x": xs,
        "y": ys,
        "z": step(decision),
        "zmin": 0,
        "zmax": 1,
        "colorscale": [[0.0, REGION_COLOURS[0]], [1.0, REGION_COLOURS[1]]],
        "showscale": False,
        "hoverinfo": "skip",
        "name": "prediction",
    }
    data = [
        prediction,
        _level_line(xs, ys, decision, 0.0, "decision boundary", 3),
        *point_traces(X, np.asarray(y)),
    ]
    title = (
        f"Fix 1 · perceptron on [{', '.join(feature_names)}]<br>"
        f"<sup>{equation(weights, bias, feature_names)} = 0</sup>"
    )
    return fast_figure(data, plane_layout(title, box))


def _hidden_lines(model, box) -> list[dict]:
    """Where each hidden unit switches sign: ``W0[:, j] . x + b0[j] = 0``, dashed."""
    hidden_weights, hidden_bias = model.weights[0], model.biases[0]
    lines = []
    for unit in range(hidden_weights.shape[1]):
        segment = boundary_segment(hidden_weights[:, unit], float(hidden_bias[unit]), box)
        dash = HIDDEN_DASHES[unit % len(HIDDEN_DASHES)]
        lines.append(
            {
                "type": "scatter",
                "x": segment[:, 0],
                "y": segment[:, 1],
                "mode": "lines",
                "line": {"color": HIDDEN_LINE_COLOUR, "width": 3.5, "dash": dash},
                "name": f"hidden unit {unit + 1}: z = 0",
                "hoverinfo": "skip",
            }
        )
    return lines


def mlp_fix_figure(X, y, model) -> go.Figure:
    """A 2-H-1 network's output probability with its hidden units' lines.

    Hidden unit ``j`` switches sign on the line ``W0[0, j] x1 + W0[1, j] x2 + b0[j] = 0``;
    the output combines the two half-plane features into the XOR region.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,)
    model : core.mlp.MLP
        Input width 2, one hidden layer, sigmoid output.

    Returns
    -------
    go.Figure
        Traces: [P(y=1) heatmap, 0.5 contour, one line per hidden unit, label 0 points,
        label 1 points].
    """
    X = np.asarray(X, dtype=np.float64)
    box = plot_box(X)
    xs, ys, grid = plane_grid(box)
    probability = model.predict_proba(grid).reshape(len(ys), -1)
    heatmap = {
        "type": "heatmap",
        "x": xs,
        "y": ys,
        "z": probability,
        "zmin": 0,
        "zmax": 1,
        "colorscale": PROBABILITY_COLOURS,
        "colorbar": {"title": {"text": "P(y=1)"}, "len": 0.7},
        "hovertemplate": "x1=%{x:.2f}<br>x2=%{y:.2f}<br>P(y=1)=%{z:.3f}<extra></extra>",
        "name": "P(y=1)",
    }
    data = [
        heatmap,
        _level_line(xs, ys, probability, 0.5, "output = 0.5", 1.5),
        *_hidden_lines(model, box),
        *point_traces(X, np.asarray(y)),
    ]
    width = model.weights[0].shape[1]
    title = f"Fix 2 · a 2-{width}-1 network and its {width} hidden lines"
    return fast_figure(data, plane_layout(title, box))
