"""The race map: every path over the contour map, animated client-side with Play and a slider.

Traces and frames are plain dicts and the figure is built without Plotly's per-property
validation: the map carries up to :data:`MAX_FRAMES` frames, and validating them took most
of a page run.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from viz.animation import frame_slider_steps, play_pause_menu
from viz.figures import fast_figure
from viz.race_contours import surface_image, value_grid_trace
from viz.race_style import fill_colors, legend_name

MAP_PIXELS = 300
"""Grid points per side of the contour picture (``surface_grid(surface, MAP_PIXELS)``)."""
MAX_FRAMES = 60
POINT_BUDGET = 40_000
"""Animated path points summed over all frames and optimizers; sets the frame count."""
MAP_AXIS = {"autorange": False, "showgrid": False, "zeroline": False}
"""Axes of the map: fixed to the surface's bounds, no grid lines over the picture."""
NOT_DIMMED = {"marker": {"opacity": 1}}
"""Selection styling for markers that must stay visible while a start point is selected."""
MINIMUM_STYLE = {
    "symbol": "star",
    "size": 16,
    "color": "#FFD700",
    "line": {"color": "black", "width": 1},
}
START_STYLE = {"symbol": "circle-open", "size": 14, "color": "black", "line": {"width": 2}}


def frame_steps(steps: int, n_paths: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Steps that get an animation frame: evenly spread over 0..steps, always both ends.

    The count is capped by ``max_frames`` and by :data:`POINT_BUDGET`: frame ``k`` carries
    about ``k`` points per path, so the whole animation carries about
    ``frames * steps / 2 * n_paths`` points.

    Returns
    -------
    ndarray of int, sorted, unique, starting at 0 and ending at ``steps``
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    by_budget = int(2 * POINT_BUDGET / max(1, steps * max(1, n_paths)))
    count = max(2, min(max_frames, steps + 1, by_budget))
    return np.unique(np.rint(np.linspace(0, steps, count)).astype(int))


def _display_points(surface, path: np.ndarray) -> np.ndarray:
    """Path coordinates clipped to a wide box around the plot, as float32 for a small payload.

    A finite but enormous coordinate (an optimizer flung far away) would overflow float32;
    outside the axes it is invisible anyway.
    """
    (x0, x1), (y0, y1) = surface.bounds
    span = max(x1 - x0, y1 - y0)
    low = np.array([x0, y0]) - 100 * span
    high = np.array([x1, y1]) + 100 * span
    return np.clip(path, low, high).astype(np.float32)


def _marker_traces(surface, start) -> list[dict]:
    """The global minima (if any) as stars, and the start as an open circle."""
    traces = []
    if surface.minima:
        minima = np.asarray(surface.minima)
        traces.append(
            {
                "type": "scatter",
                "x": minima[:, 0],
                "y": minima[:, 1],
                "mode": "markers",
                "marker": MINIMUM_STYLE,
                "unselected": NOT_DIMMED,
                "name": "global minimum" if len(minima) == 1 else "global minima",
                "hovertemplate": "minimum (%{x:.4f}, %{y:.4f})<extra></extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": [float(start[0])],
            "y": [float(start[1])],
            "mode": "markers",
            "marker": START_STYLE,
            "unselected": NOT_DIMMED,
            "name": "start",
            "hovertemplate": "start (%{x:.3f}, %{y:.3f})<extra></extra>",
        }
    )
    return traces


def _faint_path(result, label: str, points: np.ndarray, color: str) -> dict:
    """A whole path, thin and half transparent, with step and f in its hover text."""
    return {
        "type": "scatter",
        "x": points[:, 0],
        "y": points[:, 1],
        "mode": "lines",
        "line": {"color": color, "width": 1},
        "opacity": 0.5,
        "name": legend_name(result, label),
        "legendgroup": label,
        "showlegend": False,
        "customdata": np.column_stack([np.arange(len(points)), result.losses[label]]),
        "hovertemplate": (
            f"{label}<br>step %{{customdata[0]}}<br>(%{{x:.4f}}, %{{y:.4f}})"
            "<br>f=%{customdata[1]:.4g}<extra></extra>"
        ),
    }


def _moving_traces(points_by_label, labels, colors, k, legend_names=None) -> list[dict]:
    """The paths up to step ``k`` (one line per label) and one trace with every head dot.

    A path that diverged stops at its last finite point. ``legend_names`` (label -> legend
    text) adds colours and legend entries, for the figure's own traces; frames carry only
    coordinates, which Plotly merges into those traces.
    """
    traces, heads = [], []
    for label in labels:
        points = points_by_label[label]
        upto = min(k, len(points) - 1)
        heads.append(points[upto])
        traces.append({"type": "scatter", "x": points[: upto + 1, 0], "y": points[: upto + 1, 1]})
    heads = np.asarray(heads, dtype=np.float32).reshape(-1, 2)
    traces.append({"type": "scatter", "x": heads[:, 0], "y": heads[:, 1]})
    if legend_names is not None:
        for label, trace in zip(labels, traces, strict=False):
            trace.update(
                mode="lines",
                line={"color": colors[label], "width": 2.5},
                name=legend_names[label],
                legendgroup=label,
                hoverinfo="skip",
            )
        traces[-1].update(
            mode="markers",
            marker={
                "color": [colors[label] for label in labels],
                "size": 11,
                "line": {"color": "white", "width": 1.5},
            },
            unselected=NOT_DIMMED,
            hoverinfo="skip",
            showlegend=False,
        )
    return traces


def _step_slider(steps: np.ndarray) -> dict:
    """A slider over the frames, opened on the last one, its tick labels hidden."""
    return {
        "active": len(steps) - 1,
        "currentvalue": {"prefix": "Step ", "font": {"size": 13}},
        "x": 0.2,
        "len": 0.8,
        "y": 0,
        "yanchor": "top",
        "pad": {"t": 45, "b": 0},
        "ticklen": 0,
        "minorticklen": 0,
        "font": {"size": 1, "color": "rgba(0, 0, 0, 0)"},
        "steps": frame_slider_steps(steps, redraw=False),
    }


def _map_layout(surface, grid, steps: np.ndarray, height: int, frame_ms: int) -> dict:
    """Axes fixed to the surface's bounds over the contour picture, slider and Play button."""
    (x0, x1), (y0, y1) = surface.bounds
    return {
        "height": height,
        "margin": {"l": 50, "r": 10, "t": 40, "b": 10},
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 11},
        },
        "xaxis": {"title": {"text": "x"}, "range": [x0, x1], **MAP_AXIS},
        "yaxis": {"title": {"text": "y"}, "range": [y0, y1], **MAP_AXIS},
        "images": [surface_image(surface, grid)],
        "uirevision": surface.name,
        "sliders": [_step_slider(steps)],
        "updatemenus": [play_pause_menu(frame_ms=frame_ms, redraw=False, x=0.18, pad_top=55)],
    }


