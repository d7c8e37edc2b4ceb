"""Figures of the semiconductor yield page: the data, the evaluation, the model, the scores.

Pure functions of ``core`` results (label arrays, ``core.metrics`` curves and reports,
``core.training`` histories, ``yieldmodel.drift`` tables, ``yieldmodel.experiments`` tables)
that return ``plotly.graph_objects.Figure``. Histograms are binned here with NumPy and
drawn as bars, so a figure stays small however many rows were scored.

Colours: PASS blue, FAIL orange, the current decision threshold a dashed dark line.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import training

PASS_COLOUR = "#4F5BD5"
FAIL_COLOUR = "#E07B28"
CLASS_COLOURS = (PASS_COLOUR, FAIL_COLOUR)
CLASS_NAMES = ("pass", "fail")
THRESHOLD_LINE = {"color": "#1E2233", "dash": "dash", "width": 1.5}
CHANCE_LINE = {"color": "#8A8F99", "dash": "dot", "width": 1.5}
POINT_STYLE = {"size": 13, "color": "#1E2233", "symbol": "circle", "line": {"color": "white"}}
#: Colour of each drift band name of ``yieldmodel.drift.DRIFT_BANDS`` (prefix match).
DRIFT_COLOURS = {
    "stable": "#2E9E5B",
    "within sampling noise": "#9CCFB0",
    "moderate shift": "#E0A800",
    "major shift": "#C62828",
    "no data": "#8A8F99",
}
LEGEND_INSIDE = {"bgcolor": "rgba(255,255,255,0.85)", "orientation": "v"}
PROBABILITY_BINS = np.linspace(0.0, 1.0, 41)
"""Edges of the probability histograms: 40 bins of width 0.025."""


def _layout(figure: go.Figure, height: int, **settings) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 55, "r": 15, "t": 35, "b": 45},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0},
        plot_bgcolor="white",
    )
    figure.update_layout(**settings)
    figure.update_xaxes(showgrid=True, gridcolor="#ECEEF3", zeroline=False)
    figure.update_yaxes(showgrid=True, gridcolor="#ECEEF3", zeroline=False)
    return figure


def _labels(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be a 1-D array of 0 (pass) and 1 (fail)")
    return y.astype(np.int64)


# --------------------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------------------


def class_balance_figure(y, height: int = 260) -> go.Figure:
    """Bars of the pass and fail counts, each labelled with its share.

    Parameters
    ----------
    y : array of shape (n,)
        0 = pass, 1 = fail.
    """
    y = _labels(y)
    counts = np.bincount(y, minlength=2)
    shares = counts / max(y.size, 1)
    figure = go.Figure(
        go.Bar(
            x=list(CLASS_NAMES),
            y=counts,
            marker={"color": list(CLASS_COLOURS)},
            text=[f"{count:,}<br>{share:.1%}" for count, share in zip(counts, shares)],
            textposition="auto",
            hovertemplate="%{x}: %{y:,} rows<extra></extra>",
        )
    )
    return _layout(figure, height, yaxis={"title": {"text": "rows"}}, showlegend=False)


def feature_distributions_figure(
    frame, features, y, units=None, n_bins: int = 30, columns: int = 4, height_per_row=150
) -> go.Figure:
    """Small multiples: each feature's distribution in pass rows and in fail rows.

    Each class is normalised to its own total (share of the class per bin), so a rare
    FAIL class is as visible as the PASS class.

    Parameters
    ----------
    frame : DataFrame with the ``features`` columns (n rows)
    features : list of str
    y : array of shape (n,), 0 = pass, 1 = fail
    units : dict, optional
        Feature -> unit, shown in the panel titles.
    n_bins : int
        Bins per feature, shared by both classes.
    columns : int
        Panels per row.

    Returns
    -------
    Figure
        ``2 * len(features)`` step-line traces, pass then fail for each feature.
    """
    y = _labels(y)
    features = list(features)
    units = units or {}
    rows = math.ceil(len(features) / columns)
    titles = [f"{name} [{units[name]}]" if name in units else name for name in features]
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        horizontal_spacing=0.04,
        vertical_spacing=min(0.5 / rows, 0.12),
    )
    for position, name in enumerate(features):
        values = frame[name].to_numpy(dtype=np.float64)
        finite = np.isfinite(values)
        edges = np.histogram_bin_edges(values[finite], bins=n_bins)
        centres = (edges[:-1] + edges[1:]) / 2
        for label in (0, 1):
            chosen = values[finite & (y == label)]
            counts, _ = np.histogram(chosen, bins=edges)
            figure.add_trace(
                go.Scatter(
                    x=centres,
                    y=counts / max(chosen.size, 1),
                    mode="lines",
                    line={"shape": "hvh", "color": CLASS_COLOURS[label], "width": 1.5},
                    fill="tozeroy",
                    name=CLASS_NAMES[label],
                    legendgroup=CLASS_NAMES[label],
                    showlegend=position == 0,
                    hovertemplate=f"{name} %{{x:.4g}}: %{{y:.1%}} of {CLASS_NAMES[label]} rows"
                    "<extra></extra>",
                ),
                row=position // columns + 1,
                col=position % columns + 1,
            )
    figure.update_yaxes(showticklabels=False)
    figure.update_annotations(font={"size": 11})
    height = 90 + rows * height_per_row
    _layout(figure, height, margin={"l": 30, "r": 15, "t": 70, "b": 30})
    # Above the first row's panel titles, which sit just over the plotting area.
    figure.update_layout(legend={"y": 1.0 + 32 / (height - 100)})
    return figure


def correlation_figure(matrix, names, height: int = 520) -> go.Figure:
    """Heatmap of a correlation matrix on the fixed range [-1, 1].

    Parameters
    ----------
    matrix : array of shape (k, k)
        From ``yieldmodel.experiments.feature_correlation``.
    names : list of str, length k
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    names = [str(name) for name in names]
    if matrix.shape != (len(names), len(names)):
        raise ValueError(f"matrix has shape {matrix.shape} for {len(names)} names")
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=names,
            y=names,
            zmin=-1.0,
            zmax=1.0,
            colorscale="RdBu",
            reversescale=True,
            colorbar={"thickness": 12, "title": {"text": "r"}},
            hovertemplate="%{y} vs %{x}: r = %{z:.2f}<extra></extra>",
        )
    )
    figure.update_layout(
        height=height,
        margin={"l": 90, "r": 10, "t": 10, "b": 90},
        yaxis={"autorange": "reversed"},
    )
    return figure


