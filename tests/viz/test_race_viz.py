"""Figures of the optimizer race: traces, frames, slider, axes, colours, cached dicts."""

import base64
import struct
import zlib

import numpy as np
import plotly.graph_objects as go
import pytest

from core.optimizers import OptimizerSpec
from lessons.race import network_race, network_tasks, surfaces
from lessons.race.racing import run_race
from lessons.race.summary import surface_grid
from viz import (
    animation,
    figures,
    race_contours,
    race_curves,
    race_map,
    race_panels,
    race_style,
    race_surface,
)

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
    shown = race_style.shown_values(rosenbrock, [0.0, 1.0, 99.999])
    np.testing.assert_allclose(shown, [-3.0, np.log10(1.001), 2.0])
    np.testing.assert_array_equal(race_style.shown_values(rastrigin, [0.0, 5.0]), [0.0, 5.0])
    camel = surfaces.get("six_hump_camel")
    assert race_style.shown_values(camel, [camel.min_value])[0] == camel.min_value


def test_value_grid_carries_the_colour_bar_in_decades_of_the_gap():
    surface = surfaces.get("rosenbrock")
    grid = surface_grid(surface, 31)
    trace = go.Scatter(race_contours.value_grid_trace(surface, grid, n=11))  # a valid trace
    assert len(trace.x) == 121 and trace.marker.opacity == 0
    # The markers sit on grid points and show their own f values (float32 is plenty).
    xs, ys = np.asarray(trace.x, dtype=np.float64), np.asarray(trace.y, dtype=np.float64)
    assert set(xs) <= set(grid[0].astype(np.float32)) and set(ys) <= set(grid[1].astype(np.float32))
    np.testing.assert_allclose(trace.customdata, surface.f(xs, ys), rtol=1e-5)
    shown = np.log10(grid[2] + 1e-3)
    assert (trace.marker.cmin, trace.marker.cmax) == pytest.approx((shown.min(), shown.max()))
    decades = list(trace.marker.colorbar.tickvals)
    assert decades == list(range(int(np.floor(shown.min())), int(np.ceil(shown.max())) + 1))
    assert list(trace.marker.colorbar.ticktext)[decades.index(0)] == "1"
    assert list(trace.marker.colorbar.ticktext)[decades.index(2)] == "100"
    ackley = race_contours.value_grid_trace(surfaces.get("ackley"), surface_grid("ackley", 31))
    assert "tickvals" not in ackley["marker"]["colorbar"]


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
    image = race_contours.surface_image(surface, grid, bands=8)
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (-1.5, 1.5, 3.0, 3.0)
    assert image["xref"] == "x" and image["layer"] == "below"
    pixels = decode_png(image["source"])
    assert pixels.shape == (41, 41, 3)
    levels = race_contours.band_levels(surface, grid[2], 8)
    assert levels[20, 20] == 0 and levels.max() == 7  # the minimum (0, 0) is the centre
    # Inside a band a pixel has the colour scale's colour at the band's middle.
    row, column = 2, 20  # on the centre column near the top: a wide band
    assert np.all(levels[row - 1 : row + 2, column - 1 : column + 2] == levels[row, column])
    fraction = (levels[row, column] + 0.5) / 8
    stops = [stop for stop, _ in race_style.SURFACE_COLORSCALE]
    hexes = [colour for _, colour in race_style.SURFACE_COLORSCALE]
    expected = [
        np.interp(fraction, stops, [int(colour[1 + 2 * c : 3 + 2 * c], 16) for colour in hexes])
        for c in range(3)
    ]
    # Grid row 2 from the bottom is image row 38 from the top.
    np.testing.assert_allclose(pixels[40 - row, column], expected, atol=0.5)
    # Image rows run top-down. On Rosenbrock f(0, 3) = 901 is darker than f(0, -1) = 101.
    rosenbrock = surfaces.get("rosenbrock")
    tall = race_contours.surface_image(rosenbrock, surface_grid(rosenbrock, 41), bands=8)
    upright = decode_png(tall["source"]).astype(int)
    assert upright[0, 20].sum() < upright[-1, 20].sum()
    # Edge pixels between two bands are darker than the band around them.
    edge = np.argmax(levels[20] != levels[20, 0])
    assert pixels[20, edge].sum() < pixels[20, edge + 1].sum()


