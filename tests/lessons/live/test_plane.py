"""lessons.live.plane: the grid over the plane, the network maps, decision values, colours.

Every expected value is recomputed independently (plain NumPy formulas, worked examples).
"""

import numpy as np
import pytest

from core.mlp import MLP
from lessons.live import plane


def small_network(output="sigmoid", sizes=(2, 3, 2, 1)):
    return MLP(list(sizes), hidden="tanh", output=output, init="xavier", rng=3)


def test_plane_grid_cell_centres_and_row_major_order():
    grid = plane.plane_grid(resolution=4, extent=2.0)
    np.testing.assert_allclose(grid.xs, [-1.5, -0.5, 0.5, 1.5])
    np.testing.assert_allclose(grid.ys, grid.xs)
    assert grid.points.shape == (16, 2) and grid.resolution == 4
    # points[i * r + j] == (xs[j], ys[i]): x1 runs fastest
    np.testing.assert_allclose(grid.points[1 * 4 + 2], [0.5, -0.5])
    np.testing.assert_allclose(grid.points[3 * 4 + 0], [-1.5, 1.5])


@pytest.mark.parametrize("resolution", [1, 0, 2.5, True])
def test_plane_grid_rejects_bad_resolution(resolution):
    with pytest.raises(ValueError, match="resolution"):
        plane.plane_grid(resolution)


def test_plane_grid_rejects_bad_extent():
    with pytest.raises(ValueError, match="extent"):
        plane.plane_grid(10, extent=-1.0)


def test_grid_inputs_are_the_feature_transforms_of_the_points():
    grid = plane.plane_grid(5, 3.0)
    inputs = plane.grid_inputs(grid, ["x1^2", "sin(x2)", "x1*x2"])
    x1, x2 = grid.points[:, 0], grid.points[:, 1]
    np.testing.assert_allclose(inputs, np.column_stack([x1 * x1, np.sin(x2), x1 * x2]))


def test_thumbnail_indices_are_block_centres():
    np.testing.assert_array_equal(plane.thumbnail_indices(100, 20), np.arange(20) * 5 + 2)
    rows = plane.thumbnail_indices(100, 20)
    # symmetric around the middle of the grid: the thumbnail shows the same square
    np.testing.assert_array_equal(rows + rows[::-1], 99)
    np.testing.assert_array_equal(plane.thumbnail_indices(6, 6), np.arange(6))
    with pytest.raises(ValueError, match="thumbnail"):
        plane.thumbnail_indices(10, 11)


# ---------------------------------------------------------------------------------------------
# Network maps
# ---------------------------------------------------------------------------------------------


def test_network_maps_match_a_hand_written_forward_pass():
    model = small_network()
    grid = plane.plane_grid(10, 4.0)
    inputs = plane.grid_inputs(grid, ["x1", "x2"])
    maps = plane.network_maps(model, inputs, 10, thumb=5)

    W0, b0, W1, b1, W2, b2 = (np.asarray(p) for p in model.params)
    a1 = np.tanh(inputs @ W0 + b0)
    a2 = np.tanh(a1 @ W1 + b1)
    out = 1.0 / (1.0 + np.exp(-(a2 @ W2 + b2)))
    np.testing.assert_allclose(maps.output.reshape(-1, 1), out, rtol=1e-12)

    rows = plane.thumbnail_indices(10, 5)
    picked = (rows[:, None] * 10 + rows[None, :]).ravel()  # grid rows (x2) then columns (x1)
    assert [t.shape for t in maps.thumbnails] == [(5, 5, 2), (5, 5, 3), (5, 5, 2), (5, 5, 1)]
    np.testing.assert_allclose(maps.thumbnails[0].reshape(-1, 2), inputs[picked])
    np.testing.assert_allclose(maps.thumbnails[1].reshape(-1, 3), a1[picked], rtol=1e-12)
    np.testing.assert_allclose(maps.thumbnails[3].reshape(-1, 1), out[picked], rtol=1e-12)


def test_network_maps_checks_the_grid_size():
    model = small_network()
    inputs = plane.grid_inputs(plane.plane_grid(10), ["x1", "x2"])
    with pytest.raises(ValueError, match="rows"):
        plane.network_maps(model, inputs, 9)


# ---------------------------------------------------------------------------------------------
# Decision values and display scaling
# ---------------------------------------------------------------------------------------------


def test_binary_decision_values_are_probabilities_or_the_decision():
    output = np.array([[0.2], [0.5], [0.9]])
    np.testing.assert_allclose(plane.decision_values(output, "binary"), [0.2, 0.5, 0.9])
    np.testing.assert_array_equal(plane.decision_values(output, "binary", True), [0, 1, 1])


def test_regression_decision_values_are_values_or_their_sign():
    output = np.array([[-0.3], [0.0], [0.7]])
    np.testing.assert_allclose(plane.decision_values(output, "regression"), [-0.3, 0.0, 0.7])
    np.testing.assert_array_equal(plane.decision_values(output, "regression", True), [-1, 1, 1])


def test_multiclass_decision_values_encode_class_and_confidence():
    output = np.array([[0.2, 0.5, 0.3], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]])
    # worked example: class 1 with top probability 0.5 -> confidence (0.5 - 1/3) / (2/3) = 0.25
    expected = [1 + 0.999 * 0.25, 0.0, 2 + 0.999]
    np.testing.assert_allclose(plane.decision_values(output, "multiclass"), expected)
    np.testing.assert_allclose(
        plane.decision_values(output, "multiclass", discretize=True), [1.999, 0.999, 2.999]
    )


def test_decision_values_reject_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        plane.decision_values(np.zeros((2, 1)), "ordinal")


def test_display_scale_keeps_small_values_and_shrinks_large_ones():
    small = np.array([[-0.5, 0.9]])
    np.testing.assert_array_equal(plane.display_scale(small), small)
    large = np.array([[-4.0, 2.0]])
    np.testing.assert_allclose(plane.display_scale(large), [[-1.0, 0.5]])
    np.testing.assert_allclose(
        plane.output_display(np.array([0.0, 0.5, 1.0]), "sigmoid"), [-1, 0, 1]
    )
    np.testing.assert_allclose(plane.output_display(np.array([3.0, -1.5]), "linear"), [1.0, -0.5])
    np.testing.assert_allclose(plane.output_display(np.array([0.1, 0.9]), "softmax"), [0.1, 0.9])


def test_display_thumbnails_scale_each_node():
    maps = plane.NetworkMaps(
        output=np.zeros((2, 2, 1)),
        thumbnails=[np.full((2, 2, 1), 6.0), np.full((2, 2, 1), 0.5), np.full((2, 2, 1), 0.75)],
    )
    shown = plane.display_thumbnails(maps, "sigmoid")
    np.testing.assert_allclose(shown[0], 1.0)  # 6 / max|6|
    np.testing.assert_allclose(shown[1], 0.5)  # already in [-1, 1]
    np.testing.assert_allclose(shown[2], 0.5)  # probability 0.75 -> 2 * 0.75 - 1
