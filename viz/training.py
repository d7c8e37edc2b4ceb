"""Figures of the backprop trainer: decision map, loss and accuracy curves, gradient norms,
confusion matrix, predicted-versus-true values.

Pure functions of ``core`` results (arrays and ``core.training.Trainer`` histories) that
return ``plotly.graph_objects.Figure``. The decision map is one heatmap plus two marker
traces whatever the dataset, so it can be redrawn several times a second; every figure
takes a ``uirevision`` so a user's zoom survives the live refreshes.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lessons.live.grids import MULTICLASS_SHADE

from .network import DIVERGING, NEGATIVE, POSITIVE, fast_figure

CLASS_COLOURS = (NEGATIVE, POSITIVE, "#3BA55C", "#8E44AD", "#D64545", "#17A2B8", "#8C6D31")
"""Colour of class 0, 1, 2, ...: the Playground's orange and blue first."""
TRAIN_OUTLINE = "white"
TEST_OUTLINE = "#1E2233"
LOSS_COLOURS = {"train": "#4F5BD5", "test": "#E07B28"}
LAYER_COLOURS = ("#4F5BD5", "#E07B28", "#2E9E5B", "#8E44AD", "#C62828", "#17A2B8", "#8C6D31")


def class_colour(label: int) -> str:
    """Colour of class ``label`` (the palette repeats after seven classes)."""
    return CLASS_COLOURS[int(label) % len(CLASS_COLOURS)]


def _tint(colour: str, amount: float) -> str:
    """``colour`` (``#rrggbb``) mixed with white: amount 0 is white, 1 the colour itself."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    mixed = 255.0 + amount * (rgb - 255.0)
    return "rgb({:.0f},{:.0f},{:.0f})".format(*mixed)


def class_bands(n_classes: int) -> list:
    """Colour scale for ``lessons.live.grids.decision_values`` of a k-class output on [0, k].

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


def _curve_mode(x) -> str:
    """Lines, or markers while a curve has a single point (a lone line point is invisible)."""
    return "lines" if len(x) > 1 else "markers"


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


# Live charts skip Plotly's automatic margins: each extra layout pass costs a redraw.
_FIXED_AXIS = {"automargin": False}


def _margin(left: int, top: int, bottom: int, right: int = 10) -> dict:
    """Fixed margins in pixels (no automatic expansion)."""
    return {"l": left, "r": right, "t": top, "b": bottom, "autoexpand": False}


_LEGEND_ON_TOP = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0}


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
) -> go.Figure:
    """The output over the input plane, with the data points on top.

    Parameters
    ----------
    xs, ys : ndarray of shape (r,)
        Grid cell centres along x1 and x2.
    values : ndarray of shape (r, r)
        ``lessons.live.grids.decision_values``, indexed [x2, x1].
    kind : {"binary", "multiclass", "regression"}
    X_train, y_train : arrays of shape (n, 2) and (n,)
        Drawn with a white outline.
    X_test, y_test : optional, drawn with a dark outline (omit to hide them).
    n_classes : int
        Number of classes for ``kind="multiclass"``.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the heatmap, training points, test points (when given).
    """
    if kind not in _SCALES:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(_SCALES)}")
    values = np.asarray(values)
    if values.shape != (ys.shape[0], xs.shape[0]):
        raise ValueError(f"values has shape {values.shape}, expected {(ys.shape[0], xs.shape[0])}")
    zmin, zmax, scale = _SCALES[kind](n_classes)
    data = [
        {
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
        },
        _points(kind, X_train, y_train, "training points", TRAIN_OUTLINE),
    ]
    if X_test is not None and y_test is not None:
        data.append(_points(kind, X_test, y_test, "test points", TEST_OUTLINE))
    half_step = (xs[1] - xs[0]) / 2 if xs.shape[0] > 1 else 0.5
    layout = {
        "height": height,
        "margin": _margin(45, 30, 40),
        "xaxis": {
            **_FIXED_AXIS,
            "title": {"text": "x1"},
            "range": [float(xs[0] - half_step), float(xs[-1] + half_step)],
            "constrain": "domain",
            "zeroline": False,
        },
        "yaxis": {
            **_FIXED_AXIS,
            "title": {"text": "x2"},
            "range": [float(ys[0] - half_step), float(ys[-1] + half_step)],
            "scaleanchor": "x",
            "constrain": "domain",
            "zeroline": False,
        },
        "legend": _LEGEND_ON_TOP,
        "uirevision": uirevision,
        "plot_bgcolor": "white",
    }
    return fast_figure(data, layout)


