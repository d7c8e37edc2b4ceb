"""Figures of a model's evaluation at the current threshold: confusion matrix, ROC and
precision-recall curves with the operating point, and the probability histogram.

Pure functions of ``core.metrics`` results (reports, curves) and validation scores,
returning plain figure dicts (:mod:`viz.yield_style`); :func:`evaluation_figures` builds
all four from a :class:`yieldmodel.evaluation.Evaluation`.
"""

from __future__ import annotations

import numpy as np

from core.metrics import operating_point
from viz.yield_style import (
    CHANCE_LINE,
    CLASS_COLOURS,
    CLASS_NAMES,
    FAIL_COLOUR,
    LEGEND_INSIDE,
    PASS_COLOUR,
    POINT_STYLE,
    PROBABILITY_CENTRES,
    PROBABILITY_WIDTH,
    binned,
    figure,
    labels,
    layout,
    threshold_marks,
)

#: What each cell of the pass/fail confusion matrix means on a test floor.
CONFUSION_ROLES = (("passed", "yield loss"), ("escape", "caught"))
CONFUSION_SCALE = [[0.0, "#F2F4FA"], [1.0, PASS_COLOUR]]


def confusion_figure(confusion, height: int = 300) -> dict:
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
    heatmap = {
        "type": "heatmap",
        "z": shares,
        "x": [f"predicted {name}" for name in CLASS_NAMES],
        "y": [f"true {name}" for name in CLASS_NAMES],
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": CONFUSION_SCALE,
        "showscale": False,
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"size": 12},
        "hovertemplate": "%{y}, %{x}: %{z:.1%} of the row<extra></extra>",
    }
    spec = layout(
        height,
        xaxis={"type": "category", "showgrid": False},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
        margin={"l": 80, "t": 15},
    )
    return figure([heatmap], spec)


def _curve_figure(chance, curve, point, threshold, axis_titles, legend_x, height) -> dict:
    """Chance line, a model curve and the marked threshold point on the unit square.

    ``chance`` and ``curve`` are ``(x, y, name, line)`` tuples, ``point`` is ``(x, y)``,
    ``axis_titles`` is ``(x_title, y_title)``; the legend sits inside at the bottom,
    left (``legend_x`` 0.02) or right (0.98).
    """
    x_title, y_title = axis_titles
    hover = f"{x_title.split(' (')[0]} %{{x:.1%}}, {y_title.split(' (')[0]} %{{y:.1%}}"
    data = [
        {
            "type": "scatter",
            "x": chance[0],
            "y": chance[1],
            "mode": "lines",
            "line": chance[3],
            "name": chance[2],
        },
        {
            "type": "scatter",
            "x": np.asarray(curve[0]),
            "y": np.asarray(curve[1]),
            "mode": "lines",
            "line": curve[3],
            "name": curve[2],
            "hovertemplate": hover + "<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [point[0]],
            "y": [point[1]],
            "mode": "markers",
            "marker": POINT_STYLE,
            "name": f"threshold {threshold:.2f}",
            "hovertemplate": hover + "<extra>threshold</extra>",
        },
    ]
    side = "right" if legend_x > 0.5 else "left"
    spec = layout(
        height,
        xaxis={"title": {"text": x_title}, "range": [-0.01, 1.01]},
        yaxis={"title": {"text": y_title}, "range": [-0.01, 1.02]},
        legend={**LEGEND_INSIDE, "x": legend_x, "xanchor": side, "y": 0.02, "yanchor": "bottom"},
        margin={"t": 15},
    )
    return figure(data, spec)


def roc_figure(fpr, tpr, roc_auc: float, confusion, threshold: float, height=330) -> dict:
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
    point = operating_point(confusion)
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
) -> dict:
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
    point = operating_point(confusion)
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


def probability_histogram_figure(proba, y, threshold: float, height: int = 300) -> dict:
    """Predicted fail probability of pass rows and of fail rows, with the threshold.

    Rows right of the line are flagged FAIL: orange bars there are caught fails, blue bars
    false alarms; orange bars left of it are missed fails.

    Parameters
    ----------
    proba : array of shape (n,)
    y : array of shape (n,), 0 = pass, 1 = fail
    threshold : float
    """
    y = labels(y)
    proba = np.asarray(proba, dtype=np.float64)
    data = [
        {
            "type": "bar",
            "x": PROBABILITY_CENTRES,
            "y": binned(proba[y == label]),
            "width": PROBABILITY_WIDTH,
            "marker": {"color": CLASS_COLOURS[label]},
            "opacity": 0.65,
            "name": f"true {CLASS_NAMES[label]}",
            "hovertemplate": "p ≈ %{x:.3f}: %{y} rows<extra>" + CLASS_NAMES[label] + "</extra>",
        }
        for label in (0, 1)
    ]
    spec = layout(
        height,
        barmode="overlay",
        xaxis={"title": {"text": "predicted fail probability"}, "range": [0, 1]},
        yaxis={"title": {"text": "validation rows"}},
        **threshold_marks(threshold),
    )
    return figure(data, spec)


def evaluation_figures(evaluation, y_true, proba, fail_share: float) -> dict[str, dict]:
    """The four figures of an evaluation view, by name.

    Parameters
    ----------
    evaluation : yieldmodel.evaluation.Evaluation
        Of the validation scores ``proba`` on labels ``y_true``.
    fail_share : float
        Share of FAIL rows among the validation rows.

    Returns
    -------
    dict
        ``confusion``, ``roc``, ``pr`` and ``probability`` figure dicts.
    """
    report, threshold = evaluation.report, evaluation.threshold
    confusion = report["confusion"]
    return {
        "confusion": confusion_figure(confusion),
        "roc": roc_figure(evaluation.fpr, evaluation.tpr, report["roc_auc"], confusion, threshold),
        "pr": pr_figure(
            evaluation.precision,
            evaluation.recall,
            report["pr_auc"],
            confusion,
            threshold,
            fail_share,
        ),
        "probability": probability_histogram_figure(proba, y_true, threshold),
    }
