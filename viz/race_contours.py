"""The contour map of a race surface: a banded picture plus an invisible read-out grid.

Plotly drops contour and heatmap traces while it animates scatter traces, so the map under
the animated race is a PNG layout image (:func:`surface_image`) with :data:`BANDS` colour
bands and darker band edges, and the colour bar, hover read-out and click targets come from
invisible markers (:func:`value_grid_trace`).
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

from viz.race_style import SURFACE_COLORSCALE, shown_values, value_label

BANDS = 24
"""Colour bands of the contour map."""
EDGE_SHADE = 0.82
"""Brightness factor of the pixels on a band edge (the contour lines)."""


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


def value_grid_trace(surface, grid, n: int = 41, click_hint: bool = False) -> dict:
    """Invisible markers on an ``n`` x ``n`` subgrid: hover read-out, colour bar, click target.

    Plotly reports clicks on data points only, so a page that listens to point selections
    reads a clicked marker as a new start. The marker colours carry the colour bar of the
    map (:func:`surface_image` is a picture without one); selection styling keeps the
    markers invisible. Coordinates and values are float32, which is plenty for a read-out
    and halves the payload.
    """
    xs, ys, values = grid
    rows = np.unique(np.rint(np.linspace(0, len(ys) - 1, n)).astype(int))
    columns = np.unique(np.rint(np.linspace(0, len(xs) - 1, n)).astype(int))
    grid_x, grid_y = np.meshgrid(xs[columns], ys[rows])
    picked = values[np.ix_(rows, columns)]
    shown = shown_values(surface, values)
    colorbar = {"title": {"text": value_label(surface), "side": "right"}, "thickness": 14}
    if surface.log_scale:
        colorbar.update(_log_colorbar(shown))
    invisible = {"marker": {"opacity": 0}}
    hint = "<br>click to start here" if click_hint else ""
    return {
        "type": "scatter",
        "x": grid_x.ravel().astype(np.float32),
        "y": grid_y.ravel().astype(np.float32),
        "mode": "markers",
        "marker": {
            "size": 8,
            "opacity": 0,
            "color": shown_values(surface, picked).ravel().astype(np.float32),
            "colorscale": SURFACE_COLORSCALE,
            "cmin": float(np.min(shown)),
            "cmax": float(np.max(shown)),
            "showscale": True,
            "colorbar": colorbar,
        },
        "selected": invisible,
        "unselected": invisible,
        "customdata": picked.ravel().astype(np.float32),
        "name": "surface",
        "showlegend": False,
        "hovertemplate": (
            f"(%{{x:.2f}}, %{{y:.2f}})<br>f = %{{customdata:.4g}}{hint}<extra></extra>"
        ),
    }