# --------------------------------------------------------------------------------------
# Evaluation at the current threshold
# --------------------------------------------------------------------------------------


#: What each cell of the pass/fail confusion matrix means on a test floor.
CONFUSION_ROLES = (("passed", "yield loss"), ("escape", "caught"))
CONFUSION_SCALE = [[0.0, "#F2F4FA"], [1.0, PASS_COLOUR]]


def confusion_figure(confusion, height: int = 300) -> go.Figure:
    """Pass/fail confusion matrix ``[[tn, fp], [fn, tp]]``: counts, share of the true
    class, and what each cell means (a missed fail is an escape, a flagged good die is
    yield loss). Colour is the share of the row, so a rare FAIL class still shows.
    """
    matrix = np.asarray(confusion, dtype=np.int64)
    if matrix.shape != (2, 2):
        raise ValueError(f"confusion must have shape (2, 2), got {matrix.shape}")
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    text = [
        [
            f"<b>{matrix[i, j]:,}</b><br>{shares[i, j]:.0%}<br>{CONFUSION_ROLES[i][j]}"
            for j in range(2)
        ]
        for i in range(2)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=shares,
            x=[f"predicted {name}" for name in CLASS_NAMES],
            y=[f"true {name}" for name in CLASS_NAMES],
            zmin=0.0,
            zmax=1.0,
            colorscale=CONFUSION_SCALE,
            showscale=False,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            hovertemplate="%{y}, %{x}: %{z:.1%} of the row<extra></extra>",
        )
    )
    return _layout(
        figure,
        height,
        xaxis={"type": "category", "showgrid": False},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
        margin={"l": 80, "t": 15},
    )


