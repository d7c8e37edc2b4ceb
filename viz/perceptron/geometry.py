"""Shared pieces of the Perceptron page's figures: colours, the plotted box, decision lines.

The decision line of weights ``w`` and bias ``b`` is the set ``w1 x1 + w2 x2 + b = 0``; the
shaded side is where the perceptron predicts 1 (``z >= 0``).

Figures are assembled from plain dicts and wrapped by :func:`fast_figure`, which skips
Plotly's per-property validation (it cost more than everything else on the page); the tests
validate every figure's full spec with a normal ``go.Figure(...)`` instead.
"""

from __future__ import annotations

import numpy as np

CLASS_COLOURS = ("#3566C8", "#E07B28")
"""Marker colour of class 0 and class 1."""
CLASS_SYMBOLS = ("circle", "square")
REGION_COLOURS = ("rgba(53, 102, 200, 0.10)", "rgba(224, 123, 40, 0.22)")
"""Fill of the half-planes predicted 0 and 1."""
MISTAKE_COLOUR = "#C62828"
INK = "#1E2233"
PADDING = 0.5
GRID_POINTS = 121


def plot_box(X, padding: float = PADDING) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis ranges ``((x_min, x_max), (y_min, y_max))`` around points ``X`` of shape (n, 2)."""
    X = np.asarray(X, dtype=np.float64)
    low, high = X.min(axis=0) - padding, X.max(axis=0) + padding
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def _clip(weights, bias: float, box) -> tuple[np.ndarray, np.ndarray]:
    """Clip the box to the half-plane ``w . x + b >= 0`` (one Sutherland-Hodgman pass).

    Returns the polygon's vertices, shape (k, 2), and the points where the line crosses
    the box's edges, shape (m, 2).
    """
    (x_min, x_max), (y_min, y_max) = box
    corners = np.array([[x_min, y_min], [x_max, y_min], [x_max, y_max], [x_min, y_max]])
    values = corners @ np.asarray(weights, dtype=np.float64) + bias
    polygon, crossings = [], []
    for index in range(4):
        p, q = corners[index], corners[(index + 1) % 4]
        vp, vq = values[index], values[(index + 1) % 4]
        if vp >= 0:
            polygon.append(p)
        if (vp >= 0) != (vq >= 0):
            point = p + vp / (vp - vq) * (q - p)
            polygon.append(point)
            crossings.append(point)
    return np.reshape(polygon, (-1, 2)), np.reshape(crossings, (-1, 2))


def halfplane_polygon(weights, bias: float, box) -> np.ndarray:
    """Vertices of ``{x in box : w . x + b >= 0}``, the region predicted 1.

    Parameters
    ----------
    weights : array_like of shape (2,)
    bias : float
    box : ((x_min, x_max), (y_min, y_max))

    Returns
    -------
    ndarray of shape (k, 2)
        Polygon vertices in order (k = 0 when the whole box is predicted 0).
    """
    return _clip(weights, bias, box)[0]


def boundary_segment(weights, bias: float, box) -> np.ndarray:
    """End points of the line ``w . x + b = 0`` inside the box, shape (2, 2) or (0, 2)."""
    crossings = _clip(weights, bias, box)[1]
    return crossings if len(crossings) == 2 else np.empty((0, 2))


def closed_ring(polygon: np.ndarray) -> tuple[list, list]:
    """``x`` and ``y`` lists of the polygon with its first vertex repeated at the end."""
    if len(polygon) == 0:
        return [], []
    ring = np.vstack([polygon, polygon[:1]])
    return ring[:, 0].tolist(), ring[:, 1].tolist()


def plane_grid(box, n: int = GRID_POINTS):
    """``xs`` (n,), ``ys`` (n,) and all ``n * n`` grid points (row-major in ``ys``)."""
    (x_min, x_max), (y_min, y_max) = box
    xs, ys = np.linspace(x_min, x_max, n), np.linspace(y_min, y_max, n)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([grid_x.ravel(), grid_y.ravel()])


def point_traces(X, y, names=("x1", "x2")) -> list[dict]:
    """One marker trace per class, ``label 0`` then ``label 1``."""
    traces = []
    for label in (0, 1):
        mask = y == label
        traces.append(
            {
                "type": "scatter",
                "x": X[mask, 0],
                "y": X[mask, 1],
                "mode": "markers",
                "name": f"label {label}",
                "marker": {
                    "size": 13,
                    "color": CLASS_COLOURS[label],
                    "symbol": CLASS_SYMBOLS[label],
                    "line": {"width": 1, "color": "white"},
                },
                "hovertemplate": f"{names[0]}=%{{x}}<br>{names[1]}=%{{y}}<br>label {label}"
                "<extra></extra>",
            }
        )
    return traces


def plane_layout(title: str, box, height: int = 460) -> dict:
    """Layout of a map of the (x1, x2) plane: square units, legend below."""
    return {
        "title": {"text": title},
        "height": height,
        "margin": {"l": 40, "r": 10, "t": 60, "b": 40},
        "legend": {"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
        "xaxis": {
            "title": {"text": "x1"},
            "range": box[0],
            "zeroline": False,
            "constrain": "domain",
        },
        "yaxis": {"title": {"text": "x2"}, "range": box[1], "scaleanchor": "x", "zeroline": False},
    }
