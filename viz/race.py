r"""Figures of the optimizer race: paths over a contour (animated), the surface in 3-D, loss
and learning rate per step, and training curves of the race on a network.

Pure functions of ``core`` results (``lessons.race.surfaces.RaceResult``, the grid from
``lessons.race.summary.surface_grid``, ``lessons.race.network_race.NetworkRaceResult``) that return
``plotly.graph_objects.Figure``. Every figure colours an optimizer the same way, through a
``colors`` mapping label -> colour (see :func:`assign_colors`).

Surfaces whose values span several decades (``Surface.log_scale``) are coloured by
:math:`\log_{10}(f - f^* + \varepsilon)` with :math:`\varepsilon` = :data:`LOG_FLOOR`, and the
colour bar is labelled with :math:`f - f^*` itself.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz.animation import play_pause_menu

OPTIMIZER_COLORS = {
    "sgd": "#D62728",
    "momentum": "#FF7F0E",
    "nesterov": "#8C564B",
    "adagrad": "#9467BD",
    "rmsprop": "#2CA02C",
    "adam": "#1F1F1F",
    "adamw": "#E377C2",
}
"""Colour of each optimizer (by ``core.optimizers`` name) in every race figure."""
FALLBACK_COLORS = ("#D62728", "#FF7F0E", "#9467BD", "#2CA02C", "#1F1F1F", "#E377C2", "#8C564B")

SURFACE_COLORSCALE = [
    [0.0, "#FFFFFF"],
    [0.3, "#DEEBF7"],
    [0.7, "#9ECAE1"],
    [1.0, "#4A98C9"],
]
"""Pale low, saturated high, so coloured paths stay readable on top."""
BANDS = 24
"""Colour bands of the contour map."""
EDGE_SHADE = 0.82
"""Brightness factor of the pixels on a band edge (the contour lines)."""
LOG_FLOOR = 1e-3
"""Offset ε in the log colouring, so the minimum itself has a finite colour."""
LOSS_FLOOR = 1e-16
"""Smallest gap f − f* drawn on the log axis of the loss chart (double-precision noise)."""
LOSS_HEADROOM = 1e3
"""The loss chart's log axis ends this many times above the starting gap."""
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


def assign_colors(labels: Sequence[str], names: Sequence[str] | None = None) -> dict[str, str]:
    """Label -> colour: an optimizer's own colour when its ``core.optimizers`` name is given.

    Parameters
    ----------
    labels : sequence of str
        Trace labels in race order.
    names : sequence of str, optional
        Optimizer name of each label (same length); labels without a known name get the
        fallback palette in order.
    """
    names = list(names) if names is not None else [None] * len(labels)
    if len(names) != len(labels):
        raise ValueError(f"got {len(labels)} labels but {len(names)} optimizer names")
    colors = {}
    for index, (label, name) in enumerate(zip(labels, names, strict=True)):
        colors[label] = OPTIMIZER_COLORS.get(name, FALLBACK_COLORS[index % len(FALLBACK_COLORS)])
    return colors


def _colors(labels, colors: Mapping[str, str] | None) -> dict[str, str]:
    colors = dict(colors or {})
    missing = [label for label in labels if label not in colors]
    colors.update(assign_colors(missing))
    return colors


# ---------------------------------------------------------------------------------------------
# Colouring the surface
# ---------------------------------------------------------------------------------------------


def shown_values(surface, values) -> np.ndarray:
    r"""What the colour (and the 3-D height) shows for ``f`` values on ``surface``.

    :math:`\log_{10}(\max(f - f^*, 0) + \varepsilon)` for log-scaled surfaces, ``f`` itself
    otherwise. Shape is preserved.
    """
    values = np.asarray(values, dtype=np.float64)
    if not surface.log_scale:
        return values
    gap = np.maximum(values - (surface.min_value or 0.0), 0.0)
    return np.log10(gap + LOG_FLOOR)