def _operating_point(confusion) -> dict:
    """False/true positive rates and precision of a ``[[tn, fp], [fn, tp]]`` matrix."""
    (tn, fp), (fn, tp) = np.asarray(confusion, dtype=np.float64)
    return {
        "fpr": fp / (fp + tn) if fp + tn else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
    }


def _curve_figure(chance, curve, point, threshold, axis_titles, legend_x, height):
    """Chance line, a model curve and the marked threshold point on the unit square.

    ``chance`` and ``curve`` are ``(x, y, name, line)`` tuples, ``point`` is ``(x, y)``,
    ``axis_titles`` is ``(x_title, y_title)``; the legend sits inside at the bottom,
    left (``legend_x`` 0.02) or right (0.98).
    """
    x_title, y_title = axis_titles
    hover = f"{x_title.split(' (')[0]} %{{x:.1%}}, {y_title.split(' (')[0]} %{{y:.1%}}"
    figure = go.Figure(
        [
            go.Scatter(x=chance[0], y=chance[1], mode="lines", line=chance[3], name=chance[2]),
            go.Scatter(
                x=np.asarray(curve[0]),
                y=np.asarray(curve[1]),
                mode="lines",
                line=curve[3],
                name=curve[2],
                hovertemplate=hover + "<extra></extra>",
            ),
            go.Scatter(
                x=[point[0]],
                y=[point[1]],
                mode="markers",
                marker=POINT_STYLE,
                name=f"threshold {threshold:.2f}",
                hovertemplate=hover + "<extra>threshold</extra>",
            ),
        ]
    )
    side = "right" if legend_x > 0.5 else "left"
    return _layout(
        figure,
        height,
        xaxis={"title": {"text": x_title}, "range": [-0.01, 1.01]},
        yaxis={"title": {"text": y_title}, "range": [-0.01, 1.02]},
        legend={**LEGEND_INSIDE, "x": legend_x, "xanchor": side, "y": 0.02, "yanchor": "bottom"},
        margin={"t": 15},
    )


def roc_figure(fpr, tpr, roc_auc: float, confusion, threshold: float, height=330) -> go.Figure:
    """ROC curve, the chance diagonal, and the point of the current threshold.

    Parameters
    ----------
    fpr, tpr : arrays of shape (m,)
        From ``core.metrics.roc_curve``.
    roc_auc : float
    confusion : array of shape (2, 2)
        ``[[tn, fp], [fn, tp]]`` at ``threshold``; gives the marked point.
    threshold : float
    """
    point = _operating_point(confusion)
    return _curve_figure(
        ([0, 1], [0, 1], "chance (AUC 0.5)", CHANCE_LINE),
        (fpr, tpr, f"model (AUC {roc_auc:.3f})", {"color": PASS_COLOUR, "width": 2.5}),
        (point["fpr"], point["recall"]),
        threshold,
        ("false-positive rate (passes flagged)", "recall (fails caught)"),
        0.98,
        height,
    )


def pr_figure(
    precision, recall, pr_auc: float, confusion, threshold: float, fail_share: float, height=330
) -> go.Figure:
    """Precision-recall curve, the random-ranking baseline, and the current threshold.

    Parameters
    ----------
    precision, recall : arrays of shape (m,)
        From ``core.metrics.pr_curve``.
    pr_auc : float
        Average precision.
    confusion : array of shape (2, 2) at ``threshold``
    threshold : float
    fail_share : float
        Share of FAIL rows: the precision of a random ranking.
    """
    point = _operating_point(confusion)
    return _curve_figure(
        ([0, 1], [fail_share, fail_share], f"chance (AP {fail_share:.2f})", CHANCE_LINE),
        (
            recall,
            precision,
            f"model (AP {pr_auc:.3f})",
            {"color": FAIL_COLOUR, "width": 2.5, "shape": "hv"},
        ),
        (point["recall"], point["precision"]),
        threshold,
        ("recall (fails caught)", "precision (flagged that fail)"),
        0.02,
        height,
    )


def _binned(values, edges) -> np.ndarray:
    return np.histogram(np.asarray(values, dtype=np.float64), bins=edges)[0]


