"""yieldmodel.tabular: reading messy CSVs, label codings, fitting on training rows, validation."""

import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yieldmodel import seed_data
from yieldmodel.tabular import (
    DataError,
    Preprocessor,
    encode_label,
    prepare_for_scoring,
    read_csv,
    validate_for_scoring,
)

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


# --------------------------------------------------------------------------------------
# Preprocessor
# --------------------------------------------------------------------------------------


def _messy_frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "lot": [f"L{i // 20}" for i in range(n)],
            "wafer_id": rng.integers(1, 25, n),
            "die_x": rng.integers(0, 30, n),
            "DieY": rng.integers(0, 30, n),
            "PartID": rng.integers(0, 10**6, n),
            "timestamp": pd.date_range("2024-01-01", periods=n, freq="min").astype(str),
            "when": pd.date_range("2024-01-01", periods=n, freq="D").astype(str),
            "tag": [f"S{i:05d}" for i in range(n)],
            "row_counter": np.arange(100, 100 + n),
            "Vdd_min": rng.normal(1.0, 0.1, n),
            "rise_time": rng.normal(5.0, 1.0, n),
            "die_temp": rng.normal(40.0, 5.0, n),
            "x1": rng.normal(size=n),
            "const": np.full(n, 3.3),
            "empty": np.full(n, np.nan),
            "comment": rng.choice(["ok", "check"], n),
            "fail": (rng.random(n) < 0.3).astype(int),
        }
    )


def test_feature_inference_and_reasons():
    pre = Preprocessor().fit(_messy_frame(), label="fail")
    assert pre.feature_names == ["Vdd_min", "rise_time", "die_temp", "x1"]
    reasons = pre.dropped
    for name in ("lot", "wafer_id", "die_x", "DieY", "PartID", "timestamp"):
        assert "identifier" in reasons[name], name
    assert reasons["when"] == "dates/times"
    assert "differs in every row" in reasons["tag"]
    assert "row index" in reasons["row_counter"]
    assert "constant" in reasons["const"]
    assert "empty" in reasons["empty"]
    assert "text" in reasons["comment"]
    assert "fail" not in reasons and "fail" not in pre.feature_names
    report = "\n".join(pre.report)
    assert "'tag'" in report and "'const'" in report


def test_row_counter_found_after_a_shuffled_split_but_sorted_measurements_kept():
    df = _messy_frame(80)
    df["bin_count"] = np.sort(np.random.default_rng(1).integers(0, 1000, 80))  # sorted, gaps
    train = df.sample(frac=0.75, random_state=0)
    pre = Preprocessor().fit(train, label="fail")
    assert pre.dropped["row_counter"] == "a running integer row index"
    assert "bin_count" in pre.feature_names
    # In a few rows a counter cannot be told from a measurement: kept.
    assert Preprocessor().fit(pd.DataFrame({"a": [1, 2, 3]})).feature_names == ["a"]


def test_include_and_exclude_override_the_name_rules():
    pre = Preprocessor(include=["die_x"], exclude=["x1"]).fit(_messy_frame(), label="fail")
    assert "die_x" in pre.feature_names and "x1" not in pre.feature_names
    assert pre.dropped["x1"] == "excluded on request"


def test_seed_dataset_keeps_all_twenty_features():
    df = seed_data.semiconductor(n=300)
    pre = Preprocessor().fit(df, label="fail")
    assert pre.feature_names == [c for c in df.columns if c != "fail"]


def test_imputation_and_scaling_are_learned_from_training_rows_only():
    train = pd.DataFrame({"a": [1.0, 2.0, np.nan, 4.0, 100.0], "b": [5.0, 1.0, 3.0, 3.0, 2.0]})
    test = pd.DataFrame({"b": [np.nan, 10.0], "a": [np.nan, -50.0]})  # other order too
    pre = Preprocessor().fit(train)
    # Medians of the training rows alone: a -> median(1, 2, 4, 100) = 3, b -> 3.
    np.testing.assert_array_equal(pre.medians, [3.0, 3.0])
    a_imputed = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    b = train["b"].to_numpy()
    X = pre.transform(test)
    expected_row0 = [
        (3.0 - a_imputed.mean()) / a_imputed.std(),
        (3.0 - b.mean()) / b.std(),
    ]
    np.testing.assert_allclose(X[0], expected_row0)
    np.testing.assert_allclose(X[1, 0], (-50.0 - a_imputed.mean()) / a_imputed.std())
    # The test rows did not move anything.
    np.testing.assert_array_equal(Preprocessor().fit(train).means, pre.means)


def test_training_matrix_is_standardised():
    df = _messy_frame(200, seed=1)
    X = Preprocessor().fit_transform(df, label="fail")
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0)


def test_columns_matched_by_name_in_any_order():
    df = _messy_frame()
    pre = Preprocessor().fit(df, label="fail")
    shuffled = df[df.columns[::-1]].drop(columns=["lot", "fail"])
    np.testing.assert_array_equal(pre.transform(shuffled), pre.transform(df))


