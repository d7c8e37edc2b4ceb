"""Argument checks of :class:`core.mlp.MLP`: layer sizes, per-layer settings, targets.

Each raises ``ValueError`` with a message that names the offending value, so a bad
setting fails when the network is built, not deep inside a training step.
"""

from __future__ import annotations

import numpy as np


def layer_sizes(sizes) -> list[int]:
    """``sizes`` as a list of positive ints, input and output included (at least 2)."""
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {sizes}")
    for position, width in enumerate(sizes):
        if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
            raise ValueError(
                f"layer {position} width must be a positive integer, got {width!r} in {sizes}"
            )
    return [int(w) for w in sizes]


def per_hidden_layer(hidden, n_hidden: int) -> list:
    """One activation spec per hidden layer from a single spec or a list of them.

    A single spec is a name, an Activation, or a ``(name, params)`` pair.
    """
    single = (
        isinstance(hidden, (list, tuple))
        and len(hidden) == 2
        and (isinstance(hidden[0], str) and isinstance(hidden[1], dict))
    )
    if isinstance(hidden, (list, tuple)) and not single:
        if len(hidden) != n_hidden:
            raise ValueError(f"{len(hidden)} hidden activations given for {n_hidden} hidden layers")
        return list(hidden)
    return [hidden] * n_hidden


def dropout_rates(dropout, n_hidden: int) -> list[float]:
    """One inverted-dropout probability in [0, 1) per hidden layer."""
    if np.isscalar(dropout):
        dropout = [dropout] * n_hidden
    if len(dropout) != n_hidden:
        raise ValueError(f"{len(dropout)} dropout rates given for {n_hidden} hidden layers")
    rates = [float(p) for p in dropout]
    for p in rates:
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
    return rates


def _class_labels(y: np.ndarray, k: int) -> np.ndarray:
    if y.ndim != 1:
        raise ValueError(f"softmax targets must be 1-D integer labels, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.number) or not np.all(np.mod(y, 1) == 0):
        raise ValueError("softmax targets must be integer class labels")
    labels = y.astype(np.intp)
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(f"class labels must lie in [0, {k - 1}] for {k} output units")
    return labels


def targets(y, n_samples: int, output: str, n_out: int, dtype) -> np.ndarray:
    """``y`` in the network's layout: (n,) int labels for softmax, (n, n_out) floats else."""
    y = np.asarray(y)
    if y.shape[0] != n_samples:
        raise ValueError(f"y has {y.shape[0]} rows but X has {n_samples}")
    if output == "softmax":
        return _class_labels(y, n_out)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[1] != n_out:
        raise ValueError(f"y must have shape ({n_samples},) or ({n_samples}, {n_out})")
    if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
        raise ValueError(f"y must be numeric, got dtype {y.dtype}")
    y = y.astype(dtype)
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinite values")
    if output == "sigmoid" and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("binary targets must be 0 or 1")
    return y


def sample_weights(sample_weight, n_samples: int, dtype):
    """Per-sample weights as a (n, 1) column, or None; finite, >= 0, not all zero."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=dtype)
    if w.shape not in ((n_samples,), (n_samples, 1)):
        raise ValueError(f"sample_weight must have shape ({n_samples},), got {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ValueError("sample_weight must be finite, non-negative and not all zero")
    return w.reshape(n_samples, 1)
