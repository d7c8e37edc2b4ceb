"""viz.perceptron: geometry of the decision line, animation frames and training curves."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from core.mlp import MLP
from lessons.datasets import gate
from lessons.perceptron import Perceptron
from viz import perceptron as viz

BOX = ((0.0, 2.0), (0.0, 2.0))


def shoelace(polygon: np.ndarray) -> float:
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


@pytest.fixture(scope="module")
def and_run():
    X, y = gate("and")
    return X, y, Perceptron(2, lr=1.0).fit(X, y, epochs=50)


# ------------------------------------------------------------------ geometry


def test_halfplane_polygon_is_the_side_predicted_one():
    # x1 + x2 >= 1.5 inside [0, 2]^2: the box minus a right triangle with legs 1.5.
    polygon = viz.halfplane_polygon([1.0, 1.0], -1.5, BOX)
    assert shoelace(polygon) == pytest.approx(4.0 - 1.5**2 / 2)
    assert np.all(polygon @ np.array([1.0, 1.0]) - 1.5 >= -1e-12)


def test_halfplane_polygon_with_zero_weights_is_all_or_nothing():
    assert shoelace(viz.halfplane_polygon([0.0, 0.0], 0.0, BOX)) == pytest.approx(4.0)
    assert viz.halfplane_polygon([0.0, 0.0], -1.0, BOX).shape == (0, 2)


def test_boundary_segment_lies_on_the_line_and_the_box_edge():
    weights, bias = np.array([2.0, -1.0]), -1.0
    segment = viz.boundary_segment(weights, bias, BOX)
    assert segment.shape == (2, 2)
    np.testing.assert_allclose(segment @ weights + bias, 0.0, atol=1e-12)
    on_edge = np.isclose(segment, 0.0) | np.isclose(segment, 2.0)
    assert on_edge.any(axis=1).all()
    assert viz.boundary_segment([1.0, 1.0], -10.0, BOX).shape == (0, 2)


def test_plot_box_pads_the_points():
    assert viz.plot_box(np.array([[0.0, 1.0], [2.0, 3.0]]), padding=0.5) == (
        (-0.5, 2.5),
        (0.5, 3.5),
    )


def test_equation_is_written_like_a_person_would():
    assert viz.equation([1, 1, -3], -1, ["x1", "x2", "x1*x2"]) == "x1 + x2 − 3·x1*x2 − 1"
    assert viz.equation([-2.5, 0.0], 0.5, ["x1", "x2"]) == "−2.5·x1 + 0.5"
    assert viz.equation([0, 0], 0, ["x1", "x2"]) == "0"


# ------------------------------------------------------------------ animation


def test_animation_has_a_frame_per_update_and_opens_on_the_current_step(and_run):
    X, y, history = and_run
    n_steps = len(history.epoch)  # 6 epochs x 4 samples
    figure = viz.boundary_animation(X, y, history, current_step=5)
    assert n_steps == 24
    assert [frame.name for frame in figure.frames] == [str(k) for k in range(n_steps + 1)]
    slider = figure.layout.sliders[0]
    assert len(slider.steps) == n_steps + 1
    assert slider.active == 5
    assert [button.label for button in figure.layout.updatemenus[0].buttons] == [
        "▶ Play",
        "❚❚ Pause",
    ]
    assert [trace.name for trace in figure.data] == [
        "label 0",
        "label 1",
        "predicted 1",
        "decision line",
        "misclassified",
        "sample just shown",
    ]


def test_first_and_last_frames_show_the_hand_computed_mistakes(and_run):
    X, y, history = and_run
    figure = viz.boundary_animation(X, y, history)
    frames = {frame.name: frame for frame in figure.frames}
    # w = 0, b = 0: z = 0 everywhere, step(0) = 1, so the three label-0 rows are wrong.
    start_mistakes = frames["0"].data[2]
    assert sorted(zip(start_mistakes.x, start_mistakes.y, strict=True)) == [(0, 0), (0, 1), (1, 0)]
    # The run converges: nothing is misclassified at the end, the line separates (1, 1).
    end = frames[str(len(history.epoch))]
    assert len(end.data[2].x) == 0
    assert "0 misclassified" in end.layout.title.text
    segment = np.column_stack([end.data[1].x, end.data[1].y])
    np.testing.assert_allclose(segment @ np.array([2.0, 1.0]) - 3.0, 0.0, atol=1e-12)


def test_frame_after_first_update_highlights_sample_zero(and_run):
    X, y, history = and_run
    frame = viz.boundary_animation(X, y, history).frames[1]
    assert (frame.data[3].x[0], frame.data[3].y[0]) == (0.0, 0.0)
    assert frame.layout.title.text.startswith("Update 1 · epoch 1, sample 0<br>")
    assert "w = (0, 0), b = -1 · 1 misclassified" in frame.layout.title.text  # only 11


def test_long_runs_are_subsampled_but_keep_start_end_and_current():
    steps = viz.frame_steps(1000, current_step=333, max_frames=200)
    assert len(steps) <= 200
    assert {0, 333, 1000} <= set(steps.tolist())
    assert np.all(np.diff(steps) > 0)
    np.testing.assert_array_equal(viz.frame_steps(10, 3), np.arange(11))


# ------------------------------------------------------------------ curves


def test_errors_per_epoch_shows_the_run_and_marks_finished_epochs(and_run):
    _, _, history = and_run
    figure = viz.errors_per_epoch_figure(history, current_step=9)  # 2 full epochs of 4
    bars = figure.data[0]
    assert list(bars.y) == [2, 3, 3, 2, 1, 0]
    assert list(bars.x) == [1, 2, 3, 4, 5, 6]
    solid = [colour == "#3566C8" for colour in bars.marker.color]
    assert solid == [True, True, False, False, False, False]
    assert "zero at epoch 6" in figure.layout.title.text


def test_errors_per_epoch_title_for_a_run_that_never_converges():
    X, y = gate("xor")
    history = Perceptron(2).fit(X, y, epochs=7)
    figure = viz.errors_per_epoch_figure(history)
    assert "never zero in 7 epochs" in figure.layout.title.text
    assert min(figure.data[0].y) > 0


def test_trajectories_follow_the_weights_in_epoch_units(and_run):
    _, _, history = and_run
    figure = viz.trajectories_figure(history, current_step=8)
    assert [trace.name for trace in figure.data] == ["w1", "w2", "b"]
    np.testing.assert_allclose(figure.data[0].x, np.arange(25) / 4)
    assert (figure.data[0].y[-1], figure.data[1].y[-1], figure.data[2].y[-1]) == (2, 1, -3)
    assert figure.layout.shapes[0].x0 == 2.0  # the "now" line at 8 / 4 epochs


# ------------------------------------------------------------------ XOR fixes


def test_feature_fix_figure_classifies_the_xor_corners():
    X, y = gate("xor")
    # x1 + x2 - 3 x1 x2 - 1 >= 0 only at 01 and 10.
    figure = viz.feature_fix_figure(X, y, [1.0, 1.0, -3.0], -1.0, ["x1", "x2", "x1*x2"])
    heatmap = figure.data[0]
    xs, ys, z = np.asarray(heatmap.x), np.asarray(heatmap.y), np.asarray(heatmap.z)
    for (x1, x2), label in zip(X, y, strict=True):
        row, col = int(np.argmin(np.abs(ys - x2))), int(np.argmin(np.abs(xs - x1)))
        assert z[row, col] == label
    assert figure.data[1].type == "contour"
    assert "x1 + x2 − 3·x1*x2 − 1 = 0" in figure.layout.title.text


def test_mlp_fix_figure_draws_each_hidden_line_and_the_output():
    X, y = gate("xor")
    model = MLP([2, 2, 1], hidden="tanh", output="sigmoid", rng=0)
    hidden = np.array([[1.0, 1.0], [1.0, 1.0]])
    model.set_params([hidden, np.array([-0.5, -1.5]), np.array([[4.0], [-4.0]]), np.array([-2.0])])
    figure = viz.mlp_fix_figure(X, y, model)
    lines = [trace for trace in figure.data if trace.name.startswith("hidden unit")]
    assert len(lines) == 2
    for trace, bias in zip(lines, (-0.5, -1.5), strict=True):
        points = np.column_stack([trace.x, trace.y])
        np.testing.assert_allclose(points @ np.array([1.0, 1.0]) + bias, 0.0, atol=1e-12)
    # The heatmap is the network output, recomputed here by hand at one grid point.
    heatmap = figure.data[0]
    x1, x2 = heatmap.x[10], heatmap.y[20]
    h = np.tanh(np.array([x1 + x2 - 0.5, x1 + x2 - 1.5]))
    expected = 1 / (1 + math.exp(-(4 * h[0] - 4 * h[1] - 2)))
    assert heatmap.z[20][10] == pytest.approx(expected, rel=1e-12)
    assert "2-2-1" in figure.layout.title.text


# ------------------------------------------------------------------ valid Plotly specs


def test_every_figure_is_a_valid_plotly_spec(and_run):
    """The figures skip Plotly's validation for speed; a full validation here catches typos."""
    X, y, history = and_run
    model = MLP([2, 2, 1], hidden="tanh", output="sigmoid", rng=0)
    figures = [
        viz.boundary_animation(X, y, history, current_step=3),
        viz.errors_per_epoch_figure(history, 3),
        viz.trajectories_figure(history, 3),
        viz.feature_fix_figure(X, y, [1.0, 1.0, -3.0], -1.0, ["x1", "x2", "x1*x2"]),
        viz.mlp_fix_figure(X, y, model),
    ]
    for figure in figures:
        spec = figure.to_dict()
        assert go.Figure(spec).to_dict()["data"], spec["layout"].get("title")
        titles = [spec["layout"][axis].get("title") for axis in ("xaxis", "yaxis")]
        assert all(isinstance(title, dict) for title in titles)  # {"text": ...}, not a string
