"""viz.network: the network drawing keeps a fixed, small number of traces and shows every weight."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lessons.live.inspection import StepInspection
from lessons.live.layout import NetworkLayout, connections
from viz import network
from viz.network import LINE_WIDTHS, NEGATIVE, POSITIVE, node_names, step_labels, width_class


def network_figure(*args, **kwargs) -> go.Figure:
    """The figure dict, validated by Plotly (the builder itself skips validation for speed)."""
    return go.Figure(network.network_figure(*args, **kwargs))


def weights_for(widths, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(0, 1.5, (a, b)) for a, b in zip(widths[:-1], widths[1:])]


def line_traces(figure):
    return [t for t in figure.data if t.type == "scatter" and t.mode == "lines"]


def segments(trace):
    """(x0, y0, x1, y1) of every NaN-separated segment of a line trace."""
    x = np.asarray(trace.x, dtype=float).reshape(-1, 3)
    y = np.asarray(trace.y, dtype=float).reshape(-1, 3)
    assert np.isnan(x[:, 2]).all() and np.isnan(y[:, 2]).all()
    return np.column_stack([x[:, 0], y[:, 0], x[:, 1], y[:, 1]])


def test_width_class_bins_by_magnitude():
    np.testing.assert_array_equal(
        width_class([0.1, -0.3, 0.5, -0.99, 1.5, -2.0, 40.0]), [0, 1, 2, 2, 3, 4, 4]
    )


def test_big_network_still_has_few_traces():
    widths = (7, 8, 8, 8, 8, 8, 8, 1)
    layout = NetworkLayout(widths, thumb=12)
    packed = layout.pack([np.zeros((12, 12, w)) for w in widths])
    figure = network_figure(layout, weights_for(widths), packed)
    # 1 heatmap + 2 signs x 5 widths of lines + weight hover + node hover, always
    assert len(figure.data) == 1 + 2 * len(LINE_WIDTHS) + 2
    assert sum(t.type == "heatmap" for t in figure.data) == 1


def test_every_weight_is_drawn_once_with_its_sign_colour_and_width():
    widths = (2, 4, 2, 1)
    layout = NetworkLayout(widths, thumb=4)
    weights = weights_for(widths, seed=1)
    figure = network_figure(layout, weights)
    links = connections(layout, weights)
    expected = {
        tuple(np.round([x0, y0, x1, y1], 9)): w
        for x0, y0, x1, y1, w in zip(links.x0, links.y0, links.x1, links.y1, links.weight)
    }
    drawn = 0
    for trace in line_traces(figure):
        for segment in segments(trace):
            weight = expected[tuple(np.round(segment, 9))]
            assert trace.line.color == (NEGATIVE if weight < 0 else POSITIVE)
            assert trace.line.width == LINE_WIDTHS[width_class([weight])[0]]
            drawn += 1
    assert drawn == links.weight.size == 2 * 4 + 4 * 2 + 2 * 1


def test_thumbnails_heatmap_uses_the_layout_bricks():
    widths = (2, 3, 1)
    layout = NetworkLayout(widths, thumb=3)
    rng = np.random.default_rng(2)
    packed = layout.pack([rng.uniform(-1, 1, (3, 3, w)) for w in widths])
    figure = network_figure(layout, weights_for(widths), packed, uirevision="keep-zoom")
    heatmap = figure.data[0]
    assert heatmap.type == "heatmap"
    np.testing.assert_array_equal(np.asarray(heatmap.z), packed)
    np.testing.assert_array_equal(heatmap.x, layout.x_edges)
    np.testing.assert_array_equal(heatmap.y, layout.y_edges)
    assert (heatmap.zmin, heatmap.zmax) == (-1.0, 1.0)
    assert figure.layout.uirevision == "keep-zoom"
    with pytest.raises(ValueError, match="packed"):
        network_figure(layout, weights_for(widths), packed[1:])


def test_hover_names_each_weight_and_node():
    widths = (2, 2, 1)
    layout = NetworkLayout(widths, thumb=2)
    weights = [np.array([[0.5, -1.25], [2.0, 0.0]]), np.array([[3.0], [-0.75]])]
    figure = network_figure(
        layout,
        weights,
        input_labels=["x₁", "x₂"],
        edge_hover=[f"g{k}" for k in range(6)],
    )
    weight_hover = next(t for t in figure.data if t.name == "weights")
    # the weight is customdata, so the text stays the same while the weights change
    assert weight_hover.hovertemplate == "w = %{customdata:.4g}<br>%{text}<extra></extra>"
    assert (weight_hover.customdata[1], weight_hover.text[1]) == (-1.25, "x₁ → H1.2<br>g1")
    assert (weight_hover.customdata[5], weight_hover.text[5]) == (-0.75, "H1.2 → output<br>g5")
    np.testing.assert_allclose(weight_hover.x[0], layout.column_left(0) + 1 + 0.5 * 2.0)
    nodes = next(t for t in figure.data if t.name == "nodes")
    assert list(nodes.hovertext) == ["x₁", "x₂", "H1.1", "H1.2", "output"]
    assert node_names((2, 3), None) == ["input 1", "input 2", "output 0", "output 1", "output 2"]


def test_node_text_is_written_on_the_nodes():
    widths = (1, 1)
    layout = NetworkLayout(widths, thumb=1)
    figure = network_figure(layout, [np.array([[1.0]])], node_text=["0.5", "a 0.7"])
    nodes = next(t for t in figure.data if t.name == "nodes")
    assert nodes.mode == "markers+text" and list(nodes.text) == ["0.5", "a 0.7"]


def test_nodes_are_square_unless_asked_otherwise():
    layout = NetworkLayout((2, 3, 1), thumb=1)
    weights = weights_for((2, 3, 1))
    assert network_figure(layout, weights).layout.yaxis.scaleanchor == "x"
    stretched = network_figure(layout, weights, square_nodes=False)
    assert stretched.layout.yaxis.scaleanchor is None
    assert stretched.layout.height == 52 * 3 + 34 + 10


def test_column_titles_and_input_labels_become_annotations():
    widths = (2, 3, 1)
    layout = NetworkLayout(widths)
    figure = network_figure(
        layout,
        weights_for(widths),
        column_titles=["Input", "Hidden 1", "Output"],
        input_labels=["x₁", "x₁²"],
    )
    texts = [a.text for a in figure.layout.annotations]
    assert texts == ["Input", "Hidden 1", "Output", "x₁", "x₁²"]


def test_the_structure_depends_on_the_shape_only():
    # live charts send the structure once: new weights change arrays, never the traces
    widths = (2, 4, 1)
    layout = NetworkLayout(widths, thumb=2)
    small = network.network_figure(layout, [0.01 * w for w in weights_for(widths)])
    large = network.network_figure(layout, [100 * w for w in weights_for(widths, seed=5)])
    names = [trace["name"] for trace in small["data"]]
    assert names == [trace["name"] for trace in large["data"]]
    assert small["layout"] == large["layout"]
    empty = [t for t in small["data"] if t.get("mode") == "lines" and t["x"].size == 0]
    assert len(empty) >= len(LINE_WIDTHS)  # tiny weights: the wide classes stay empty


def test_figure_spec_passes_plotly_validation():
    # the figure is built without validation for speed; the full spec must still be valid
    widths = (3, 4, 2)
    layout = NetworkLayout(widths, thumb=5)
    packed = layout.pack([np.zeros((5, 5, w)) for w in widths])
    figure = network_figure(
        layout,
        weights_for(widths),
        packed,
        column_titles=["a", "b", "c"],
        node_text=list("abcdefghi"),
    )
    assert figure.to_dict()["data"]


def test_step_labels_write_values_in_layout_and_weight_order():
    inspection = StepInspection(
        inputs=np.array([1.5, -2.0]),
        target=1.0,
        output=np.array([0.25]),
        loss=1.386,
        z=[np.array([0.5]), np.array([-1.1])],
        a=[np.array([0.4621]), np.array([0.25])],
        delta=[np.array([-0.0]), np.array([-0.75])],
        grad_W=[np.array([[0.1], [-0.2]]), np.array([[0.3]])],
        grad_b=[np.array([0.0]), np.array([-0.75])],
        output_delta=np.array([-0.75]),
    )
    text, hover, edges = step_labels(inspection, ["x₁", "x₂"], [np.array([0.1]), np.array([0.2])])
    assert text == ["1.5", "-2", "a 0.462<br>δ 0", "a 0.25<br>δ -0.75"]  # never "-0"
    assert hover[0] == "x₁ = 1.5"
    assert hover[3] == "z = -1.1<br>a = 0.25<br>δ = ∂L/∂z = -0.75<br>b = 0.2"
    assert edges == ["∂L/∂w = 0.1", "∂L/∂w = -0.2", "∂L/∂w = 0.3"]
