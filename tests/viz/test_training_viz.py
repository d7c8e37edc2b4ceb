"""viz.training: decision map, loss/accuracy curves, gradient norms, confusion, predictions."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lessons.live.plane import decision_values, plane_grid
from viz import decision, training


def valid(figure) -> go.Figure:
    """The figure dict was built without validation; its spec must pass Plotly's checks."""
    return go.Figure(figure)


def validated(builder):
    """``builder`` returning a Plotly-validated ``go.Figure`` of its figure dict."""
    return lambda *args, **kwargs: valid(builder(*args, **kwargs))


decision_figure = validated(decision.decision_figure)
loss_figure = validated(training.loss_figure)
accuracy_figure = validated(training.accuracy_figure)
gradient_norm_figure = validated(training.gradient_norm_figure)
confusion_figure = validated(training.confusion_figure)
prediction_figure = validated(training.prediction_figure)


def sample_history(n=4, with_val=True):
    return {
        "epoch": list(range(1, n + 1)),
        "loss": [0.7, 0.5, 0.3, 0.2][:n],
        "val_loss": [0.72, 0.55, 0.35, 0.25][:n] if with_val else [],
        "accuracy": [0.5, 0.7, 0.9, 0.95][:n],
        "val_accuracy": [0.48, 0.66, 0.88, 0.93][:n] if with_val else [],
        "grad_norms": [[1.0, 0.1], [0.5, 0.05], [0.2, 0.0], [0.1, 0.01]][:n],
    }


def test_decision_figure_binary_heatmap_and_points():
    grid = plane_grid(10, 6.0)
    values = np.linspace(0, 1, 100).reshape(10, 10)
    X = np.array([[0.0, 1.0], [2.0, -3.0], [-1.0, 0.5]])
    y = np.array([0, 1, 1])
    figure = valid(
        decision_figure(grid.xs, grid.ys, values, "binary", X, y, X[:1], y[:1], uirevision="u")
    )
    heatmap, train, test = figure.data
    np.testing.assert_array_equal(np.asarray(heatmap.z), values)
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 1.0)
    np.testing.assert_array_equal(train.x, X[:, 0])
    np.testing.assert_array_equal(train.marker.color, y)
    assert (
        train.marker.line.color == decision.TRAIN_OUTLINE
        and test.marker.line.color == decision.TEST_OUTLINE
    )
    assert figure.layout.xaxis.range == (-6.0, 6.0)
    assert figure.layout.uirevision == "u"


def test_decision_figure_without_test_points_has_two_traces():
    grid = plane_grid(4, 2.0)
    figure = decision_figure(
        grid.xs, grid.ys, np.zeros((4, 4)), "regression", np.zeros((2, 2)), np.array([0.5, -1.0])
    )
    assert len(figure.data) == 2
    assert (figure.data[0].zmin, figure.data[0].zmax) == (-1.0, 1.0)


def test_decision_figure_multiclass_uses_class_colours_and_bands():
    grid = plane_grid(5, 3.0)
    output = np.tile([0.1, 0.2, 0.7], (25, 1)).reshape(5, 5, 3)
    values = decision_values(output, "multiclass")
    y = np.array([0, 1, 2])
    figure = valid(
        decision_figure(grid.xs, grid.ys, values, "multiclass", np.zeros((3, 2)), y, n_classes=3)
    )
    heatmap, points = figure.data
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 3.0)
    assert list(points.marker.color) == [
        decision.class_colour(0),
        decision.class_colour(1),
        decision.class_colour(2),
    ]


def test_decision_figure_checks_shapes_and_kind():
    grid = plane_grid(4, 2.0)
    with pytest.raises(ValueError, match="shape"):
        decision_figure(grid.xs, grid.ys, np.zeros((3, 4)), "binary", np.zeros((1, 2)), [0])
    with pytest.raises(ValueError, match="kind"):
        decision_figure(grid.xs, grid.ys, np.zeros((4, 4)), "ordinal", np.zeros((1, 2)), [0])


def test_class_bands_give_each_class_its_band():
    scale = decision.class_bands(3)
    positions = [position for position, _ in scale]
    assert positions[0] == 0.0 and positions[-1] == 1.0
    assert np.all(np.diff(positions) > 0)
    # class 1's band runs from 1/3 (pale) to (1 + 0.999)/3 (strong), both in its colour
    assert positions[2] == pytest.approx(1 / 3) and positions[3] == pytest.approx(1.999 / 3)
    assert scale[2][1] != scale[3][1]
    with pytest.raises(ValueError):
        decision.class_bands(1)


