"""yieldmodel.streaming: scoring CSV files in groups of rows, the same as the page scores them."""

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from core.mlp import MLP
from yieldmodel import streaming
from yieldmodel.arrow_cells import feature_values
from yieldmodel.csv_reading import read_csv
from yieldmodel.messages import DataError
from yieldmodel.pipeline import Pipeline
from yieldmodel.preprocessing import Preprocessor
from yieldmodel.streaming import score_csv, sniff_layout
from yieldmodel.validation import validate_for_scoring

FEATURES = ["Vdd_min", "Idd_active", "freq_max", "leakage"]
N_ROWS = 1500
BLOCK = 4096  # bytes: a 1500-row file is read and scored in dozens of groups


@pytest.fixture(autouse=True)
def small_read_blocks(monkeypatch):
    """Parse in small blocks too, so every test crosses many batch boundaries."""
    monkeypatch.setattr(streaming, "READ_BLOCK_BYTES", BLOCK)


@pytest.fixture(scope="module")
def pipeline():
    rng = np.random.default_rng(5)
    nominal = np.array([0.72, 45.0, 2400.0, 150.0])
    spread = np.array([0.012, 1.2, 40.0, 4.0])
    train = pd.DataFrame(nominal + spread * rng.normal(size=(300, 4)), columns=FEATURES)
    train["lot"] = "L1"
    train["fail"] = (train["Vdd_min"] + 0.01 * rng.normal(size=300) > 0.725).astype(int)
    pre = Preprocessor().fit(train, label="fail")
    assert pre.feature_names == FEATURES
    model = MLP([4, 5, 3, 1], hidden=["relu", "tanh"], rng=3)
    return Pipeline(pre, model, threshold=0.4)


def _by_hand(pipeline, values):
    """Fail probability from the stored numbers with plain NumPy: (n, 4) raw -> (n,)."""
    pre = pipeline.preprocessor
    x = np.where(np.isfinite(values), values, pre.medians)
    a = (x - pre.means) / pre.scales
    W0, b0, W1, b1, W2, b2 = pipeline.model.params
    a = np.tanh(np.maximum(a @ W0 + b0, 0.0) @ W1 + b1)
    return 1.0 / (1.0 + np.exp(-(a @ W2 + b2)[:, 0]))


