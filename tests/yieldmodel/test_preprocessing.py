"""yieldmodel.preprocessing: features, imputation and scaling fitted on training rows only."""

import json

import numpy as np
import pandas as pd
import pytest

from yieldmodel import seed_data
from yieldmodel.messages import DataError
from yieldmodel.preprocessing import Preprocessor

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
    assert pre.minority_share == pytest.approx(0.1) and pre.imbalanced

    balanced = pd.DataFrame({"a": np.arange(20.0) % 7, "fail": [0, 1] * 10})
    fitted = Preprocessor().fit(balanced, "fail")
    assert "class weights" not in "\n".join(fitted.report)
    assert fitted.minority_share == 0.5 and not fitted.imbalanced
    unlabelled = Preprocessor().fit(balanced[["a"]])
    assert unlabelled.minority_share is None and not unlabelled.imbalanced


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
