"""Figures of the optimizer race: traces, frames, slider, axes, colours."""

import base64
import struct
import zlib

import numpy as np
import plotly.graph_objects as go
import pytest

from lessons.race import network_race, surfaces
from lessons.race.summary import OptimizerSpec, run_race, surface_grid
from viz import race as race_viz

LABELS = ["SGD", "Adam"]


@pytest.fixture(scope="module")
def bowl_race():
    specs = {"SGD": OptimizerSpec("sgd", 0.04), "Adam": OptimizerSpec("adam", 0.1)}
    return run_race("quadratic", specs, (1.0, 1.0), 40)


@pytest.fixture(scope="module")
def diverging_race():
    specs = {"SGD": OptimizerSpec("sgd", 1.0), "Adam": OptimizerSpec("adam", 0.1)}
    return run_race("rosenbrock", specs, (-1.5, 2.0), 30)


def test_shown_values_log_scale_the_gap():
    rosenbrock, rastrigin = surfaces.get("rosenbrock"), surfaces.get("rastrigin")
    # f(1, 1) = 0 and f(0, 0) = 1 on Rosenbrock.
    shown = race_viz.shown_values(rosenbrock, [0.0, 1.0, 99.999])
    np.testing.assert_allclose(shown, [-3.0, np.log10(1.001), 2.0])
    np.testing.assert_array_equal(race_viz.shown_values(rastrigin, [0.0, 5.0]), [0.0, 5.0])
    camel = surfaces.get("six_hump_camel")
    assert race_viz.shown_values(camel, [camel.min_value])[0] == camel.min_value


def test_value_grid_carries_the_colour_bar_in_decades_of_the_gap():
    surface = surfaces.get("rosenbrock")
    grid = surface_grid(surface, 31)
    trace = race_viz.value_grid_trace(surface, grid, n=11)
    assert len(trace.x) == 121 and trace.marker.opacity == 0
    # The markers sit on grid points and show their own f values.
    np.testing.assert_allclose(trace.customdata, surface.f(trace.x, trace.y), rtol=1e-12)
    shown = np.log10(grid[2] + 1e-3)
    assert (trace.marker.cmin, trace.marker.cmax) == pytest.approx((shown.min(), shown.max()))
    decades = list(trace.marker.colorbar.tickvals)
    assert decades == list(range(int(np.floor(shown.min())), int(np.ceil(shown.max())) + 1))
    assert list(trace.marker.colorbar.ticktext)[decades.index(0)] == "1"
    assert list(trace.marker.colorbar.ticktext)[decades.index(2)] == "100"
    ackley = race_viz.value_grid_trace(surfaces.get("ackley"), surface_grid("ackley", 31))
    assert ackley.marker.colorbar.tickvals is None


def decode_png(source: str) -> np.ndarray:
    """Pixels of an 8-bit RGB PNG data URI with unfiltered rows, shape (height, width, 3)."""
    data = base64.b64decode(source.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    position, pixels = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        tag = data[position + 4 : position + 8]
        if tag == b"IDAT":
            pixels += data[position + 8 : position + 8 + length]
        position += 12 + length
    rows = np.frombuffer(zlib.decompress(pixels), dtype=np.uint8).reshape(height, 3 * width + 1)
    assert np.all(rows[:, 0] == 0)  # filter type "none" on every row
    return rows[:, 1:].reshape(height, width, 3)


def test_surface_image_is_the_banded_map_in_data_coordinates():
    surface = surfaces.get("quadratic")
    grid = surface_grid(surface, 41)
    image = race_viz.surface_image(surface, grid, bands=8)
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-1.5, 1.5, 3.0, 3.0)
    assert image["xref"] == "x" and image["layer"] == "below"
    pixels = decode_png(image["source"])
    assert pixels.shape == (41, 41, 3)
    levels = race_viz.band_levels(surface, grid[2], 8)
    assert levels[20, 20] == 0 and levels.max() == 7  # the minimum (0, 0) is the centre
    # Inside a band a pixel has the colour scale's colour at the band's middle.
    row, column = 2, 20  # on the centre column near the top: a wide band
    assert np.all(levels[row - 1 : row + 2, column - 1 : column + 2] == levels[row, column])
    fraction = (levels[row, column] + 0.5) / 8
    stops = [stop for stop, _ in race_viz.SURFACE_COLORSCALE]
    hexes = [colour for _, colour in race_viz.SURFACE_COLORSCALE]
    expected = [
        np.interp(fraction, stops, [int(colour[1 + 2 * c : 3 + 2 * c], 16) for colour in hexes])
        for c in range(3)
    ]
    # Grid row 2 from the bottom is image row 38 from the top.
    np.testing.assert_allclose(pixels[40 - row, column], expected, atol=0.5)
    # Image rows run top-down. On Rosenbrock f(0, 3) = 901 is darker than f(0, -1) = 101.
    rosenbrock = surfaces.get("rosenbrock")
    tall = race_viz.surface_image(rosenbrock, surface_grid(rosenbrock, 41), bands=8)
    upright = decode_png(tall["source"]).astype(int)
    assert upright[0, 20].sum() < upright[-1, 20].sum()
    # Edge pixels between two bands are darker than the band around them.
    edge = np.argmax(levels[20] != levels[20, 0])
    assert pixels[20, edge].sum() < pixels[20, edge + 1].sum()


