"""The decision map of the backprop trainer: what the network outputs over the plane,
with the data points on top.

One heatmap plus one or two marker traces whatever the dataset, so it can be redrawn
several times a second; only the heatmap changes while the network trains.
"""

from __future__ import annotations

import numpy as np

from lessons.live.plane import MULTICLASS_SHADE
from viz.network import DIVERGING, NEGATIVE, POSITIVE
from viz.training import FIXED_AXIS, LEGEND_ON_TOP, figure, margin

CLASS_COLOURS = (NEGATIVE, POSITIVE, "#3BA55C", "#8E44AD", "#D64545", "#17A2B8", "#8C6D31")
"""Colour of class 0, 1, 2, ...: the Playground's orange and blue first."""
TRAIN_OUTLINE = "white"
TEST_OUTLINE = "#1E2233"


def class_colour(label: int) -> str:
    """Colour of class ``label`` (the palette repeats after seven classes)."""
    return CLASS_COLOURS[int(label) % len(CLASS_COLOURS)]


def _tint(colour: str, amount: float) -> str:
    """``colour`` (``#rrggbb``) mixed with white: amount 0 is white, 1 the colour itself."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    mixed = 255.0 + amount * (rgb - 255.0)
    return "rgb({:.0f},{:.0f},{:.0f})".format(*mixed)


def class_bands(n_classes: int) -> list:
    """Colour scale for ``lessons.live.plane.decision_values`` of a k-class output on [0, k].

    Class ``c`` owns ``[c, c + 0.999]``: pale where the network is unsure, strong where it
    is certain.
    """
    if n_classes < 2:
        raise ValueError(f"need at least two classes, got {n_classes}")
    scale = []
    for c in range(n_classes):
        colour = class_colour(c)
        scale.append([c / n_classes, _tint(colour, 0.08)])
        scale.append([(c + MULTICLASS_SHADE) / n_classes, _tint(colour, 0.6)])
    scale.append([1.0, _tint(class_colour(n_classes - 1), 0.6)])
    return scale


BACKGROUND = [
    [0.0, _tint(NEGATIVE, 0.6)],
    [0.5, "rgb(250,250,250)"],
    [1.0, _tint(POSITIVE, 0.6)],
]
"""The decision map's colour scale: paler than the points' so they stay visible."""


# Heatmap colour range and colour scale for each kind of output.
def _binary_scale(n_classes):
    return 0.0, 1.0, BACKGROUND


def _regression_scale(n_classes):
    return -1.0, 1.0, BACKGROUND


def _multiclass_scale(n_classes):
    return 0.0, float(n_classes), class_bands(n_classes)


_SCALES = {
    "binary": _binary_scale,
    "regression": _regression_scale,
    "multiclass": _multiclass_scale,
}
_VALUE_NAMES = {
    "binary": "P(class 1)",
    "regression": "prediction",
    "multiclass": "class + confidence",
}


def _point_colours(kind: str, y: np.ndarray):
    """Marker colour settings for targets ``y``."""
    if kind == "multiclass":
        return {"color": [class_colour(label) for label in y]}
    low, high = (0.0, 1.0) if kind == "binary" else (-1.0, 1.0)
    return {
        "color": np.asarray(y, dtype=np.float64),
        "colorscale": DIVERGING,
        "cmin": low,
        "cmax": high,
    }


def _points(kind, X, y, name, outline) -> dict:
    return {
        "type": "scatter",
        "x": X[:, 0],
        "y": X[:, 1],
        "mode": "markers",
        "name": name,
        "marker": {"size": 7, "line": {"color": outline, "width": 1.2}, **_point_colours(kind, y)},
        "customdata": np.asarray(y),
        "hovertemplate": "x1 %{x:.2f}, x2 %{y:.2f}<br>label %{customdata}<extra>"
        + name
        + "</extra>",
    }


def decision_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    values: np.ndarray,
    kind: str,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    n_classes: int = 2,
    uirevision: str = "decision",
    height: int = 420,
) -> dict:
    """The output over the input plane, with the data points on top.

    Parameters
    ----------
    xs, ys : ndarray of shape (r,)
        Grid cell centres along x1 and x2.
    values : ndarray of shape (r, r)
        ``lessons.live.plane.decision_values``, indexed [x2, x1].
    kind : {"binary", "multiclass", "regression"}
    X_train, y_train : arrays of shape (n, 2) and (n,)
        Drawn with a white outline.
    X_test, y_test : optional, drawn with a dark outline (omit to hide them).
    n_classes : int
        Number of classes for ``kind="multiclass"``.

    Returns
    -------
    dict
        Traces: the heatmap, training points, test points (when given).
    """
    if kind not in _SCALES:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(_SCALES)}")
    values = np.asarray(values)
    if values.shape != (ys.shape[0], xs.shape[0]):
        raise ValueError(f"values has shape {values.shape}, expected {(ys.shape[0], xs.shape[0])}")
    data = [
        _output_heatmap(xs, ys, values, kind, n_classes),
        _points(kind, X_train, y_train, "training points", TRAIN_OUTLINE),
    ]
    if X_test is not None and y_test is not None:
        data.append(_points(kind, X_test, y_test, "test points", TEST_OUTLINE))
    return figure(data, _plane_layout(xs, ys, height, uirevision))


def _output_heatmap(xs, ys, values, kind: str, n_classes: int) -> dict:
    zmin, zmax, scale = _SCALES[kind](n_classes)
    return {
        "type": "heatmap",
        "x": xs,
        "y": ys,
        "z": values,
        "zmin": zmin,
        "zmax": zmax,
        "colorscale": scale,
        "showscale": kind != "multiclass",
        "colorbar": {"thickness": 10, "len": 0.8, "title": {"text": _VALUE_NAMES[kind]}},
        "hovertemplate": "x1 %{x:.2f}, x2 %{y:.2f}<br>"
        + _VALUE_NAMES[kind]
        + " %{z:.3f}<extra></extra>",
        "name": "network output",
    }


def _plane_layout(xs, ys, height: int, uirevision: str) -> dict:
    """Square axes over the grid's cells, the legend on top."""
    half_step = (xs[1] - xs[0]) / 2 if xs.shape[0] > 1 else 0.5
    common = {**FIXED_AXIS, "constrain": "domain", "zeroline": False}
    return {
        "height": height,
        "margin": margin(45, 30, 40),
        "xaxis": {
            **common,
            "title": {"text": "x1"},
            "range": [float(xs[0] - half_step), float(xs[-1] + half_step)],
        },
        "yaxis": {
            **common,
            "title": {"text": "x2"},
            "range": [float(ys[0] - half_step), float(ys[-1] + half_step)],
            "scaleanchor": "x",
        },
        "legend": LEGEND_ON_TOP,
        "uirevision": uirevision,
        "plot_bgcolor": "white",
    }
