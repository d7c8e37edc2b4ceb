"""lessons.live.grids: the live trainer's grids, thumbnails, layout, one-step inspection, stop rule.

Every expected value is recomputed independently (plain NumPy formulas, worked examples,
central differences), never read back from an earlier run.
"""

import io
import json
import math

import numpy as np
import pytest

from core import data, optimizers
from core.mlp import MLP
from core.training import Trainer
from lessons import datasets
from lessons.live import grids

# ---------------------------------------------------------------------------------------------
# Plane grid and features
# ---------------------------------------------------------------------------------------------


def test_plane_grid_cell_centres_and_row_major_order():
    grid = grids.plane_grid(resolution=4, extent=2.0)
    np.testing.assert_allclose(grid.xs, [-1.5, -0.5, 0.5, 1.5])
    np.testing.assert_allclose(grid.ys, grid.xs)
    assert grid.points.shape == (16, 2) and grid.resolution == 4
    # points[i * r + j] == (xs[j], ys[i]): x1 runs fastest
    np.testing.assert_allclose(grid.points[1 * 4 + 2], [0.5, -0.5])
    np.testing.assert_allclose(grid.points[3 * 4 + 0], [-1.5, 1.5])


@pytest.mark.parametrize("resolution", [1, 0, 2.5, True])
def test_plane_grid_rejects_bad_resolution(resolution):
    with pytest.raises(ValueError, match="resolution"):
        grids.plane_grid(resolution)


def test_plane_grid_rejects_bad_extent():
    with pytest.raises(ValueError, match="extent"):
        grids.plane_grid(10, extent=-1.0)


def test_grid_inputs_are_the_feature_transforms_of_the_points():
    grid = grids.plane_grid(5, 3.0)
    inputs = grids.grid_inputs(grid, ["x1^2", "sin(x2)", "x1*x2"])
    x1, x2 = grid.points[:, 0], grid.points[:, 1]
    np.testing.assert_allclose(inputs, np.column_stack([x1 * x1, np.sin(x2), x1 * x2]))


def test_thumbnail_indices_are_block_centres():
    np.testing.assert_array_equal(grids.thumbnail_indices(100, 20), np.arange(20) * 5 + 2)
    rows = grids.thumbnail_indices(100, 20)
    # symmetric around the middle of the grid: the thumbnail shows the same square
    np.testing.assert_array_equal(rows + rows[::-1], 99)
    np.testing.assert_array_equal(grids.thumbnail_indices(6, 6), np.arange(6))
    with pytest.raises(ValueError, match="thumbnail"):
        grids.thumbnail_indices(10, 11)


# ---------------------------------------------------------------------------------------------
# Network maps
# ---------------------------------------------------------------------------------------------


def small_network(output="sigmoid", sizes=(2, 3, 2, 1)):
    return MLP(list(sizes), hidden="tanh", output=output, init="xavier", rng=3)


def test_network_maps_match_a_hand_written_forward_pass():
    model = small_network()
    grid = grids.plane_grid(10, 4.0)
    inputs = grids.grid_inputs(grid, ["x1", "x2"])
    maps = grids.network_maps(model, inputs, 10, thumb=5)

    W0, b0, W1, b1, W2, b2 = (np.asarray(p) for p in model.params)
    a1 = np.tanh(inputs @ W0 + b0)
    a2 = np.tanh(a1 @ W1 + b1)
    out = 1.0 / (1.0 + np.exp(-(a2 @ W2 + b2)))
    np.testing.assert_allclose(maps.output.reshape(-1, 1), out, rtol=1e-12)

    rows = grids.thumbnail_indices(10, 5)
    picked = (rows[:, None] * 10 + rows[None, :]).ravel()  # grid rows (x2) then columns (x1)
    assert [t.shape for t in maps.thumbnails] == [(5, 5, 2), (5, 5, 3), (5, 5, 2), (5, 5, 1)]
    np.testing.assert_allclose(maps.thumbnails[0].reshape(-1, 2), inputs[picked])
    np.testing.assert_allclose(maps.thumbnails[1].reshape(-1, 3), a1[picked], rtol=1e-12)
    np.testing.assert_allclose(maps.thumbnails[3].reshape(-1, 1), out[picked], rtol=1e-12)


def test_network_maps_checks_the_grid_size():
    model = small_network()
    inputs = grids.grid_inputs(grids.plane_grid(10), ["x1", "x2"])
    with pytest.raises(ValueError, match="rows"):
        grids.network_maps(model, inputs, 9)


# ---------------------------------------------------------------------------------------------
# Decision values and display scaling
# ---------------------------------------------------------------------------------------------


