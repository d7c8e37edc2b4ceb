"""Backpropagation against central differences, for every depth, activation and output."""

import numpy as np
import pytest

from core import activations
from core.gradcheck import check, check_detailed
from core.mlp import MLP

OUTPUTS = {"sigmoid": 1, "softmax": 3, "linear": 2}


def problem(output, n_out, n=7, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    if output == "sigmoid":
        y = rng.integers(0, 2, size=n)
    elif output == "softmax":
        y = rng.integers(0, n_out, size=n)
    else:
        y = rng.normal(size=(n, n_out))
    weights = rng.uniform(0.5, 2.0, size=n)
    return X, y, weights


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("hidden", activations.SMOOTH)
@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_gradients_match_central_differences(depth, hidden, output):
    n_out = OUTPUTS[output]
    sizes = [3] + [4] * (depth - 1) + [n_out]
    model = MLP(sizes, hidden=hidden, output=output, init="xavier", rng=depth, l2=0.03)
    X, y, weights = problem(output, n_out, seed=depth)
    assert check(model, X, y, sample_weight=weights) < 1e-7


def test_l1_gradient_away_from_zero_weights():
    model = MLP([3, 5, 1], hidden="tanh", init="xavier", rng=3, l1=0.05)
    X, y, _ = problem("sigmoid", 1)
    assert np.all(np.abs(model.flat[model.flat != 0]) > 1e-4)  # |W| is smooth there
    assert check(model, X, y) < 1e-7


def test_per_layer_activation_mix():
    model = MLP(
        [3, 4, 4, 4, 2],
        hidden=["tanh", ("elu", {"alpha": 0.5}), "gelu"],
        output="softmax",
        init="xavier",
        rng=5,
    )
    X, y, weights = problem("softmax", 2)
    assert model.hidden == ["tanh", "elu", "gelu"]
    assert check(model, X, y, sample_weight=weights) < 1e-7


def test_gradcheck_detects_a_wrong_gradient():
    """The checker must be able to fail: break the backward pass and watch it notice."""
    model = MLP([3, 4, 1], hidden="tanh", init="xavier", rng=0)
    X, y, _ = problem("sigmoid", 1)
    broken = activations.get("tanh")
    broken.backprop = lambda delta, z, a: delta  # forgets f'(z)
    model.activations[0] = broken
    assert check(model, X, y) > 1e-3


def test_result_reports_errors_per_parameter():
    model = MLP([3, 4, 4, 1], hidden="sigmoid", init="xavier", rng=1)
    X, y, _ = problem("sigmoid", 1)
    result = check_detailed(model, X, y)
    assert len(result.per_param(model)) == len(model.params)
    assert result.analytic.shape == result.numerical.shape == (model.n_params,)
