"""Training curves of the backprop trainer: loss, accuracy and gradient norms per epoch,
the confusion matrix and predicted-versus-true values.

Pure functions of ``core`` results (arrays and ``core.training.Trainer`` histories) that
return plain figure dicts (``{"data": [...], "layout": {...}}``; Plotly's Python-side
validation is skipped for speed, the tests validate the specs). Curves of a long run are
thinned to at most ``max_points`` epochs (:func:`thin`), so a frame stays small however
long the class has been training; every figure takes a ``uirevision`` so a user's zoom
survives the live refreshes.
"""

from __future__ import annotations

import operator

import numpy as np

from viz.network import FONT, POSITIVE

LOSS_COLOURS = {"train": "#4F5BD5", "test": "#E07B28"}
DIVERGED_COLOUR = "#C62828"
LAYER_COLOURS = ("#4F5BD5", "#E07B28", "#2E9E5B", "#8E44AD", "#C62828", "#17A2B8", "#8C6D31")
MAX_POINTS = 600
"""Most epochs a curve draws; more are thinned evenly (the first and last always kept)."""

# Live charts skip Plotly's automatic margins: each extra layout pass costs a redraw.
FIXED_AXIS = {"automargin": False}
LEGEND_ON_TOP = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0}


def margin(left: int, top: int, bottom: int, right: int = 10) -> dict:
    """Fixed margins in pixels (no automatic expansion)."""
    return {"l": left, "r": right, "t": top, "b": bottom, "autoexpand": False}