def test_binary_decision_values_are_probabilities_or_the_decision():
    output = np.array([[0.2], [0.5], [0.9]])
    np.testing.assert_allclose(grids.decision_values(output, "binary"), [0.2, 0.5, 0.9])
    np.testing.assert_array_equal(grids.decision_values(output, "binary", True), [0, 1, 1])


def test_regression_decision_values_are_values_or_their_sign():
    output = np.array([[-0.3], [0.0], [0.7]])
    np.testing.assert_allclose(grids.decision_values(output, "regression"), [-0.3, 0.0, 0.7])
    np.testing.assert_array_equal(grids.decision_values(output, "regression", True), [-1, 1, 1])


def test_multiclass_decision_values_encode_class_and_confidence():
    output = np.array([[0.2, 0.5, 0.3], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]])
    # worked example: class 1 with top probability 0.5 -> confidence (0.5 - 1/3) / (2/3) = 0.25
    expected = [1 + 0.999 * 0.25, 0.0, 2 + 0.999]
    np.testing.assert_allclose(grids.decision_values(output, "multiclass"), expected)
    np.testing.assert_allclose(
        grids.decision_values(output, "multiclass", discretize=True), [1.999, 0.999, 2.999]
    )


def test_decision_values_reject_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        grids.decision_values(np.zeros((2, 1)), "ordinal")


def test_display_scale_keeps_small_values_and_shrinks_large_ones():
    small = np.array([[-0.5, 0.9]])
    np.testing.assert_array_equal(grids.display_scale(small), small)
    large = np.array([[-4.0, 2.0]])
    np.testing.assert_allclose(grids.display_scale(large), [[-1.0, 0.5]])
    np.testing.assert_allclose(
        grids.output_display(np.array([0.0, 0.5, 1.0]), "sigmoid"), [-1, 0, 1]
    )
    np.testing.assert_allclose(grids.output_display(np.array([3.0, -1.5]), "linear"), [1.0, -0.5])
    np.testing.assert_allclose(grids.output_display(np.array([0.1, 0.9]), "softmax"), [0.1, 0.9])


# ---------------------------------------------------------------------------------------------
# Layout and packing
# ---------------------------------------------------------------------------------------------


def test_layout_edges_and_packed_shape():
    layout = grids.NetworkLayout((2, 4, 2, 1), thumb=3, gap_x=2.0, gap_y=0.5)
    assert layout.packed_shape == (4 * 4 - 1, 4 * 4 - 1)
    assert layout.x_edges.shape == (16,) and layout.y_edges.shape == (16,)
    assert np.all(np.diff(layout.x_edges) > 0) and np.all(np.diff(layout.y_edges) > 0)
    # column 1 starts at 1 * (1 + gap_x) = 3, node 2 spans y in [-2 * 1.5 - 1, -2 * 1.5]
    assert layout.column_left(1) == 3.0
    assert layout.node_centre(1, 2) == (3.5, -3.5)
    np.testing.assert_allclose(layout.x_edges[4:8], [3.0, 3 + 1 / 3, 3 + 2 / 3, 4.0])
    assert layout.y_edges[-1] == 0.0 and layout.y_edges[0] == -3 * 1.5 - 1


def test_pack_puts_each_thumbnail_under_its_node():
    layout = grids.NetworkLayout((2, 3, 1), thumb=2)
    rng = np.random.default_rng(0)
    thumbnails = [rng.uniform(-1, 1, (2, 2, w)) for w in layout.widths]
    packed = layout.pack(thumbnails, dtype=np.float64)
    x_mid = (layout.x_edges[:-1] + layout.x_edges[1:]) / 2
    y_mid = (layout.y_edges[:-1] + layout.y_edges[1:]) / 2
    for column, width in enumerate(layout.widths):
        for index in range(width):
            cx, cy = layout.node_centre(column, index)
            cols = np.flatnonzero(np.abs(x_mid - cx) < 0.5)
            rows = np.flatnonzero(np.abs(y_mid - cy) < 0.5)
            np.testing.assert_array_equal(
                packed[np.ix_(rows, cols)], thumbnails[column][:, :, index]
            )
    # 6 nodes of 4 cells each are filled; everything else is a NaN gap
    assert np.count_nonzero(~np.isnan(packed)) == 6 * 4


def test_pack_rejects_wrong_thumbnail_shapes():
    layout = grids.NetworkLayout((2, 1), thumb=2)
    with pytest.raises(ValueError, match="layer 1"):
        layout.pack([np.zeros((2, 2, 2)), np.zeros((3, 3, 1))])
    with pytest.raises(ValueError, match="layers"):
        layout.pack([np.zeros((2, 2, 2))])