def _value_label(surface) -> str:
    return "f − f*" if surface.log_scale else "f(x, y)"


def _log_colorbar(shown: np.ndarray) -> dict:
    """Colour bar ticks at whole decades, labelled with the gap f − f* they stand for."""
    low, high = int(np.floor(np.nanmin(shown))), int(np.ceil(np.nanmax(shown)))
    decades = np.arange(low, high + 1)
    return {
        "tickvals": decades.tolist(),
        "ticktext": [f"{10.0**k:g}" for k in decades],
    }


def _rgb(fraction: np.ndarray) -> np.ndarray:
    """Colours of :data:`SURFACE_COLORSCALE` at ``fraction`` in [0, 1]; shape (..., 3), 0-255."""
    stops = [stop for stop, _ in SURFACE_COLORSCALE]
    channels = np.array(
        [[int(colour[i : i + 2], 16) for i in (1, 3, 5)] for _, colour in SURFACE_COLORSCALE],
        dtype=np.float64,
    )
    return np.stack([np.interp(fraction, stops, channels[:, c]) for c in range(3)], axis=-1)


def _png(rgb: np.ndarray) -> bytes:
    """A minimal PNG file (8-bit RGB, no filtering) of an array of shape (height, width, 3)."""
    height, width, _ = rgb.shape
    rows = b"".join(b"\x00" + row.tobytes() for row in np.ascontiguousarray(rgb, np.uint8))

    def chunk(tag: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def band_levels(surface, values, bands: int = BANDS) -> np.ndarray:
    """Index of the colour band, 0 .. bands - 1, of each value (bands are even in shown units)."""
    shown = shown_values(surface, values)
    low, high = float(np.min(shown)), float(np.max(shown))
    scaled = (shown - low) / (high - low) if high > low else np.zeros_like(shown)
    return np.clip(np.floor(scaled * bands), 0, bands - 1).astype(int)


def surface_image(surface, grid, bands: int = BANDS) -> dict:
    """The contour map as a layout image: ``bands`` colour bands with darker edges.

    Plotly drops contour and heatmap traces while it animates scatter traces, so the map is
    a picture under the plot instead. Pixel ``[i, j]`` shows ``values[i, j]``.

    Parameters
    ----------
    surface : lessons.race.surfaces.Surface
    grid : (xs, ys, values)
        xs of shape (w,), ys of shape (h,), values of shape (h, w) from ``surface_grid``.

    Returns
    -------
    dict
        A ``layout.images`` entry in data coordinates, with a PNG data URI as ``source``.
    """
    xs, ys, values = grid
    level = band_levels(surface, values, bands)
    rgb = _rgb((level + 0.5) / bands)
    edge = np.zeros(level.shape, dtype=bool)
    edge[:, 1:] |= level[:, 1:] != level[:, :-1]
    edge[1:, :] |= level[1:, :] != level[:-1, :]
    rgb[edge] *= EDGE_SHADE
    # Image rows run from the top down, grid rows from the bottom up.
    picture = np.rint(rgb[::-1]).astype(np.uint8)
    return {
        "source": "data:image/png;base64," + base64.b64encode(_png(picture)).decode("ascii"),
        "xref": "x",
        "yref": "y",
        "x": float(xs[0]),
        "y": float(ys[-1]),
        "sizex": float(xs[-1] - xs[0]),
        "sizey": float(ys[-1] - ys[0]),
        "sizing": "stretch",
        "layer": "below",
    }


def value_grid_trace(surface, grid, n: int = 41, click_hint: bool = False) -> go.Scatter:
    """Invisible markers on an ``n`` x ``n`` subgrid: hover read-out, colour bar, click target.

    Plotly reports clicks on data points only, so a page that listens to point selections
    reads a clicked marker as a new start. The marker colours carry the colour bar of the
    map (:func:`surface_image` is a picture without one); selection styling keeps the
    markers invisible.
    """
    xs, ys, values = grid
    rows = np.unique(np.rint(np.linspace(0, len(ys) - 1, n)).astype(int))
    columns = np.unique(np.rint(np.linspace(0, len(xs) - 1, n)).astype(int))
    grid_x, grid_y = np.meshgrid(xs[columns], ys[rows])
    picked = values[np.ix_(rows, columns)]
    shown = shown_values(surface, values)
    colorbar = {"title": {"text": _value_label(surface), "side": "right"}, "thickness": 14}
    if surface.log_scale:
        colorbar.update(_log_colorbar(shown))
    invisible = {"marker": {"opacity": 0}}
    hint = "<br>click to start here" if click_hint else ""
    return go.Scatter(
        x=grid_x.ravel(),
        y=grid_y.ravel(),
        mode="markers",
        marker={
            "size": 8,
            "opacity": 0,
            "color": shown_values(surface, picked).ravel(),
            "colorscale": SURFACE_COLORSCALE,
            "cmin": float(np.min(shown)),
            "cmax": float(np.max(shown)),
            "showscale": True,
            "colorbar": colorbar,
        },
        selected=invisible,
        unselected=invisible,
        customdata=picked.ravel(),
        name="surface",
        showlegend=False,
        hovertemplate=f"(%{{x:.2f}}, %{{y:.2f}})<br>f = %{{customdata:.4g}}{hint}<extra></extra>",
    )


def _marker_traces(surface, start) -> list[go.Scatter]:
    traces = []
    if surface.minima:
        minima = np.asarray(surface.minima)
        traces.append(
            go.Scatter(
                x=minima[:, 0],
                y=minima[:, 1],
                mode="markers",
                marker=MINIMUM_STYLE,
                unselected=NOT_DIMMED,
                name="global minimum" if len(minima) == 1 else "global minima",
                hovertemplate="minimum (%{x:.4f}, %{y:.4f})<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            x=[start[0]],
            y=[start[1]],
            mode="markers",
            marker=START_STYLE,
            unselected=NOT_DIMMED,
            name="start",
            hovertemplate="start (%{x:.3f}, %{y:.3f})<extra></extra>",
        )
    )
    return traces


# ---------------------------------------------------------------------------------------------
# The animated race
# ---------------------------------------------------------------------------------------------


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


def _legend_name(result, label: str) -> str:
    failed = result.diverged_at[label]
    return label if failed is None else f"{label} (diverged at step {failed})"


def _moving_traces(points_by_label, labels, colors, k, legend_names=None) -> list[dict]:
    """The paths up to step ``k`` (one line per label) and one trace with every head dot.

    A path that diverged stops at its last finite point. ``legend_names`` (label -> legend
    text) adds colours and legend entries, for the figure's own traces; frames carry only
    coordinates, which Plotly merges into those traces. Plain dicts rather than
    ``go.Scatter``: the figure validates them once, and there are many frames.
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
        From ``lessons.race.summary.surface_grid``.
    result : lessons.race.surfaces.RaceResult
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
        The map is a layout image (:func:`surface_image`). Traces in order: the
        :func:`value_grid_trace`, [minima], start, one faint full path per
        label (with hover), the path so far of each label (with the legend entry), and one
        trace of head dots (one per label, in order). Frames are named by their step and
        update only those last ``len(labels) + 1`` traces. The figure opens on the final
        frame; the slider's active step is the last one.
    """
    labels = list(result.paths)
    colors = _colors(labels, colors)
    if start is None:
        start = result.paths[labels[0]][0] if labels else surface.start
    points = {label: _display_points(surface, result.paths[label]) for label in labels}
    steps = frame_steps(result.steps, len(labels), max_frames)

    static = [value_grid_trace(surface, grid, click_hint=click_hint)]
    static += _marker_traces(surface, start)
    for label in labels:
        path, losses = result.paths[label], result.losses[label]
        static.append(
            go.Scatter(
                x=points[label][:, 0],
                y=points[label][:, 1],
                mode="lines",
                line={"color": colors[label], "width": 1},
                opacity=0.5,
                name=_legend_name(result, label),
                legendgroup=label,
                showlegend=False,
                customdata=np.column_stack([np.arange(len(path)), losses]),
                hovertemplate=(
                    f"{label}<br>step %{{customdata[0]}}<br>(%{{x:.4f}}, %{{y:.4f}})"
                    "<br>f=%{customdata[1]:.4g}<extra></extra>"
                ),
            )
        )
    moving_indices = list(range(len(static), len(static) + len(labels) + 1))
    frames = [
        {
            "name": str(k),
            "data": _moving_traces(points, labels, colors, k),
            "traces": moving_indices,
        }
        for k in steps
    ]
    figure = go.Figure(
        data=static
        + _moving_traces(
            points,
            labels,
            colors,
            int(steps[-1]),
            {label: _legend_name(result, label) for label in labels},
        ),
        frames=frames,
    )
    (x0, x1), (y0, y1) = surface.bounds
    figure.update_layout(
        height=height,
        margin={"l": 50, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 11}},
        xaxis={"title": "x", "range": [x0, x1], **MAP_AXIS},
        yaxis={"title": "y", "range": [y0, y1], **MAP_AXIS},
        images=[surface_image(surface, grid)],
        uirevision=surface.name,
        sliders=[
            {
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
                "steps": [
                    {
                        "label": str(k),
                        "method": "animate",
                        "args": [
                            [str(k)],
                            {
                                "mode": "immediate",
                                "frame": {"duration": 0, "redraw": False},
                                "transition": {"duration": 0},
                            },
                        ],
                    }
                    for k in steps
                ],
            }
        ],
        updatemenus=[play_pause_menu(frame_ms=frame_ms, redraw=False, x=0.18, pad_top=55)],
    )
    return figure


