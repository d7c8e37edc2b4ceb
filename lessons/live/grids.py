r"""The numbers behind the live backprop trainer's pictures.

The trainer page shows, every frame, what the network computes at every point of the
input plane: the output as a large decision map, and every neuron's activation as a
small thumbnail placed where the neuron sits in the network drawing. This module turns a
:class:`core.mlp.MLP` into those arrays, and holds the other small calculations the page
needs:

* :func:`plane_grid` and :func:`network_maps` — one forward pass over a
  ``resolution × resolution`` grid of the plane gives the output map and, subsampled, a
  ``thumb × thumb`` thumbnail of every input feature and every neuron;
* :func:`decision_values` — the output map as heatmap values (probability, regression
  value, or class + confidence for several classes; optionally discretised);
* :class:`NetworkLayout` — where each neuron's thumbnail goes, and :meth:`NetworkLayout.pack`
  to place all thumbnails into **one** heatmap array with NaN gaps (one Plotly trace
  draws much faster than one trace per neuron);
* :func:`connections` — every weight as a line segment between two thumbnails;
* :func:`inspect_step` — one sample's forward values :math:`z, a`, the output delta
  :math:`\hat y - y`, every :math:`\delta` and :math:`\partial L/\partial W` of its
  backward pass;
* :class:`StopRule` — stop training at a target loss, accuracy or epoch;
  :func:`epochs_for_frame` — how many epochs a live frame trains to keep a steady pace;
* :func:`custom_points` — check a user's own table of ``x1, x2, label`` points;
* :func:`weights_npz` — the parameters as a NumPy ``.npz`` archive.

Grid points are ordered row by row with ``x1`` running fastest, so an array of grid values
of shape ``(resolution ** 2,)`` reshapes to ``(resolution, resolution)`` indexed
``[row of x2, column of x1]`` — the orientation of a Plotly heatmap's ``z``.
"""

from __future__ import annotations

import io
import json
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


# ---------------------------------------------------------------------------------------------
# The input plane
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


def _positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def plane_grid(resolution: int = OUTPUT_RESOLUTION, extent: float = PLANE_EXTENT) -> PlaneGrid:
    """Cell centres of a ``resolution × resolution`` grid over ``[-extent, extent]²``.

    Parameters
    ----------
    resolution : int
        Points per side, at least 2.
    extent : float
        Half-width of the square, > 0.
    """
    resolution = _positive_int(resolution, "resolution", 2)
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


def thumbnail_indices(resolution: int, thumb: int) -> np.ndarray:
    """Grid rows (or columns) sampled for a ``thumb``-cell thumbnail: block centres.

    The output grid is cut into ``thumb`` equal blocks per side and the point nearest each
    block's centre is kept, so a thumbnail shows the same square as the output map.

    Returns
    -------
    ndarray of shape (thumb,), int
    """
    resolution = _positive_int(resolution, "resolution")
    thumb = _positive_int(thumb, "thumb")
    if thumb > resolution:
        raise ValueError(f"a {thumb}-cell thumbnail cannot be cut from a {resolution}-point grid")
    return np.floor((np.arange(thumb) + 0.5) * resolution / thumb).astype(np.intp)


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
    """One forward pass over the grid: the output map and every node's thumbnail.

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
    resolution = _positive_int(resolution, "resolution")
    if inputs.shape[0] != resolution * resolution:
        raise ValueError(
            f"inputs has {inputs.shape[0]} rows, expected {resolution}² = {resolution**2}"
        )
    rows = thumbnail_indices(resolution, thumb)
    trace = model.forward_trace(inputs)

    def sampled(values):
        square = values.reshape(resolution, resolution, -1)
        return square[rows][:, rows]

    thumbnails = [sampled(np.asarray(inputs, dtype=model.dtype))]
    thumbnails += [sampled(layer["a"]) for layer in trace]
    output = trace[-1]["a"].reshape(resolution, resolution, -1)
    return NetworkMaps(output=output, thumbnails=thumbnails)


# ---------------------------------------------------------------------------------------------
# Output map values
# ---------------------------------------------------------------------------------------------


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


MULTICLASS_SHADE = 0.999
"""Width of one class's band in :func:`decision_values` (just under 1 so bands never touch)."""

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