def test_missing_columns_are_all_listed_with_suggestions():
    df = _messy_frame()
    pre = Preprocessor().fit(df, label="fail")
    renamed = df.drop(columns=["x1"]).rename(columns={"Vdd_min": "vdd_min"})
    with pytest.raises(DataError) as info:
        pre.transform(renamed)
    message = str(info.value)
    assert "2 of the model's 4 feature columns are missing" in message
    assert "'Vdd_min' (did you mean 'vdd_min'?)" in message and "'x1'" in message


def test_text_and_inf_cells_are_imputed_at_transform():
    train = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 1.0, 5.0]})
    pre = Preprocessor().fit(train)
    new = pd.DataFrame({"a": ["ERR", "2", " "], "b": [np.inf, -np.inf, 1.0]})
    expected = pre.transform(pd.DataFrame({"a": [np.nan] * 3, "b": [np.nan, np.nan, 1.0]}))
    expected[1, 0] = pre.transform(pd.DataFrame({"a": [2.0], "b": [1.0]}))[0, 0]
    np.testing.assert_allclose(pre.transform(new), expected)


def test_one_row():
    with pytest.raises(DataError, match="at least 2 rows"):
        Preprocessor().fit(pd.DataFrame({"a": [1.0], "fail": [1]}))
    pre = Preprocessor().fit(pd.DataFrame({"a": [1.0, 3.0]}))
    np.testing.assert_allclose(pre.transform(pd.DataFrame({"a": [3.0]})), [[1.0]])


def test_no_usable_feature_left():
    df = pd.DataFrame({"lot": ["a", "b"], "c": [1.0, 1.0], "fail": [0, 1]})
    with pytest.raises(DataError, match="No usable numeric feature") as info:
        Preprocessor().fit(df, label="fail")
    assert "'c': constant" in str(info.value)


def test_label_column_must_exist():
    with pytest.raises(DataError, match="did you mean 'Fail'"):
        Preprocessor().fit(pd.DataFrame({"a": [1.0, 2.0], "Fail": [0, 1]}), label="fail")


def test_class_balance_and_suggested_weights():
    df = pd.DataFrame({"a": np.arange(20.0) % 7, "fail": [1] * 2 + [0] * 18})
    pre = Preprocessor().fit(df, label="fail")
    assert pre.class_counts == [18, 2]
    # w_c = n / (2 n_c)
    assert pre.class_weights == pytest.approx([20 / 36, 20 / 4])
    report = "\n".join(pre.report)
    assert "10.0 %" in report and "class weights" in report and "5" in report

    balanced = pd.DataFrame({"a": np.arange(20.0) % 7, "fail": [0, 1] * 10})
    assert "class weights" not in "\n".join(Preprocessor().fit(balanced, "fail").report)


def test_thousands_of_columns_many_nan_few_fails():
    rng = np.random.default_rng(5)
    n_rows, n_cols = 120, 3000
    values = rng.normal(size=(n_rows, n_cols))
    values[rng.random(values.shape) < 0.4] = np.nan
    values[:, :50] = np.nan  # entirely empty columns
    values[:, 50:80] = 7.0  # constant columns
    df = pd.DataFrame(values, columns=[f"T{j:04d}" for j in range(n_cols)])
    df["fail"] = (np.arange(n_rows) % 20 == 0).astype(int)
    pre = Preprocessor().fit(df, label="fail")
    assert pre.n_features == n_cols - 80
    X = pre.transform(df)
    assert X.shape == (n_rows, n_cols - 80) and np.isfinite(X).all()
    medians = np.nanmedian(values[:, 80:], axis=0)
    np.testing.assert_allclose(pre.medians, medians)
    assert any("class weights" in line for line in pre.report)
    assert any("50 more" in line or "'T0000'" in line for line in pre.report)


def test_non_string_column_names():
    df = pd.DataFrame(np.random.default_rng(0).normal(size=(10, 3)))
    pre = Preprocessor().fit(df)
    assert pre.feature_names == ["0", "1", "2"]
    np.testing.assert_array_equal(pre.transform(df), pre.transform(df.rename(columns=str)))


def test_state_round_trip_through_json():
    df = _messy_frame()
    pre = Preprocessor().fit(df, label="fail")
    state = json.loads(json.dumps(pre.to_dict()))
    again = Preprocessor.from_dict(state)
    np.testing.assert_array_equal(again.transform(df), pre.transform(df))
    assert again.feature_names == pre.feature_names
    assert again.report == pre.report and again.dropped == pre.dropped
    assert again.class_weights == pre.class_weights


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "other"},
        {"version": 99},
        {"means": [0.0]},
        {"scales": [0.0, 1.0, 1.0, 1.0]},
        {"medians": [None, 1.0, 1.0, 1.0]},
        {"feature_names": ["a", "a", "b", "c"]},
    ],
)
def test_state_from_dict_rejects_damage(change):
    state = Preprocessor().fit(_messy_frame(), label="fail").to_dict()
    state.update(change)
    with pytest.raises(ValueError):
        Preprocessor.from_dict(state)


def test_unfitted_preprocessor():
    with pytest.raises(RuntimeError, match="not fitted"):
        Preprocessor().transform(pd.DataFrame({"a": [1.0]}))