@pytest.mark.parametrize("widths", [(3,), (2, 0, 1)])
def test_layout_rejects_bad_widths(widths):
    with pytest.raises(ValueError):
        grids.NetworkLayout(widths)


def test_connections_run_from_source_right_edge_to_target_left_edge():
    layout = grids.NetworkLayout((2, 3, 1), thumb=4, gap_y=0.5)
    W0 = np.arange(6.0).reshape(2, 3)
    W1 = np.array([[7.0], [8.0], [9.0]])
    links = grids.connections(layout, [W0, W1])
    assert links.weight.tolist() == [0, 1, 2, 3, 4, 5, 7, 8, 9]
    # weight W0[1, 2] = 5 joins input 1 to hidden node 2
    k = 5
    assert (links.layer[k], links.source[k], links.target[k]) == (0, 1, 2)
    assert links.x0[k] == layout.column_left(0) + 1 and links.x1[k] == layout.column_left(1)
    assert links.y0[k] == layout.node_centre(0, 1)[1] and links.y1[k] == layout.node_centre(1, 2)[1]
    with pytest.raises(ValueError, match="shape"):
        grids.connections(layout, [W0.T, W1])


def test_display_thumbnails_scale_each_node():
    maps = grids.NetworkMaps(
        output=np.zeros((2, 2, 1)),
        thumbnails=[np.full((2, 2, 1), 6.0), np.full((2, 2, 1), 0.5), np.full((2, 2, 1), 0.75)],
    )
    shown = grids.display_thumbnails(maps, "sigmoid")
    np.testing.assert_allclose(shown[0], 1.0)  # 6 / max|6|
    np.testing.assert_allclose(shown[1], 0.5)  # already in [-1, 1]
    np.testing.assert_allclose(shown[2], 0.5)  # probability 0.75 -> 2 * 0.75 - 1


# ---------------------------------------------------------------------------------------------
# Look inside one step
# ---------------------------------------------------------------------------------------------


def test_inspect_step_matches_hand_written_backprop_and_central_differences():
    model = small_network(sizes=(2, 3, 1))
    x, y = np.array([0.7, -1.2]), 1
    step = grids.inspect_step(model, x, y)

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
    step = grids.inspect_step(model, np.array([0.3, 0.4]), 2)
    expected = step.output - np.array([0.0, 0.0, 1.0])
    np.testing.assert_allclose(step.output_delta, expected)
    np.testing.assert_allclose(step.delta[-1], expected)
    assert step.output.sum() == pytest.approx(1.0)


def test_step_packed_colours_one_cell_per_node():
    model = small_network(sizes=(2, 3, 1))
    step = grids.inspect_step(model, np.array([4.0, -2.0]), 0)
    layout = grids.NetworkLayout((2, 3, 1), thumb=1)
    packed = grids.step_packed(layout, step, "sigmoid")
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
        grids.step_packed(grids.NetworkLayout((2, 3, 1), thumb=2), step, "sigmoid")


# ---------------------------------------------------------------------------------------------
# Stop rule and frame pacing
# ---------------------------------------------------------------------------------------------


def history(epochs, losses, val_losses=(), accuracy=(), val_accuracy=()):
    return {
        "epoch": list(epochs),
        "loss": list(losses),
        "val_loss": list(val_losses),
        "accuracy": list(accuracy),
        "val_accuracy": list(val_accuracy),
    }


def test_stop_rule_reasons():
    assert grids.StopRule(max_epochs=3).reason(history([], [])) is None
    assert "maximum of 3" in grids.StopRule(max_epochs=3).reason(history([1, 2, 3], [1, 1, 1]))
    rule = grids.StopRule(target_loss=0.1)
    assert rule.reason(history([1], [0.05], [0.2])) is None  # test loss decides
    assert "test loss 0.09" in rule.reason(history([1, 2], [0.3, 0.05], [0.2, 0.09]))
    assert "training loss" in rule.reason(history([1], [0.05]))
    rule = grids.StopRule(target_accuracy=0.95)
    assert rule.reason(history([1], [0.3], [0.3], [0.99], [0.9])) is None
    assert "96.0%" in rule.reason(history([1], [0.3], [0.3], [0.9], [0.96]))


@pytest.mark.parametrize(
    "kwargs", [{"max_epochs": 0}, {"target_loss": -1.0}, {"target_accuracy": 1.5}]
)
def test_stop_rule_rejects_bad_targets(kwargs):
    with pytest.raises(ValueError):
        grids.StopRule(**kwargs)


