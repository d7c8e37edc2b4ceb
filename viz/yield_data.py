"""Figures of the yield page's data tab: class balance, each test's distribution, correlation.

Pure functions of a labelled table (or its label array) returning plain figure dicts
(:mod:`viz.yield_style`). Histograms are binned here with NumPy, so a figure stays small
however many rows the table has.
"""

from __future__ import annotations

import math

import numpy as np

from viz.yield_style import CLASS_COLOURS, CLASS_NAMES, figure, grid, labels, layout


def class_balance_figure(y, height: int = 260) -> dict:
    """Bars of the pass and fail counts, each labelled with its share.

    Parameters
    ----------
    y : array of shape (n,)
        0 = pass, 1 = fail.
    """
    y = labels(y)
    counts = np.bincount(y, minlength=2)
    shares = counts / max(y.size, 1)
    bar = {
        "type": "bar",
        "x": list(CLASS_NAMES),
        "y": counts,
        "marker": {"color": list(CLASS_COLOURS)},
        "text": [f"{count:,}<br>{share:.1%}" for count, share in zip(counts, shares)],
        "textposition": "auto",
        "hovertemplate": "%{x}: %{y:,} rows<extra></extra>",
    }
    return figure([bar], layout(height, yaxis={"title": {"text": "rows"}}, showlegend=False))


def _class_steps(values, y, name: str, n_bins: int, refs: dict, first: bool) -> list[dict]:
    """Step lines of one feature's distribution in pass rows and in fail rows."""
    finite = np.isfinite(values)
    edges = np.histogram_bin_edges(values[finite], bins=n_bins)
    centres = (edges[:-1] + edges[1:]) / 2
    traces = []
    for label in (0, 1):
        chosen = values[finite & (y == label)]
        counts, _ = np.histogram(chosen, bins=edges)
        traces.append(
            {
                "type": "scatter",
                "x": centres,
                "y": counts / max(chosen.size, 1),
                "mode": "lines",
                "line": {"shape": "hvh", "color": CLASS_COLOURS[label], "width": 1.5},
                "fill": "tozeroy",
                "name": CLASS_NAMES[label],
                "legendgroup": CLASS_NAMES[label],
                "showlegend": first,
                "hovertemplate": f"{name} %{{x:.4g}}: %{{y:.1%}} of {CLASS_NAMES[label]} rows"
                "<extra></extra>",
                **refs,
            }
        )
    return traces


def feature_distributions_figure(
    frame, features, y, units=None, n_bins: int = 30, columns: int = 4, height_per_row=150
) -> dict:
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
    dict
        ``2 * len(features)`` step-line traces, pass then fail for each feature.
    """
    y = labels(y)
    features = list(features)
    units = units or {}
    n_rows = math.ceil(len(features) / columns)
    titles = [f"{name} [{units[name]}]" if name in units else name for name in features]
    panels = grid(titles, columns, 0.04, min(0.5 / n_rows, 0.12), title_size=11)
    data = []
    for position, name in enumerate(features):
        values = frame[name].to_numpy(dtype=np.float64)
        data += _class_steps(values, y, name, n_bins, panels["refs"][position], position == 0)
    height = 90 + n_rows * height_per_row
    panel_axes = {
        key: {**axis, "showticklabels": False} if key.startswith("yaxis") else axis
        for key, axis in panels["axes"].items()
    }
    spec = layout(
        height,
        axes=(),
        margin={"l": 30, "r": 15, "t": 70, "b": 30},
        # Above the first row's panel titles, which sit just over the plotting area.
        legend={"y": 1.0 + 32 / (height - 100)},
        annotations=panels["annotations"],
        **panel_axes,
    )
    return figure(data, spec)


def correlation_figure(matrix, names, height: int = 520) -> dict:
    """Heatmap of a correlation matrix on the fixed range [-1, 1].

    Parameters
    ----------
    matrix : array of shape (k, k)
        From ``yieldmodel.overview.feature_correlation``.
    names : list of str, length k
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    names = [str(name) for name in names]
    if matrix.shape != (len(names), len(names)):
        raise ValueError(f"matrix has shape {matrix.shape} for {len(names)} names")
    heatmap = {
        "type": "heatmap",
        "z": matrix,
        "x": names,
        "y": names,
        "zmin": -1.0,
        "zmax": 1.0,
        "colorscale": "RdBu",
        "reversescale": True,
        "colorbar": {"thickness": 12, "title": {"text": "r"}},
        "hovertemplate": "%{y} vs %{x}: r = %{z:.2f}<extra></extra>",
    }
    spec = {
        "height": height,
        "margin": {"l": 90, "r": 10, "t": 10, "b": 90},
        "yaxis": {"autorange": "reversed"},
    }
    return figure([heatmap], spec)
