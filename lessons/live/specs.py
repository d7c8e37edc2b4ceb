"""What the backprop trainer page asks for: data, network shape and live settings.

Three small frozen specs describe a live run (:class:`DataSpec`, :class:`NetSpec`,
:class:`Knobs`; the optimizer is a :class:`core.optimizers.OptimizerSpec`), and
:func:`load_data` turns a :class:`DataSpec` into points split into training and test sets.
Specs are hashable, so equal settings share one copy of their data (:func:`shared_data`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from core import data
from lessons import datasets
from lessons.live.points import custom_points

CUSTOM = "custom"
"""Dataset name for the user's own points."""

PROBLEM_DATASETS = {
    "classification": ("circle", "xor", "gauss", "spiral", "blobs3", CUSTOM),
    "regression": ("plane", "multi_gauss", CUSTOM),
}
"""Datasets offered for each problem type, in menu order."""

N_POINTS = 500
"""Points per generated dataset, as in the Playground."""


@dataclass(frozen=True)
class DataSpec:
    """Which points to learn from.

    Attributes
    ----------
    problem : {"classification", "regression"}
    dataset : str
        A name from ``PROBLEM_DATASETS[problem]``.
    noise : float
        Fraction in [0, 0.5].
    train_ratio : float
        Fraction of points used for training, in [0.1, 0.9].
    seed : int
        Drives sampling and the split; the page's "regenerate" increments it.
    n_classes : int or None
        Number of blobs for ``blobs3``.
    custom : tuple of (x1, x2, label) rows, or None
        The user's own points when ``dataset == "custom"``.
    """

    problem: str = "classification"
    dataset: str = "circle"
    noise: float = 0.0
    train_ratio: float = 0.5
    seed: int = 0
    n_classes: int | None = None
    custom: tuple | None = None

    def __post_init__(self):
        if self.problem not in PROBLEM_DATASETS:
            raise ValueError(f"problem must be classification or regression, got {self.problem!r}")
        if self.dataset not in PROBLEM_DATASETS[self.problem]:
            raise ValueError(f"dataset {self.dataset!r} is not a {self.problem} dataset")
        if self.dataset == CUSTOM and not self.custom:
            raise ValueError("add some points of your own first")


@dataclass(frozen=True)
class NetSpec:
    """The network's shape.

    Attributes
    ----------
    features : tuple of str
        Input transforms from ``lessons.datasets.FEATURES``.
    hidden : tuple of int
        Neurons per hidden layer (may be empty: logistic/linear regression).
    activations : tuple of str
        One activation name per hidden layer.
    init : str
        A ``core.initializers`` name.
    """

    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    init: str = "xavier"

    def __post_init__(self):
        if not self.features:
            raise ValueError("choose at least one input feature")
        if len(self.activations) != len(self.hidden):
            raise ValueError(
                f"{len(self.activations)} activations for {len(self.hidden)} hidden layers"
            )


@dataclass(frozen=True)
class Knobs:
    """Settings applied on the fly, without resetting anything.

    The learning rate is the optimizer spec's ``lr``: it too changes on the fly.

    Attributes
    ----------
    batch_size : int
    l1, l2 : float
        Penalty rates.
    dropout : float
        Drop probability of every hidden layer.
    clip_norm : float or None
        Largest global gradient norm.
    schedule : tuple or None
        ``(name, sorted kwargs items)`` for ``core.schedules.make``, starting from the
        optimizer's ``lr``; None keeps ``lr``.
    """

    batch_size: int = 10
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    clip_norm: float | None = None
    schedule: tuple | None = None


@dataclass
class Data:
    """Sampled points and the network inputs built from them."""

    kind: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    classes: list = field(default_factory=list)

    @property
    def n_outputs(self) -> int:
        return len(self.classes) if self.kind == "multiclass" else 1


OUTPUT_FOR_KIND = {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}


def _custom_data(spec: DataSpec):
    rows = np.asarray(spec.custom, dtype=object).reshape(-1, 3)
    X, y, classes = custom_points(rows[:, 0], rows[:, 1], rows[:, 2], spec.problem)
    if spec.problem == "regression":
        return X, y, "regression", classes
    return X, y, ("binary" if len(classes) == 2 else "multiclass"), classes


def _generated_data(spec: DataSpec):
    kind = datasets.dataset_kind(spec.dataset)
    n_classes = spec.n_classes if kind == "multiclass" else None
    X, y = datasets.playground(spec.dataset, N_POINTS, spec.noise, spec.seed, n_classes)
    if kind == "multiclass":
        classes = list(range(int(y.max()) + 1))
    else:
        classes = [0, 1] if kind == "binary" else []
    return X, y, kind, classes


def load_data(spec: DataSpec) -> Data:
    """Sample (or read) the points of ``spec`` and split them into train and test."""
    loader = _custom_data if spec.dataset == CUSTOM else _generated_data
    X, y, kind, classes = loader(spec)
    X_train, X_test, y_train, y_test = data.train_test_split(
        X, y, spec.train_ratio, rng=spec.seed, stratify=kind != "regression"
    )
    return Data(kind, X_train, X_test, y_train, y_test, classes)


@functools.lru_cache(maxsize=64)
def shared_data(spec: DataSpec) -> Data:
    """:func:`load_data`, computed once per process for equal specs; the arrays are read-only.

    When a class opens the page together, thirty sessions ask for the same default data.
    """
    loaded = load_data(spec)
    for array in (loaded.X_train, loaded.X_test, loaded.y_train, loaded.y_test):
        array.setflags(write=False)
    return loaded