def _threshold_line(figure: go.Figure, threshold: float) -> None:
    figure.add_vline(
        x=threshold,
        line=THRESHOLD_LINE,
        annotation_text=f"threshold {threshold:.2f}",
        annotation_position="top right",
    )


def probability_histogram_figure(proba, y, threshold: float, height: int = 300) -> go.Figure:
    """Predicted fail probability of pass rows and of fail rows, with the threshold.

    Rows right of the line are flagged FAIL: orange bars there are caught fails, blue bars
    false alarms; orange bars left of it are missed fails.

    Parameters
    ----------
    proba : array of shape (n,)
    y : array of shape (n,), 0 = pass, 1 = fail
    threshold : float
    """
    y = _labels(y)
    proba = np.asarray(proba, dtype=np.float64)
    centres = (PROBABILITY_BINS[:-1] + PROBABILITY_BINS[1:]) / 2
    figure = go.Figure()
    for label in (0, 1):
        figure.add_trace(
            go.Bar(
                x=centres,
                y=_binned(proba[y == label], PROBABILITY_BINS),
                width=PROBABILITY_BINS[1] - PROBABILITY_BINS[0],
                marker={"color": CLASS_COLOURS[label]},
                opacity=0.65,
                name=f"true {CLASS_NAMES[label]}",
                hovertemplate="p ≈ %{x:.3f}: %{y} rows<extra>" + CLASS_NAMES[label] + "</extra>",
            )
        )
    _threshold_line(figure, threshold)
    return _layout(
        figure,
        height,
        barmode="overlay",
        xaxis={"title": {"text": "predicted fail probability"}, "range": [0, 1]},
        yaxis={"title": {"text": "validation rows"}},
    )


def score_histogram_figure(proba, threshold: float, height: int = 300) -> go.Figure:
    """Fail probability of scored rows; bars right of the threshold are predicted FAIL.

    NaN probabilities (unscorable rows) are left out.
    """
    proba = np.asarray(proba, dtype=np.float64)
    proba = proba[~np.isnan(proba)]
    counts = _binned(proba, PROBABILITY_BINS)
    centres = (PROBABILITY_BINS[:-1] + PROBABILITY_BINS[1:]) / 2
    flagged = centres >= threshold
    figure = go.Figure()
    for is_fail, name in ((False, "predicted pass"), (True, "predicted fail")):
        chosen = flagged == is_fail
        figure.add_trace(
            go.Bar(
                x=centres[chosen],
                y=counts[chosen],
                width=PROBABILITY_BINS[1] - PROBABILITY_BINS[0],
                marker={"color": CLASS_COLOURS[int(is_fail)]},
                name=name,
                hovertemplate="p ≈ %{x:.3f}: %{y:,} rows<extra></extra>",
            )
        )
    _threshold_line(figure, threshold)
    return _layout(
        figure,
        height,
        xaxis={"title": {"text": "fail probability"}, "range": [0, 1]},
        yaxis={"title": {"text": "rows"}},
    )


# --------------------------------------------------------------------------------------
# Inside the model
# --------------------------------------------------------------------------------------


def layer_names(sizes) -> list[str]:
    """'W0: 20→64', 'W1: 64→32', ... for a network with layer widths ``sizes``."""
    return [f"W{i}: {a}→{b}" for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]


def weight_histograms_figure(weights, n_bins: int = 40, height: int = 260) -> go.Figure:
    """One histogram per weight matrix, side by side.

    Parameters
    ----------
    weights : list of arrays of shape (fan_in, fan_out)
        ``MLP.weights``.
    """
    weights = [np.asarray(W, dtype=np.float64) for W in weights]
    sizes = [weights[0].shape[0], *[W.shape[1] for W in weights]]
    names = layer_names(sizes)
    figure = make_subplots(rows=1, cols=len(weights), subplot_titles=names)
    for layer, W in enumerate(weights):
        counts, edges = np.histogram(W.ravel(), bins=n_bins)
        centres = (edges[:-1] + edges[1:]) / 2
        figure.add_trace(
            go.Bar(
                x=centres,
                y=counts,
                width=edges[1] - edges[0],
                marker={"color": training.LAYER_COLOURS[layer % len(training.LAYER_COLOURS)]},
                name=names[layer],
                hovertemplate="w ≈ %{x:.3f}: %{y} weights<extra></extra>",
            ),
            row=1,
            col=layer + 1,
        )
        figure.update_xaxes(title_text="weight", row=1, col=layer + 1)
    figure.update_annotations(font={"size": 12})
    return _layout(figure, height, showlegend=False, bargap=0.0)


