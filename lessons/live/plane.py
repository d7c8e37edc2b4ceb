r"""What the network computes over the input plane: the live trainer's pictures as numbers.

Every frame the trainer page shows the output as a large decision map and every input
feature and neuron as a small thumbnail. This module turns a :class:`core.mlp.MLP` into
those arrays:

* :func:`plane_grid` — a ``resolution × resolution`` grid of points over the plane, and
  :func:`grid_inputs` / :func:`shared_grid_inputs` — the network inputs at those points;
* :func:`network_maps` — the output at every grid point, and a ``thumb × thumb``
  thumbnail of every input feature and every neuron (sampled at block centres);
* :func:`decision_values` — the output map as heatmap values (probability, regression
  value, or class + confidence for several classes; optionally discretised);
* :func:`display_thumbnails` — every thumbnail mapped onto the colour range [-1, 1].

Grid points are ordered row by row with ``x1`` running fastest, so an array of grid values
of shape ``(resolution ** 2,)`` reshapes to ``(resolution, resolution)`` indexed
``[row of x2, column of x1]`` — the orientation of a Plotly heatmap's ``z``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from lessons.datasets import features

PLANE_EXTENT = 6.0
"""Half-width of the plotted input plane: the Playground shows x1, x2 in [-6, 6]."""

OUTPUT_RESOLUTION = 100
"""Grid points per side of the output decision map."""

THUMBNAIL_SIZE = 20
"""Cells per side of a neuron thumbnail (subsampled from the output grid)."""

DATA_KINDS = ("binary", "multiclass", "regression")


def positive_int(value, name: str, minimum: int = 1) -> int:
    """``value`` as an int, or a ValueError naming ``name`` when it is not an integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# ---------------------------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaneGrid:
    """A square grid of points over the input plane.

    Attributes
    ----------
    xs, ys : ndarray of shape (resolution,)
        Coordinates of the cell centres along x1 and x2, increasing.
    points : ndarray of shape (resolution ** 2, 2)
        Every (x1, x2) pair; ``points[i * resolution + j] == (xs[j], ys[i])``.
    """

    xs: np.ndarray
    ys: np.ndarray
    points: np.ndarray

    @property
    def resolution(self) -> int:
        return self.xs.shape[0]


def plane_grid(resolution: int = OUTPUT_RESOLUTION, extent: float = PLANE_EXTENT) -> PlaneGrid:
    """Cell centres of a ``resolution × resolution`` grid over ``[-extent, extent]²``.

    Parameters
    ----------
    resolution : int
        Points per side, at least 2.
    extent : float
        Half-width of the square, > 0.
    """
    resolution = positive_int(resolution, "resolution", 2)
    extent = float(extent)
    if not (math.isfinite(extent) and extent > 0):
        raise ValueError(f"extent must be a positive number, got {extent}")
    step = 2.0 * extent / resolution
    axis = -extent + step * (np.arange(resolution) + 0.5)
    x1, x2 = np.meshgrid(axis, axis)
    return PlaneGrid(axis, axis.copy(), np.column_stack([x1.ravel(), x2.ravel()]))


def grid_inputs(grid: PlaneGrid, names) -> np.ndarray:
    """Network input at every grid point: ``lessons.datasets.features(grid.points, names)``.

    Returns
    -------
    ndarray of shape (resolution ** 2, len(names))
    """
    return features(grid.points, names)


@functools.lru_cache(maxsize=32)
def shared_grid_inputs(
    resolution: int, extent: float, names: tuple[str, ...]
) -> tuple[PlaneGrid, np.ndarray]:
    """:func:`plane_grid` and its :func:`grid_inputs`, computed once per process.

    A class of thirty students on the default settings shares one copy. The arrays are
    read-only: every session reads them, none may change them.
    """
    grid = plane_grid(resolution, extent)
    inputs = grid_inputs(grid, list(names))
    for array in (grid.xs, grid.ys, grid.points, inputs):
        array.setflags(write=False)
    return grid, inputs


def thumbnail_indices(resolution: int, thumb: int) -> np.ndarray:
    """Grid rows (or columns) sampled for a ``thumb``-cell thumbnail: block centres.

    The output grid is cut into ``thumb`` equal blocks per side and the point nearest each
    block's centre is kept, so a thumbnail shows the same square as the output map.

    Returns
    -------
    ndarray of shape (thumb,), int
    """
    resolution = positive_int(resolution, "resolution")
    thumb = positive_int(thumb, "thumb")
    if thumb > resolution:
        raise ValueError(f"a {thumb}-cell thumbnail cannot be cut from a {resolution}-point grid")
    return np.floor((np.arange(thumb) + 0.5) * resolution / thumb).astype(np.intp)


# ---------------------------------------------------------------------------------------------
# One forward pass over the plane
# ---------------------------------------------------------------------------------------------


@dataclass
class NetworkMaps:
    """What the network computes over the plane.

    Attributes
    ----------
    output : ndarray of shape (resolution, resolution, n_out)
        The network output (probabilities or values) at every grid point.
    thumbnails : list of ndarray, one per layer, each of shape (thumb, thumb, width)
        Layer 0 holds the input features, then every hidden layer's activations, and last
        the output layer, all sampled at :func:`thumbnail_indices`.
    """

    output: np.ndarray
    thumbnails: list[np.ndarray]


