"""The seed notebook's experiments, reproduced with the engine as tests."""

import numpy as np
import pytest

from core import data, optimizers
from core.mlp import MLP
from core.training import Trainer
from lessons import datasets
from yieldmodel import seed_data


def standardised_split(frame, test_ratio, seed=42):
    X = frame[seed_data.SEMICONDUCTOR_FEATURES].to_numpy()
    y = frame["fail"].to_numpy()
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, 1 - test_ratio, rng=seed)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std, y_train, y_test


def accuracy(model, X, y):
    return float(np.mean(model.predict(X) == y))


def test_two_layer_mlp_solves_xor():
    X, y = datasets.gate("xor")
    model = MLP([2, 4, 1], hidden="tanh", output="sigmoid", init="xavier", rng=0)
    Trainer(model, optimizers.make("adam", lr=0.05), X, y, batch_size=4).run_epochs(300)
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.loss(X, y) < 0.05


def test_semiconductor_seed_network_reaches_90_percent():
    X_train, X_test, y_train, y_test = standardised_split(
        seed_data.semiconductor(5000, rng=42), 0.2
    )
    assert X_train.shape == (4000, 20) and X_test.shape == (1000, 20)
    assert abs(y_train.mean() - y_test.mean()) < 0.01  # stratified
    model = MLP([20, 64, 32, 1], hidden="relu", output="sigmoid", init="he", rng=0)
    trainer = Trainer(model, optimizers.make("adam", lr=1e-3), X_train, y_train, batch_size=32)
    trainer.run_epochs(50)
    assert accuracy(model, X_test, y_test) >= 0.90


@pytest.mark.parametrize(
    ("hidden", "init", "keeps_signal"),
    [
        ("relu", "he", True),
        ("tanh", "xavier", True),
        ("relu", "random", False),
        ("tanh", "random", False),
    ],
)
def test_initialisation_and_activation_variance_through_depth(hidden, init, keeps_signal):
    depth, width = 10, 256
    X = np.random.default_rng(0).normal(size=(500, width))
    model = MLP([width] * (depth + 1) + [1], hidden=hidden, init=init, rng=1)
    trace = model.forward_trace(X)
    variance = [float(layer["a"].var()) for layer in trace[:-1]]
    ratio = variance[-1] / variance[0]
    if keeps_signal:
        assert ratio > 0.05, variance
    else:
        assert variance[-1] < 1e-12, variance


def overfit_gap(l2=0.0, dropout=0.0):
    X_train, X_val, y_train, y_val = standardised_split(seed_data.semiconductor_overfit(), 0.3)
    model = MLP([20, 128, 64, 1], hidden="relu", init="he", rng=0, l2=l2, dropout=dropout)
    Trainer(
        model, optimizers.make("adam", lr=1e-3), X_train, y_train, batch_size=32, rng=0
    ).run_epochs(30)
    return accuracy(model, X_train, y_train) - accuracy(model, X_val, y_val)


def test_l2_and_dropout_shrink_the_generalisation_gap():
    plain = overfit_gap()
    assert plain > 0.06  # the unregularised network memorises the noisy labels
    assert overfit_gap(l2=0.01) < plain - 0.03
    assert overfit_gap(dropout=0.5) < plain - 0.03