def loss_figure(
    history: dict, diverged_at: dict | None = None, uirevision: str = "loss", height: int = 260
) -> go.Figure:
    """Training and test loss per epoch.

    Parameters
    ----------
    history : dict
        A ``core.training.Trainer`` history (``epoch``, ``loss``, ``val_loss``).
    diverged_at : dict, optional
        ``Trainer.diverged_at``; marks the epoch where training stopped.
    """
    epochs = np.asarray(history["epoch"], dtype=np.float64)
    data = [
        {
            "type": "scatter",
            "x": epochs,
            "y": np.asarray(history["loss"], dtype=np.float64),
            "mode": _curve_mode(epochs),
            "name": "training loss",
            "line": {"color": LOSS_COLOURS["train"], "width": 2},
        }
    ]
    if history.get("val_loss"):
        data.append(
            {
                "type": "scatter",
                "x": epochs,
                "y": np.asarray(history["val_loss"], dtype=np.float64),
                "mode": _curve_mode(epochs),
                "name": "test loss",
                "line": {"color": LOSS_COLOURS["test"], "width": 2},
            }
        )
    shapes, annotations = [], []
    if diverged_at:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": diverged_at["epoch"],
                "x1": diverged_at["epoch"],
                "y0": 0,
                "y1": 1,
                "line": {"color": "#C62828", "dash": "dot"},
            }
        )
        annotations.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": diverged_at["epoch"],
                "y": 1,
                "xanchor": "right",
                "yanchor": "top",
                "text": f"diverged (step {diverged_at['step']})",
                "showarrow": False,
                "font": {"color": "#C62828"},
            }
        )
    layout = {
        "height": height,
        "margin": _margin(50, 30, 40),
        "xaxis": {**_FIXED_AXIS, "title": {"text": "epoch"}, "rangemode": "tozero"},
        "yaxis": {**_FIXED_AXIS, "title": {"text": "loss"}, "rangemode": "tozero"},
        "legend": _LEGEND_ON_TOP,
        "shapes": shapes,
        "annotations": annotations,
        "uirevision": uirevision,
        "hovermode": "x unified",
    }
    return fast_figure(data, layout)


def accuracy_figure(history: dict, uirevision: str = "accuracy", height: int = 260) -> go.Figure:
    """Training (mini-batch) and test accuracy per epoch, on [0, 1]."""
    epochs = np.asarray(history["epoch"], dtype=np.float64)
    data = []
    for key, name, colour in (
        ("accuracy", "training accuracy", LOSS_COLOURS["train"]),
        ("val_accuracy", "test accuracy", LOSS_COLOURS["test"]),
    ):
        if history.get(key):
            data.append(
                {
                    "type": "scatter",
                    "x": epochs,
                    "y": np.asarray(history[key], dtype=np.float64),
                    "mode": _curve_mode(epochs),
                    "name": name,
                    "line": {"color": colour, "width": 2},
                }
            )
    layout = {
        "height": height,
        "margin": _margin(50, 30, 40),
        "xaxis": {**_FIXED_AXIS, "title": {"text": "epoch"}, "rangemode": "tozero"},
        "yaxis": {
            **_FIXED_AXIS,
            "title": {"text": "accuracy"},
            "range": [0, 1.02],
            "tickformat": ".0%",
        },
        "legend": _LEGEND_ON_TOP,
        "uirevision": uirevision,
        "hovermode": "x unified",
    }
    return fast_figure(data, layout)


