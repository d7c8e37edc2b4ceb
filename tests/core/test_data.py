"""core.data.train_test_split: sizes, stratification, determinism, bad input."""

import numpy as np
import pytest

from core.data import train_test_split
from lessons.datasets import playground

# ------------------------------------------------------------------------------ split


def test_stratified_split_keeps_class_shares():
    y = np.array([0] * 70 + [1] * 30)
    X = np.arange(100.0)[:, None]
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.8, rng=0)
    assert (len(y_train), len(y_test)) == (80, 20)
    assert y_train.sum() == 24 and y_test.sum() == 6
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]])
    assert sorted(rows.tolist()) == list(range(100))
    np.testing.assert_array_equal(y[X_train[:, 0].astype(int)], y_train)
    assert 0 < y_train[:40].mean() < 1  # shuffled, not grouped by class


def test_plain_split_for_regression_targets():
    X, y = playground("plane", n=200, rng=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.5, rng=1, stratify=False)
    assert len(y_train) == len(y_test) == 100
    with pytest.raises(ValueError, match="stratify"):
        train_test_split(X, y, 0.5, rng=1)


def test_split_keeps_both_parts_nonempty():
    X, y = np.zeros((2, 1)), np.array([0, 1])
    for ratio in (0.01, 0.99):
        parts = train_test_split(X, y, ratio, rng=0)
        assert len(parts[2]) == 1 and len(parts[3]) == 1


@pytest.mark.parametrize("ratio", [0.0, 1.0, -0.5, 1.5])
def test_split_ratio_validation(ratio):
    with pytest.raises(ValueError, match="train_ratio"):
        train_test_split(np.zeros((10, 2)), np.zeros(10, int), ratio, rng=0)


def test_split_shape_validation():
    with pytest.raises(ValueError, match="same number of rows"):
        train_test_split(np.zeros((10, 2)), np.zeros(9, int), 0.5, rng=0)
