"""yieldmodel.csv_safety: formula-like text cells are made inert, numbers never change."""

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yieldmodel.csv_safety import (
    frame_to_csv,
    neutralise_cell,
    neutralise_frame,
    neutralise_names,
    neutralise_table,
)

ATTACK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (ATTACK, "'" + ATTACK),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1.5", "-1.5"),
        ("+3e-2", "+3e-2"),
        ("-3,25", "-3,25"),  # a number in a decimal-comma file
        ("-7 ", "-7 "),
        ("-1.5.2", "'-1.5.2"),
        ("-", "'-"),
        ("=", "'="),
        ("LOT-7", "LOT-7"),
        ("", ""),
        (3.5, 3.5),
    ],
)
def test_cells(cell, expected):
    assert neutralise_cell(cell) == expected


def test_frame_changes_text_cells_only():
    frame = pd.DataFrame(
        {
            "part_id": [ATTACK, "P-2", "-7", None],
            "fail_probability": [0.1, -0.2, 0.3, 0.4],
            "wafer": [1, 2, 3, 4],
        }
    )
    safe = neutralise_frame(frame)
    assert list(safe["part_id"][:3]) == ["'" + ATTACK, "P-2", "-7"]
    assert safe["part_id"].isna().iloc[3]
    pd.testing.assert_series_equal(safe["fail_probability"], frame["fail_probability"])
    pd.testing.assert_series_equal(safe["wafer"], frame["wafer"])
    assert frame["part_id"][0] == ATTACK  # the input is not modified


def test_arrow_batches_match_the_frame_rule():
    cells = [ATTACK, "ok", "-1", "=1+1", None, "@x"]
    table = pa.table({"id": cells, "p": pa.array([0.5, -1.0, 2.0, 3.0, 4.0, 5.0])})
    safe = neutralise_table(table)
    assert safe.column("id").to_pylist() == [neutralise_cell(c) for c in cells]
    assert safe.column("p").equals(table.column("p"))
    batch = neutralise_table(table.to_batches()[0])
    assert isinstance(batch, pa.RecordBatch)
    out = io.BytesIO()
    pa_csv.write_csv(batch, out)
    assert "'=HYPERLINK" in out.getvalue().decode()


@given(st.lists(st.one_of(st.text(max_size=12), st.floats(allow_nan=False)), max_size=20))
def test_no_written_text_starts_a_formula(values):
    frame = pd.DataFrame({"cell": pd.Series(values, dtype=object)})
    for cell in neutralise_frame(frame)["cell"]:
        if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            float(cell.replace(",", "."))  # only plain numbers may keep a sign in front
    assert np.all(neutralise_frame(frame).shape == frame.shape)


def test_column_names_are_header_cells_too():
    frame = pd.DataFrame({"=cmd": ["a"], "-2": [1.0], "ok": [ATTACK]})
    assert neutralise_names(frame.columns) == ["'=cmd", "-2", "ok"]
    text = frame_to_csv(frame)
    assert text.splitlines() == ["'=cmd,-2,ok", 'a,1.0,"\'=HYPERLINK(""http://x"",""y"")"']
    batch = neutralise_table(pa.record_batch({"@x": pa.array(["1"]), "y": pa.array([2])}))
    assert batch.schema.names == ["'@x", "y"]


def test_frame_to_csv_keeps_numbers_and_pandas_options():
    frame = pd.DataFrame({"id": ["-7", "=1"], "v": [-1.25, 2.5], "n": [-3, 4]})
    text = frame_to_csv(frame, sep=";", decimal=",")
    assert text.splitlines() == ["id;v;n", "-7;-1,25;-3", "'=1;2,5;4"]
    assert frame["id"].tolist() == ["-7", "=1"]  # the input is not modified


def test_a_string_column_without_risky_cells_is_returned_as_it_is():
    column = pa.array(["LOT1", "P-2", None])
    kept = neutralise_table(pa.table({"id": column})).column("id").chunks[0]
    assert kept.equals(column)
    assert kept.buffers()[2].address == column.buffers()[2].address  # not copied


def test_large_strings_and_chunked_columns():
    cells = ["=1", None, "-2", "x", "@", "-3,5", "\t", ""]
    table = pa.table(
        {
            "large": pa.array(cells, pa.large_string()),
            "chunked": pa.chunked_array([cells[:3], cells[3:]]),
        }
    )
    safe = neutralise_table(table)
    expected = [neutralise_cell(cell) for cell in cells]
    assert expected == ["'=1", None, "-2", "x", "'@", "-3,5", "'\t", ""]
    assert safe.column("large").to_pylist() == safe.column("chunked").to_pylist() == expected
    assert safe.schema == table.schema
