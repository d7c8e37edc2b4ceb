"""The look shared by the yield page's figures, and the pieces they are built from.

Every figure of the ``viz.yield_*`` modules is a plain dict ``{"data": [...], "layout":
{...}}``: building it skips Plotly's property validation, a page can cache it, and
``st.plotly_chart(PrebuiltFigure(spec))`` shows it without a copy. The tests validate the
specs with ``plotly.graph_objects.Figure(spec)``.

Colours: PASS blue, FAIL orange, the current decision threshold a dashed dark line.
"""

from __future__ import annotations

import numpy as np

from viz.figures import subplot_grid

PASS_COLOUR = "#4F5BD5"
FAIL_COLOUR = "#E07B28"
CLASS_COLOURS = (PASS_COLOUR, FAIL_COLOUR)
CLASS_NAMES = ("pass", "fail")
THRESHOLD_LINE = {"color": "#1E2233", "dash": "dash", "width": 1.5}
CHANCE_LINE = {"color": "#8A8F99", "dash": "dot", "width": 1.5}
POINT_STYLE = {"size": 13, "color": "#1E2233", "symbol": "circle", "line": {"color": "white"}}
LEGEND_INSIDE = {"bgcolor": "rgba(255,255,255,0.85)", "orientation": "v"}
GRID = {"showgrid": True, "gridcolor": "#ECEEF3", "zeroline": False}
PROBABILITY_BINS = np.linspace(0.0, 1.0, 41)
"""Edges of the probability histograms: 40 bins of width 0.025."""
PROBABILITY_CENTRES = (PROBABILITY_BINS[:-1] + PROBABILITY_BINS[1:]) / 2
PROBABILITY_WIDTH = float(PROBABILITY_BINS[1] - PROBABILITY_BINS[0])


def merged(base: dict, changes: dict) -> dict:
    """``base`` updated by ``changes``, nested dicts merged key by key (as Plotly's
    ``update_layout`` does)."""
    result = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def layout(height: int, axes: tuple[str, ...] = ("xaxis", "yaxis"), **settings) -> dict:
    """The common layout: height, margins, legend on top, white plot, light grid on
    ``axes``; ``settings`` are merged over it."""
    base = {
        "height": height,
        "margin": {"l": 55, "r": 15, "t": 35, "b": 45},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0},
        "plot_bgcolor": "white",
        **{axis: dict(GRID) for axis in axes},
    }
    return merged(base, settings)


def figure(data: list[dict], layout_: dict) -> dict:
    return {"data": data, "layout": layout_}


def labels(y) -> np.ndarray:
    """``y`` as 0/1 int64, or a ValueError when it holds anything else."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be a 1-D array of 0 (pass) and 1 (fail)")
    return y.astype(np.int64)


def binned(values, edges=PROBABILITY_BINS) -> np.ndarray:
    return np.histogram(np.asarray(values, dtype=np.float64), bins=edges)[0]


def threshold_marks(threshold: float) -> dict:
    """Layout ``shapes`` and ``annotations`` of a vertical threshold line, labelled."""
    return {
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": threshold,
                "x1": threshold,
                "y0": 0,
                "y1": 1,
                "line": THRESHOLD_LINE,
            }
        ],
        "annotations": [
            {
                "xref": "x",
                "yref": "paper",
                "x": threshold,
                "y": 1,
                "xanchor": "left",
                "yanchor": "top",
                "text": f"threshold {threshold:.2f}",
                "showarrow": False,
            }
        ],
    }


def grid(titles, columns: int, h_spacing: float, v_spacing: float, title_size: int) -> dict:
    """Axes and panel titles of small multiples (``viz.activations.subplot_grid``), filled
    row by row, with the light grid.

    Returns
    -------
    dict
        ``axes`` (layout entries ``xaxis``, ``yaxis``, ``xaxis2``, ...), ``annotations``
        (the titles above the panels) and ``refs``: per panel its trace ``xaxis``/``yaxis``.
    """
    rows = -(-len(titles) // columns)
    spec = subplot_grid(rows, columns, titles, h_spacing, v_spacing, title_size)
    annotations = spec.pop("annotations")
    axes = {name: {**GRID, **axis} for name, axis in spec.items()}
    suffixes = ["" if k == 0 else str(k + 1) for k in range(len(titles))]
    refs = [{"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"} for suffix in suffixes]
    return {"axes": axes, "annotations": annotations, "refs": refs}
