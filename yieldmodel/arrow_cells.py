"""CSV cells as Arrow text, turned into numbers for the model and back into output columns.

The streaming scorer reads every column as text (so identifiers pass through unchanged);
:func:`feature_values` makes numbers of the feature columns the way
:mod:`yieldmodel.coercion` would, and :func:`decorated` builds the probability and
prediction columns appended to each group of rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from yieldmodel.scoring import FAIL_TEXT, PASS_TEXT

# fmt: off
#: Cells that mean "empty" in a numeric column: pandas.read_csv's default NA strings.
NA_STRINGS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)
# fmt: on
_NA_SET = pa.array(NA_STRINGS, type=pa.string())
# '3,25' -> '3.25' (only cells that are a number with a decimal comma, as yieldmodel.csv_reading).
_COMMA_DECIMAL = r"^(\s*[+-]?\d+),(\d+(?:[eE][+-]?\d+)?\s*)$"


def feature_values(column: pa.Array, decimal: str = ".") -> np.ndarray:
    """One feature column of a group of rows as numbers, for :meth:`Pipeline.score`.

    Parameters
    ----------
    column : pyarrow string Array or ChunkedArray of shape (n_rows,)
        The cells as text.
    decimal : {".", ","}
        Decimal mark of the file.

    Returns
    -------
    ndarray of shape (n_rows,)
        float64 (NaN where empty) when every cell is a number, an empty string or one of
        pandas' NA strings (:data:`NA_STRINGS`). Otherwise an object array of the cells,
        ``None`` where empty, so that :mod:`yieldmodel.validation` finds and reports the text
        cells exactly as it does for an upload.
    """
    if decimal == ",":
        column = pc.replace_substring_regex(column, _COMMA_DECIMAL, r"\1.\2")
    try:
        return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass  # empty cells, NA strings, surrounding spaces or text
    cells = pc.utf8_trim_whitespace(column)
    cells = pc.if_else(pc.is_in(cells, value_set=_NA_SET), pa.scalar(None, pa.string()), cells)
    try:
        return pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        return cells.to_numpy(zero_copy_only=False)


def features_frame(table: pa.Table, names: list[str], decimal: str) -> pd.DataFrame:
    """The feature columns of ``table`` as a DataFrame for :meth:`Pipeline.score`."""
    return pd.DataFrame(
        {name: feature_values(table.column(name), decimal) for name in names}, copy=False
    )


def decorated(proba: np.ndarray, fails: np.ndarray, decimal: str) -> list[pa.Array]:
    """The probability and prediction columns of a group (null where unscored)."""
    unscored = np.isnan(proba)
    probability = pa.array(proba, mask=unscored)
    if decimal == ",":
        probability = pc.replace_substring(pc.cast(probability, pa.string()), ".", ",")
    prediction = pc.if_else(
        pa.array(fails, mask=unscored), pa.scalar(FAIL_TEXT), pa.scalar(PASS_TEXT)
    )
    return [probability, prediction]