# ---------------------------------------------------------------------------------------------
# The surface in 3-D
# ---------------------------------------------------------------------------------------------


def height_values(surface, values) -> np.ndarray:
    r"""Height of the 3-D view: :math:`\log_{10}(1 + \max(f - f^*, 0))` on log-scaled
    surfaces, ``f`` itself otherwise. Shape is preserved."""
    values = np.asarray(values, dtype=np.float64)
    if not surface.log_scale:
        return values
    return np.log10(1.0 + np.maximum(values - (surface.min_value or 0.0), 0.0))


def surface_3d(
    surface, grid, result=None, colors: Mapping[str, str] | None = None, height: int = 560
) -> go.Figure:
    r"""The surface as a 3-D mesh with each path drawn on it and the minima marked.

    The height is :func:`height_values`: on log-scaled surfaces
    :math:`\log_{10}(1 + f - f^*)`, which keeps walls thousands of times higher in view
    without the needle-sharp valley floors of the map's finer log scale. The z axis
    carries the scale, so there is no colour bar. Traces: surface, [minima], then one line
    per label.
    """
    xs, ys, values = grid
    shown = height_values(surface, values)
    traces = [
        go.Surface(
            x=xs,
            y=ys,
            z=shown,
            colorscale=SURFACE_COLORSCALE,
            showscale=False,
            lighting={"ambient": 0.85, "diffuse": 0.35, "specular": 0.05, "roughness": 0.9},
            customdata=values,
            hovertemplate="x=%{x:.3f}<br>y=%{y:.3f}<br>f=%{customdata:.4g}<extra></extra>",
            name="surface",
            showlegend=False,
        )
    ]
    lift = 0.02 * float(np.ptp(shown))
    if surface.minima:
        minima = np.asarray(surface.minima)
        # The grid rarely hits a minimum exactly; keep the marker on the drawn mesh.
        floor = float(np.min(shown))
        heights = np.maximum(height_values(surface, surface.f(minima[:, 0], minima[:, 1])), floor)
        traces.append(
            go.Scatter3d(
                x=minima[:, 0],
                y=minima[:, 1],
                z=heights + lift,
                mode="markers",
                marker={"symbol": "diamond", "size": 6, "color": "#FFD700", "line": {"width": 1}},
                name="global minimum" if len(minima) == 1 else "global minima",
            )
        )
    if result is not None:
        labels = list(result.paths)
        colors = _colors(labels, colors)
        (x0, x1), (y0, y1) = surface.bounds
        low, high = float(np.min(shown)), float(np.max(shown))
        for label in labels:
            path = result.paths[label]
            inside = (
                (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
            )
            heights = np.clip(height_values(surface, result.losses[label]), low, high) + lift
            traces.append(
                go.Scatter3d(
                    x=np.where(inside, path[:, 0], np.nan),
                    y=np.where(inside, path[:, 1], np.nan),
                    z=np.where(inside, heights, np.nan),
                    mode="lines",
                    line={"color": colors[label], "width": 5},
                    name=_legend_name(result, label),
                )
            )
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


# ---------------------------------------------------------------------------------------------
# Loss and learning rate per step
# ---------------------------------------------------------------------------------------------


def loss_curves(
    surface,
    result,
    colors: Mapping[str, str] | None = None,
    tolerance: float | None = None,
    height: int = 340,
) -> go.Figure:
    """Loss against step: the gap f − f* on a log axis, or f itself without a known minimum.

    Gaps below :data:`LOSS_FLOOR` are drawn at the floor. The log axis ends
    :data:`LOSS_HEADROOM` times above the starting gap, so a run that blows up leaves the
    chart at the top instead of squashing the others; a diverged run ends with an ✕ at its
    last finite step (held at the top edge if it is off the chart). ``tolerance`` adds a
    dashed line at that gap.
    """
    labels = list(result.paths)
    colors = _colors(labels, colors)
    has_minimum = surface.min_value is not None
    figure = go.Figure()
    curves = {}
    for label in labels:
        losses = result.losses[label]
        curves[label] = (
            np.maximum(losses - surface.min_value, LOSS_FLOOR) if has_minimum else losses
        )
    top = None
    if has_minimum and labels:
        start = max(float(curve[0]) for curve in curves.values())
        lowest = min(float(np.min(curve)) for curve in curves.values())
        top = start * LOSS_HEADROOM
        figure.update_yaxes(range=[np.log10(lowest) - 0.5, np.log10(top)])
    for label in labels:
        shown = curves[label]
        figure.add_trace(
            go.Scatter(
                x=np.arange(len(shown)),
                y=shown,
                mode="lines",
                line={"color": colors[label], "width": 2},
                name=_legend_name(result, label),
                legendgroup=label,
                hovertemplate=f"{label}<br>step %{{x}}<br>%{{y:.3g}}<extra></extra>",
            )
        )
        if result.diverged_at[label] is not None:
            figure.add_trace(
                go.Scatter(
                    x=[len(shown) - 1],
                    y=[shown[-1] if top is None else min(shown[-1], top)],
                    mode="markers",
                    marker={"symbol": "x", "size": 12, "color": colors[label]},
                    cliponaxis=False,
                    legendgroup=label,
                    showlegend=False,
                    hovertemplate=(
                        f"{label} diverged at step {result.diverged_at[label]}<extra></extra>"
                    ),
                )
            )
    if tolerance is not None and has_minimum:
        figure.add_hline(y=tolerance, line={"dash": "dash", "color": "grey", "width": 1})
        # Annotations on a log axis take log10 of the value as their y.
        figure.add_annotation(
            x=1,
            xref="paper",
            y=float(np.log10(tolerance)),
            yref="y",
            text=f"f − f* = {tolerance:g}",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"size": 11, "color": "grey"},
        )
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 10, "t": 40, "b": 40},
        title={"text": "Loss per step", "x": 0, "font": {"size": 15}},
        xaxis={"title": "step"},
        yaxis={
            "title": "f − f* (log scale)" if has_minimum else "f(x, y)",
            "type": "log" if has_minimum else "linear",
            "exponentformat": "power",
        },
        showlegend=False,
    )
    return figure


