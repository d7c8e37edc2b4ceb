"""Small shared argument checks used at the public boundary of ``core``."""

from __future__ import annotations

import numpy as np


def as_rng(rng) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from a seed, a Generator or None."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be an int seed or a numpy.random.Generator, got {type(rng).__name__}"
    )


def check_options(kind: str, given: dict, allowed: dict) -> dict:
    """Merge ``given`` into a copy of ``allowed`` defaults; unknown names are an error."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        valid = ", ".join(sorted(allowed)) or "none"
        raise ValueError(f"unknown parameter {unknown[0]!r} for {kind}; valid parameters: {valid}")
    merged = dict(allowed)
    merged.update(given)
    return merged


def lookup(kind: str, name: str, registry: dict):
    """Find ``name`` in a registry, with a message listing what exists."""
    key = str(name).lower().replace("-", "_").replace(" ", "_")
    if key not in registry:
        raise ValueError(f"unknown {kind} {name!r}; choose one of: {', '.join(sorted(registry))}")
    return registry[key]


def check_matrix(X, name: str = "X", n_features: int | None = None, dtype=np.float64) -> np.ndarray:
    """Return ``X`` as a finite 2-D float array of shape (n_samples, n_features)."""
    X = np.asarray(X)
    if X.dtype == object or not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"{name} must be numeric, got dtype {X.dtype}")
    X = X.astype(dtype, copy=False)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features but the model expects {n_features}")
    if not np.isfinite(X).all():
        bad = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(
            f"{name} contains NaN or infinite values (first at row {bad[0]}, column {bad[1]})"
        )
    return X


def check_count(value, name: str, minimum: int) -> int:
    """Return ``value`` as an int, rejecting non-integers and values below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def row_list(rows, total: int | None = None, limit: int = 5) -> str:
    """'row 3', 'rows 3, 7, 12' or 'rows 3, 7, 12, ...' from 1-based row numbers.

    ``total`` is the full count when ``rows`` holds only the first few.
    """
    rows = list(rows)
    total = len(rows) if total is None else total
    text = ("row " if total == 1 else "rows ") + ", ".join(str(int(r)) for r in rows[:limit])
    if total > min(len(rows), limit):
        text += ", ..."
    return text
