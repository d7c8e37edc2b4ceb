"""Scoring an uploaded table: validation first, extra columns passed through, drift, latency,
and the template and example files."""

import math

import numpy as np
import pandas as pd
import pytest

from yieldmodel import seed_data
from yieldmodel.messages import DataError
from yieldmodel.scoring import (
    TEMPLATE_ID_COLUMNS,
    example_scoring_frame,
    inference_latency,
    pass_fail,
    score_csv,
    score_frame,
    template_frame,
)

FEATURES = seed_data.SEMICONDUCTOR_FEATURES


# ---------------------------------------------------------------------------- latency


def test_inference_latency_reports_positive_times(table, run):
    latency = inference_latency(run.pipeline, table.iloc[:10], batch_rows=100, repeats=1)
    assert latency["batch_rows"] == 100
    assert latency["per_row_ms"] > 0 and latency["per_batch_ms"] > 0
    assert latency["per_row_in_batch_us"] == pytest.approx(latency["per_batch_ms"] * 10)


# ---------------------------------------------------------------------------- scoring


def test_columns_match_by_name_and_extras_pass_through(table, run):
    upload = table.iloc[:50][FEATURES[::-1]].copy()
    upload.insert(0, "part_id", [f"P{i:03d}" for i in range(50)])
    upload["wafer"] = 7
    result = score_frame(run.pipeline, upload)
    assert result.report.ok and result.report.passthrough_columns == ["part_id", "wafer"]
    np.testing.assert_allclose(result.proba, run.pipeline.predict_proba(table.iloc[:50]))
    scored = result.table(0.5)
    assert scored.columns.tolist() == [*upload.columns, "fail_probability", "prediction"]
    pd.testing.assert_frame_equal(scored[upload.columns], upload)
    expected = np.where(result.proba >= 0.5, "FAIL", "PASS")
    np.testing.assert_array_equal(scored["prediction"].to_numpy(), expected)


def test_missing_columns_score_nothing_and_are_named(table, run):
    upload = table.iloc[:20].drop(columns=["leakage", "Vth_n"])
    result = score_frame(run.pipeline, upload)
    assert not result.scored
    assert result.report.missing_columns == ["leakage", "Vth_n"]
    assert "'leakage'" in result.report.lines()[0]
    with pytest.raises(ValueError, match="nothing was scored"):
        result.table(0.5)


def test_nan_text_and_empty_rows_are_reported_and_left_unscored(table, run):
    upload = table.iloc[:20][FEATURES].astype(object)
    upload.iloc[2, 0] = np.nan
    upload.iloc[4, 3] = "n/a?"
    upload.iloc[6, :] = np.nan
    result = score_frame(run.pipeline, upload)
    report = result.report
    assert report.nan_counts[FEATURES[0]] == 2
    assert report.non_numeric[FEATURES[3]].rows == [5]
    assert report.unscorable_rows.tolist() == [7]
    scored = result.table(0.5)
    assert scored["prediction"].iloc[6] == "" and math.isnan(scored["fail_probability"].iloc[6])
    summary = result.summary(0.5)
    assert summary["rows"] == 20 and summary["scored"] == 19
    assert summary["fail"] == int(np.sum(result.proba[~np.isnan(result.proba)] >= 0.5))


def test_existing_output_column_names_are_not_overwritten(table, run):
    upload = table.iloc[:5][FEATURES].copy()
    upload["fail_probability"] = "theirs"
    scored = score_frame(run.pipeline, upload).table(0.5)
    assert (scored["fail_probability"] == "theirs").all()
    assert "fail_probability_model" in scored.columns


def test_score_csv_reads_semicolons_and_decimal_commas(table, run):
    text = table.iloc[:30][FEATURES].to_csv(sep=";", decimal=",", index=False)
    result = score_csv(text.encode("utf-8"), run.pipeline)
    assert any("semicolons" in note for note in result.notes)
    np.testing.assert_allclose(result.proba, run.pipeline.predict_proba(table.iloc[:30]))
    with pytest.raises(DataError, match="empty"):
        score_csv(b"", run.pipeline)
    with pytest.raises(DataError, match="MB"):
        score_csv(text.encode("utf-8"), run.pipeline, max_bytes=100)


def test_drift_is_checked_against_the_training_rows(table, run):
    same = score_frame(run.pipeline, table.iloc[run.val_rows])
    assert not same.drift["flag"].any()
    moved = table.iloc[run.val_rows].copy()
    moved["leakage"] += 3 * moved["leakage"].std()
    flagged = score_frame(run.pipeline, moved).drift
    assert flagged.loc[0, "feature"] == "leakage" and flagged.loc[0, "status"] == "major shift"


def test_pass_fail_uses_at_or_above_the_threshold():
    labels = pass_fail([0.2, 0.5, 0.7, np.nan], 0.5)
    assert labels.tolist() == ["PASS", "FAIL", "FAIL", ""]


# ---------------------------------------------------------------------------- page helpers


def test_template_scores_cleanly_and_names_every_feature(run):
    template = template_frame(run.pipeline)
    assert template.columns.tolist() == [*TEMPLATE_ID_COLUMNS, *FEATURES]
    result = score_frame(run.pipeline, template)
    assert result.report.ok
    assert result.report.passthrough_columns == list(TEMPLATE_ID_COLUMNS)


def test_example_frame_drops_the_label_and_plants_two_problems(table):
    example = example_scoring_frame(table, "fail", n=40, rng=0)
    assert "fail" not in example.columns
    assert example.columns[:5].tolist() == list(TEMPLATE_ID_COLUMNS)
    assert example.columns[5:].tolist() == FEATURES[::-1]
    assert example[FEATURES].isna().sum().sum() == 1
    assert (example[FEATURES] == "ERR").sum().sum() == 1
    moved = example_scoring_frame(table, "fail", n=40, rng=0, shift={"power": 2.0})
    difference = moved["power"].astype(float) - example["power"].astype(float)
    np.testing.assert_allclose(difference, 2.0 * table["power"].std())


def test_preview_puts_the_scores_first_and_says_what_is_left_out(table, run):
    frame = table.drop(columns="fail").head(30).assign(lot="L1")
    result = score_frame(run.pipeline, frame)
    shown, note = result.preview(0.5, rows=10, columns=5)
    assert shown.columns.tolist() == ["fail_probability", "prediction", *FEATURES[:3]]
    assert len(shown) == 10
    np.testing.assert_allclose(shown["fail_probability"], result.proba[:10])
    assert note == "Showing 10 of 30 rows and 5 of 23 columns; the download holds everything."
    whole, nothing_left_out = result.preview(0.5, rows=100, columns=100)
    assert len(whole) == 30 and nothing_left_out == ""
