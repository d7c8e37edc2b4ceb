"""Figures of an uploaded file's scores: the probability histogram at the threshold, and
each feature's drift against the training rows.

Pure functions of fail probabilities and ``yieldmodel.drift.check`` tables, returning
plain figure dicts (:mod:`viz.yield_style`).
"""

from __future__ import annotations

import numpy as np

from viz.yield_style import (
    CHANCE_LINE,
    CLASS_COLOURS,
    PROBABILITY_CENTRES,
    PROBABILITY_WIDTH,
    binned,
    figure,
    layout,
    threshold_marks,
)

#: Colour of each drift band name of ``yieldmodel.drift.DRIFT_BANDS`` (prefix match).
DRIFT_COLOURS = {
    "stable": "#2E9E5B",
    "within sampling noise": "#9CCFB0",
    "moderate shift": "#E0A800",
    "major shift": "#C62828",
    "no data": "#8A8F99",
}


def score_histogram_figure(proba, threshold: float, height: int = 300) -> dict:
    """Fail probability of scored rows; bars right of the threshold are predicted FAIL.

    NaN probabilities (unscorable rows) are left out.
    """
    proba = np.asarray(proba, dtype=np.float64)
    counts = binned(proba[~np.isnan(proba)])
    flagged = PROBABILITY_CENTRES >= threshold
    data = []
    for is_fail, name in ((False, "predicted pass"), (True, "predicted fail")):
        chosen = flagged == is_fail
        data.append(
            {
                "type": "bar",
                "x": PROBABILITY_CENTRES[chosen],
                "y": counts[chosen],
                "width": PROBABILITY_WIDTH,
                "marker": {"color": CLASS_COLOURS[int(is_fail)]},
                "name": name,
                "hovertemplate": "p ≈ %{x:.3f}: %{y:,} rows<extra></extra>",
            }
        )
    spec = layout(
        height,
        xaxis={"title": {"text": "fail probability"}, "range": [0, 1]},
        yaxis={"title": {"text": "rows"}},
        **threshold_marks(threshold),
    )
    return figure(data, spec)


def drift_colour(status: str) -> str:
    """Colour of a drift status (its band name, or a sentence starting with one)."""
    return next(
        (colour for name, colour in DRIFT_COLOURS.items() if status.startswith(name)),
        DRIFT_COLOURS["no data"],
    )


def drift_figure(table, bands=(0.1, 0.25), height_per_feature: int = 22) -> dict:
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
    bar = {
        "type": "bar",
        "x": np.nan_to_num(psi, nan=0.0),
        "y": table["feature"].tolist(),
        "orientation": "h",
        "marker": {"color": [drift_colour(status) for status in table["status"]]},
        "customdata": table["status"].tolist(),
        "hovertemplate": "%{y}: PSI %{x:.3f} (%{customdata})<extra></extra>",
    }
    limits = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": limit,
            "x1": limit,
            "y0": 0,
            "y1": 1,
            "line": CHANCE_LINE,
        }
        for limit in bands
    ]
    spec = layout(
        80 + height_per_feature * len(table),
        xaxis={"title": {"text": "population stability index"}, "rangemode": "tozero"},
        showlegend=False,
        shapes=limits,
    )
    return figure([bar], spec)
