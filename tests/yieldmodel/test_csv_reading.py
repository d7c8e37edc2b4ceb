"""yieldmodel.csv_reading: messy CSVs read as meant; malformed bytes raise only DataError."""

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yieldmodel.csv_reading import parse_frame, read_csv, sniff_layout
from yieldmodel.messages import DataError
from yieldmodel.preprocessing import Preprocessor
from yieldmodel.validation import prepare_for_scoring

# --------------------------------------------------------------------------------------
# read_csv
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\r\n  \n"])
def test_empty_file(data):
    with pytest.raises(DataError, match="empty"):
        read_csv(data)


def test_header_only():
    with pytest.raises(DataError, match="no data rows") as info:
        read_csv(b"Vdd_min,Idd_active,fail\n")
    assert "'Vdd_min'" in str(info.value)


def test_semicolon_and_decimal_comma():
    result = read_csv(b"lot;Vdd;Idd\nA1;1,25;-3,5\nA2;1,5;2\n")
    assert result.delimiter == ";" and result.decimal == ","
    assert result.frame["Vdd"].tolist() == [1.25, 1.5]
    assert result.frame["Idd"].tolist() == [-3.5, 2.0]
    notes = " ".join(result.notes)
    assert "semicolon" in notes and "decimal comma" in notes


def test_decimal_comma_in_a_column_that_also_holds_text():
    frame = read_csv(b"a;b\n3,5;1\nERR;2\n0,25;3\n").frame
    pre = Preprocessor().fit(frame)
    # 3.5 and 0.25 are numbers, 'ERR' counts as missing and gets their median 1.875.
    raw = pre.raw_matrix(frame)
    np.testing.assert_array_equal(raw[:, 0], [3.5, np.nan, 0.25])
    assert pre.medians[0] == pytest.approx(1.875)


def test_tab_delimited_with_dot_decimals():
    result = read_csv(b"x1\tx2\n1.5\t2\n3\t4.25\n")
    assert result.delimiter == "\t" and result.decimal == "."
    assert result.frame["x2"].tolist() == [2.0, 4.25]


def test_comma_file_with_quoted_commas_and_trailing_delimiters():
    frame = read_csv(b'note,value,\n"a, b",1,\n"c",2,\n').frame
    assert frame.columns.tolist()[:2] == ["note", "value"]
    assert frame["note"].tolist() == ["a, b", "c"]
    assert frame["value"].tolist() == [1, 2]


def test_excel_sep_hint_line():
    result = read_csv(b"sep=;\na;b\n1,5;2\n")
    assert result.delimiter == ";"
    assert result.frame["a"].tolist() == [1.5]


def test_non_utf8_bytes_read_as_cp1252_with_a_note():
    data = "caf\xe9;\xb5A_leak\n1;2\n".encode("cp1252")
    result = read_csv(data)
    assert result.frame.columns.tolist() == ["caf\xe9", "\xb5A_leak"]
    assert result.encoding == "cp1252"
    assert any("not UTF-8" in note and "0xE9" in note for note in result.notes)


def test_utf8_bom_followed_by_non_utf8_bytes():
    result = read_csv(b"\xef\xbb\xbfname\ncaf\xe9\n")
    assert result.encoding == "cp1252"
    assert result.frame.columns.tolist() == ["name"]
    assert result.frame["name"].tolist() == ["caf\xe9"]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1():
    result = read_csv(b"a\x81,b\n1,2\n")
    assert result.encoding == "latin-1"
    assert result.frame.columns[0] == "a\x81"


def test_utf8_bom_and_utf16():
    assert read_csv(b"\xef\xbb\xbfVdd,Idd\n1,2\n").frame.columns.tolist() == ["Vdd", "Idd"]
    utf16 = "Vdd\tIdd\n1\t2\n".encode("utf-16")
    assert read_csv(utf16).frame["Idd"].tolist() == [2]


def test_duplicate_column_names():
    with pytest.raises(DataError, match=r"'Vdd' \(columns 1, 3\)"):
        read_csv(b"Vdd,Idd,Vdd\n1,2,3\n")
    with pytest.raises(DataError, match="Duplicate"):
        read_csv(b"Vdd , Vdd\n1,2\n")  # equal once surrounding spaces are stripped