def _log_ticks(arrays) -> dict:
    """Tick settings for a log axis: 1-2-5 labels within a decade or two, else powers of 10."""
    values = np.concatenate([np.ravel(array) for array in arrays] or [np.ones(1)])
    values = values[values > 0]
    spread = np.log10(values.max() / values.min()) if values.size else 0.0
    if spread <= 1.5:
        return {"dtick": "D2", "tickformat": "~g"}
    return {"dtick": 1, "exponentformat": "power"}


def learning_rate_chart(
    result, colors: Mapping[str, str] | None = None, height: int = 340
) -> go.Figure:
    """Learning rate used at each step, one line per optimizer, on a log axis."""
    labels = list(result.lrs)
    colors = _colors(labels, colors)
    figure = go.Figure()
    for label in labels:
        lrs = result.lrs[label]
        figure.add_trace(
            go.Scatter(
                x=np.arange(len(lrs)),
                y=lrs,
                mode="lines",
                line={"color": colors[label], "width": 2, "shape": "hv"},
                name=label,
                hovertemplate=f"{label}<br>step %{{x}}<br>η = %{{y:.3g}}<extra></extra>",
            )
        )
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 10, "t": 40, "b": 40},
        title={"text": "Learning rate per step", "x": 0, "font": {"size": 15}},
        xaxis={"title": "step"},
        yaxis={"title": "η (log scale)", "type": "log", **_log_ticks(result.lrs.values())},
        showlegend=False,
    )
    return figure


