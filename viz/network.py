"""The network drawing of the backprop trainer: every node as a thumbnail, every weight a line.

Speed matters here because the drawing is rebuilt several times a second while the
network trains, and a browser redraws a few big traces much faster than many small ones.
So the figure has a fixed, small number of traces whatever the network's size:

* one heatmap holding **all** node thumbnails (``lessons.live.layout.NetworkLayout.pack``: NaN
  between them, brick edges from the layout);
* ``2 × len(LINE_WIDTHS)`` line traces for the weights: one per sign and width class
  (empty when no weight falls in it), each segment separated by NaN;
* one invisible marker trace at the middle of every connection, for hover text (the
  weight itself is ``customdata``, so the text stays the same while the weights change);
* one marker trace at the node centres, for hover text (and numbers, when given).

Colours follow the TensorFlow Playground: orange for negative, blue for positive.

The structure of the figure depends only on the network's shape: the same traces in the
same order every frame, with only arrays changing (the thumbnails, the line coordinates of
each width class, the weights behind the hover text). A live chart therefore sends the
layout once and then only the arrays that changed (``ui.live_chart``).

Figures are plain dicts (``{"data": [...], "layout": {...}}``): Plotly's Python-side
property validation cost more than training five epochs and computing every picture. The
tests validate each figure's full spec with ``go.Figure(...)``, so a misspelt property
still fails there.
"""

from __future__ import annotations

import functools

import numpy as np

from lessons.live.layout import Connections, NetworkLayout, connections

NEGATIVE = "#F59322"
POSITIVE = "#0877BD"
MIDDLE = "#F4F5F6"
DIVERGING = [[0.0, NEGATIVE], [0.5, MIDDLE], [1.0, POSITIVE]]
"""Colour scale for values in [-1, 1] (or probabilities in [0, 1]): orange, white, blue."""

WIDTH_EDGES = (0.25, 0.5, 1.0, 2.0)
"""|w| boundaries of the line-width classes."""
LINE_WIDTHS = (0.7, 1.4, 2.4, 3.6, 5.0)
"""Line width in pixels for |w| below 0.25, below 0.5, below 1, below 2, and above."""

FONT = {"family": '"Source Sans", "Source Sans Pro", sans-serif', "color": "#1E2233"}
"""Text style of every figure, matching the app's theme."""

TITLE_SPACE = 34
"""Pixels above the drawing for the column titles (two lines)."""
ROW_HEIGHT = 52
"""Pixels per node row when nodes are not kept square (room for two lines of numbers)."""
DRAWING_WIDTH = 540
"""Typical width of the drawing in pixels; the default height keeps nodes square at it."""
WEIGHT_HOVER = "w = %{customdata:.4g}<br>%{text}<extra></extra>"
"""Hover text of a weight: its value (``customdata``) above the names it joins."""


def width_class(weights) -> np.ndarray:
    """Index into ``LINE_WIDTHS`` for each weight, by its magnitude."""
    return np.searchsorted(WIDTH_EDGES, np.abs(np.asarray(weights, dtype=np.float64)), "right")


def _segments(x0, y0, x1, y1) -> tuple[np.ndarray, np.ndarray]:
    """Polyline coordinates ``x0, x1, NaN, ...`` drawing every segment in one trace."""
    gap = np.full_like(x0, np.nan)
    return np.column_stack([x0, x1, gap]).ravel(), np.column_stack([y0, y1, gap]).ravel()


def node_names(widths, input_labels=None) -> list[str]:
    """A readable name per node, in layout order: features, ``H1.2``, outputs."""
    names = []
    last = len(widths) - 1
    for column, width in enumerate(widths):
        for index in range(width):
            if column == 0:
                names.append(input_labels[index] if input_labels else f"input {index + 1}")
            elif column == last:
                names.append("output" if width == 1 else f"output {index}")
            else:
                names.append(f"H{column}.{index + 1}")
    return names


def _number(value: float, digits: int) -> str:
    """``value`` with ``digits`` significant digits; -0 is written 0."""
    return f"{float(value) + 0.0:.{digits}g}"


