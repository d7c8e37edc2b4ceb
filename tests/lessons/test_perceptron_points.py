"""lessons.perceptron.points: presets, the editable table and the URL text of custom points."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.perceptron import is_linearly_separable, points


def test_presets_are_what_their_names_say():
    X, y = points.PRESETS["clusters"].arrays()
    assert X.shape == (8, 2) and y.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert is_linearly_separable(X, y)
    assert not is_linearly_separable(*points.PRESETS["crossed"].arrays())


def test_text_is_compact_and_reads_back():
    X = np.array([[0.5, 1.0], [-2.0, 1e-07], [3.25, -0.0]])
    y = np.array([0, 1, 1])
    text = points.format_points(X, y)
    assert text == "0.5:1:0;-2:1e-07:1;3.25:0:1"
    X_read, y_read = points.parse_points(text)
    np.testing.assert_array_equal(X_read, X)
    np.testing.assert_array_equal(y_read, y)
    assert y_read.dtype == np.int64


def test_text_tolerates_spaces_and_a_trailing_separator():
    X, y = points.parse_points(" 1 : 2 : 0 ; 3:4:1 ;")
    np.testing.assert_array_equal(X, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(y, [0, 1])


@given(
    st.lists(
        st.tuples(st.floats(allow_nan=False, allow_infinity=False), st.floats(-1, 1)),
        min_size=2,
        max_size=points.MAX_POINTS,
    )
)
def test_any_point_set_round_trips_exactly(rows):
    X, y = np.array(rows), np.arange(len(rows)) % 2
    X_read, y_read = points.parse_points(points.format_points(X, y))
    np.testing.assert_array_equal(X_read, X)
    np.testing.assert_array_equal(y_read, y)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no points given"),
        (" ; ", "no points given"),
        ("1:2", "point 1 ('1:2') is not x1:x2:label"),
        ("1:2:0;1:2:3:1", "point 2 ('1:2:3:1') is not x1:x2:label"),
        ("1:abc:0;2:2:1", "point 1 has a non-numeric value 'abc'"),
        ("1:2:0;nan:2:1", "point 2 has a non-finite value 'nan'"),
        ("1:2:0;3:3:2", "Labels must be 0 or 1, found 2."),
        ("1:2:1;3:3:1", "Every point has label 1"),
        (";".join(["0:0:0", "1:1:1"] * 101), "202 points given; use at most 200 points."),
    ],
)
def test_bad_text_says_what_to_fix(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        points.parse_points(text)


def test_the_url_reader_keeps_the_text_and_accepts_empty():
    assert points.read_points_text("") == ""
    assert points.read_points_text("1:2:0;3:4:1") == "1:2:0;3:4:1"
    with pytest.raises(ValueError, match="longer than"):
        points.read_points_text("0" * (points.MAX_TEXT_LENGTH + 1))
    with pytest.raises(ValueError, match="not x1:x2:label"):
        points.read_points_text("1;2")


def test_points_text_is_empty_while_the_preset_is_untouched():
    X, y = points.PRESETS["crossed"].arrays()
    assert points.points_text(X, y, "crossed") == ""
    assert points.points_text(X, y, "clusters") == points.format_points(X, y)
    y_changed = y.copy()
    y_changed[0] = 1
    assert points.points_text(X, y_changed, "crossed") == points.format_points(X, y_changed)


def test_chosen_points_are_the_preset_or_the_text():
    X, y = points.chosen_points("", "clusters")
    np.testing.assert_array_equal(X, points.PRESETS["clusters"].arrays()[0])
    X, y = points.chosen_points("1:2:0;3:4:1", "clusters")
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])


def test_the_table_round_trips_and_reports_rows():
    X, y = points.PRESETS["clusters"].arrays()
    table = points.table_from_points(X, y).astype(object)
    assert list(table.columns) == list(points.POINT_COLUMNS)
    X_read, y_read = points.points_from_table(table)
    np.testing.assert_array_equal(X_read, X)
    np.testing.assert_array_equal(y_read, y)
    table.loc[2, "x1"] = None
    table.loc[5, "x2"] = "abc"
    with pytest.raises(ValueError, match="Row 2, 5 has an empty or non-numeric cell"):
        points.points_from_table(table)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "The table is empty"),
        ([[0.0, 0.0, 0.5], [1.0, 1.0, 1.0]], "Labels must be 0 or 1, found 0.5."),
        ([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0]], "Every point has label 0"),
        ([[float(i), 0.0, i % 2] for i in range(201)], "The table has 201 rows; use at most 200"),
    ],
)
def test_bad_tables_say_what_to_fix(rows, message):
    table = pd.DataFrame(rows, columns=list(points.POINT_COLUMNS))
    with pytest.raises(ValueError, match=message):
        points.points_from_table(table)
