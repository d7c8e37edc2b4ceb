"""Splitting samples into training and test parts, shared by every trainer of the engine.

All randomness comes from the ``rng`` argument (an int seed or a ``numpy.random.Generator``).
"""

from __future__ import annotations

import numpy as np

from core.validation import as_rng


def train_test_split(X, y, train_ratio: float, rng=0, stratify: bool = True):
    """Shuffle and split samples into a training and a test part.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
    y : array_like of shape (n_samples,)
    train_ratio : float
        Fraction of samples used for training, strictly between 0 and 1.
    rng : int or numpy.random.Generator, default 0
    stratify : bool, default True
        Keep each class's share equal in both parts (each class contributes
        ``round(train_ratio * count)`` training samples). Needs integer class labels; pass
        ``False`` for regression targets.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        Rows in shuffled order. Both parts hold at least one sample.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n_samples,), got shape {y.shape}")
    if X.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape} and {y.shape}")
    n = y.shape[0]
    if n < 2:
        raise ValueError(f"need at least 2 samples to split, got {n}")
    ratio = float(train_ratio)
    if not (0.0 < ratio < 1.0):
        raise ValueError(f"train_ratio must lie strictly between 0 and 1, got {train_ratio}")
    generator = as_rng(rng)

    if stratify:
        if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)):
            if not (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y))):
                raise ValueError(
                    "stratify=True needs class labels; use stratify=False for regression targets"
                )
        per_class = [generator.permutation(np.flatnonzero(y == label)) for label in np.unique(y)]
        n_train = [int(round(ratio * len(idx))) for idx in per_class]
        # Tiny sets can round every sample into one part; move one from the largest class.
        largest = int(np.argmax([len(idx) for idx in per_class]))
        if sum(n_train) == n:
            n_train[largest] -= 1
        elif sum(n_train) == 0:
            n_train[largest] += 1
        train_idx = np.concatenate([idx[:k] for idx, k in zip(per_class, n_train, strict=True)])
        test_idx = np.concatenate([idx[k:] for idx, k in zip(per_class, n_train, strict=True)])
        train_idx = generator.permutation(train_idx)
        test_idx = generator.permutation(test_idx)
    else:
        order = generator.permutation(n)
        k = min(max(int(round(ratio * n)), 1), n - 1)
        train_idx, test_idx = order[:k], order[k:]
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]