def test_frame_steps_span_the_race_within_the_budget():
    np.testing.assert_array_equal(race_viz.frame_steps(10, 3), np.arange(11))
    many = race_viz.frame_steps(1000, 7)
    assert many[0] == 0 and many[-1] == 1000 and np.all(np.diff(many) > 0)
    assert len(many) * 1000 / 2 * 7 <= race_viz.POINT_BUDGET
    assert len(race_viz.frame_steps(500, 1, max_frames=20)) == 20
    assert list(race_viz.frame_steps(0, 2)) == [0]


def test_animation_frames_draw_each_path_up_to_their_step(bowl_race):
    surface = surfaces.get("quadratic")
    figure = race_viz.race_animation(surface, surface_grid(surface, 20), bowl_race)
    steps = race_viz.frame_steps(40, 2)
    assert [frame.name for frame in figure.frames] == [str(k) for k in steps]
    moving = list(figure.frames[0].traces)
    assert moving == list(range(len(figure.data) - 3, len(figure.data)))  # 2 lines + heads
    for frame, k in zip(figure.frames, steps, strict=True):
        for index, label in enumerate(LABELS):
            line = frame.data[index]
            np.testing.assert_allclose(line.x, bowl_race[label][: k + 1, 0], rtol=1e-6)
            np.testing.assert_allclose(line.y, bowl_race[label][: k + 1, 1], rtol=1e-6)
        heads = frame.data[2]
        np.testing.assert_allclose(heads.x, [bowl_race[label][k, 0] for label in LABELS], rtol=1e-6)
    # The figure opens on the finished race with the slider on its last step.
    assert figure.layout.sliders[0].active == len(steps) - 1
    np.testing.assert_allclose(figure.data[moving[0]].x, bowl_race["SGD"][:, 0], rtol=1e-6)
    assert [step.label for step in figure.layout.sliders[0].steps] == [str(k) for k in steps]


def test_animation_controls_play_pause_and_slider(bowl_race):
    surface = surfaces.get("quadratic")
    figure = race_viz.race_animation(surface, surface_grid(surface, 20), bowl_race)
    play, pause = figure.layout.updatemenus[0].buttons
    assert (play.label, pause.label) == ("▶ Play", "❚❚ Pause")
    assert play.method == pause.method == "animate"
    assert play.args[0] is None and play.args[1]["fromcurrent"]
    assert list(pause.args[0]) == [None]
    # Frames only move scatter traces; the map is an image, so no redraw is needed.
    assert not play.args[1]["frame"]["redraw"]
    assert all(step.method == "animate" for step in figure.layout.sliders[0].steps)
    assert len(figure.layout.images) == 1


def test_animation_marks_minima_start_and_bounds(bowl_race):
    surface = surfaces.get("himmelblau")
    specs = {"SGD": OptimizerSpec("sgd", 0.01)}
    result = run_race(surface, specs, (0.5, -0.5), 10)
    figure = race_viz.race_animation(surface, surface_grid(surface, 21), result, click_hint=True)
    by_name = {trace.name: trace for trace in figure.data}
    minima = by_name["global minima"]
    np.testing.assert_allclose(np.column_stack([minima.x, minima.y]), surface.minima)
    assert (by_name["start"].x[0], by_name["start"].y[0]) == (0.5, -0.5)
    assert tuple(figure.layout.xaxis.range) == surface.bounds[0]
    assert tuple(figure.layout.yaxis.range) == surface.bounds[1]
    picker = figure.data[0]
    assert picker.name == "surface" and "click to start here" in picker.hovertemplate
    assert (min(picker.x), max(picker.x), min(picker.y), max(picker.y)) == (-5, 5, -5, 5)
    assert not figure.layout.xaxis.showgrid