def race_animation(
    surface,
    grid,
    result,
    colors: Mapping[str, str] | None = None,
    start=None,
    max_frames: int = MAX_FRAMES,
    frame_ms: int = 60,
    height: int = 560,
    click_hint: bool = False,
) -> go.Figure:
    """All paths of a race over the contour, animated client-side with Play and a slider.

    Parameters
    ----------
    surface : lessons.race.surfaces.Surface
    grid : (xs, ys, values)
        From ``lessons.race.summary.surface_grid`` (:data:`MAP_PIXELS` per side reads well).
    result : lessons.race.racing.RaceResult
    colors : mapping label -> colour, optional
    start : (x, y), optional
        Marked start; defaults to the first point of the first path.
    max_frames : int
        Frame cap (see :func:`frame_steps`).
    frame_ms : int
        Milliseconds per frame while playing.
    height : int
    click_hint : bool
        Say in the hover text that a click picks a new start (for pages that listen).

    Returns
    -------
    go.Figure
        The map is a layout image (``race_contours.surface_image``). Traces in order: the
        ``race_contours.value_grid_trace``, [minima], start, one faint full path per label
        (with hover), the path so far of each label (with the legend entry), and one trace
        of head dots (one per label, in order). Frames are named by their step and update
        only those last ``len(labels) + 1`` traces. The figure opens on the final frame;
        the slider's active step is the last one.
    """
    labels = list(result.paths)
    colors = fill_colors(labels, colors)
    if start is None:
        start = result.paths[labels[0]][0] if labels else surface.start
    points = {label: _display_points(surface, result.paths[label]) for label in labels}
    steps = frame_steps(result.steps, len(labels), max_frames)

    static = [value_grid_trace(surface, grid, click_hint=click_hint)]
    static += _marker_traces(surface, start)
    static += [_faint_path(result, label, points[label], colors[label]) for label in labels]
    moving = list(range(len(static), len(static) + len(labels) + 1))
    frames = [
        {"name": str(k), "data": _moving_traces(points, labels, colors, k), "traces": moving}
        for k in steps
    ]
    legend_names = {label: legend_name(result, label) for label in labels}
    final = _moving_traces(points, labels, colors, int(steps[-1]), legend_names)
    layout = _map_layout(surface, grid, steps, height, frame_ms)
    return fast_figure(static + final, layout, frames)