def test_epochs_for_frame_keeps_the_pace():
    assert grids.epochs_for_frame(0.5, 30.0) == 15
    assert grids.epochs_for_frame(0.1, 30.0) == 3
    assert grids.epochs_for_frame(0.001, 30.0) == 1  # at least one epoch
    assert grids.epochs_for_frame(60.0, 30.0) == 50  # a long pause is capped
    assert grids.epochs_for_frame(None, 30.0) == 5
    with pytest.raises(ValueError):
        grids.epochs_for_frame(0.1, 0.0)
    with pytest.raises(ValueError):
        grids.epochs_for_frame(-1.0, 30.0)


# ---------------------------------------------------------------------------------------------
# Own points and export
# ---------------------------------------------------------------------------------------------


def test_custom_points_number_classes_in_sorted_order():
    X, y, classes = grids.custom_points(
        [0, 1, 2, 3, 4, 5], [1, 1, 2, 2, 3, 3], ["b", "a", "b", "a", "c", "c"], "classification"
    )
    assert classes == ["a", "b", "c"]
    np.testing.assert_array_equal(y, [1, 0, 1, 0, 2, 2])
    np.testing.assert_allclose(X[:, 0], [0, 1, 2, 3, 4, 5])
    _, y, classes = grids.custom_points(
        [0, 1, 2, 3], [0, 0, 1, 1], [-1, 1.0, "1", -1], "classification"
    )
    assert classes == [-1, 1] and y.tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize(
    ("columns", "kind", "message"),
    [
        (([0, 1, 2], [0, 1, 2], [0, 1, 0]), "classification", "at least 4"),
        (([0, 1, 2, "x"], [0, 1, 2, 3], [0, 1, 0, 1]), "classification", "x1 must hold numbers"),
        (([0, 1, 2, np.nan], [0, 1, 2, 3], [0, 1, 0, 1]), "classification", "rows 4"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0, 1, None, 1]), "classification", "rows 3 have no label"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [1, 1, 1, 1]), "classification", "two classes"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0, 0, 0, 1]), "classification", "single point"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0.1, "a", 0, 1]), "regression", "numbers"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 0, 1]), "ordinal", "kind"),
    ],
)
def test_custom_points_errors_say_what_to_fix(columns, kind, message):
    with pytest.raises(ValueError, match=message):
        grids.custom_points(*columns, kind)


def test_custom_regression_points_keep_float_targets():
    X, y, classes = grids.custom_points(
        [0, 1, 2, 3], [0, 1, 2, 3], [0.5, -0.25, 1, 0], "regression"
    )
    assert classes == [] and y.dtype == np.float64
    np.testing.assert_allclose(y, [0.5, -0.25, 1.0, 0.0])


def test_weights_npz_round_trip_without_pickle():
    model = small_network()
    archive = np.load(io.BytesIO(grids.weights_npz(model)), allow_pickle=False)
    for layer in range(model.n_layers):
        np.testing.assert_array_equal(archive[f"W{layer}"], model.weights[layer])
        np.testing.assert_array_equal(archive[f"b{layer}"], model.biases[layer])
    config = json.loads(str(archive["config"]))
    assert config["sizes"] == [2, 3, 2, 1]
    rebuilt = MLP.from_config(config)
    rebuilt.set_params([archive[name] for name in ("W0", "b0", "W1", "b1", "W2", "b2")])
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    np.testing.assert_allclose(rebuilt.forward(X), model.forward(X))


# ---------------------------------------------------------------------------------------------
# The page's default setup teaches something: it converges
# ---------------------------------------------------------------------------------------------


def test_default_circle_tanh_4_2_network_reaches_test_loss_below_0_1_in_300_epochs():
    # The page's defaults: circle, 500 points, noise 0, 50 % training data, features x1 x2,
    # tanh [4, 2], Xavier init, SGD with learning rate 0.03, batch size 10, seed 0.
    X, y = datasets.playground("circle", 500, 0.0, rng=0)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, 0.5, rng=0)
    model = MLP([2, 4, 2, 1], hidden="tanh", output="sigmoid", init="xavier", rng=0)
    trainer = Trainer(
        model,
        optimizers.make("sgd", lr=0.03),
        X_train,
        y_train,
        X_test,
        y_test,
        batch_size=10,
        rng=0,
    )
    trainer.run_epochs(300)
    assert not trainer.diverged
    test_loss = np.array(trainer.history["val_loss"])
    assert test_loss[0] > 0.5  # it starts near chance (ln 2 = 0.69) ...
    assert test_loss.min() < 0.1  # ... and gets below 0.1 within 300 epochs
    assert test_loss[-1] < 0.1
    assert trainer.history["val_accuracy"][-1] > 0.95