def step_labels(inspection, input_names, biases) -> tuple[list[str], list[str], list[str]]:
    """Numbers of a one-sample pass for :func:`network_figure`.

    Parameters
    ----------
    inspection : lessons.live.inspection.StepInspection
    input_names : list of str
        One per input feature.
    biases : list of ndarray
        The network's ``b_l``, shown on hover.

    Returns
    -------
    node_text : list of str
        The input value, or ``a`` and ``δ``, written on each node (layout order).
    node_hover : list of str
        ``z``, ``a``, ``δ`` and ``b`` of each neuron.
    edge_hover : list of str
        ``∂L/∂w`` of each weight (``lessons.live.layout.connections`` order).
    """
    node_text, node_hover = [], []
    for name, value in zip(input_names, inspection.inputs, strict=True):
        node_text.append(_number(value, 3))
        node_hover.append(f"{name} = {_number(value, 5)}")
    for layer, (z, a, delta) in enumerate(zip(inspection.z, inspection.a, inspection.delta)):
        for index in range(z.shape[0]):
            node_text.append(f"a {_number(a[index], 3)}<br>δ {_number(delta[index], 2)}")
            node_hover.append(
                f"z = {_number(z[index], 5)}<br>a = {_number(a[index], 5)}<br>"
                f"δ = ∂L/∂z = {_number(delta[index], 5)}<br>"
                f"b = {_number(biases[layer][index], 5)}"
            )
    edge_hover = [f"∂L/∂w = {_number(g, 4)}" for grad in inspection.grad_W for g in np.ravel(grad)]
    return node_text, node_hover, edge_hover


def _weight_traces(links: Connections) -> list[dict]:
    """One line trace per sign and width class, always all of them (some may be empty)."""
    classes = width_class(links.weight)
    traces = []
    for sign, colour in ((-1, NEGATIVE), (1, POSITIVE)):
        chosen_sign = (links.weight < 0) if sign < 0 else (links.weight >= 0)
        for index, line_width in enumerate(LINE_WIDTHS):
            mask = chosen_sign & (classes == index)
            x, y = _segments(links.x0[mask], links.y0[mask], links.x1[mask], links.y1[mask])
            traces.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": y,
                    "mode": "lines",
                    "line": {"color": colour, "width": line_width},
                    "opacity": 0.75,
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "name": f"{'negative' if sign < 0 else 'positive'} weights, class {index}",
                }
            )
    return traces


@functools.lru_cache(maxsize=64)
def _edge_names(widths: tuple[int, ...], input_labels: tuple[str, ...] | None) -> list[str]:
    """``"source → target"`` of every weight, in :func:`connections` order."""
    names = node_names(widths, input_labels)
    offsets = np.cumsum([0, *widths])
    return [
        f"{names[offsets[layer] + source]} → {names[offsets[layer + 1] + target]}"
        for layer in range(len(widths) - 1)
        for source in range(widths[layer])
        for target in range(widths[layer + 1])
    ]


def _weight_hover(links: Connections, edge_names: list[str], edge_hover) -> dict:
    """Invisible markers at the middle of every connection; hovering shows the weight."""
    text = edge_names
    if edge_hover is not None:
        text = [f"{name}<br>{extra}" for name, extra in zip(edge_names, edge_hover, strict=True)]
    return {
        "type": "scatter",
        "x": (links.x0 + links.x1) / 2,
        "y": (links.y0 + links.y1) / 2,
        "mode": "markers",
        "marker": {"size": 9, "color": "rgba(0,0,0,0)"},
        "customdata": links.weight,
        "text": text,
        "hovertemplate": WEIGHT_HOVER,
        "showlegend": False,
        "name": "weights",
    }


def _node_trace(layout: NetworkLayout, names, node_text, node_hover) -> dict:
    x, y, _, _ = layout.centres()
    nodes = {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "markers+text" if node_text is not None else "markers",
        "marker": {"size": 30, "symbol": "square", "color": "rgba(0,0,0,0)"},
        "hovertext": node_hover if node_hover is not None else names,
        "hoverinfo": "text",
        "showlegend": False,
        "name": "nodes",
    }
    if node_text is not None:
        nodes["text"] = node_text
        nodes["textfont"] = {"size": 10, "color": "#1E2233"}
    return nodes


def _thumbnail_trace(layout: NetworkLayout, packed: np.ndarray) -> dict:
    if packed.shape != layout.packed_shape:
        raise ValueError(f"packed has shape {packed.shape}, expected {layout.packed_shape}")
    return {
        "type": "heatmap",
        "z": packed,
        "x": layout.x_edges,
        "y": layout.y_edges,
        "zmin": -1.0,
        "zmax": 1.0,
        "colorscale": DIVERGING,
        "showscale": False,
        "hoverinfo": "skip",
        "name": "node pictures",
    }


