"""How every figure module builds a figure and hands it to a page, without Plotly's overhead.

Figures here are assembled from plain dicts. Building a ``go.Figure`` property by property
validates every value (on the Activations page that was two thirds of the page's time), so

* :func:`fast_figure` wraps finished trace/layout/frame dicts in a Figure without
  validation (the tests validate the same dicts with a normal ``go.Figure``);
* :class:`PrebuiltFigure` hands a cached figure dict to ``st.plotly_chart`` with neither
  validation nor the deep copy it would otherwise make on every page run;
* :func:`subplot_grid` lays out small multiples as ``make_subplots`` would, as dicts.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go


def fast_figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """A Figure from trace, layout and frame dicts, without Plotly's property validation."""
    return go.Figure(data=data, layout=layout, frames=frames, _validate=False)


class PrebuiltFigure(go.Figure):
    """A figure dict from ``Figure.to_dict()``, handed to ``st.plotly_chart`` as it is.

    ``st.plotly_chart`` validates a plain dict property by property (0.2 s for the race
    map with its frames) and deep-copies a Figure through ``to_dict``. A dict that came out
    of ``to_dict`` is already valid, so a page can cache it and show it with
    ``st.plotly_chart(PrebuiltFigure(cached))``: this object is a Figure only to pass the
    type check, skips building an empty Figure (a few ms), and its ``to_dict`` returns the
    dict without a copy. It is for handing over only; other Figure methods do not work.

    Parameters
    ----------
    figure : dict
        ``{"data": [...], "layout": {...}, "frames": [...]}``, treated as read-only.
    """

    def __new__(cls, figure: dict):
        handed = object.__new__(cls)
        handed._prebuilt = figure
        return handed

    def __init__(self, figure: dict):
        """Nothing to build: ``__new__`` kept the dict."""

    def to_dict(self) -> dict:
        return self._prebuilt

    def to_plotly_json(self) -> dict:
        return self._prebuilt


def axis_names(index: int) -> tuple[str, str]:
    """``("x", "y")`` for subplot 1, ``("x2", "y2")`` for subplot 2, ..."""
    suffix = "" if index == 1 else str(index)
    return f"x{suffix}", f"y{suffix}"


def subplot_grid(
    rows: int,
    cols: int,
    titles: Sequence[str],
    h_spacing: float,
    v_spacing: float,
    title_size: int = 16,
) -> dict:
    """Axes and subplot titles of a ``rows`` x ``cols`` grid, as ``make_subplots`` lays them out.

    Subplot ``(row, col)`` (1-based, row 1 on top) has number ``(row - 1) * cols + col``:
    axes ``xaxisN``/``yaxisN``, anchored to each other; ``titles`` go in that order.
    """
    width = (1 - (cols - 1) * h_spacing) / cols
    height = (1 - (rows - 1) * v_spacing) / rows
    layout, annotations = {}, []
    for index in range(rows * cols):
        row, col = divmod(index, cols)
        left, top = col * (width + h_spacing), 1 - row * (height + v_spacing)
        x, y = axis_names(index + 1)
        layout[f"xaxis{x[1:]}"] = {"anchor": y, "domain": [left, left + width]}
        layout[f"yaxis{y[1:]}"] = {"anchor": x, "domain": [max(top - height, 0.0), top]}
        if index < len(titles):
            annotations.append(
                {
                    "text": titles[index],
                    "x": left + width / 2,
                    "y": top,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": title_size},
                }
            )
    layout["annotations"] = annotations
    return layout
