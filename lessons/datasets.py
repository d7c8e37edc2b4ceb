r"""Datasets for the playgrounds: logic gates, the TensorFlow Playground's 2-D sets, and the
input feature transforms.

* :func:`gate` — the four rows of a two-input truth table (AND, OR, NAND, NOR, XOR, XNOR).
* :func:`playground` — the TensorFlow Playground generators (circle, xor, gauss, spiral,
  plane, multi_gauss) plus a multi-class ``blobs3``. Binary labels are 0/1 (the Playground
  uses ±1), multi-class labels 0..k-1, regression targets floats.
* :func:`features` — the Playground's input transforms (x1, x2, x1², x2², x1·x2, sin x1,
  sin x2).

All randomness comes from the ``rng`` argument (an int seed or a ``numpy.random.Generator``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.validation import as_rng, check_count, check_matrix, lookup

# ---------------------------------------------------------------------------------------------
# Logic gates
# ---------------------------------------------------------------------------------------------

GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
"""The four input rows of every gate, shape (4, 2), in the order 00, 01, 10, 11."""

GATES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
}
"""Truth tables: gate name -> outputs for the inputs 00, 01, 10, 11."""


def gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth table of a two-input logic gate.

    Parameters
    ----------
    name : str
        One of ``GATES``: and, or, nand, nor, xor, xnor (case-insensitive).

    Returns
    -------
    X : ndarray of shape (4, 2), float64
        Inputs 00, 01, 10, 11.
    y : ndarray of shape (4,), int64
        Gate outputs, 0 or 1.
    """
    outputs = lookup("gate", name, GATES)
    return GATE_INPUTS.copy(), np.array(outputs, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# TensorFlow Playground datasets
# ---------------------------------------------------------------------------------------------
# The generating rules follow tensorflow/playground src/dataset.ts. Two details matter:
# * circle, xor, plane and multi_gauss draw a noise offset per coordinate, uniform in
#   [-r, r] * noise, and compute the *label* at the displaced point while the *stored* point
#   stays where it was drawn. Noise therefore flips labels near the class border instead of
#   moving points (r = 5 for circle and xor, r = 6 for the regression sets).
# * gauss widens the two blobs (variance from 0.5 at noise 0 to 4 at noise 0.5) and spiral
#   moves each point by uniform [-1, 1] * noise per coordinate.

MAX_NOISE = 0.5
"""Largest accepted noise fraction (the Playground's slider goes 0..50 %)."""

_CIRCLE_RADIUS = 5.0
_XOR_HALF_WIDTH = 5.0
_XOR_PADDING = 0.3
_REGRESSION_RADIUS = 6.0
_BLOB_RING_RADIUS = 3.0
# Centres and signs of the six bumps of the Playground's "multi-Gaussian" regression set.
_MULTI_GAUSS_BUMPS = (
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
)


def _blob_variance(noise: float) -> float:
    """Playground's gauss rule: variance rises linearly from 0.5 (noise 0) to 4 (noise 0.5)."""
    return 0.5 + (4.0 - 0.5) * noise / MAX_NOISE


def _class_sizes(n: int, n_classes: int) -> list[int]:
    """Split ``n`` samples over classes as evenly as possible (earlier classes get the extra)."""
    base, extra = divmod(n, n_classes)
    return [base + (1 if k < extra else 0) for k in range(n_classes)]


def _uniform_noise(rng: np.random.Generator, n: int, half_width: float, noise: float):
    """Per-coordinate offsets uniform in [-half_width, half_width] * noise, shape (n, 2)."""
    return rng.uniform(-half_width, half_width, size=(n, 2)) * noise


def _circle(n: int, noise: float, rng: np.random.Generator, n_classes: int | None):
    n_inner, n_outer = _class_sizes(n, 2)
    radius = np.concatenate(
        [
            rng.uniform(0.0, 0.5 * _CIRCLE_RADIUS, n_inner),
            rng.uniform(0.7 * _CIRCLE_RADIUS, _CIRCLE_RADIUS, n_outer),
        ]
    )
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    displaced = X + _uniform_noise(rng, n, _CIRCLE_RADIUS, noise)
    y = (np.hypot(displaced[:, 0], displaced[:, 1]) < 0.5 * _CIRCLE_RADIUS).astype(np.int64)
    return X, y


def _xor(n: int, noise: float, rng: np.random.Generator, n_classes: int | None):
    X = rng.uniform(-_XOR_HALF_WIDTH, _XOR_HALF_WIDTH, size=(n, 2))
    X += np.where(X > 0, _XOR_PADDING, -_XOR_PADDING)
    displaced = X + _uniform_noise(rng, n, _XOR_HALF_WIDTH, noise)
    y = (displaced[:, 0] * displaced[:, 1] >= 0).astype(np.int64)
    return X, y


def _gauss(n: int, noise: float, rng: np.random.Generator, n_classes: int | None):
    n_pos, n_neg = _class_sizes(n, 2)
    std = np.sqrt(_blob_variance(noise))
    X = np.concatenate(
        [rng.normal(2.0, std, size=(n_pos, 2)), rng.normal(-2.0, std, size=(n_neg, 2))]
    )
    y = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return X, y


def _spiral(n: int, noise: float, rng: np.random.Generator, n_classes: int | None):
    parts, labels = [], []
    for label, (size, phase) in enumerate(zip(_class_sizes(n, 2), (np.pi, 0.0), strict=True)):
        # Class 1 is the Playground's positive arm (phase 0), class 0 the arm rotated by pi.
        t = np.arange(size) / size
        radius = 5.0 * t
        theta = 1.75 * 2.0 * np.pi * t + phase
        arm = np.column_stack([radius * np.sin(theta), radius * np.cos(theta)])
        parts.append(arm + rng.uniform(-1.0, 1.0, size=(size, 2)) * noise)
        labels.append(np.full(size, label, dtype=np.int64))
    return np.concatenate(parts), np.concatenate(labels)


def _plane(n: int, noise: float, rng: np.random.Generator, n_classes: int | None):
    X = rng.uniform(-_REGRESSION_RADIUS, _REGRESSION_RADIUS, size=(n, 2))
    displaced = X + _uniform_noise(rng, n, _REGRESSION_RADIUS, noise)
    # The Playground maps x + y from [-10, 10] onto [-1, 1] without clamping, which reaches
    # ±1.2 in the corners; we clip so the target stays in [-1, 1].
    y = np.clip((displaced[:, 0] + displaced[:, 1]) / 10.0, -1.0, 1.0)
    return X, y


def _multi_gauss(n: int, noise: float, rng: np.random.Generator, n_classes: int | None):
    X = rng.uniform(-_REGRESSION_RADIUS, _REGRESSION_RADIUS, size=(n, 2))
    displaced = X + _uniform_noise(rng, n, _REGRESSION_RADIUS, noise)
    centres = np.array([bump[:2] for bump in _MULTI_GAUSS_BUMPS])
    signs = np.array([bump[2] for bump in _MULTI_GAUSS_BUMPS])
    distance = np.linalg.norm(displaced[:, None, :] - centres[None, :, :], axis=2)
    bumps = signs * np.clip(1.0 - distance / 2.0, 0.0, 1.0)  # (n, 6): cone of radius 2
    # The Playground keeps the bump with the largest magnitude (first one on ties).
    strongest = np.argmax(np.abs(bumps), axis=1)
    y = bumps[np.arange(n), strongest]
    return X, y


def _blobs(n: int, noise: float, rng: np.random.Generator, n_classes: int | None):
    k = int(n_classes)
    angles = np.pi / 2 + 2.0 * np.pi * np.arange(k) / k
    centres = _BLOB_RING_RADIUS * np.column_stack([np.cos(angles), np.sin(angles)])
    sizes = _class_sizes(n, k)
    labels = np.repeat(np.arange(k, dtype=np.int64), sizes)
    std = np.sqrt(_blob_variance(noise))
    X = centres[labels] + rng.normal(0.0, std, size=(n, 2))
    return X, labels


@dataclass(frozen=True)
class PlaygroundDataset:
    """One entry of :data:`PLAYGROUND`.

    Attributes
    ----------
    name : str
        Registry key.
    kind : str
        ``"binary"`` (labels 0/1), ``"multiclass"`` (labels 0..k-1) or ``"regression"``
        (float targets in [-1, 1]).
    generate : callable
        ``generate(n, noise, rng, n_classes) -> (X, y)``; ``n_classes`` is only read by
        multi-class sets.
    description : str
        One line for the page.
    default_classes : int or None
        Number of classes when ``n_classes`` is not given (multi-class sets only).
    """

    name: str
    kind: str
    generate: Callable[[int, float, np.random.Generator, int | None], tuple]
    description: str
    default_classes: int | None = None


PLAYGROUND: dict[str, PlaygroundDataset] = {
    spec.name: spec
    for spec in (
        PlaygroundDataset(
            "circle", "binary", _circle, "class 1 inside radius 2.5, class 0 on a ring 3.5-5"
        ),
        PlaygroundDataset("xor", "binary", _xor, "class 1 where x1 * x2 >= 0 (quadrants)"),
        PlaygroundDataset("gauss", "binary", _gauss, "two Gaussian blobs at (2, 2) and (-2, -2)"),
        PlaygroundDataset("spiral", "binary", _spiral, "two interleaved spiral arms"),
        PlaygroundDataset("plane", "regression", _plane, "target (x1 + x2) / 10, clipped"),
        PlaygroundDataset(
            "multi_gauss", "regression", _multi_gauss, "six signed bumps of radius 2"
        ),
        PlaygroundDataset(
            "blobs3",
            "multiclass",
            _blobs,
            "k Gaussian blobs on a circle of radius 3",
            default_classes=3,
        ),
    )
}
"""Registry of the 2-D datasets: name -> :class:`PlaygroundDataset`."""


def dataset_kind(name: str) -> str:
    """Return ``"binary"``, ``"multiclass"`` or ``"regression"`` for a playground dataset."""
    return lookup("playground dataset", name, PLAYGROUND).kind


def playground(
    name: str,
    n: int = 500,
    noise: float = 0.0,
    rng=0,
    n_classes: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample one of the TensorFlow Playground's 2-D datasets.

    Parameters
    ----------
    name : str
        A key of :data:`PLAYGROUND`: circle, xor, gauss, spiral (binary), plane,
        multi_gauss (regression), blobs3 (multi-class).
    n : int, default 500
        Number of samples. Classes get ``n // k`` samples each, the first ``n % k`` classes
        one more.
    noise : float, default 0.0
        Fraction in [0, 0.5], the Playground's noise slider divided by 100.
    rng : int or numpy.random.Generator, default 0
        Source of randomness.
    n_classes : int, optional
        Number of blobs for multi-class sets (default 3); an error for the other sets.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
        Points, in shuffled order.
    y : ndarray of shape (n,)
        int64 labels 0/1 (binary) or 0..k-1 (multi-class); float64 targets in [-1, 1]
        (regression).
    """
    spec = lookup("playground dataset", name, PLAYGROUND)
    n = check_count(n, "n", 2)
    noise = float(noise)
    if not (np.isfinite(noise) and 0.0 <= noise <= MAX_NOISE):
        raise ValueError(f"noise must be a fraction in [0, {MAX_NOISE}], got {noise}")
    if spec.default_classes is None:
        if n_classes is not None:
            raise ValueError(
                f"n_classes applies only to multi-class datasets; {spec.name!r} is {spec.kind}"
            )
    else:
        n_classes = spec.default_classes if n_classes is None else n_classes
        n_classes = check_count(n_classes, "n_classes", 2)
        if n_classes > n:
            raise ValueError(f"n_classes ({n_classes}) cannot exceed the sample count n ({n})")
    generator = as_rng(rng)
    X, y = spec.generate(n, noise, generator, n_classes)
    order = generator.permutation(n)
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order]


# ---------------------------------------------------------------------------------------------
# Input features
# ---------------------------------------------------------------------------------------------

_FEATURE_MAPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}

FEATURES: list[str] = list(_FEATURE_MAPS)
"""Names of the input transforms, in the Playground's order."""

FEATURE_LABELS: dict[str, str] = {
    "x1": r"x_1",
    "x2": r"x_2",
    "x1^2": r"x_1^2",
    "x2^2": r"x_2^2",
    "x1*x2": r"x_1 x_2",
    "sin(x1)": r"\sin(x_1)",
    "sin(x2)": r"\sin(x_2)",
}
"""LaTeX for each feature, without ``$`` delimiters."""


def features(X, names: Sequence[str]) -> np.ndarray:
    """Build the network input from 2-D points.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
        Points (x1, x2).
    names : sequence of str
        Non-empty, duplicate-free selection from :data:`FEATURES`; sets the column order.

    Returns
    -------
    ndarray of shape (n_samples, len(names)), float64
    """
    if isinstance(names, str):
        raise ValueError(f"names must be a list of feature names, got the string {names!r}")
    names = list(names)
    if not names:
        raise ValueError(f"choose at least one feature from: {', '.join(FEATURES)}")
    unknown = [name for name in names if name not in _FEATURE_MAPS]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from: {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"feature names must not repeat, got {names}")
    X = check_matrix(X, "X", n_features=2)
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([_FEATURE_MAPS[name](x1, x2) for name in names])