def _annotations(layout: NetworkLayout, column_titles, input_labels) -> list[dict]:
    annotations = [
        {
            "x": layout.column_left(column) + 0.5,
            "y": 0.08,
            "yanchor": "bottom",
            "text": title,
            "showarrow": False,
            "font": {"size": 11},
        }
        for column, title in enumerate(column_titles or [])
    ]
    annotations += [
        {
            "x": -0.08,
            "y": layout.node_top(index) - 0.5,
            "xanchor": "right",
            "text": label,
            "showarrow": False,
            "font": {"size": 12},
        }
        for index, label in enumerate(input_labels or [])
    ]
    return annotations


def _figure_layout(layout: NetworkLayout, height, square_nodes, titled, uirevision) -> dict:
    left, right = -1.3, layout.column_left(layout.n_columns - 1) + 1.15
    bottom, top = layout.node_top(layout.n_rows - 1) - 1.2, 0.1
    if height is None and square_nodes:
        height = max(200, int(DRAWING_WIDTH * (top - bottom) / (right - left)) + TITLE_SPACE)
    elif height is None:
        height = ROW_HEIGHT * layout.n_rows + TITLE_SPACE + 10
    hidden_axis = {"visible": False, "automargin": False, "constrain": "domain"}
    margin = {"l": 4, "r": 4, "t": TITLE_SPACE if titled else 4, "b": 4, "autoexpand": False}
    return {
        "font": FONT,
        "height": height,
        "margin": margin,
        "xaxis": {**hidden_axis, "range": [left, right]},
        "yaxis": {
            **hidden_axis,
            "range": [bottom, top],
            "constraintoward": "top",
            **({"scaleanchor": "x"} if square_nodes else {}),
        },
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hovermode": "closest",
        "uirevision": uirevision,
        "showlegend": False,
    }


def network_figure(
    layout: NetworkLayout,
    weights,
    packed: np.ndarray | None = None,
    *,
    column_titles=None,
    input_labels=None,
    node_hover=None,
    node_text=None,
    edge_hover=None,
    uirevision: str = "network",
    height: int | None = None,
    square_nodes: bool = True,
) -> dict:
    """Draw the network.

    Parameters
    ----------
    layout : lessons.live.layout.NetworkLayout
    weights : list of ndarray
        ``W_l`` of shape (widths[l], widths[l+1]); colour is the sign, width the magnitude.
    packed : ndarray of shape ``layout.packed_shape``, optional
        Node pictures on [-1, 1] (``layout.pack``). Without it the nodes are blank squares.
    column_titles : list of str, optional
        One heading per column, e.g. ``"Hidden 1<br>4 · tanh"``.
    input_labels : list of str, optional
        Name of each input feature, written left of its node.
    node_hover, node_text : list of str, optional
        Hover text and on-node text per node, in layout order (column by column, top down).
    edge_hover : list of str, optional
        Extra hover line per weight, in :func:`lessons.live.layout.connections` order.
    uirevision : str
        Keeps zoom and hover state across refreshes while it stays the same.
    height : int, optional
        Pixels; by default the height that fills :data:`DRAWING_WIDTH` pixels of width
        (square nodes) or :data:`ROW_HEIGHT` pixels per node row.
    square_nodes : bool
        Keep nodes square (thumbnails); False lets them stretch to the figure's width,
        which leaves room for numbers written on them.

    Returns
    -------
    dict
        ``{"data": [...], "layout": {...}}``: the thumbnails heatmap (when ``packed`` is
        given), ``2 × len(LINE_WIDTHS)`` line traces, the weight hover markers, the nodes.
    """
    labels = tuple(input_labels) if input_labels else None
    links = connections(layout, weights)
    data = [] if packed is None else [_thumbnail_trace(layout, packed)]
    data += _weight_traces(links)
    data.append(_weight_hover(links, _edge_names(tuple(layout.widths), labels), edge_hover))
    data.append(_node_trace(layout, node_names(layout.widths, labels), node_text, node_hover))
    figure_layout = _figure_layout(layout, height, square_nodes, bool(column_titles), uirevision)
    figure_layout["annotations"] = _annotations(layout, column_titles, input_labels)
    return {"data": data, "layout": figure_layout}