# ---------------------------------------------------------------------------------------------
# The network drawing: where every thumbnail goes
# ---------------------------------------------------------------------------------------------


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
            _positive_int(width, "layer width")
        _positive_int(self.thumb, "thumb")
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


def display_thumbnails(maps: NetworkMaps, output_activation: str) -> list[np.ndarray]:
    """Every thumbnail of ``maps`` mapped onto [-1, 1] for the network drawing.

    Inputs and hidden nodes go through :func:`display_scale` one node at a time, output
    nodes through :func:`output_display`.

    Returns
    -------
    list of ndarray, shapes as ``maps.thumbnails``
    """
    shown = []
    last = len(maps.thumbnails) - 1
    for column, block in enumerate(maps.thumbnails):
        scaled = np.empty_like(block)
        for index in range(block.shape[-1]):
            node = block[:, :, index]
            scaled[:, :, index] = (
                output_display(node, output_activation) if column == last else display_scale(node)
            )
        shown.append(scaled)
    return shown


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


def connections(layout: NetworkLayout, weights) -> Connections:
    """Segments for the weight matrices ``weights`` (``W_l`` of shape (widths[l], widths[l+1]))."""
    weights = list(weights)
    if len(weights) != layout.n_columns - 1:
        raise ValueError(f"{len(weights)} weight matrices for {layout.n_columns} layers")
    parts = {key: [] for key in ("x0", "y0", "x1", "y1", "weight", "layer", "source", "target")}
    for layer, W in enumerate(weights):
        fan_in, fan_out = layout.widths[layer], layout.widths[layer + 1]
        if W.shape != (fan_in, fan_out):
            raise ValueError(f"W{layer} has shape {W.shape}, expected {(fan_in, fan_out)}")
        source, target = np.meshgrid(np.arange(fan_in), np.arange(fan_out), indexing="ij")
        source, target = source.ravel(), target.ravel()
        parts["x0"].append(np.full(source.size, layout.column_left(layer) + 1.0))
        parts["x1"].append(np.full(source.size, layout.column_left(layer + 1)))
        parts["y0"].append(-source * (1.0 + layout.gap_y) - 0.5)
        parts["y1"].append(-target * (1.0 + layout.gap_y) - 0.5)
        parts["weight"].append(np.asarray(W, dtype=np.float64).ravel())
        parts["layer"].append(np.full(source.size, layer))
        parts["source"].append(source)
        parts["target"].append(target)
    return Connections(**{key: np.concatenate(value) for key, value in parts.items()})


# ---------------------------------------------------------------------------------------------
# Look inside one step
# ---------------------------------------------------------------------------------------------


@dataclass
class StepInspection:
    r"""Forward and backward pass of one sample, every intermediate value kept.

    Attributes
    ----------
    inputs : ndarray of shape (n_features,)
        The network input :math:`a_0` (the chosen features of the point).
    target : float
        The label or value :math:`y`.
    output : ndarray of shape (n_out,)
        :math:`\hat y`.
    loss : float
        The loss on this sample, penalties included.
    z, a, delta : list of ndarray, one per weight layer, each of shape (width,)
        Pre-activation, activation and :math:`\delta = \partial L / \partial z`.
    grad_W : list of ndarray, ``grad_W[l]`` of shape (widths[l], widths[l+1])
    grad_b : list of ndarray, ``grad_b[l]`` of shape (widths[l+1],)
    output_delta : ndarray of shape (n_out,)
        :math:`\hat y - y` (one-hot ``y`` for several classes); equals ``delta[-1]``.
    """

    inputs: np.ndarray
    target: float
    output: np.ndarray
    loss: float
    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    grad_W: list[np.ndarray]
    grad_b: list[np.ndarray]
    output_delta: np.ndarray


