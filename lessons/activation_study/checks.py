"""Checks shared by the activation measurements: what an activation, a grid and a step are."""

from __future__ import annotations

import math

import numpy as np

from core import activations as activation_registry


def resolve(activation) -> activation_registry.Activation:
    """An :class:`~core.activations.Activation` from an instance or a registry name."""
    return activation_registry.get(activation)


def check_grid(z) -> np.ndarray:
    """``z`` as a finite, non-empty 1-D float64 array; else a ValueError."""
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty 1-D array of positions, got shape {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError("z contains NaN or infinite values")
    return z


def check_positive(value, name: str) -> float:
    """``value`` as a positive finite float; else a ValueError naming ``name``."""
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def runs(mask: np.ndarray, z: np.ndarray) -> np.ndarray:
    """First and last ``z`` of every run of True in ``mask``, shape (k, 2)."""
    padded = np.concatenate([[False], mask, [False]])
    changes = np.flatnonzero(np.diff(padded.astype(np.int8)))
    starts, stops = changes[0::2], changes[1::2] - 1
    return np.column_stack([z[starts], z[stops]]) if starts.size else np.empty((0, 2))