def test_frame_steps_span_the_race_within_the_budget():
    np.testing.assert_array_equal(race_map.frame_steps(10, 3), np.arange(11))
    many = race_map.frame_steps(1000, 7)
    assert many[0] == 0 and many[-1] == 1000 and np.all(np.diff(many) > 0)
    assert len(many) * 1000 / 2 * 7 <= race_map.POINT_BUDGET
    assert len(race_map.frame_steps(500, 1, max_frames=20)) == 20
    assert list(race_map.frame_steps(0, 2)) == [0]


def test_animation_frames_draw_each_path_up_to_their_step(bowl_race):
    surface = surfaces.get("quadratic")
    figure = race_map.race_animation(surface, surface_grid(surface, 20), bowl_race)
    steps = race_map.frame_steps(40, 2)
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
    figure = race_map.race_animation(surface, surface_grid(surface, 20), bowl_race)
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
    figure = race_map.race_animation(surface, surface_grid(surface, 21), result, click_hint=True)
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
    figure = race_map.race_animation(surface, surface_grid(surface, 20), diverging_race)
    failed = diverging_race.diverged_at["SGD"]
    names = [trace.name for trace in figure.data if trace.name]
    assert f"SGD (diverged at step {failed})" in names
    last = figure.frames[-1].data[0]
    assert len(last.x) == failed  # rows 0 .. failed-1 are the finite ones
    assert np.all(np.isfinite(last.x))


def test_surface_3d_draws_mesh_minima_and_paths(bowl_race):
    surface = surfaces.get("quadratic")
    grid = surface_grid(surface, 25)
    figure = race_surface.surface_3d(surface, grid, bowl_race)
    mesh, minima, *paths = figure.data
    assert isinstance(mesh, go.Surface) and np.asarray(mesh.z).shape == (25, 25)
    assert minima.z[0] >= np.min(mesh.z)  # on the mesh, not below it
    assert [trace.name for trace in paths] == LABELS
    np.testing.assert_allclose(paths[0].x, bowl_race["SGD"][:, 0])


def test_loss_curves_show_the_gap_on_a_log_axis(bowl_race, diverging_race):
    quadratic = surfaces.get("quadratic")
    figure = race_curves.loss_curves(quadratic, bowl_race, tolerance=1e-4)
    assert figure.layout.yaxis.type == "log"
    sgd = figure.data[0]
    np.testing.assert_allclose(sgd.y, np.maximum(bowl_race.losses["SGD"], 1e-16))
    (note,) = figure.layout.annotations
    assert note.y == pytest.approx(-4.0)  # log10 of the tolerance on a log axis
    rosenbrock = race_curves.loss_curves(surfaces.get("rosenbrock"), diverging_race)
    crosses = [trace for trace in rosenbrock.data if trace.mode == "markers"]
    assert len(crosses) == 1 and crosses[0].marker.symbol == "x"
    saddle_result = run_race("saddle", {"SGD": OptimizerSpec("sgd", 0.1)}, None, 10)
    saddle = race_curves.loss_curves(surfaces.get("saddle"), saddle_result, tolerance=1e-4)
    assert saddle.layout.yaxis.type == "linear"
    np.testing.assert_allclose(saddle.data[0].y, saddle_result.losses["SGD"])
    assert not saddle.layout.annotations


def test_learning_rate_chart_plots_the_rates_used():
    specs = {"SGD": OptimizerSpec("sgd", 0.04)}
    result = run_race("quadratic", specs, None, 20, ("exponential", {"gamma": 0.9}))
    figure = race_curves.learning_rate_chart(result)
    np.testing.assert_allclose(figure.data[0].y, 0.04 * 0.9 ** np.arange(20))
    assert figure.layout.yaxis.type == "log"