def gradient_norm_figure(
    epochs, grad_norms, layer_names=None, uirevision: str = "gradients", height: int = 280
) -> go.Figure:
    r"""Norm of each layer's weight gradient :math:`\lVert\partial L/\partial W_l\rVert` per epoch.

    A log scale shows vanishing (norms of the first layers falling far below the last) and
    exploding gradients (norms shooting up) at a glance.

    Parameters
    ----------
    epochs : array of shape (n_epochs,)
    grad_norms : array of shape (n_epochs, n_layers)
        ``Trainer.history["grad_norms"]``.
    layer_names : list of str, optional
    """
    epochs = np.asarray(epochs, dtype=np.float64)
    norms = np.asarray(grad_norms, dtype=np.float64)
    # no finished epoch yet (e.g. divergence in the first one): an empty chart, not an error
    width = len(layer_names or ()) if norms.size == 0 else -1
    norms = norms.reshape(epochs.shape[0], width)
    n_layers = norms.shape[1]
    names = layer_names or [f"W{layer}" for layer in range(n_layers)]
    if len(names) != n_layers:
        raise ValueError(f"{len(names)} layer names for {n_layers} layers")
    data = []
    for layer in range(n_layers):
        # log axes cannot show 0: a layer whose gradient is exactly zero is left blank there
        values = np.where(norms[:, layer] > 0, norms[:, layer], np.nan)
        data.append(
            {
                "type": "scatter",
                "x": epochs,
                "y": values,
                "mode": _curve_mode(epochs),
                "name": names[layer],
                "line": {"color": LAYER_COLOURS[layer % len(LAYER_COLOURS)], "width": 1.8},
            }
        )
    layout = {
        "height": height,
        "margin": _margin(60, 10, 40),
        "xaxis": {**_FIXED_AXIS, "title": {"text": "epoch"}},
        "yaxis": {
            **_FIXED_AXIS,
            "title": {"text": "‖∂L/∂W‖"},
            "type": "log",
            "exponentformat": "power",
            "nticks": 6,
        },
        "legend": {
            "x": 1.0,
            "xanchor": "right",
            "y": 1.0,
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.7)",
            "font": {"size": 10},
        },
        "uirevision": uirevision,
        "hovermode": "x unified",
    }
    return fast_figure(data, layout)


def confusion_figure(confusion, labels, height: int = 300) -> go.Figure:
    """Confusion matrix: rows are the true class, columns the predicted one; counts written in.

    Parameters
    ----------
    confusion : array of shape (k, k)
        ``core.metrics`` ``confusion`` entry.
    labels : list
        Class names in matrix order.
    """
    matrix = np.asarray(confusion)
    k = len(labels)
    if matrix.shape != (k, k):
        raise ValueError(f"confusion has shape {matrix.shape}, expected {(k, k)} for {k} labels")
    names = [str(label) for label in labels]
    data = [
        {
            "type": "heatmap",
            "z": matrix,
            "x": names,
            "y": names,
            "colorscale": [[0.0, "#F4F6FB"], [1.0, POSITIVE]],
            "showscale": False,
            "text": matrix,
            "texttemplate": "%{text}",
            "textfont": {"size": 16},
            "hovertemplate": "true %{y}, predicted %{x}: %{z}<extra></extra>",
        }
    ]
    layout = {
        "height": height,
        "margin": _margin(60, 10, 50),
        "xaxis": {**_FIXED_AXIS, "title": {"text": "predicted class"}, "type": "category"},
        "yaxis": {
            **_FIXED_AXIS,
            "title": {"text": "true class"},
            "type": "category",
            "autorange": "reversed",
        },
    }
    return fast_figure(data, layout)


def prediction_figure(y_true, y_pred, height: int = 300) -> go.Figure:
    """Predicted against true values of a regression, with the line y = x."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(y_true.shape)
    low = float(min(y_true.min(), y_pred.min()))
    high = float(max(y_true.max(), y_pred.max()))
    data = [
        {
            "type": "scatter",
            "x": [low, high],
            "y": [low, high],
            "mode": "lines",
            "name": "perfect",
            "line": {"color": "#8A8F99", "dash": "dash"},
        },
        {
            "type": "scatter",
            "x": y_true,
            "y": y_pred,
            "mode": "markers",
            "name": "test points",
            "marker": {"size": 6, "color": LOSS_COLOURS["test"], "opacity": 0.7},
        },
    ]
    layout = {
        "height": height,
        "margin": _margin(50, 10, 40),
        "xaxis": {**_FIXED_AXIS, "title": {"text": "true value"}},
        "yaxis": {**_FIXED_AXIS, "title": {"text": "predicted value"}},
        "showlegend": False,
    }
    return fast_figure(data, layout)