def inspect_step(model, inputs, target) -> StepInspection:
    """Run :meth:`core.mlp.MLP.backward_trace` on one sample and keep it as vectors.

    Parameters
    ----------
    model : core.mlp.MLP
    inputs : array of shape (n_features,)
    target : int or float
        0/1 label, class index, or regression value.
    """
    row = np.asarray(inputs, dtype=np.float64).reshape(1, -1)
    trace = model.backward_trace(row, np.asarray([target]))
    output = trace["a"][-1][0]
    if model.output == "softmax":
        expected = np.zeros_like(output)
        expected[int(target)] = 1.0
    else:
        expected = np.full_like(output, float(target))
    return StepInspection(
        inputs=row[0],
        target=float(target),
        output=output,
        loss=float(trace["loss"]),
        z=[z[0] for z in trace["z"]],
        a=[a[0] for a in trace["a"]],
        delta=[d[0] for d in trace["delta"]],
        grad_W=trace["grad_W"],
        grad_b=trace["grad_b"],
        output_delta=output - expected,
    )


# ---------------------------------------------------------------------------------------------
# Stop rule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StopRule:
    """When to stop a live run; None switches a condition off.

    Attributes
    ----------
    max_epochs : int or None
        Stop once this many epochs are done.
    target_loss : float or None
        Stop once the loss falls to this value or below (test loss when there is a test
        set, else training loss).
    target_accuracy : float or None
        Stop once the accuracy (test, else training) reaches this fraction.
    """

    max_epochs: int | None = None
    target_loss: float | None = None
    target_accuracy: float | None = None

    def __post_init__(self):
        if self.max_epochs is not None:
            _positive_int(self.max_epochs, "max_epochs")
        if self.target_loss is not None and not (
            math.isfinite(self.target_loss) and self.target_loss >= 0
        ):
            raise ValueError(f"target_loss must be a number >= 0, got {self.target_loss}")
        if self.target_accuracy is not None and not 0.0 < self.target_accuracy <= 1.0:
            raise ValueError(f"target_accuracy must lie in (0, 1], got {self.target_accuracy}")

    def reason(self, history: dict) -> str | None:
        """Why training should stop after the last epoch in ``history``, or None.

        ``history`` is a :class:`core.training.Trainer` history dict.
        """
        if not history["epoch"]:
            return None
        epoch = history["epoch"][-1]
        if self.max_epochs is not None and epoch >= self.max_epochs:
            return f"reached the maximum of {self.max_epochs} epochs"
        which = "test" if history["val_loss"] else "training"
        loss = (history["val_loss"] or history["loss"])[-1]
        if self.target_loss is not None and loss <= self.target_loss:
            return (
                f"{which} loss {loss:.4g} reached the target {self.target_loss:g} at epoch {epoch}"
            )
        accuracy = history["val_accuracy"] or history["accuracy"]
        if self.target_accuracy is not None and accuracy and accuracy[-1] >= self.target_accuracy:
            return (
                f"{which} accuracy {accuracy[-1]:.1%} reached the target "
                f"{self.target_accuracy:.1%} at epoch {epoch}"
            )
        return None


def epochs_for_frame(
    seconds_since_last: float | None,
    epochs_per_second: float,
    low: int = 1,
    high: int = 50,
    first: int = 5,
) -> int:
    """Epochs to train in a live frame so training runs at ``epochs_per_second``.

    A browser that redraws slowly gets more epochs per frame, a fast one fewer, so the
    training speed does not depend on the display.

    Parameters
    ----------
    seconds_since_last : float or None
        Time since the previous frame; None for the first frame after Play (``first``).
    epochs_per_second : float
        Target pace, > 0.
    low, high : int
        Bounds on the result (``high`` also caps a long pause between frames).

    Returns
    -------
    int
        ``round(epochs_per_second * seconds_since_last)`` clipped to ``[low, high]``.
    """
    if not (math.isfinite(epochs_per_second) and epochs_per_second > 0):
        raise ValueError(f"epochs_per_second must be positive, got {epochs_per_second}")
    if not 1 <= low <= high:
        raise ValueError(f"need 1 <= low <= high, got low={low}, high={high}")
    if seconds_since_last is None:
        return int(min(max(first, low), high))
    if not (math.isfinite(seconds_since_last) and seconds_since_last >= 0):
        raise ValueError(f"seconds_since_last must be >= 0, got {seconds_since_last}")
    return int(min(max(round(epochs_per_second * seconds_since_last), low), high))


# ---------------------------------------------------------------------------------------------
# Your own points
# ---------------------------------------------------------------------------------------------

MIN_CUSTOM_POINTS = 4