def _no_epoch_figure(height: int) -> go.Figure:
    """An empty chart saying why it is empty (training stopped inside the first epoch)."""
    figure = go.Figure()
    figure.add_annotation(
        text="No epoch was completed.", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, height)


def loss_figure(history: dict, diverged_at: dict | None = None, height: int = 280) -> go.Figure:
    """Training and validation loss per epoch (``viz.training.loss_figure``, renamed)."""
    if not history["epoch"]:
        return _no_epoch_figure(height)
    figure = training.loss_figure(history, diverged_at, height=height)
    figure.update_traces(name="validation loss", selector={"name": "test loss"})
    return figure


def gradient_norms_figure(history: dict, sizes, height: int = 280) -> go.Figure:
    """Norm of each layer's weight gradient per epoch (log scale), named by layer shape."""
    if not history["epoch"]:
        return _no_epoch_figure(height)
    figure = training.gradient_norm_figure(
        history["epoch"], history["grad_norms"], layer_names(sizes), height=height
    )
    figure.update_yaxes(dtick="D2")  # label 1, 2, 5 per decade, not every digit
    return figure


# --------------------------------------------------------------------------------------
# Experiments and drift
# --------------------------------------------------------------------------------------


def experiment_figure(table, height: int = 300) -> go.Figure:
    """Training and validation accuracy of each setting, side by side, gap written above.

    Parameters
    ----------
    table : DataFrame
        From ``yieldmodel.experiments.run_experiment``.
    """
    settings = table["setting"].tolist()
    figure = go.Figure(
        [
            go.Bar(
                x=settings,
                y=table["train accuracy"],
                name="training",
                marker={"color": training.LOSS_COLOURS["train"]},
                hovertemplate="%{x}: %{y:.1%}<extra>training</extra>",
            ),
            go.Bar(
                x=settings,
                y=table["validation accuracy"],
                name="validation",
                marker={"color": training.LOSS_COLOURS["test"]},
                text=[f"gap {gap:+.1%}" for gap in table["gap"]],
                textposition="outside",
                hovertemplate="%{x}: %{y:.1%}<extra>validation</extra>",
            ),
        ]
    )
    return _layout(
        figure,
        height,
        barmode="group",
        yaxis={"title": {"text": "accuracy"}, "range": [0, 1.1], "tickformat": ".0%"},
    )


def _drift_colour(status: str) -> str:
    return next(
        (colour for name, colour in DRIFT_COLOURS.items() if status.startswith(name)),
        DRIFT_COLOURS["no data"],
    )


def drift_figure(table, bands=(0.1, 0.25), height_per_feature: int = 22) -> go.Figure:
    """Horizontal bars of each feature's PSI, coloured by band, with the band limits.

    Parameters
    ----------
    table : DataFrame
        From ``yieldmodel.drift.check`` (columns ``feature``, ``PSI``, ``status``).
    bands : tuple of float
        Where the dotted band lines go (explain them next to the chart).
    """
    table = table.iloc[::-1]  # largest PSI at the top
    psi = table["PSI"].to_numpy(dtype=np.float64)
    figure = go.Figure(
        go.Bar(
            x=np.nan_to_num(psi, nan=0.0),
            y=table["feature"].tolist(),
            orientation="h",
            marker={"color": [_drift_colour(status) for status in table["status"]]},
            customdata=table["status"].tolist(),
            hovertemplate="%{y}: PSI %{x:.3f} (%{customdata})<extra></extra>",
        )
    )
    for limit in bands:
        figure.add_vline(x=limit, line=CHANCE_LINE)
    return _layout(
        figure,
        80 + height_per_feature * len(table),
        xaxis={"title": {"text": "population stability index"}, "rangemode": "tozero"},
        showlegend=False,
    )
