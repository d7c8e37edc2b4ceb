"""lessons.live.points: a user's own table of points, checked and numbered."""

import numpy as np
import pytest

from lessons.live import points


def test_custom_points_number_classes_in_sorted_order():
    X, y, classes = points.custom_points(
        [0, 1, 2, 3, 4, 5], [1, 1, 2, 2, 3, 3], ["b", "a", "b", "a", "c", "c"], "classification"
    )
    assert classes == ["a", "b", "c"]
    np.testing.assert_array_equal(y, [1, 0, 1, 0, 2, 2])
    np.testing.assert_allclose(X[:, 0], [0, 1, 2, 3, 4, 5])
    _, y, classes = points.custom_points(
        [0, 1, 2, 3], [0, 0, 1, 1], [-1, 1.0, "1", -1], "classification"
    )
    assert classes == [-1, 1] and y.tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize(
    ("columns", "kind", "message"),
    [
        (([0, 1, 2], [0, 1, 2], [0, 1, 0]), "classification", "at least 4"),
        (([0, 1, 2, "x"], [0, 1, 2, 3], [0, 1, 0, 1]), "classification", "x1 must hold numbers"),
        (([0, 1, 2, np.nan], [0, 1, 2, 3], [0, 1, 0, 1]), "classification", "row 4"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0, 1, None, 1]), "classification", "row 3: no label"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [1, 1, 1, 1]), "classification", "two classes"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0, 0, 0, 1]), "classification", "single point"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0.1, "a", 0, 1]), "regression", "numbers"),
        (([0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 0, 1]), "ordinal", "kind"),
    ],
)
def test_custom_points_errors_say_what_to_fix(columns, kind, message):
    with pytest.raises(ValueError, match=message):
        points.custom_points(*columns, kind)


def test_custom_regression_points_keep_float_targets():
    X, y, classes = points.custom_points(
        [0, 1, 2, 3], [0, 1, 2, 3], [0.5, -0.25, 1, 0], "regression"
    )
    assert classes == [] and y.dtype == np.float64
    np.testing.assert_allclose(y, [0.5, -0.25, 1.0, 0.0])