def test_row_with_too_many_fields_names_the_line():
    with pytest.raises(DataError, match="Line 3 .* 3 fields .* 2 columns"):
        read_csv(b"a,b\n1,2\n3,4,5\n")


def test_unclosed_quote():
    with pytest.raises(DataError, match="quoted value"):
        read_csv(b'a,b\n1,"2\n3,4\n')


@pytest.mark.parametrize("data", [b"PK\x03\x04\x14\x00rest", b"a,b\n1\x00,2\n"])
def test_binary_files_are_refused(data):
    with pytest.raises(DataError, match="CSV"):
        read_csv(data)


def test_identifier_columns_keep_their_text():
    frame = read_csv(b"part_id,wafer,Vdd\n007,01,1.0\n010,02,2.0\n").frame
    assert frame["part_id"].tolist() == ["007", "010"]
    assert frame["wafer"].tolist() == ["01", "02"]


def test_sources_path_buffer_and_size_limit(tmp_path):
    data = b"a,b\n1,2\n"
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    for source in (path, str(path), io.BytesIO(data), bytearray(data)):
        assert read_csv(source).frame.shape == (1, 2)
    with pytest.raises(DataError, match="limit"):
        read_csv(data, max_bytes=4)
    with pytest.raises(DataError, match="Cannot read"):
        read_csv(tmp_path / "missing.csv")


def test_one_row_file_reads():
    assert read_csv(b"a,b\n1,2").frame.shape == (1, 2)


# --------------------------------------------------------------------------------------
# Property: malformed CSV bytes never raise anything but DataError
# --------------------------------------------------------------------------------------

_CSV_PIECES = st.sampled_from(
    [
        ",",
        ";",
        "\t",
        '"',
        "\n",
        "\r\n",
        " ",
        "1",
        "2.5",
        "-3,5",
        "1e400",
        "nan",
        "inf",
        "a",
        "é",
        "fail",
        "pass",
        "lot",
        "id",
        "x",
        "0",
        "",
        "sep=;\n",
        "\x00",
        "\ufeff",
    ]
)


@st.composite
def _csv_like_bytes(draw):
    text = "".join(draw(st.lists(_CSV_PIECES, max_size=60)))
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


_CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-5, 5).map(str),
    st.sampled_from(["", "pass", "FAIL", "ERR", "1,5", "id", "é", '"', "2024-01-01", " "]),
)


@st.composite
def _table_like_bytes(draw):
    """Mostly well-formed tables with a few damaged cells, lines or bytes."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    n_columns = draw(st.integers(1, 5))
    header = draw(
        st.lists(
            st.sampled_from(["a", "b", "Vdd", "lot", "fail", "x", ""]),
            min_size=n_columns,
            max_size=n_columns,
        )
    )
    rows = draw(
        st.lists(st.lists(_CELLS, min_size=n_columns - 1, max_size=n_columns + 1), max_size=12)
    )
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    data = "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "cp1252"])), "replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=3)) + data[cut:]
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_csv_like_bytes(), _table_like_bytes(), st.binary(max_size=200)))
def test_malformed_csv_only_raises_data_error(data):
    try:
        frame = read_csv(data).frame
    except DataError:
        return
    assert frame.shape[0] >= 1
    label = frame.columns[-1]
    try:
        pre = Preprocessor().fit(frame, label=label)
    except DataError:
        try:
            pre = Preprocessor().fit(frame)
        except DataError:
            return
    X, report = prepare_for_scoring(frame, pre)
    assert X is not None and np.isfinite(X).all()
    assert report.lines()


def test_sniff_layout_finds_the_header_after_blank_lines_and_the_sep_hint():
    data = b"\r\n\nsep=;\nlot;Vdd\nA;1,5\nB;2,25\n"
    layout = sniff_layout(data)
    assert (layout.delimiter, layout.decimal, layout.skip_lines) == (";", ",", 4)
    assert layout.columns == ["lot", "Vdd"] and layout.encoding == "utf-8"
    frame = parse_frame(data, layout)
    assert frame["lot"].tolist() == ["A", "B"] and frame["Vdd"].tolist() == [1.5, 2.25]
    read = read_csv(data)
    assert read.layout == layout and read.notes == layout.notes
    pd.testing.assert_frame_equal(read.frame, frame)