def test_diverged_path_is_cut_and_named(diverging_race):
    surface = surfaces.get("rosenbrock")
    figure = race_viz.race_animation(surface, surface_grid(surface, 20), diverging_race)
    failed = diverging_race.diverged_at["SGD"]
    names = [trace.name for trace in figure.data if trace.name]
    assert f"SGD (diverged at step {failed})" in names
    last = figure.frames[-1].data[0]
    assert len(last.x) == failed  # rows 0 .. failed-1 are the finite ones
    assert np.all(np.isfinite(last.x))


def test_surface_3d_draws_mesh_minima_and_paths(bowl_race):
    surface = surfaces.get("quadratic")
    grid = surface_grid(surface, 25)
    figure = race_viz.surface_3d(surface, grid, bowl_race)
    mesh, minima, *paths = figure.data
    assert isinstance(mesh, go.Surface) and np.asarray(mesh.z).shape == (25, 25)
    assert minima.z[0] >= np.min(mesh.z)  # on the mesh, not below it
    assert [trace.name for trace in paths] == LABELS
    np.testing.assert_allclose(paths[0].x, bowl_race["SGD"][:, 0])


def test_loss_curves_show_the_gap_on_a_log_axis(bowl_race, diverging_race):
    quadratic = surfaces.get("quadratic")
    figure = race_viz.loss_curves(quadratic, bowl_race, tolerance=1e-4)
    assert figure.layout.yaxis.type == "log"
    sgd = figure.data[0]
    np.testing.assert_allclose(sgd.y, np.maximum(bowl_race.losses["SGD"], 1e-16))
    (note,) = figure.layout.annotations
    assert note.y == pytest.approx(-4.0)  # log10 of the tolerance on a log axis
    rosenbrock = race_viz.loss_curves(surfaces.get("rosenbrock"), diverging_race)
    crosses = [trace for trace in rosenbrock.data if trace.mode == "markers"]
    assert len(crosses) == 1 and crosses[0].marker.symbol == "x"
    saddle_result = run_race("saddle", {"SGD": OptimizerSpec("sgd", 0.1)}, None, 10)
    saddle = race_viz.loss_curves(surfaces.get("saddle"), saddle_result, tolerance=1e-4)
    assert saddle.layout.yaxis.type == "linear"
    np.testing.assert_allclose(saddle.data[0].y, saddle_result.losses["SGD"])
    assert not saddle.layout.annotations


def test_learning_rate_chart_plots_the_rates_used():
    specs = {"SGD": OptimizerSpec("sgd", 0.04)}
    result = run_race("quadratic", specs, None, 20, ("exponential", {"gamma": 0.9}))
    figure = race_viz.learning_rate_chart(result)
    np.testing.assert_allclose(figure.data[0].y, 0.04 * 0.9 ** np.arange(20))
    assert figure.layout.yaxis.type == "log"


def test_network_curves_show_loss_and_accuracy_per_epoch():
    task = network_race.make_task("gauss", n=100)
    specs = {"SGD": OptimizerSpec("sgd", 0.3), "Adam": OptimizerSpec("adam", 0.03)}
    result = network_race.network_race(task, specs, epochs=4)
    figure = race_viz.network_curves(result)
    assert len(figure.data) == 4
    for index, label in enumerate(LABELS):
        loss, accuracy = figure.data[2 * index], figure.data[2 * index + 1]
        assert loss.name == label and list(loss.x) == [1, 2, 3, 4]
        np.testing.assert_allclose(loss.y, result.runs[label].loss)
        np.testing.assert_allclose(accuracy.y, result.runs[label].val_accuracy)
    assert figure.layout.shapes[0].y0 == 0.9


def test_colours_follow_the_optimizer_names():
    colors = race_viz.assign_colors(["a", "b", "c"], ["adam", "sgd", None])
    assert colors["a"] == race_viz.OPTIMIZER_COLORS["adam"]
    assert colors["b"] == race_viz.OPTIMIZER_COLORS["sgd"]
    assert colors["c"] in race_viz.FALLBACK_COLORS
    with pytest.raises(ValueError, match="names"):
        race_viz.assign_colors(["a"], ["sgd", "adam"])
