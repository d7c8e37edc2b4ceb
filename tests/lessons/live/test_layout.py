"""lessons.live.layout: where each node's thumbnail goes, and every weight as a segment."""

import numpy as np
import pytest

from lessons.live.layout import NetworkLayout, connections


def test_layout_edges_and_packed_shape():
    layout = NetworkLayout((2, 4, 2, 1), thumb=3, gap_x=2.0, gap_y=0.5)
    assert layout.packed_shape == (4 * 4 - 1, 4 * 4 - 1)
    assert layout.x_edges.shape == (16,) and layout.y_edges.shape == (16,)
    assert np.all(np.diff(layout.x_edges) > 0) and np.all(np.diff(layout.y_edges) > 0)
    # column 1 starts at 1 * (1 + gap_x) = 3, node 2 spans y in [-2 * 1.5 - 1, -2 * 1.5]
    assert layout.column_left(1) == 3.0
    assert layout.node_centre(1, 2) == (3.5, -3.5)
    np.testing.assert_allclose(layout.x_edges[4:8], [3.0, 3 + 1 / 3, 3 + 2 / 3, 4.0])
    assert layout.y_edges[-1] == 0.0 and layout.y_edges[0] == -3 * 1.5 - 1


def test_pack_puts_each_thumbnail_under_its_node():
    layout = NetworkLayout((2, 3, 1), thumb=2)
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
    layout = NetworkLayout((2, 1), thumb=2)
    with pytest.raises(ValueError, match="layer 1"):
        layout.pack([np.zeros((2, 2, 2)), np.zeros((3, 3, 1))])
    with pytest.raises(ValueError, match="layers"):
        layout.pack([np.zeros((2, 2, 2))])


@pytest.mark.parametrize("widths", [(3,), (2, 0, 1)])
def test_layout_rejects_bad_widths(widths):
    with pytest.raises(ValueError):
        NetworkLayout(widths)


def test_connections_run_from_source_right_edge_to_target_left_edge():
    layout = NetworkLayout((2, 3, 1), thumb=4, gap_y=0.5)
    W0 = np.arange(6.0).reshape(2, 3)
    W1 = np.array([[7.0], [8.0], [9.0]])
    links = connections(layout, [W0, W1])
    assert links.weight.tolist() == [0, 1, 2, 3, 4, 5, 7, 8, 9]
    # weight W0[1, 2] = 5 joins input 1 to hidden node 2
    k = 5
    assert (links.layer[k], links.source[k], links.target[k]) == (0, 1, 2)
    assert links.x0[k] == layout.column_left(0) + 1 and links.x1[k] == layout.column_left(1)
    assert links.y0[k] == layout.node_centre(0, 1)[1] and links.y1[k] == layout.node_centre(1, 2)[1]
    with pytest.raises(ValueError, match="shape"):
        connections(layout, [W0.T, W1])
