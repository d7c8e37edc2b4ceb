"""viz.activations: figure structure and the data each trace carries."""

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from core.activations import ACTIVATIONS
from lessons import activation_study as analysis
from viz import activations as viz
from viz import figures

GRID = np.linspace(-6.0, 6.0, 801)


@pytest.fixture(scope="module")
def checks():
    return {name: analysis.derivative_check(name, GRID) for name in ("sigmoid", "relu")}


def test_every_activation_has_its_own_colour():
    colours = [viz.colour(name) for name in ACTIVATIONS]
    assert len(set(colours)) == len(ACTIVATIONS)
    assert viz.colour("not_registered") == "#555555"


def test_comparison_figure_overlays_function_and_both_derivatives(checks):
    figure = viz.comparison_figure(checks)
    assert len(figure.data) == 3 * len(checks)
    value, exact, numerical = figure.data[:3]
    np.testing.assert_array_equal(value.x, GRID)
    # The traces carry the real curves: sigmoid(0) = 0.5 and sigmoid'(0) = 0.25.
    middle = len(GRID) // 2
    assert value.y[middle] == pytest.approx(0.5)
    assert exact.y[middle] == pytest.approx(0.25)
    assert value.xaxis == "x" and exact.xaxis == "x2" and numerical.xaxis == "x2"
    # Numerical markers are a subsample, evaluated at their own positions.
    assert 30 <= len(numerical.x) <= 45
    np.testing.assert_allclose(
        numerical.y, np.exp(-np.abs(numerical.x)) / (1 + np.exp(-np.abs(numerical.x))) ** 2
    )
    # Legends use the display labels of core.activations, as the page's controls do.
    assert [trace.name for trace in figure.data if trace.showlegend is not False] == [
        "sigmoid",
        "ReLU",
    ]


def test_detail_figure_shades_every_zone_in_both_panels(checks):
    threshold = 0.05
    zones = {name: analysis.saturation_zones(name, GRID, threshold) for name in checks}
    figure = viz.detail_figure(checks, zones, threshold)
    rectangles = [shape for shape in figure.layout.shapes if shape.type == "rect"]
    n_zones = sum(len(z) for z in zones.values())
    assert n_zones == 3  # sigmoid: two tails; relu: z <= 0
    assert len(rectangles) == 2 * n_zones
    drawn = sorted((shape.x0, shape.x1) for shape in rectangles)
    expected = sorted(2 * [tuple(zone) for name in checks for zone in zones[name]])
    assert drawn == expected
    assert (-6.0, 0.0) in drawn  # relu: the whole negative side
    levels = sorted(shape.y0 for shape in figure.layout.shapes if shape.type == "line")
    assert levels == [-threshold, -threshold, threshold, threshold]
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles[0] == "sigmoid: f(z)"
    assert "max |numerical − exact| = " in titles[1]
    assert titles[2].startswith("ReLU: f(z)")
    assert "kink at z = 0 skipped" in titles[3]
    assert figure.layout.height == viz.ROW_HEIGHT * 2 + 110


def test_gradient_products_figure_uses_a_log_axis_and_drops_zeros():
    products = {
        "sigmoid": 0.25 ** np.arange(1, 51),
        "relu": np.zeros(50),  # relu'(0) = 0 at a fixed z0 = 0
    }
    figure = viz.gradient_products_figure(products, "at z0 = 0")
    assert figure.layout.yaxis.type == "log"
    sigmoid, relu = figure.data
    np.testing.assert_array_equal(sigmoid.x, np.arange(1, 51))
    assert sigmoid.y[-1] == pytest.approx(0.25**50)
    assert np.isnan(np.asarray(relu.y, dtype=float)).all()
    assert relu.name == "ReLU (= 0 at every depth)"
    assert "at z0 = 0" in figure.layout.title.text


def test_benchmark_figure_shows_ms_per_call_in_order():
    timings = {"tanh": 12.5, "relu": 1.25, "linear": 0.0004}
    figure = viz.benchmark_figure(timings, 1_000_000, 100)
    bars = figure.data[0]
    assert list(bars.x) == ["tanh", "ReLU", "linear"]
    assert list(bars.y) == [12.5, 1.25, 0.0004]
    assert list(bars.text) == ["12.5 ms", "1.25 ms", "0.0004 ms"]
    assert figure.layout.yaxis.range[1] > 12.5  # head-room for the labels
    assert "1,000,000 values" in figure.layout.title.text
    assert "100 calls" in figure.layout.title.text


def test_labels_come_from_core_activations():
    assert [viz.label(name) for name in ("relu", "leaky_relu", "swish")] == [
        "ReLU",
        "Leaky ReLU",
        "swish (SiLU)",
    ]
    assert viz.label("not_registered") == "not_registered"


@pytest.mark.parametrize(("rows", "v_spacing"), [(1, 0.1), (2, 0.1), (9, 0.25 / 9)])
def test_subplot_grid_matches_make_subplots(rows, v_spacing):
    titles = [f"t{i}" for i in range(2 * rows)]
    expected = make_subplots(
        rows=rows,
        cols=2,
        subplot_titles=titles,
        horizontal_spacing=0.08,
        vertical_spacing=v_spacing,
    ).to_dict()["layout"]
    layout = figures.subplot_grid(rows, 2, titles, 0.08, v_spacing)
    for key, axis in layout.items():
        if key != "annotations":
            assert axis["anchor"] == expected[key]["anchor"], key
            np.testing.assert_allclose(axis["domain"], expected[key]["domain"], atol=1e-12)
    for ours, theirs in zip(layout["annotations"], expected["annotations"], strict=True):
        assert ours["text"] == theirs["text"]
        assert ours["x"] == pytest.approx(theirs["x"]) and ours["y"] == pytest.approx(theirs["y"])


def test_every_figure_is_a_valid_plotly_spec(checks):
    """The figures skip Plotly's validation for speed; a full validation here catches typos."""
    zones = {name: analysis.saturation_zones(name, GRID, 0.05) for name in checks}
    figures = [
        viz.comparison_figure(checks),
        viz.detail_figure(checks, zones, 0.05),
        viz.gradient_products_figure({"tanh": 0.6 ** np.arange(1, 51)}, "model"),
        viz.benchmark_figure({"tanh": 1.0}, 10, 1),
    ]
    for figure in figures:
        spec = figure.to_dict()
        assert go.Figure(spec).to_dict()["data"]
        for key, value in spec["layout"].items():
            if key.startswith(("xaxis", "yaxis")) and "title" in value:
                assert isinstance(value["title"], dict), key  # {"text": ...}, not a string