def figure(data: list[dict], layout: dict) -> dict:
    """A figure dict with the app's font."""
    return {"data": data, "layout": {"font": FONT, **layout}}


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spread items of ``n``, first and last included."""
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(np.intp))


def pick(values: list, indices: np.ndarray) -> np.ndarray:
    """``values[indices]`` of a history list as float64, without converting the whole list."""
    if indices.size == 0:
        return np.empty(0)
    if indices.size == len(values):
        return np.asarray(values, dtype=np.float64)
    picked = operator.itemgetter(*indices.tolist())(values)
    return np.asarray(picked if indices.size > 1 else [picked], dtype=np.float64)


def _curve_mode(x) -> str:
    """Lines, or markers while a curve has a single point (a lone line point is invisible)."""
    return "lines" if len(x) > 1 else "markers"


def _curve(x: np.ndarray, y: np.ndarray, name: str, colour: str, width: float = 2) -> dict:
    """One curve per epoch (markers while it has a single point)."""
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": _curve_mode(x),
        "name": name,
        "line": {"color": colour, "width": width},
    }


def _divergence_marks(diverged_at: dict | None) -> tuple[list, list]:
    """A dotted line at the epoch where training diverged, and its label (or nothing)."""
    if not diverged_at:
        return [], []
    epoch = diverged_at["epoch"]
    line = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": epoch,
        "x1": epoch,
        "y0": 0,
        "y1": 1,
        "line": {"color": DIVERGED_COLOUR, "dash": "dot"},
    }
    label = {
        "xref": "x",
        "yref": "paper",
        "x": epoch,
        "y": 1,
        "xanchor": "right",
        "yanchor": "top",
        "text": f"diverged (step {diverged_at['step']})",
        "showarrow": False,
        "font": {"color": DIVERGED_COLOUR},
    }
    return [line], [label]


def loss_figure(
    history: dict,
    diverged_at: dict | None = None,
    uirevision: str = "loss",
    height: int = 260,
    max_points: int = MAX_POINTS,
) -> dict:
    """Training and test loss per epoch.

    Parameters
    ----------
    history : dict
        A ``core.training.Trainer`` history (``epoch``, ``loss``, ``val_loss``).
    diverged_at : dict, optional
        ``Trainer.diverged_at``; marks the epoch where training stopped.
    max_points : int
        Most epochs drawn (:func:`thin`).
    """
    shown = thin(len(history["epoch"]), max_points)
    epochs = pick(history["epoch"], shown)
    data = [_curve(epochs, pick(history["loss"], shown), "training loss", LOSS_COLOURS["train"])]
    if history.get("val_loss"):
        test = pick(history["val_loss"], shown)
        data.append(_curve(epochs, test, "test loss", LOSS_COLOURS["test"]))
    shapes, annotations = _divergence_marks(diverged_at)
    layout = {
        "height": height,
        "margin": margin(50, 30, 40),
        "xaxis": {**FIXED_AXIS, "title": {"text": "epoch"}, "rangemode": "tozero"},
        "yaxis": {**FIXED_AXIS, "title": {"text": "loss"}, "rangemode": "tozero"},
        "legend": LEGEND_ON_TOP,
        "shapes": shapes,
        "annotations": annotations,
        "uirevision": uirevision,
        "hovermode": "x unified",
    }
    return figure(data, layout)


def accuracy_figure(
    history: dict, uirevision: str = "accuracy", height: int = 260, max_points: int = MAX_POINTS
) -> dict:
    """Training (mini-batch) and test accuracy per epoch, on [0, 1]."""
    shown = thin(len(history["epoch"]), max_points)
    epochs = pick(history["epoch"], shown)
    data = []
    for key, name, colour in (
        ("accuracy", "training accuracy", LOSS_COLOURS["train"]),
        ("val_accuracy", "test accuracy", LOSS_COLOURS["test"]),
    ):
        if history.get(key):
            data.append(_curve(epochs, pick(history[key], shown), name, colour))
    layout = {
        "height": height,
        "margin": margin(50, 30, 40),
        "xaxis": {**FIXED_AXIS, "title": {"text": "epoch"}, "rangemode": "tozero"},
        "yaxis": {
            **FIXED_AXIS,
            "title": {"text": "accuracy"},
            "range": [0, 1.02],
            "tickformat": ".0%",
        },
        "legend": LEGEND_ON_TOP,
        "uirevision": uirevision,
        "hovermode": "x unified",
    }
    return figure(data, layout)


def gradient_norm_figure(
    epochs,
    grad_norms,
    layer_names=None,
    uirevision: str = "gradients",
    height: int = 280,
    max_points: int = MAX_POINTS,
) -> dict:
    r"""Norm of each layer's weight gradient :math:`\lVert\partial L/\partial W_l\rVert` per epoch.

    A log scale shows vanishing (norms of the first layers falling far below the last) and
    exploding gradients (norms shooting up) at a glance.

    Parameters
    ----------
    epochs : array of shape (n_epochs,)
    grad_norms : array of shape (n_epochs, n_layers)
        ``Trainer.history["grad_norms"]``.
    layer_names : list of str, optional
    max_points : int
        Most epochs drawn (:func:`thin`).
    """
    shown = thin(len(epochs), max_points)
    epochs = pick(list(epochs), shown)
    norms = np.asarray([grad_norms[i] for i in shown.tolist()], dtype=np.float64)
    # no finished epoch yet (e.g. divergence in the first one): an empty chart, not an error
    width = len(layer_names or ()) if norms.size == 0 else -1
    norms = norms.reshape(epochs.shape[0], width)
    n_layers = norms.shape[1]
    names = layer_names or [f"W{layer}" for layer in range(n_layers)]
    if len(names) != n_layers:
        raise ValueError(f"{len(names)} layer names for {n_layers} layers")
    # log axes cannot show 0: a layer whose gradient is exactly zero is left blank there
    shown_norms = np.where(norms > 0, norms, np.nan)
    data = [
        _curve(epochs, shown_norms[:, layer], names[layer], _layer_colour(layer), width=1.8)
        for layer in range(n_layers)
    ]
    return figure(data, _gradient_layout(height, uirevision))


def _layer_colour(layer: int) -> str:
    return LAYER_COLOURS[layer % len(LAYER_COLOURS)]


def _gradient_layout(height: int, uirevision: str) -> dict:
    legend_box = {"x": 1.0, "xanchor": "right", "y": 1.0, "yanchor": "top"}
    return {
        "height": height,
        "margin": margin(60, 10, 40),
        "xaxis": {**FIXED_AXIS, "title": {"text": "epoch"}},
        "yaxis": {
            **FIXED_AXIS,
            "title": {"text": "‖∂L/∂W‖"},
            "type": "log",
            "exponentformat": "power",
            "nticks": 6,
        },
        "legend": {**legend_box, "bgcolor": "rgba(255,255,255,0.7)", "font": {"size": 10}},
        "uirevision": uirevision,
        "hovermode": "x unified",
    }


def confusion_figure(confusion, labels, height: int = 300) -> dict:
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
        "margin": margin(60, 10, 50),
        "xaxis": {**FIXED_AXIS, "title": {"text": "predicted class"}, "type": "category"},
        "yaxis": {
            **FIXED_AXIS,
            "title": {"text": "true class"},
            "type": "category",
            "autorange": "reversed",
        },
    }
    return figure(data, layout)


def prediction_figure(y_true, y_pred, height: int = 300) -> dict:
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
        "margin": margin(50, 10, 40),
        "xaxis": {**FIXED_AXIS, "title": {"text": "true value"}},
        "yaxis": {**FIXED_AXIS, "title": {"text": "predicted value"}},
        "showlegend": False,
    }
    return figure(data, layout)