# --------------------------------------------------------------------------------------
# Validation before scoring
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    train = pd.DataFrame(
        {
            "Vdd": [1.0, 1.1, 1.2, 0.9, 1.05],
            "Idd": [5.0, 6.0, 5.5, 4.0, 7.0],
            "leak": [0.1, 0.2, 0.15, 0.3, 0.12],
            "fail": [0, 1, 0, 0, 1],
        }
    )
    return Preprocessor().fit(train, label="fail")


def test_clean_file_is_ok_and_extra_columns_pass_through(fitted):
    new = pd.DataFrame(
        {"lot": ["A", "B"], "leak": [0.1, 0.2], "Idd": [5.0, 6.0], "Vdd": [1.0, 1.1]}
    )
    report = validate_for_scoring(new, fitted)
    assert report.ok and report.can_score
    assert report.passthrough_columns == ["lot"]
    assert report.lines()[-2] == "Ready to score 2 of 2 rows."


def test_validation_lists_every_problem_with_rows_and_columns(fitted):
    new = pd.DataFrame(
        {
            "Vdd": ["1.0", "ERR", "1.1", "open", np.nan, "1.2"],
            "Idd": [5.0, np.inf, 6.0, np.nan, np.nan, 5.0],
            "leak": [np.nan] * 6,
            "die_x": [1, 2, 3, 4, 5, 6],
        }
    )
    report = validate_for_scoring(new, fitted)
    assert report.can_score and not report.ok
    assert report.non_numeric["Vdd"].count == 2
    assert report.non_numeric["Vdd"].rows == [2, 4]  # 1-based data rows
    assert report.non_numeric["Vdd"].examples == ["ERR", "open"]
    assert report.inf_counts["Idd"].rows == [2]
    assert report.nan_counts == {"Vdd": 1, "Idd": 2, "leak": 6}
    assert report.empty_columns == ["leak"]
    # Rows 2, 4 and 5 have nothing usable (text, inf or empty in every feature).
    assert report.unscorable_rows.tolist() == [2, 4, 5]
    assert report.passthrough_columns == ["die_x"]
    text = "\n".join(report.lines())
    assert "Column 'Vdd': 2 non-numeric cells (rows 2, 4: 'ERR', 'open')" in text
    assert "Column 'Idd': 1 infinite value (row 2)" in text
    assert "Column 'leak' has no usable value" in text
    assert "3 rows cannot be scored" in text and "(rows 2, 4, 5)" in text
    assert json.loads(json.dumps(report.to_dict()))["unscorable_rows"] == [2, 4, 5]


def test_reports_of_batches_merge_into_the_whole_file_report(fitted):
    rng = np.random.default_rng(9)
    whole = pd.DataFrame(
        {name: rng.normal(size=30).astype(object) for name in ("Vdd", "Idd", "leak")}
    )
    whole.loc[[3, 17, 18, 25], "Vdd"] = ["x", "y", "x", "z"]
    whole.loc[[4, 21], "Idd"] = np.inf
    whole.loc[[5, 22], "leak"] = np.nan
    whole.loc[22, ["Vdd", "Idd"]] = [np.nan, "bad"]  # nothing usable in data row 23
    whole["leak"] = whole["leak"].astype(float)
    merged = None
    for start in range(0, 30, 8):
        batch = validate_for_scoring(whole.iloc[start : start + 8], fitted, first_row=start + 1)
        merged = batch if merged is None else merged.merged(batch)
    expected = validate_for_scoring(whole, fitted)
    assert merged.to_dict() == expected.to_dict()
    assert merged.non_numeric["Vdd"].rows == [4, 18, 19, 26]
    assert merged.non_numeric["Vdd"].examples == ["x", "y", "z"]
    assert merged.unscorable_rows.tolist() == [23]


def test_validation_missing_columns(fitted):
    new = pd.DataFrame({"vdd": [1.0], "Idd": [5.0]})
    X, report = prepare_for_scoring(new, fitted)
    assert X is None and not report.can_score and not report.ok
    assert report.missing_columns == ["Vdd", "leak"]
    assert report.suggestions == {"Vdd": "vdd"}
    assert "did you mean 'vdd'?" in report.lines()[0]


def test_prepare_for_scoring_equals_transform(fitted):
    new = pd.DataFrame({"Vdd": [1.0, "x"], "Idd": [5.0, 9.0], "leak": [0.3, np.nan]})
    X, report = prepare_for_scoring(new, fitted, dtype=np.float32)
    assert X.dtype == np.float32
    np.testing.assert_allclose(X, fitted.transform(new), rtol=1e-6)


def test_validation_of_a_wide_scoring_file_reports_compactly():
    rng = np.random.default_rng(2)
    columns = [f"p{j}" for j in range(400)]
    train = pd.DataFrame(rng.normal(size=(50, 400)), columns=columns)
    pre = Preprocessor().fit(train)
    new = pd.DataFrame(rng.normal(size=(1000, 400)), columns=columns)
    new[new > 2.5] = np.nan
    report = validate_for_scoring(new, pre)
    assert sum(report.nan_counts.values()) == int(new.isna().sum().sum())
    assert len(report.lines()) < 10


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