def test_network_curves_show_loss_and_accuracy_per_epoch():
    task = network_tasks.make_task("gauss", n=100)
    specs = {"SGD": OptimizerSpec("sgd", 0.3), "Adam": OptimizerSpec("adam", 0.03)}
    result = network_race.network_race(task, specs, epochs=4)
    figure = race_curves.network_curves(result)
    assert len(figure.data) == 4
    for index, label in enumerate(LABELS):
        loss, accuracy = figure.data[2 * index], figure.data[2 * index + 1]
        assert loss.name == label and list(loss.x) == [1, 2, 3, 4]
        np.testing.assert_allclose(loss.y, result.runs[label].loss)
        np.testing.assert_allclose(accuracy.y, result.runs[label].val_accuracy)
    assert figure.layout.shapes[0].y0 == 0.9


def test_colours_follow_the_optimizer_names():
    colors = race_style.assign_colors(["a", "b", "c"], ["adam", "sgd", None])
    assert colors["a"] == race_style.OPTIMIZER_COLORS["adam"]
    assert colors["b"] == race_style.OPTIMIZER_COLORS["sgd"]
    assert colors["c"] in race_style.FALLBACK_COLORS
    with pytest.raises(ValueError, match="names"):
        race_style.assign_colors(["a"], ["sgd", "adam"])


def test_specs_are_coloured_by_their_optimizer():
    specs = [OptimizerSpec("rmsprop", 0.1), OptimizerSpec("sgd", 0.1)]
    colors = race_style.spec_colors(specs)
    assert colors == {"RMSprop": "#2CA02C", "SGD": "#D62728"}


def test_prebuilt_figure_reaches_streamlit_as_the_same_dict(bowl_race):
    import plotly.io
    import plotly.tools

    surface = surfaces.get("quadratic")
    figure = race_map.race_animation(surface, surface_grid(surface, 20), bowl_race)
    finished = figure.to_dict()
    # st.plotly_chart calls exactly this on what it is given, then to_json(validate=False).
    shown = plotly.tools.return_figure_from_figure_or_data(
        figures.PrebuiltFigure(finished), validate_figure=True
    )
    assert shown is finished
    assert plotly.io.to_json(shown, validate=False) == plotly.io.to_json(figure)


def typed_array(value) -> np.ndarray:
    """An array from a figure dict: a list, or Plotly's base64 ``{"dtype", "bdata"}`` form."""
    if isinstance(value, dict):
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(size) for size in value.get("shape", str(data.size)).split(",")]
        return data.reshape(shape)
    return np.asarray(value)


def test_panels_are_finished_dicts_of_the_race(bowl_race):
    specs = [OptimizerSpec("sgd", 0.04), OptimizerSpec("adam", 0.1)]
    figures = race_panels.surface_race_figures("quadratic", bowl_race, specs, (1.0, 1.0))
    assert sorted(figures) == ["3d", "lr", "map"]
    # Valid figures (Plotly accepts them) carrying the race: SGD's path, coloured as SGD.
    race_map_figure = go.Figure(figures["map"])
    sgd = next(trace for trace in race_map_figure.data if trace.name == "SGD")
    np.testing.assert_allclose(typed_array(sgd.x), bowl_race["SGD"][:, 0], rtol=1e-6)
    assert sgd.line.color == race_style.OPTIMIZER_COLORS["sgd"]
    assert len(race_map_figure.frames) == len(race_map.frame_steps(40, 2))
    mesh = go.Figure(figures["3d"]).data[0]
    assert typed_array(mesh.z).shape == (race_surface.MESH_POINTS,) * 2
    loss = go.Figure(race_panels.loss_figure("quadratic", bowl_race, specs, 1e-4))
    assert loss.layout.annotations[0].text == "f − f* = 0.0001"


def test_frame_slider_steps_jump_to_each_frame():
    steps = animation.frame_slider_steps([0, 5, 10], redraw=True)
    assert [step["label"] for step in steps] == ["0", "5", "10"]
    assert steps[1]["args"][0] == ["5"] and steps[1]["args"][1]["frame"]["redraw"] is True
    assert all(step["method"] == "animate" for step in steps)