def test_tint_mixes_with_white():
    assert decision._tint("#000000", 0.0) == "rgb(255,255,255)"
    assert decision._tint("#0877BD", 1.0) == "rgb(8,119,189)"
    assert decision._tint("#000000", 0.5) == "rgb(128,128,128)"


def test_loss_figure_plots_train_and_test_loss():
    history = sample_history()
    figure = valid(loss_figure(history))
    train, test = figure.data
    np.testing.assert_array_equal(train.x, [1, 2, 3, 4])
    np.testing.assert_array_equal(train.y, history["loss"])
    np.testing.assert_array_equal(test.y, history["val_loss"])
    assert not figure.layout.shapes


def test_loss_figure_marks_divergence_at_its_epoch():
    figure = valid(loss_figure(sample_history(2), {"epoch": 3, "step": 52, "reason": "x"}))
    assert figure.layout.shapes[0].x0 == 3
    assert "step 52" in figure.layout.annotations[0].text


def test_loss_figure_of_an_untrained_network_is_empty_but_valid():
    figure = valid(loss_figure(sample_history(0)))
    assert len(figure.data) == 1 and len(figure.data[0].x) == 0


def test_a_single_epoch_is_drawn_as_a_marker():
    figure = valid(loss_figure(sample_history(1)))
    assert [trace.mode for trace in figure.data] == ["markers", "markers"]
    assert valid(loss_figure(sample_history(2))).data[0].mode == "lines"


def test_accuracy_figure():
    figure = valid(accuracy_figure(sample_history()))
    np.testing.assert_array_equal(figure.data[1].y, [0.48, 0.66, 0.88, 0.93])
    only_train = accuracy_figure(sample_history(with_val=False))
    assert [t.name for t in only_train.data] == ["training accuracy"]


def test_gradient_norm_figure_one_line_per_layer_on_a_log_axis():
    history = sample_history()
    figure = valid(gradient_norm_figure(history["epoch"], history["grad_norms"], ["a", "b"]))
    assert figure.layout.yaxis.type == "log"
    assert [t.name for t in figure.data] == ["a", "b"]
    second = np.asarray(figure.data[1].y, dtype=float)
    assert np.isnan(second[2])  # a zero norm cannot sit on a log axis
    np.testing.assert_allclose(second[[0, 1, 3]], [0.1, 0.05, 0.01])
    with pytest.raises(ValueError, match="names"):
        gradient_norm_figure(history["epoch"], history["grad_norms"], ["a"])


def test_confusion_figure_writes_the_counts():
    figure = valid(confusion_figure([[5, 1], [2, 7]], [0, 1]))
    heatmap = figure.data[0]
    np.testing.assert_array_equal(np.asarray(heatmap.z), [[5, 1], [2, 7]])
    assert list(heatmap.x) == ["0", "1"] and heatmap.texttemplate == "%{text}"
    with pytest.raises(ValueError, match="shape"):
        confusion_figure([[1, 2]], [0, 1])


def test_prediction_figure_has_the_identity_line():
    figure = valid(prediction_figure([0.0, 1.0, -1.0], [0.1, 0.8, -0.5]))
    identity, points = figure.data
    assert list(identity.x) == [-1.0, 1.0] and list(identity.y) == [-1.0, 1.0]
    np.testing.assert_array_equal(points.y, [0.1, 0.8, -0.5])


def test_gradient_norm_figure_with_no_finished_epoch_is_empty_not_an_error():
    figure = gradient_norm_figure([], [], layer_names=["W0", "W1"])
    assert len(figure.data) == 2 and all(len(trace.x) == 0 for trace in figure.data)


def test_long_curves_are_thinned_but_keep_their_ends():
    n = 5000
    history = {
        "epoch": list(range(1, n + 1)),
        "loss": [1.0 / k for k in range(1, n + 1)],
        "val_loss": [2.0 / k for k in range(1, n + 1)],
    }
    figure = loss_figure(history, max_points=100)
    train, test = figure.data
    x = np.asarray(train.x)
    assert len(x) <= 100 and x[0] == 1 and x[-1] == n and np.all(np.diff(x) > 0)
    np.testing.assert_allclose(train.y, 1.0 / x)  # each point is the loss of its epoch
    np.testing.assert_allclose(test.y, 2.0 / x)
    np.testing.assert_array_equal(training.thin(7, 100), np.arange(7))
    with pytest.raises(ValueError):
        training.thin(10, 1)
