"""yieldmodel.labels: pass/fail in every common coding, FAIL = 1; the label column guessed."""

import numpy as np
import pandas as pd
import pytest

from yieldmodel.labels import encode_label, guess_label_column
from yieldmodel.messages import DataError

# --------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 1, 1, 0], [0, 1, 1, 0]),
        ([0.0, 1.0, 0.0, 1.0], [0, 1, 0, 1]),
        ([-1, 1, 1, -1], [0, 1, 1, 0]),
        (["-1", "1", "1", "-1"], [0, 1, 1, 0]),
        (["pass", "FAIL", " Pass ", "Fail"], [0, 1, 0, 1]),
        (["P", "F", "p", "f"], [0, 1, 0, 1]),
        (["good", "bad", "Bad", "GOOD"], [0, 1, 1, 0]),
        (["OK", "NG", "ok", "ng"], [0, 1, 0, 1]),
        ([True, False, False, True], [1, 0, 0, 1]),
        (["true", "False", "TRUE", "false"], [1, 0, 1, 0]),
        (["yes", "no", "no", "yes"], [1, 0, 0, 1]),
    ],
)
def test_label_codings(values, expected):
    y = encode_label(pd.Series(values, name="fail"))
    assert y.dtype == np.int64
    assert y.tolist() == expected


def test_label_named_pass_means_one_is_pass():
    assert encode_label(pd.Series([1, 0, 1], name="pass")).tolist() == [0, 1, 0]
    assert encode_label(pd.Series([True, False], name="is_good")).tolist() == [0, 1]
    # Explicit words are never swapped, whatever the column is called.
    assert encode_label(pd.Series(["pass", "fail"], name="pass")).tolist() == [0, 1]


def test_label_with_one_class():
    with pytest.raises(DataError, match="only one class"):
        encode_label(pd.Series(["pass"] * 10, name="result"))
    with pytest.raises(DataError, match="only one class"):
        encode_label(pd.Series([1, 1, 1], name="fail"))


def test_label_with_empty_cells_lists_the_rows():
    with pytest.raises(DataError, match=r"empty in 2 of 4 rows \(rows 2, 4\)"):
        encode_label(pd.Series([0, None, 1, None], name="fail"))


@pytest.mark.parametrize("values", [[0, 1, 2], ["pass", "fail", "retest"], ["a", "b"]])
def test_label_with_unknown_coding(values):
    with pytest.raises(DataError, match="not a two-class pass/fail coding"):
        encode_label(pd.Series(values, name="bin"))


def test_label_column_is_guessed_by_name():
    assert guess_label_column(pd.DataFrame(columns=["lot", "Vdd", "Result", "x"])) == "Result"
    assert guess_label_column(pd.DataFrame(columns=["a", "b"])) == "b"
