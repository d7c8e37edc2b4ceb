r"""The race surface in 3-D: a mesh of ``f`` with each optimizer's path drawn on it.

On log-scaled surfaces the height is :math:`\log_{10}(1 + f - f^*)` (:func:`height_values`),
so walls thousands of times higher stay in view next to the valley floors.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz.race_style import SURFACE_COLORSCALE, fill_colors, legend_name

MESH_POINTS = 120
"""Grid lines per side of the mesh (``surface_grid(surface, MESH_POINTS)``)."""


def height_values(surface, values) -> np.ndarray:
    r"""Height of the 3-D view: :math:`\log_{10}(1 + \max(f - f^*, 0))` on log-scaled
    surfaces, ``f`` itself otherwise. Shape is preserved."""
    values = np.asarray(values, dtype=np.float64)
    if not surface.log_scale:
        return values
    return np.log10(1.0 + np.maximum(values - (surface.min_value or 0.0), 0.0))


def _minima_trace(surface, shown: np.ndarray, lift: float) -> go.Scatter3d:
    """The global minima as gold diamonds just above the mesh."""
    minima = np.asarray(surface.minima)
    # The grid rarely hits a minimum exactly; keep the marker on the drawn mesh.
    floor = float(np.min(shown))
    heights = np.maximum(height_values(surface, surface.f(minima[:, 0], minima[:, 1])), floor)
    return go.Scatter3d(
        x=minima[:, 0],
        y=minima[:, 1],
        z=heights + lift,
        mode="markers",
        marker={"symbol": "diamond", "size": 6, "color": "#FFD700", "line": {"width": 1}},
        name="global minimum" if len(minima) == 1 else "global minima",
    )


def _path_traces(surface, shown, result, colors, lift: float) -> list[go.Scatter3d]:
    """Each path on the mesh; points off the drawn square are left out (NaN)."""
    labels = list(result.paths)
    colors = fill_colors(labels, colors)
    (x0, x1), (y0, y1) = surface.bounds
    low, high = float(np.min(shown)), float(np.max(shown))
    traces = []
    for label in labels:
        path = result.paths[label]
        inside = (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
        heights = np.clip(height_values(surface, result.losses[label]), low, high) + lift
        traces.append(
            go.Scatter3d(
                x=np.where(inside, path[:, 0], np.nan),
                y=np.where(inside, path[:, 1], np.nan),
                z=np.where(inside, heights, np.nan),
                mode="lines",
                line={"color": colors[label], "width": 5},
                name=legend_name(result, label),
            )
        )
    return traces


def surface_3d(
    surface, grid, result=None, colors: Mapping[str, str] | None = None, height: int = 560
) -> go.Figure:
    r"""The surface as a 3-D mesh with each path drawn on it and the minima marked.

    The height is :func:`height_values`: on log-scaled surfaces
    :math:`\log_{10}(1 + f - f^*)`, which keeps walls thousands of times higher in view
    without the needle-sharp valley floors of the map's finer log scale. The z axis
    carries the scale, so there is no colour bar. Traces: surface, [minima], then one line
    per label. Mesh heights and values are float32 (half the payload, same picture).
    """
    xs, ys, values = grid
    shown = height_values(surface, values)
    traces = [
        go.Surface(
            x=xs,
            y=ys,
            z=shown.astype(np.float32),
            colorscale=SURFACE_COLORSCALE,
            showscale=False,
            lighting={"ambient": 0.85, "diffuse": 0.35, "specular": 0.05, "roughness": 0.9},
            customdata=np.asarray(values, dtype=np.float32),
            hovertemplate="x=%{x:.3f}<br>y=%{y:.3f}<br>f=%{customdata:.4g}<extra></extra>",
            name="surface",
            showlegend=False,
        )
    ]
    lift = 0.02 * float(np.ptp(shown))
    if surface.minima:
        traces.append(_minima_trace(surface, shown, lift))
    if result is not None:
        traces += _path_traces(surface, shown, result, colors, lift)
    z_title = "log₁₀(1 + f − f*)" if surface.log_scale else "f"
    figure = go.Figure(traces)
    figure.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 11}},
        scene={
            "xaxis": {"title": "x"},
            "yaxis": {"title": "y"},
            "zaxis": {"title": z_title},
            "camera": {"eye": {"x": 0.6, "y": -2.0, "z": 1.5}},
        },
        uirevision=surface.name,
    )
    return figure
