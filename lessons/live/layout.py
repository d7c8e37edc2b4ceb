"""Where every node of the network drawing goes, and every weight as a line segment.

* :class:`NetworkLayout` — the position of each neuron's thumbnail, and
  :meth:`NetworkLayout.pack` to place all thumbnails into **one** heatmap array with NaN
  gaps (one Plotly trace draws much faster than one trace per neuron);
* :func:`connections` — every weight as a segment between two thumbnails.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from lessons.live.plane import THUMBNAIL_SIZE, positive_int


@dataclass(frozen=True)
class NetworkLayout:
    """Positions of the nodes in the network drawing.

    Column ``c`` holds layer ``c`` (inputs first, outputs last); node ``i`` of a column is
    the ``i``-th from the top, and every column is aligned at the top, as in the
    TensorFlow Playground. Each node is a 1 × 1 square: column ``c`` spans
    ``x ∈ [c (1 + gap_x), c (1 + gap_x) + 1]`` and node ``i`` spans
    ``y ∈ [-i (1 + gap_y) - 1, -i (1 + gap_y)]``.

    Attributes
    ----------
    widths : tuple of int
        Nodes per column, e.g. ``(2, 4, 2, 1)`` for ``MLP([2, 4, 2, 1])``.
    thumb : int
        Heatmap cells per side of a thumbnail.
    gap_x, gap_y : float
        Space between columns and between nodes, in node widths.
    """

    widths: tuple[int, ...]
    thumb: int = THUMBNAIL_SIZE
    gap_x: float = 2.0
    gap_y: float = 0.35

    def __post_init__(self):
        if len(self.widths) < 2:
            raise ValueError(f"a network has at least an input and an output layer: {self.widths}")
        for width in self.widths:
            positive_int(width, "layer width")
        positive_int(self.thumb, "thumb")
        if not (self.gap_x > 0 and self.gap_y > 0):
            raise ValueError(f"gaps must be positive, got {self.gap_x} and {self.gap_y}")

    @classmethod
    def for_model(cls, model, thumb: int = THUMBNAIL_SIZE) -> NetworkLayout:
        """Layout of ``model``'s layers; deep networks get narrower gaps between columns."""
        gap_x = 2.0 if len(model.sizes) <= 5 else 1.4
        return cls(tuple(model.sizes), thumb=thumb, gap_x=gap_x)

    @property
    def n_columns(self) -> int:
        return len(self.widths)

    @property
    def n_rows(self) -> int:
        return max(self.widths)

    def column_left(self, column: int) -> float:
        return column * (1.0 + self.gap_x)

    def node_top(self, index: int) -> float:
        return -index * (1.0 + self.gap_y)

    def node_centre(self, column: int, index: int) -> tuple[float, float]:
        return self.column_left(column) + 0.5, self.node_top(index) - 0.5

    def centres(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every node's centre: ``x, y, column, index``, each of shape (n_nodes,)."""
        columns = np.concatenate([np.full(w, c) for c, w in enumerate(self.widths)])
        indices = np.concatenate([np.arange(w) for w in self.widths])
        x = columns * (1.0 + self.gap_x) + 0.5
        y = -indices * (1.0 + self.gap_y) - 0.5
        return x, y, columns, indices

    @property
    def x_edges(self) -> np.ndarray:
        """Heatmap brick edges along x, shape (n_columns * (thumb + 1),), increasing.

        Each column contributes its ``thumb + 1`` cell edges; the brick between one
        column's last edge and the next column's first edge is a gap (NaN in :meth:`pack`).
        """
        cells = np.linspace(0.0, 1.0, self.thumb + 1)
        return np.concatenate([self.column_left(c) + cells for c in range(self.n_columns)])

    @property
    def y_edges(self) -> np.ndarray:
        """Heatmap brick edges along y, shape (n_rows * (thumb + 1),), increasing."""
        cells = np.linspace(0.0, 1.0, self.thumb + 1)
        bottoms = [self.node_top(i) - 1.0 for i in range(self.n_rows - 1, -1, -1)]
        return np.concatenate([bottom + cells for bottom in bottoms])

    @property
    def packed_shape(self) -> tuple[int, int]:
        """Shape of :meth:`pack`'s result: (rows of bricks, columns of bricks)."""
        stride = self.thumb + 1
        return self.n_rows * stride - 1, self.n_columns * stride - 1

    def pack(self, thumbnails, dtype=np.float32) -> np.ndarray:
        """Place every node's thumbnail into one heatmap array.

        Parameters
        ----------
        thumbnails : list of ndarray, one per column, each (thumb, thumb, widths[c])
            Row index along x2 (bottom to top), column index along x1, last axis the node.
        dtype : numpy dtype
            float32 halves what the browser receives each frame.

        Returns
        -------
        ndarray of shape :attr:`packed_shape`
            To be drawn with ``x = x_edges`` and ``y = y_edges``; NaN between thumbnails
            and below short columns.
        """
        thumbnails = list(thumbnails)
        if len(thumbnails) != self.n_columns:
            raise ValueError(f"{len(thumbnails)} layers of thumbnails for {self.n_columns}")
        packed = np.full(self.packed_shape, np.nan, dtype=dtype)
        stride, t = self.thumb + 1, self.thumb
        for column, (width, block) in enumerate(zip(self.widths, thumbnails, strict=True)):
            if block.shape != (t, t, width):
                raise ValueError(
                    f"layer {column} thumbnails have shape {block.shape}, expected {(t, t, width)}"
                )
            left = column * stride
            for index in range(width):
                bottom = (self.n_rows - 1 - index) * stride
                packed[bottom : bottom + t, left : left + t] = block[:, :, index]
        return packed


@dataclass(frozen=True)
class Connections:
    """Every weight as a segment from the right edge of one node to the left edge of the next.

    All attributes are arrays of shape (n_weights,), in the order of the flattened weight
    matrices ``W0, W1, ...`` (row = source node, column = target node).
    """

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    weight: np.ndarray
    layer: np.ndarray
    source: np.ndarray
    target: np.ndarray


@functools.lru_cache(maxsize=64)
def _geometry(layout: NetworkLayout) -> dict[str, np.ndarray]:
    """Every segment's ends and indices for ``layout``: what does not depend on the weights."""
    parts = {key: [] for key in ("x0", "y0", "x1", "y1", "layer", "source", "target")}
    for layer in range(layout.n_columns - 1):
        fan_in, fan_out = layout.widths[layer], layout.widths[layer + 1]
        source, target = np.meshgrid(np.arange(fan_in), np.arange(fan_out), indexing="ij")
        source, target = source.ravel(), target.ravel()
        parts["x0"].append(np.full(source.size, layout.column_left(layer) + 1.0))
        parts["x1"].append(np.full(source.size, layout.column_left(layer + 1)))
        parts["y0"].append(-source * (1.0 + layout.gap_y) - 0.5)
        parts["y1"].append(-target * (1.0 + layout.gap_y) - 0.5)
        parts["layer"].append(np.full(source.size, layer))
        parts["source"].append(source)
        parts["target"].append(target)
    geometry = {key: np.concatenate(value) for key, value in parts.items()}
    for array in geometry.values():
        array.setflags(write=False)  # shared by every call with this layout
    return geometry


def connections(layout: NetworkLayout, weights) -> Connections:
    """Segments for the weight matrices ``weights`` (``W_l`` of shape (widths[l], widths[l+1]))."""
    weights = list(weights)
    if len(weights) != layout.n_columns - 1:
        raise ValueError(f"{len(weights)} weight matrices for {layout.n_columns} layers")
    for layer, W in enumerate(weights):
        expected = (layout.widths[layer], layout.widths[layer + 1])
        if W.shape != expected:
            raise ValueError(f"W{layer} has shape {W.shape}, expected {expected}")
    flat = np.concatenate([np.asarray(W, dtype=np.float64).ravel() for W in weights])
    return Connections(weight=flat, **_geometry(layout))