def custom_points(x1, x2, label, kind: str) -> tuple[np.ndarray, np.ndarray, list]:
    """Check a table of points typed or uploaded by a user.

    Parameters
    ----------
    x1, x2, label : array_like of shape (n,)
        Columns of the table. Rows with any empty cell are an error (say which).
    kind : {"classification", "regression"}
        Classification labels may be any distinct values (numbers or words); they are
        numbered 0..k-1 in sorted order. Regression labels must be numbers.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,)
        int64 class indices, or float64 targets.
    classes : list
        The original label of each class index (empty for regression).
    """
    if kind not in ("classification", "regression"):
        raise ValueError(f"kind must be 'classification' or 'regression', got {kind!r}")
    columns = [np.asarray(column, dtype=object).ravel() for column in (x1, x2, label)]
    n = columns[0].shape[0]
    if any(column.shape[0] != n for column in columns):
        raise ValueError("x1, x2 and label must have the same number of rows")
    if n < MIN_CUSTOM_POINTS:
        raise ValueError(f"add at least {MIN_CUSTOM_POINTS} points (there are {n})")
    X = np.empty((n, 2))
    for position, name in enumerate(("x1", "x2")):
        try:
            X[:, position] = columns[position].astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"column {name} must hold numbers: {error}") from error
    bad = np.flatnonzero(~np.isfinite(X).all(axis=1))
    if bad.size:
        raise ValueError(f"rows {_row_list(bad)} have an empty or non-numeric x1/x2")
    labels = columns[2]
    missing = np.flatnonzero([value is None or value != value or value == "" for value in labels])
    if missing.size:
        raise ValueError(f"rows {_row_list(missing)} have no label")
    if kind == "regression":
        try:
            y = labels.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"regression labels must be numbers: {error}") from error
        return X, y, []
    classes = sorted({_label_key(value) for value in labels}, key=_sort_key)
    if len(classes) < 2:
        raise ValueError(f"classification needs at least two classes, found only {classes}")
    lookup = {value: index for index, value in enumerate(classes)}
    y = np.array([lookup[_label_key(value)] for value in labels], dtype=np.int64)
    counts = np.bincount(y)
    if counts.min() < 2:
        lonely = classes[int(counts.argmin())]
        raise ValueError(f"class {lonely!r} has a single point; give every class at least two")
    return X, y, classes


def _label_key(value):
    """Labels 1, 1.0 and '1' are the same class; other text stays text."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value).strip()
    return int(number) if number.is_integer() else number


def _sort_key(value):
    return (isinstance(value, str), value)


def _row_list(rows: np.ndarray, limit: int = 5) -> str:
    shown = ", ".join(str(int(r) + 1) for r in rows[:limit])
    return shown + (f" (and {rows.size - limit} more)" if rows.size > limit else "")


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def weights_npz(model) -> bytes:
    """The network's parameters as an ``.npz`` archive readable with ``numpy.load``.

    Arrays ``W0, b0, W1, b1, ...`` (``W_l`` of shape (fan_in, fan_out)) plus ``config``,
    the JSON text of ``model.get_config()``. Nothing in it needs ``allow_pickle``.
    """
    arrays = {}
    for layer in range(model.n_layers):
        arrays[f"W{layer}"] = np.asarray(model.weights[layer])
        arrays[f"b{layer}"] = np.asarray(model.biases[layer])
    arrays["config"] = np.array(json.dumps(model.get_config()))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def step_packed(layout: NetworkLayout, inspection: StepInspection, output_activation: str):
    """Node colours of a one-sample pass for a ``thumb=1`` layout: inputs, then every ``a``.

    Each node is one cell holding its value on [-1, 1] (:func:`display_scale` per column;
    :func:`output_display` for the outputs).

    Returns
    -------
    ndarray of shape ``layout.packed_shape``
    """
    if layout.thumb != 1:
        raise ValueError(f"step_packed needs a layout with thumb=1, got thumb={layout.thumb}")
    columns = [inspection.inputs, *inspection.a]
    last = len(columns) - 1
    blocks = []
    for column, values in enumerate(columns):
        values = np.asarray(values, dtype=np.float64)
        shown = (
            output_display(values, output_activation) if column == last else display_scale(values)
        )
        blocks.append(shown.reshape(1, 1, -1))
    return layout.pack(blocks)