# ---------------------------------------------------------------------------------------------
# The race on a network
# ---------------------------------------------------------------------------------------------


def network_curves(
    result,
    colors: Mapping[str, str] | None = None,
    target: float | None = None,
    height: int = 380,
) -> go.Figure:
    """Training loss and validation accuracy per epoch for each optimizer, side by side.

    Parameters
    ----------
    result : lessons.race.network_race.NetworkRaceResult
    colors : mapping label -> colour, optional
    target : float, optional
        Validation accuracy drawn as a dashed line (defaults to ``result.target_accuracy``).

    Returns
    -------
    go.Figure
        Two subplots; traces alternate loss (left) and accuracy (right) per label.
    """
    labels = list(result.runs)
    colors = _colors(labels, colors)
    target = result.target_accuracy if target is None else target
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Training loss", "Validation accuracy"),
        horizontal_spacing=0.1,
    )
    # (column, values of a run, hover text); the first column carries the legend.
    panels = (
        (1, lambda run: run.loss, "loss %{y:.4f}"),
        (2, lambda run: run.val_accuracy, "accuracy %{y:.3f}"),
    )
    for label in labels:
        run = result.runs[label]
        epochs = np.arange(1, len(run.loss) + 1)
        for column, values, hover in panels:
            figure.add_trace(
                go.Scatter(
                    x=epochs,
                    y=values(run),
                    mode="lines",
                    line={"color": colors[label], "width": 2},
                    name=label if not run.diverged else f"{label} (diverged)",
                    legendgroup=label,
                    showlegend=column == 1,
                    hovertemplate=f"{label}<br>epoch %{{x}}<br>{hover}<extra></extra>",
                ),
                row=1,
                col=column,
            )
    if target is not None:
        figure.add_hline(
            y=target,
            line={"dash": "dash", "color": "grey", "width": 1},
            annotation_text=f"{target:.0%}",
            annotation_position="bottom right",
            row=1,
            col=2,
        )
    figure.update_layout(
        height=height,
        margin={"l": 50, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "x": 0, "y": -0.2},
    )
    figure.update_xaxes(title_text="epoch")
    figure.update_yaxes(title_text="loss (BCE)", row=1, col=1)
    figure.update_yaxes(title_text="accuracy", tickformat=".0%", row=1, col=2)
    return figure