def network_maps(model, inputs: np.ndarray, resolution: int, thumb: int = THUMBNAIL_SIZE):
    """The output over the whole grid and every node's thumbnail.

    Only the output needs every grid point; the thumbnails come from a forward pass over
    the ``thumb²`` sampled points alone, which keeps big networks cheap to draw.

    Parameters
    ----------
    model : core.mlp.MLP
    inputs : ndarray of shape (resolution ** 2, n_features)
        From :func:`grid_inputs`.
    resolution : int
        Side of the grid ``inputs`` was built on.
    thumb : int
        Side of each thumbnail, at most ``resolution``.

    Returns
    -------
    NetworkMaps
    """
    resolution = positive_int(resolution, "resolution")
    if inputs.shape[0] != resolution * resolution:
        raise ValueError(
            f"inputs has {inputs.shape[0]} rows, expected {resolution}² = {resolution**2}"
        )
    rows = thumbnail_indices(resolution, thumb)
    sample = np.asarray(inputs[(rows[:, None] * resolution + rows[None, :]).ravel()])
    trace = model.forward_trace(sample)
    thumbnails = [sample.astype(model.dtype, copy=False).reshape(thumb, thumb, -1)]
    thumbnails += [layer["a"].reshape(thumb, thumb, -1) for layer in trace]
    output = model.forward(inputs).reshape(resolution, resolution, -1)
    return NetworkMaps(output=output, thumbnails=thumbnails)


# ---------------------------------------------------------------------------------------------
# Output map values
# ---------------------------------------------------------------------------------------------

MULTICLASS_SHADE = 0.999
"""Width of one class's band in :func:`decision_values` (just under 1 so bands never touch)."""


def _binary_values(output, discretize):
    p = output[..., 0]
    return (p >= 0.5).astype(output.dtype) if discretize else p


def _regression_values(output, discretize):
    value = output[..., 0]
    return np.where(value >= 0.0, 1.0, -1.0).astype(output.dtype) if discretize else value


def _multiclass_values(output, discretize):
    k = output.shape[-1]
    label = output.argmax(axis=-1)
    if discretize:
        confidence = np.ones(label.shape, dtype=output.dtype)
    else:
        # 1/k (a coin toss between all classes) -> 0, certainty -> 1
        confidence = (output.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k)
    return label + MULTICLASS_SHADE * np.clip(confidence, 0.0, 1.0)


_VALUE_RULES = {
    "binary": _binary_values,
    "regression": _regression_values,
    "multiclass": _multiclass_values,
}


def decision_values(output: np.ndarray, kind: str, discretize: bool = False) -> np.ndarray:
    r"""Heatmap values of the output map.

    Parameters
    ----------
    output : ndarray of shape (..., n_out)
        Network output at each point (e.g. ``NetworkMaps.output``).
    kind : {"binary", "multiclass", "regression"}
    discretize : bool
        Show only the decision (class or sign), like the Playground's "discretize output".

    Returns
    -------
    ndarray of shape (...)
        binary: :math:`P(y=1)` in [0, 1] (0 or 1 when discretised); regression: the value
        (±1 when discretised); multiclass: ``class + 0.999 * confidence`` where confidence
        maps the top probability from :math:`1/k` to 0 and from 1 to 1, so class ``c``
        fills the band ``[c, c + 1)`` and its shade says how sure the network is.
    """
    if kind not in _VALUE_RULES:
        raise ValueError(f"unknown data kind {kind!r}; choose from {', '.join(DATA_KINDS)}")
    output = np.asarray(output)
    return _VALUE_RULES[kind](output, bool(discretize))


# ---------------------------------------------------------------------------------------------
# Thumbnail colours
# ---------------------------------------------------------------------------------------------


def display_scale(thumbnail: np.ndarray) -> np.ndarray:
    r"""Map one thumbnail onto the colour range [-1, 1] without hiding its sign.

    Values already inside [-1, 1] (tanh, sigmoid, probabilities) are kept as they are, so
    equal colours mean equal activations; a node whose values leave that range (ReLU,
    raw features such as :math:`x_1^2`) is divided by its largest :math:`|a|`.

    Parameters
    ----------
    thumbnail : ndarray of shape (thumb, thumb)
    """
    largest = float(np.max(np.abs(thumbnail))) if thumbnail.size else 0.0
    return thumbnail / largest if largest > 1.0 else thumbnail


def output_display(thumbnail: np.ndarray, output_activation: str) -> np.ndarray:
    """An output node's thumbnail on [-1, 1].

    sigmoid: P(class 1) = p becomes 2p - 1, so class 0 is orange, class 1 blue and 0.5
    white, as in the decision map. softmax: each class's probability p stays p (white
    for 0, blue for 1). linear: :func:`display_scale`.
    """
    if output_activation == "sigmoid":
        return 2.0 * thumbnail - 1.0
    if output_activation == "softmax":
        return thumbnail
    return display_scale(thumbnail)


def _scaled_nodes(block: np.ndarray) -> np.ndarray:
    """:func:`display_scale` applied to every node (last axis) of a (thumb, thumb, width) block."""
    largest = np.abs(block).max(axis=(0, 1)) if block.size else np.zeros(block.shape[-1])
    return block / np.where(largest > 1.0, largest, 1.0)


def display_thumbnails(maps: NetworkMaps, output_activation: str) -> list[np.ndarray]:
    """Every thumbnail of ``maps`` mapped onto [-1, 1] for the network drawing.

    Inputs and hidden nodes go through :func:`display_scale` one node at a time, output
    nodes through :func:`output_display`.

    Returns
    -------
    list of ndarray, shapes as ``maps.thumbnails``
    """
    *inner, last = maps.thumbnails
    shown = [_scaled_nodes(block) for block in inner]
    if output_activation == "linear":
        shown.append(_scaled_nodes(last))
    else:
        shown.append(output_display(last, output_activation))
    return shown
