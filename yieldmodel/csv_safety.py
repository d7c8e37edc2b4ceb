"""CSV cells that a spreadsheet would run as formulas, made inert before we write them.

A scored CSV goes back to a test engineer, who opens it in a spreadsheet. A text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read there as a
formula (``=HYPERLINK("http://x","y")`` in a part-ID column becomes a live link, and worse
is possible), so every CSV the app or the CLI writes passes its text cells through here:
such a cell gets a leading apostrophe, which spreadsheets show as plain text. Numbers are
never touched, neither numeric columns nor text cells that are plain numbers such as
``-1.5`` or ``+3e-2``.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_RISKY = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def neutralise_cell(value):
    """``value`` with an apostrophe in front if a spreadsheet would run it as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER_RE.match(value)
    ):
        return ESCAPE + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are safe to open in a spreadsheet.

    Only object and string columns are looked at; numeric, boolean and datetime columns
    are returned as they are.
    """
    result = frame.copy()
    for column in result.columns:
        values = result[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            result[column] = values.map(neutralise_cell, na_action="ignore")
    return result


def _neutralise_strings(array: pa.Array) -> pa.Array:
    risky = pc.and_(
        pc.match_substring_regex(array, _RISKY),
        pc.invert(pc.match_substring_regex(array, _PLAIN_NUMBER)),
    )
    escaped = pc.binary_join_element_wise(pa.scalar(ESCAPE, array.type), array, "")
    return pc.if_else(pc.fill_null(risky, False), escaped, array)


def neutralise_table(table: pa.Table | pa.RecordBatch):
    """The same for a pyarrow table or record batch (the streaming scorer's path)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            if isinstance(column, pa.ChunkedArray):
                column = pa.chunked_array(
                    [_neutralise_strings(chunk) for chunk in column.chunks], type=column.type
                )
            else:
                column = _neutralise_strings(column)
        columns.append(column)
    kind = pa.RecordBatch if isinstance(table, pa.RecordBatch) else pa.Table
    return kind.from_arrays(columns, schema=table.schema)
