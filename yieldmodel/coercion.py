"""Table columns as floats: the one coercion shared by fitting, validation and scoring.

:func:`check_frame` makes sure a table is a table (rows, unique string column names);
:func:`numeric` turns chosen columns into a float matrix and remembers which cells were
text, so that fitting can drop text columns and validation can name the text cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yieldmodel.messages import DataError, name_list


def check_frame(df) -> pd.DataFrame:
    """A DataFrame with at least one row and unique, string column names."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if not all(isinstance(c, str) for c in df.columns):
        df = df.set_axis([str(c) for c in df.columns], axis=1)
    duplicated = df.columns[df.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataError(
            f"Duplicate column names: {name_list(duplicated)}. Each column needs a unique "
            "name so it can be matched; rename or delete the copies."
        )
    if df.shape[0] == 0:
        raise DataError("The table has no data rows.")
    return df


@dataclass
class Numeric:
    """Columns of a frame as floats: NaN where empty or text, ±inf kept.

    Attributes
    ----------
    values : ndarray of shape (n_rows, n_columns)
    nonempty : ndarray of int, shape (n_columns,)
        Filled (non-blank) cells per column, numbers and text alike.
    text : dict
        Column -> boolean mask (n_rows,) of its non-numeric, non-blank cells; only
        columns that have some appear.
    """

    values: np.ndarray
    nonempty: np.ndarray
    text: dict[str, np.ndarray]


def _text_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(floats, filled mask, text mask) of a non-numeric column."""
    present = column.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return np.full(len(column), np.nan), present, present
    coerced = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    failed = present & np.isnan(coerced)
    if failed.any():
        # Whitespace-only cells are empty, not text.
        failed_rows = np.flatnonzero(failed)
        blank = column.iloc[failed_rows].astype(str).str.strip().eq("").to_numpy()
        failed[failed_rows[blank]] = False
        present[failed_rows[blank]] = False
    return coerced, present, failed


def numeric(df: pd.DataFrame, columns: list[str]) -> Numeric:
    """Coerce ``df[columns]`` to an (n_rows, len(columns)) float64 matrix, column by column.

    The matrix is column-major (Fortran order), so filling one column is one contiguous
    copy; numeric columns are copied as they are, text columns go through
    ``pandas.to_numeric``.
    """
    values = np.empty((df.shape[0], len(columns)), dtype=np.float64, order="F")
    nonempty = np.zeros(len(columns), dtype=np.int64)
    text: dict[str, np.ndarray] = {}
    for j, name in enumerate(columns):
        column = df[name]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
            values[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
            nonempty[j] = np.count_nonzero(~np.isnan(values[:, j]))
            continue
        values[:, j], present, failed = _text_column(column)
        nonempty[j] = present.sum()
        if failed.any():
            text[name] = failed
    return Numeric(values, nonempty, text)
