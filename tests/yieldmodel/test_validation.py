"""yieldmodel.validation: a new table checked before scoring, every problem named."""

import json

import numpy as np
import pandas as pd
import pytest

from yieldmodel.preprocessing import Preprocessor
from yieldmodel.validation import prepare_for_scoring, validate_for_scoring

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
