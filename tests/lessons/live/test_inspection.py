"""lessons.live.inspection: one sample's forward and backward pass, checked by hand and by
central differences."""

import math

import numpy as np
import pytest

from core.mlp import MLP
from lessons.live import inspection
from lessons.live.layout import NetworkLayout


def small_network(output="sigmoid", sizes=(2, 3, 2, 1)):
    return MLP(list(sizes), hidden="tanh", output=output, init="xavier", rng=3)


def test_inspect_step_matches_hand_written_backprop_and_central_differences():
    model = small_network(sizes=(2, 3, 1))
    x, y = np.array([0.7, -1.2]), 1
    step = inspection.inspect_step(model, x, y)

    W0, b0, W1, b1 = (np.asarray(p) for p in model.params)
    z1 = x @ W0 + b0
    a1 = np.tanh(z1)
    z2 = a1 @ W1 + b1
    y_hat = 1.0 / (1.0 + np.exp(-z2))
    delta2 = y_hat - y
    delta1 = (delta2 @ W1.T) * (1.0 - a1**2)
    np.testing.assert_allclose(step.z[0], z1)
    np.testing.assert_allclose(step.a[0], a1)
    np.testing.assert_allclose(step.output, y_hat)
    np.testing.assert_allclose(step.output_delta, delta2)
    np.testing.assert_allclose(step.delta[1], delta2)
    np.testing.assert_allclose(step.delta[0], delta1)
    np.testing.assert_allclose(step.grad_W[1], np.outer(a1, delta2))
    np.testing.assert_allclose(step.grad_W[0], np.outer(x, delta1))
    np.testing.assert_allclose(step.grad_b[0], delta1)
    assert step.loss == pytest.approx(-math.log(y_hat[0]))

    # central difference on one weight, W0[1, 2]
    h = 1e-6
    W0_plus, W0_minus = W0.copy(), W0.copy()
    W0_plus[1, 2] += h
    W0_minus[1, 2] -= h

    def loss(W):
        p = 1.0 / (1.0 + np.exp(-(np.tanh(x @ W + b0) @ W1 + b1)))
        return -math.log(p[0])

    assert step.grad_W[0][1, 2] == pytest.approx((loss(W0_plus) - loss(W0_minus)) / (2 * h))


def test_inspect_step_softmax_output_delta_is_probabilities_minus_one_hot():
    model = MLP([2, 4, 3], hidden="relu", output="softmax", rng=1)
    step = inspection.inspect_step(model, np.array([0.3, 0.4]), 2)
    expected = step.output - np.array([0.0, 0.0, 1.0])
    np.testing.assert_allclose(step.output_delta, expected)
    np.testing.assert_allclose(step.delta[-1], expected)
    assert step.output.sum() == pytest.approx(1.0)


def test_step_packed_colours_one_cell_per_node():
    model = small_network(sizes=(2, 3, 1))
    step = inspection.inspect_step(model, np.array([4.0, -2.0]), 0)
    layout = NetworkLayout((2, 3, 1), thumb=1)
    packed = inspection.step_packed(layout, step, "sigmoid")
    cells = packed[~np.isnan(packed)]
    assert cells.size == 6
    # inputs (4, -2) are divided by their largest |value|; the output p becomes 2p - 1
    x_mid = (layout.x_edges[:-1] + layout.x_edges[1:]) / 2
    y_mid = (layout.y_edges[:-1] + layout.y_edges[1:]) / 2

    def cell(column, index):
        cx, cy = layout.node_centre(column, index)
        return packed[np.argmin(np.abs(y_mid - cy)), np.argmin(np.abs(x_mid - cx))]

    assert cell(0, 0) == pytest.approx(1.0) and cell(0, 1) == pytest.approx(-0.5)
    assert cell(2, 0) == pytest.approx(2 * step.output[0] - 1)
    with pytest.raises(ValueError, match="thumb=1"):
        inspection.step_packed(NetworkLayout((2, 3, 1), thumb=2), step, "sigmoid")