def _rows(n=N_ROWS, seed=0):
    """Header (identifiers first, features in another order) and rows of text cells."""
    rng = np.random.default_rng(seed)
    values = np.array([0.72, 45.0, 2400.0, 150.0]) + [0.012, 1.2, 40.0, 4.0] * rng.normal(
        size=(n, 4)
    )
    header = ["lot", "wafer", "die_x", "die_y", "leakage", "freq_max", "note", "Idd_active"]
    header.append("Vdd_min")
    rows = []
    for i, (vdd, idd, freq, leak) in enumerate(values):
        rows.append(
            [f"{i // 500:03d}", str(1 + i // 100), str(i % 10), str(i // 10 % 10)]
            + [f"{leak:.5g}", f"{freq:.6g}", f"n{i}", f"{idd:.5g}", f"{vdd:.5g}"]
        )
    return header, rows


def _write(path, header, rows, delimiter=",", prefix="", encoding="utf-8"):
    buffer = io.StringIO()
    buffer.write(prefix)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _read_text(path, delimiter=","):
    """Every cell of a CSV file as text: (header, rows)."""
    with open(path, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle, delimiter=delimiter))
    return table[0], table[1:]


def _raw(header, rows):
    """The feature cells as floats (NaN where not a number), in FEATURES order."""
    index = [header.index(name) for name in FEATURES]
    return np.array(
        [[float(pd.to_numeric(row[j], errors="coerce")) for j in index] for row in rows]
    )


def _probabilities(out_rows, column):
    return np.array([float(row[column]) if row[column] else np.nan for row in out_rows])


# --------------------------------------------------------------------------------------
# A clean file
# --------------------------------------------------------------------------------------


def test_scores_match_the_formula_and_every_input_cell_passes_through(pipeline, tmp_path):
    header, rows = _rows()
    source = _write(tmp_path / "new.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "scored.csv", block_bytes=BLOCK)

    out_header, out_rows = _read_text(tmp_path / "scored.csv")
    assert out_header == [*header, "fail_probability", "prediction"]
    assert [row[: len(header)] for row in out_rows] == rows  # same text, same order
    proba = _probabilities(out_rows, len(header))
    np.testing.assert_allclose(proba, _by_hand(pipeline, _raw(header, rows)), atol=2e-6)
    expected = np.where(proba >= 0.4, "FAIL", "PASS")
    assert [row[-1] for row in out_rows] == expected.tolist()
    assert result.reader == "streaming"
    assert (result.rows, result.scored, result.fails) == (N_ROWS, N_ROWS, (proba >= 0.4).sum())
    assert result.report.ok
    assert result.report.passthrough_columns == ["lot", "wafer", "die_x", "die_y", "note"]
    assert result.summary()["mean_probability"] == pytest.approx(proba.mean(), abs=1e-6)


def test_same_probabilities_as_the_page(pipeline, tmp_path):
    header, rows = _rows(seed=1)
    source = _write(tmp_path / "new.csv", header, rows)
    score_csv(pipeline, source, tmp_path / "scored.csv", block_bytes=BLOCK, dtype=np.float64)
    page = pipeline.predict_proba(read_csv(source).frame)
    _, out_rows = _read_text(tmp_path / "scored.csv")
    np.testing.assert_allclose(_probabilities(out_rows, len(header)), page, rtol=1e-12)


def test_threshold_override(pipeline, tmp_path):
    header, rows = _rows(n=300)
    source = _write(tmp_path / "new.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "out.csv", threshold=0.9)
    _, out_rows = _read_text(tmp_path / "out.csv")
    proba = _probabilities(out_rows, len(header))
    assert result.fails == int((proba >= 0.9).sum())
    assert [row[-1] == "FAIL" for row in out_rows] == (proba >= 0.9).tolist()


def test_scoring_a_file_onto_itself(pipeline, tmp_path):
    header, rows = _rows(n=200)
    source = _write(tmp_path / "new.csv", header, rows)
    score_csv(pipeline, source, source, block_bytes=BLOCK)
    out_header, out_rows = _read_text(source)
    assert out_header[-2:] == ["fail_probability", "prediction"]
    assert len(out_rows) == 200
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left


def test_added_columns_do_not_overwrite_existing_ones(pipeline, tmp_path):
    header, rows = _rows(n=50)
    header[6] = "fail_probability"  # the 'note' column
    source = _write(tmp_path / "new.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "out.csv")
    out_header, out_rows = _read_text(tmp_path / "out.csv")
    assert out_header[-2:] == ["fail_probability_model", "prediction"]
    assert result.columns == ("fail_probability_model", "prediction")
    assert [row[6] for row in out_rows] == [f"n{i}" for i in range(50)]


def test_cells_that_need_quotes_survive(pipeline, tmp_path):
    header, rows = _rows(n=400)
    rows[10][6] = 'note, with "quotes"'
    rows[300][0] = "lot;\nline"
    source = _write(tmp_path / "new.csv", header, rows)
    score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    _, out_rows = _read_text(tmp_path / "out.csv")
    assert [row[: len(header)] for row in out_rows] == rows


# --------------------------------------------------------------------------------------
# Formula injection: text a spreadsheet would run is escaped, numbers never change
# --------------------------------------------------------------------------------------

ATTACK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("layout", "reader"),
    [("plain", "streaming"), ("european", "streaming"), ("ragged", "in-memory")],
)
def test_formula_cells_are_escaped_and_numbers_kept(pipeline, tmp_path, layout, reader):
    header, rows = _rows(n=600)
    for i, row in enumerate(rows):
        row[2] = f"-{i % 10}.5"  # die_x: negative numbers, passed through
    rows[3][6] = rows[450][6] = ATTACK  # the 'note' column, in two groups
    rows[7][6] = "@SUM(A1)"
    delimiter = ";" if layout == "european" else ","
    if layout == "european":
        rows = [[cell.replace(".", ",") for cell in row] for row in rows]
    if layout == "ragged":
        rows[500] = rows[500][:-1]  # the streaming reader gives up; the page reader copes
    source = _write(tmp_path / "new.csv", header, rows, delimiter=delimiter)
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    assert result.reader == reader

    _, out_rows = _read_text(tmp_path / "out.csv", delimiter=delimiter)
    notes = [row[6] for row in out_rows]
    assert notes[3] == notes[450] == "'" + ATTACK and notes[7] == "'@SUM(A1)"
    expected = [row[6] for row in rows]
    expected[3] = expected[450] = "'" + ATTACK
    expected[7] = "'@SUM(A1)"
    assert notes == expected
    assert [row[2] for row in out_rows] == [row[2] for row in rows]  # '-3.5' stays '-3.5'
    as_dots = [[cell.replace(",", ".") for cell in row] for row in out_rows]
    page = pipeline.predict_proba(read_csv(source).frame)
    np.testing.assert_allclose(_probabilities(as_dots, len(header)), page, atol=2e-6)


# --------------------------------------------------------------------------------------
# Files with problems: the page's report, with row numbers of the whole file
# --------------------------------------------------------------------------------------


def _messy_rows():
    header, rows = _rows()
    column = {name: header.index(name) for name in FEATURES}
    rows[4][column["Idd_active"]] = "ERR"  # data row 5
    rows[1199][column["Idd_active"]] = "open"  # data row 1200, a later group
    rows[700][column["freq_max"]] = "inf"  # data row 701
    rows[20][column["leakage"]] = ""
    rows[21][column["leakage"]] = "NA"
    rows[22][column["leakage"]] = " 151.5 "  # spaces around a number: still a number
    for name in FEATURES:
        rows[900][column[name]] = ""  # data row 901: nothing to score
    return header, rows


def test_report_names_columns_and_rows_of_the_whole_file(pipeline, tmp_path):
    header, rows = _messy_rows()
    source = _write(tmp_path / "messy.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    report = result.report
    assert not report.ok and report.can_score
    assert report.non_numeric["Idd_active"].rows == [5, 1200]
    assert report.non_numeric["Idd_active"].examples == ["ERR", "open"]
    assert report.inf_counts["freq_max"].rows == [701]
    assert report.nan_counts["leakage"] == 3  # rows 21, 22 and 901
    assert report.unscorable_rows.tolist() == [901]
    text = "\n".join(report.lines())
    assert "'Idd_active'" in text and "rows 5, 1200" in text and "row 701" in text

    _, out_rows = _read_text(tmp_path / "out.csv")
    assert out_rows[900][-2:] == ["", ""]  # no probability, no prediction
    proba = _probabilities(out_rows, len(header))
    expected = _by_hand(pipeline, _raw(header, rows))
    expected[900] = np.nan
    np.testing.assert_allclose(proba, expected, atol=2e-6)


def test_report_equals_the_pages_report_of_the_whole_file(pipeline, tmp_path):
    header, rows = _messy_rows()
    source = _write(tmp_path / "messy.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    page = validate_for_scoring(read_csv(source).frame, pipeline.preprocessor)
    assert result.report.lines() == page.lines()


def test_a_column_empty_in_every_row(pipeline, tmp_path):
    header, rows = _rows(n=600)
    for row in rows:
        row[header.index("leakage")] = ""
    source = _write(tmp_path / "new.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    assert result.report.empty_columns == ["leakage"]
    assert any("'leakage' has no usable value" in line for line in result.report.lines())
    assert result.scored == 600


def test_column_empty_in_one_group_only_is_not_reported_empty(pipeline, tmp_path):
    header, rows = _rows(n=600)
    for row in rows[:300]:
        row[header.index("leakage")] = ""
    source = _write(tmp_path / "new.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    assert result.report.empty_columns == []
    assert result.report.nan_counts == {"leakage": 300}


# --------------------------------------------------------------------------------------
# Layouts: delimiters, decimal commas, encodings, Excel's hint
# --------------------------------------------------------------------------------------


def test_semicolons_and_decimal_commas_score_like_the_plain_file(pipeline, tmp_path):
    header, rows = _rows(n=500)
    plain = _write(tmp_path / "plain.csv", header, rows)
    european = [[cell.replace(".", ",") for cell in row] for row in rows]
    comma = _write(tmp_path / "comma.csv", header, european, delimiter=";")
    score_csv(pipeline, plain, tmp_path / "plain_out.csv", block_bytes=BLOCK)
    result = score_csv(pipeline, comma, tmp_path / "comma_out.csv", block_bytes=BLOCK)
    assert any("decimal comma" in note for note in result.notes)

    _, plain_rows = _read_text(tmp_path / "plain_out.csv")
    out_header, comma_rows = _read_text(tmp_path / "comma_out.csv", delimiter=";")
    assert out_header[-2:] == ["fail_probability", "prediction"]
    assert [row[: len(header)] for row in comma_rows] == european
    as_dots = [[cell.replace(",", ".") for cell in row] for row in comma_rows]
    assert as_dots == plain_rows


def test_excel_sep_hint_and_blank_lines_before_the_header(pipeline, tmp_path):
    header, rows = _rows(n=300)
    source = _write(tmp_path / "excel.csv", header, rows, delimiter="|", prefix="\n\nsep=|\n")
    layout = sniff_layout(source)
    assert (layout.delimiter, layout.skip_lines) == ("|", 4)
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    assert result.rows == 300 and result.reader == "streaming"
    out_header, out_rows = _read_text(tmp_path / "out.csv", delimiter="|")
    assert out_header[: len(header)] == header
    np.testing.assert_allclose(
        _probabilities(out_rows, len(header)), _by_hand(pipeline, _raw(header, rows)), atol=2e-6
    )


@pytest.mark.parametrize(("sniff_bytes", "reader"), [(1 << 20, "streaming"), (1024, "in-memory")])
def test_windows_1252_file_is_written_as_utf8(pipeline, tmp_path, monkeypatch, sniff_bytes, reader):
    """Seen in the first lines, the encoding is streamed; met later, the page reader takes
    the whole file."""
    monkeypatch.setattr(streaming, "SNIFF_BYTES", sniff_bytes)
    header, rows = _rows(n=300)
    rows[250][6] = "45 °C"
    source = _write(tmp_path / "cp1252.csv", header, rows, encoding="cp1252")
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    assert result.reader == reader
    assert any("Windows-1252" in note for note in result.notes)
    _, out_rows = _read_text(tmp_path / "out.csv")
    assert out_rows[250][6] == "45 °C"
    # text columns keep their cells; the page reader may rewrite a number (2372 -> 2372.0)
    assert [row[:4] + row[6:7] for row in out_rows] == [row[:4] + row[6:7] for row in rows]
    np.testing.assert_array_equal(_raw(header, out_rows), _raw(header, rows))


@pytest.mark.parametrize("prefix", ["", "sep=,\n"])
def test_header_too_long_for_the_first_read_is_still_found(pipeline, tmp_path, monkeypatch, prefix):
    monkeypatch.setattr(streaming, "SNIFF_BYTES", 16)
    header, rows = _rows(n=100)
    source = _write(tmp_path / "new.csv", header, rows, prefix=prefix)
    assert sniff_layout(source).columns == header
    assert score_csv(pipeline, source, tmp_path / "out.csv").rows == 100


# --------------------------------------------------------------------------------------
# Files the streaming reader cannot parse
# --------------------------------------------------------------------------------------


def test_row_with_missing_fields_falls_back_to_the_page_reader(pipeline, tmp_path):
    header, rows = _rows(n=800)
    rows[600] = rows[600][:-1]  # the last field (Vdd_min) is missing
    source = _write(tmp_path / "ragged.csv", header, rows)
    result = score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    assert result.reader == "in-memory"
    assert result.report.nan_counts == {"Vdd_min": 1}
    _, out_rows = _read_text(tmp_path / "out.csv")
    assert len(out_rows) == 800
    page = pipeline.predict_proba(read_csv(source).frame)
    np.testing.assert_allclose(_probabilities(out_rows, len(header)), page, atol=2e-6)


def test_large_unparseable_file_fails_cleanly(pipeline, tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "IN_MEMORY_MAX_BYTES", 0)
    monkeypatch.setattr(streaming, "SNIFF_BYTES", 1024)  # the first lines are fine
    header, rows = _rows(n=800)
    rows[600] = rows[600] + ["extra"]
    source = _write(tmp_path / "ragged.csv", header, rows)
    with pytest.raises(DataError, match="could not be read past data row") as info:
        score_csv(pipeline, source, tmp_path / "out.csv", block_bytes=BLOCK)
    rows_read = int(str(info.value).split("past data row ")[1].split(":")[0].replace(",", ""))
    assert rows_read <= 600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ragged.csv"]  # nothing written


def test_missing_feature_columns_are_listed_before_anything_is_written(pipeline, tmp_path):
    header, rows = _rows(n=20)
    header[header.index("Vdd_min")] = "vdd_min"
    header[header.index("leakage")] = "leak"
    source = _write(tmp_path / "new.csv", header, rows)
    with pytest.raises(DataError) as info:
        score_csv(pipeline, source, tmp_path / "out.csv")
    message = str(info.value)
    assert "'Vdd_min' (did you mean 'vdd_min'?)" in message and "'leakage'" in message
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"Vdd_min,Idd_active,freq_max,leakage\n", "no data rows"),
        (b"a,a\n1,2\n", "Duplicate column names"),
        (b"PK\x03\x04" + bytes(range(256)), "ZIP archive"),
    ],
)
def test_files_that_are_not_tables(pipeline, tmp_path, data, match):
    source = tmp_path / "bad.csv"
    source.write_bytes(data)
    with pytest.raises(DataError, match=match):
        score_csv(pipeline, source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("keyword", "value"), [("threshold", 1.5), ("block_bytes", 10), ("dtype", np.int32)]
)
def test_bad_arguments(pipeline, tmp_path, keyword, value):
    header, rows = _rows(n=5)
    source = _write(tmp_path / "new.csv", header, rows)
    with pytest.raises(ValueError, match=keyword if keyword != "dtype" else "float32"):
        score_csv(pipeline, source, tmp_path / "out.csv", **{keyword: value})


# --------------------------------------------------------------------------------------
# Cells to numbers
# --------------------------------------------------------------------------------------


def test_feature_values_numbers_and_empty_cells():
    cells = pa.array(["1.5", "", "NA", " 2.5 ", "inf", "-1e3", "null"])
    values = feature_values(cells)
    assert values.dtype == np.float64
    np.testing.assert_array_equal(values, [1.5, np.nan, np.nan, 2.5, np.inf, -1000.0, np.nan])


def test_feature_values_keeps_text_for_the_report():
    values = feature_values(pa.chunked_array([["1.5", "ERR"], ["", "3"]]))
    assert values.dtype == object
    assert values.tolist() == ["1.5", "ERR", None, "3"]


def test_feature_values_decimal_comma():
    values = feature_values(pa.array(["3,25", "-1,5e2", "7"]), decimal=",")
    np.testing.assert_array_equal(values, [3.25, -150.0, 7.0])
    text = feature_values(pa.array(["1,2,3", "4,5"]), decimal=",")
    assert text.tolist() == ["1,2,3", "4.5"]  # not a number: left as written
