"""CSV cells that a spreadsheet would run as formulas, made inert before we write them.

A scored CSV goes back to a test engineer, who opens it in a spreadsheet. A text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read there as a
formula (``=HYPERLINK("http://x","y")`` in a part-ID column becomes a live link, and worse
is possible), so every CSV the app or the CLI writes passes its text cells -- and its
column names -- through here: such a cell gets a leading apostrophe, which spreadsheets
show as plain text. Numbers are never touched, neither numeric columns nor text cells that
are plain numbers such as ``-1.5``, ``+3e-2`` or, in a decimal-comma file, ``-3,25``.

:func:`frame_to_csv` is the one way a pandas table is written as CSV (the page's downloads,
the in-memory scoring path); :class:`yieldmodel.csv_writing.BatchWriter` passes every
streamed batch through :func:`neutralise_table`.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# A sign, digits with one decimal point or comma, an exponent; trailing spaces allowed.
_PLAIN_NUMBER = r"^[+-]?(\d+[.,]?\d*|[.,]\d+)([eE][+-]?\d+)? *$"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
_FIRST_BYTES = [prefix.encode("ascii") for prefix in FORMULA_PREFIXES]


def neutralise_cell(value):
    """``value`` with an apostrophe in front if a spreadsheet would run it as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER_RE.match(value)
    ):
        return ESCAPE + value
    return value


def neutralise_names(names) -> list:
    """Column names (header cells) with the same rule applied."""
    return [neutralise_cell(name) for name in names]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are safe in a spreadsheet.

    Only object and string columns are looked at; numeric, boolean and datetime columns
    are returned as they are.
    """
    result = frame.copy()
    result.columns = neutralise_names(frame.columns)
    for position in range(result.shape[1]):
        values = result.iloc[:, position]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            result.isetitem(position, values.map(neutralise_cell, na_action="ignore"))
    return result


def frame_to_csv(frame: pd.DataFrame, path_or_buffer=None, **options):
    """``frame.to_csv(path_or_buffer, index=False, **options)`` of :func:`neutralise_frame`.

    Returns the CSV text when ``path_or_buffer`` is None, like pandas.
    """
    return neutralise_frame(frame).to_csv(path_or_buffer, index=False, **options)


def _starts_like_a_formula(array):
    # The first byte looked up in a set: several times faster than an anchored regex.
    kind = pa.large_binary() if pa.types.is_large_string(array.type) else pa.binary()
    first = pc.binary_slice(array.cast(kind), 0, 1)
    return pc.is_in(first, value_set=pa.array(_FIRST_BYTES, kind))


def _neutralise_strings(array):
    """A string Array or ChunkedArray with risky cells escaped (the same object if none)."""
    risky = _starts_like_a_formula(array)
    if not pc.any(risky).as_py():  # the usual case: nothing to escape, nothing copied
        return array
    risky = pc.and_(risky, pc.invert(pc.match_substring_regex(array, _PLAIN_NUMBER)))
    escaped = pc.binary_join_element_wise(
        pa.scalar(ESCAPE, array.type), array, pa.scalar("", array.type)
    )
    return pc.if_else(pc.fill_null(risky, False), escaped, array)


def neutralise_table(table: pa.Table | pa.RecordBatch):
    """The same for a pyarrow table or record batch (the streaming scorer's path)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = _neutralise_strings(column)  # whole columns: few calls, many cells
        columns.append(column)
    schema = pa.schema(
        [
            field.with_name(name)
            for field, name in zip(table.schema, neutralise_names(table.schema.names))
        ],
        metadata=table.schema.metadata,
    )
    kind = pa.RecordBatch if isinstance(table, pa.RecordBatch) else pa.Table
    return kind.from_arrays(columns, schema=schema)
