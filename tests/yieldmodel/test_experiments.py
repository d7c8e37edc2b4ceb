"""The yield pipeline: split, preprocessing on training rows only, metrics, experiments,
scoring an uploaded table, and the honest chance check."""

import io
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import recall_score, roc_auc_score

from yieldmodel import experiments as ye
from yieldmodel import model_io, seed_data
from yieldmodel.tabular import DataError

FEATURES = seed_data.SEMICONDUCTOR_FEATURES
FAST = ye.Architecture(hidden=(16,), epochs=8)


@pytest.fixture(scope="module")
def table():
    return seed_data.semiconductor(1000, rng=42)


@pytest.fixture(scope="module")
def run(table):
    return ye.train_pipeline(table, "fail", FAST, rng=0)


# ---------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"activation": "relux"}, "unknown activation 'relux'"),
        ({"init": "glorot"}, "unknown initializer 'glorot'"),
        ({"optimizer": "adamax"}, "unknown optimizer 'adamax'"),
        ({"lr": 0.0}, "lr must be a positive"),
        ({"lr": math.inf}, "lr must be a positive"),
        ({"hidden": (64, 0)}, "hidden layer widths"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"epochs": 2.5}, "epochs must be a positive integer"),
        ({"dropout": 1.0}, "dropout must lie in"),
        ({"l2": -0.1}, "l2 must be"),
        ({"optimizer_options": {"beta": 0.9}}, "unknown parameter 'beta'"),
        ({"optimizer": "sgd", "optimizer_options": {"momentum": -1.0}}, "momentum must be"),
    ],
)
def test_bad_architecture_is_named(changes, message):
    with pytest.raises(ValueError, match=message):
        ye.Architecture(**changes)


def test_architecture_builds_the_seed_network_and_is_hashable():
    default = ye.Architecture()
    model = default.build(20, rng=0)
    assert model.sizes == [20, 64, 32, 1]
    assert model.hidden == ["relu", "relu"] and model.output == "sigmoid"
    assert default.make_optimizer().lr == 1e-3
    assert hash(default) == hash(ye.Architecture(hidden=[64, 32]))
    with_options = ye.Architecture(optimizer_options={"betas": (0.9, 0.99), "amsgrad": True})
    assert with_options.optimizer_options == (("amsgrad", True), ("betas", (0.9, 0.99)))
    assert with_options.make_optimizer().hyper["betas"] == (0.9, 0.99)
    assert default.describe(20).startswith("20→64→32→1, relu, he init, adam lr 0.001")


# ---------------------------------------------------------------------------- splitting


def test_split_is_stratified_disjoint_and_complete():
    y = np.array([0] * 800 + [1] * 200)
    train, val = ye.split_rows(y, 0.2, rng=3)
    assert np.intersect1d(train, val).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(1000))
    assert val.size == 200
    assert y[val].sum() == 40 and y[train].sum() == 160


def test_split_keeps_both_classes_on_both_sides_with_two_rows_per_class():
    y = np.array([0] * 30 + [1] * 2)
    train, val = ye.split_rows(y, 0.2, rng=0)
    assert set(y[train]) == {0, 1} and set(y[val]) == {0, 1}


# ---------------------------------------------------------------------------- training


def test_preprocessor_learns_from_training_rows_only(table, run):
    pre = run.pipeline.preprocessor
    train_rows = np.setdiff1d(np.arange(len(table)), run.val_rows)
    assert pre.n_train_rows == train_rows.size == 800
    expected_means = table.iloc[train_rows][FEATURES].mean().to_numpy()
    expected_stds = table.iloc[train_rows][FEATURES].std(ddof=0).to_numpy()
    np.testing.assert_allclose(pre.means, expected_means, rtol=1e-12)
    np.testing.assert_allclose(pre.scales, expected_stds, rtol=1e-12)
    assert not np.allclose(pre.means, table[FEATURES].mean().to_numpy(), rtol=1e-6)


def test_validation_arrays_and_metrics_agree_with_sklearn(table, run):
    np.testing.assert_array_equal(run.y_val, table["fail"].to_numpy()[run.val_rows])
    np.testing.assert_allclose(
        run.proba_val, run.pipeline.predict_proba(table.iloc[run.val_rows]), rtol=1e-12
    )
    report = run.evaluate(0.3)
    predicted = run.proba_val >= 0.3
    assert report["accuracy"] == pytest.approx(np.mean(predicted == run.y_val))
    assert report["recall"] == pytest.approx(recall_score(run.y_val, predicted))
    assert run.chance.roc_auc == pytest.approx(roc_auc_score(run.y_val, run.proba_val))
    assert run.val_accuracy == pytest.approx(np.mean((run.proba_val >= 0.5) == run.y_val))
    assert len(run.history["loss"]) == FAST.epochs
    assert run.val_accuracy > 0.7  # a real model, not a constant (chance is 0.5)


def test_suggested_threshold_is_the_largest_reaching_the_target_recall(run):
    threshold = run.suggested_threshold
    fails = run.proba_val[run.y_val == 1]
    assert np.mean(fails >= threshold) >= 0.85
    higher = np.unique(run.proba_val[run.proba_val > threshold])
    if higher.size:
        assert np.mean(fails >= higher[0]) < 0.85


def test_pipeline_metrics_and_drift_reference_survive_save_and_load(table, run):
    buffer = io.BytesIO(model_io.to_bytes(run.pipeline))
    loaded = model_io.load(buffer)
    assert loaded.metrics["suggested_threshold"] == pytest.approx(run.suggested_threshold)
    assert loaded.metrics["architecture"]["hidden"] == [16]
    assert set(loaded.metrics["drift_reference"]["features"]) == set(FEATURES)
    np.testing.assert_allclose(loaded.predict_proba(table), run.pipeline.predict_proba(table))


def test_progress_is_called_every_epoch_and_can_stop_training(table):
    calls = []

    def progress(epoch, n_epochs, history):
        calls.append((epoch, n_epochs, len(history["loss"])))
        return epoch == 3

    run = ye.train_pipeline(table, "fail", FAST, progress=progress)
    assert calls == [(1, 8, 1), (2, 8, 2), (3, 8, 3)]
    assert len(run.history["loss"]) == 3


def test_class_weights_raise_fail_recall_on_imbalanced_data():
    imbalanced = seed_data.semiconductor(2000, rng=42, fail_rate=0.1, flip_y=0.0)
    plain = ye.train_pipeline(imbalanced, "fail", FAST, rng=1)
    weighted = ye.train_pipeline(
        imbalanced, "fail", ye.Architecture(hidden=(16,), epochs=8, class_weights=True), rng=1
    )
    assert weighted.evaluate(0.5)["recall"] > plain.evaluate(0.5)["recall"]
    assert any("class weights" in line.lower() for line in weighted.report)


def test_label_codings_and_identifier_columns(table):
    text = table.iloc[:400].copy()
    text["result"] = np.where(text.pop("fail") == 1, "FAIL", "pass")
    text.insert(0, "lot_id", [f"L{i // 50}" for i in range(400)])
    text.insert(1, "timestamp", pd.date_range("2024-01-01", periods=400, freq="min").astype(str))
    run = ye.train_pipeline(text, "result", FAST)
    assert run.pipeline.feature_names == FEATURES
    np.testing.assert_array_equal(run.y_val, table["fail"].to_numpy()[:400][run.val_rows])
    assert any("'lot_id'" in line for line in run.report)


@pytest.mark.parametrize(
    ("frame", "label", "message"),
    [
        (pd.DataFrame({"a": [1.0, 2.0], "fail": [0, 1]}), "Fail", "'Fail' is not in the table"),
        (pd.DataFrame({"a": [1.0, 2.0, 3.0], "fail": [0, 0, 0]}), "fail", "only one class"),
        (pd.DataFrame({"a": np.arange(9.0), "fail": [0] * 8 + [1]}), "fail", "only 1 fail"),
        (pd.DataFrame({"a": [1.0], "fail": [1]}), "fail", "only one class"),
    ],
)
def test_unusable_labels_raise_a_clear_data_error(frame, label, message):
    with pytest.raises(DataError, match=message):
        ye.train_pipeline(frame, label, FAST)


def test_pure_noise_is_called_no_better_than_chance():
    generator = np.random.default_rng(5)
    noise = pd.DataFrame(generator.normal(size=(600, 30)), columns=[f"t{i}" for i in range(30)])
    noise["fail"] = generator.integers(0, 2, size=600)
    run = ye.train_pipeline(noise, "fail", FAST)
    assert run.chance.no_better_than_chance
    assert "No better than chance" in run.chance.message()


# ---------------------------------------------------------------------------- chance check


def test_chance_standard_error_matches_the_mann_whitney_formula():
    # n0 = 3, n1 = 2: sqrt((3 + 2 + 1) / (12 * 3 * 2)) = sqrt(1 / 12)
    check = ye.chance_check([0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9])
    assert check.standard_error == pytest.approx(math.sqrt(1 / 12))
    assert check.roc_auc == 1.0
    assert check.z == pytest.approx(0.5 / math.sqrt(1 / 12))
    assert check.no_better_than_chance  # 5 rows cannot prove anything
    assert check.fail_share == pytest.approx(0.4) and check.majority_accuracy == pytest.approx(0.6)


def test_chance_check_separates_signal_from_noise():
    generator = np.random.default_rng(0)
    y = generator.integers(0, 2, size=2000)
    assert ye.chance_check(y, generator.random(2000)).no_better_than_chance
    assert not ye.chance_check(y, 0.3 * y + 0.7 * generator.random(2000)).no_better_than_chance
    with pytest.raises(ValueError, match="both classes"):
        ye.chance_check([1, 1], [0.2, 0.3])


# ---------------------------------------------------------------------------- experiments


def test_initialisation_experiment_shows_tiny_weights_stalling():
    table = ye.run_experiment("initialisation", epochs=4)
    assert table.columns.tolist() == list(ye.EXPERIMENT_COLUMNS)
    by_setting = table.set_index("setting")
    assert by_setting.loc["Random N(0, 0.01²)", "validation accuracy"] < 0.6
    assert by_setting.loc["He (Kaiming) normal", "validation accuracy"] > 0.8
    np.testing.assert_allclose(
        table["gap"], table["train accuracy"] - table["validation accuracy"], atol=1e-12
    )


def test_regularisation_experiment_has_one_row_per_variant():
    small = seed_data.semiconductor_overfit(300, rng=42)
    calls = []
    table = ye.run_experiment(
        "regularisation", df=small, epochs=2, progress=lambda d, t: calls.append((d, t))
    )
    assert table["setting"].tolist() == ["None", "L2 (λ = 0.01)", "Dropout 0.5", "L2 + dropout"]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    with pytest.raises(ValueError, match="unknown experiment 'pruning'"):
        ye.run_experiment("pruning")


# ---------------------------------------------------------------------------- latency


def test_inference_latency_reports_positive_times(table, run):
    latency = ye.inference_latency(run.pipeline, table.iloc[:10], batch_rows=100, repeats=1)
    assert latency["batch_rows"] == 100
    assert latency["per_row_ms"] > 0 and latency["per_batch_ms"] > 0
    assert latency["per_row_in_batch_us"] == pytest.approx(latency["per_batch_ms"] * 10)


# ---------------------------------------------------------------------------- scoring


def test_columns_match_by_name_and_extras_pass_through(table, run):
    upload = table.iloc[:50][FEATURES[::-1]].copy()
    upload.insert(0, "part_id", [f"P{i:03d}" for i in range(50)])
    upload["wafer"] = 7
    result = ye.score_frame(run.pipeline, upload)
    assert result.report.ok and result.report.passthrough_columns == ["part_id", "wafer"]
    np.testing.assert_allclose(result.proba, run.pipeline.predict_proba(table.iloc[:50]))
    scored = result.table(0.5)
    assert scored.columns.tolist() == [*upload.columns, "fail_probability", "prediction"]
    pd.testing.assert_frame_equal(scored[upload.columns], upload)
    expected = np.where(result.proba >= 0.5, "FAIL", "PASS")
    np.testing.assert_array_equal(scored["prediction"].to_numpy(), expected)


def test_missing_columns_score_nothing_and_are_named(table, run):
    upload = table.iloc[:20].drop(columns=["leakage", "Vth_n"])
    result = ye.score_frame(run.pipeline, upload)
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
    result = ye.score_frame(run.pipeline, upload)
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
    scored = ye.score_frame(run.pipeline, upload).table(0.5)
    assert (scored["fail_probability"] == "theirs").all()
    assert "fail_probability_model" in scored.columns


def test_score_csv_reads_semicolons_and_decimal_commas(table, run):
    text = table.iloc[:30][FEATURES].to_csv(sep=";", decimal=",", index=False)
    result = ye.score_csv(text.encode("utf-8"), run.pipeline)
    assert any("semicolons" in note for note in result.notes)
    np.testing.assert_allclose(result.proba, run.pipeline.predict_proba(table.iloc[:30]))
    with pytest.raises(DataError, match="empty"):
        ye.score_csv(b"", run.pipeline)
    with pytest.raises(DataError, match="MB"):
        ye.score_csv(text.encode("utf-8"), run.pipeline, max_bytes=100)


def test_drift_is_checked_against_the_training_rows(table, run):
    same = ye.score_frame(run.pipeline, table.iloc[run.val_rows])
    assert not same.drift["flag"].any()
    moved = table.iloc[run.val_rows].copy()
    moved["leakage"] += 3 * moved["leakage"].std()
    flagged = ye.score_frame(run.pipeline, moved).drift
    assert flagged.loc[0, "feature"] == "leakage" and flagged.loc[0, "status"] == "major shift"


def test_pass_fail_uses_at_or_above_the_threshold():
    labels = ye.pass_fail([0.2, 0.5, 0.7, np.nan], 0.5)
    assert labels.tolist() == ["PASS", "FAIL", "FAIL", ""]


# ---------------------------------------------------------------------------- page helpers


def test_feature_correlation_of_exact_linear_relations():
    x = np.array([1.0, 2.0, 4.0, 8.0, np.nan])
    frame = pd.DataFrame({"x": x, "double": 2 * x + 1, "minus": -x})
    np.testing.assert_allclose(
        ye.feature_correlation(frame, ["x", "double", "minus"]),
        [[1, 1, -1], [1, 1, -1], [-1, -1, 1]],
        atol=1e-12,
    )


def test_template_scores_cleanly_and_names_every_feature(run):
    template = ye.template_frame(run.pipeline)
    assert template.columns.tolist() == [*ye.TEMPLATE_ID_COLUMNS, *FEATURES]
    result = ye.score_frame(run.pipeline, template)
    assert result.report.ok
    assert result.report.passthrough_columns == list(ye.TEMPLATE_ID_COLUMNS)


def test_example_frame_drops_the_label_and_plants_two_problems(table):
    example = ye.example_scoring_frame(table, "fail", n=40, rng=0)
    assert "fail" not in example.columns
    assert example.columns[:5].tolist() == list(ye.TEMPLATE_ID_COLUMNS)
    assert example.columns[5:].tolist() == FEATURES[::-1]
    assert example[FEATURES].isna().sum().sum() == 1
    assert (example[FEATURES] == "ERR").sum().sum() == 1
    moved = ye.example_scoring_frame(table, "fail", n=40, rng=0, shift={"power": 2.0})
    difference = moved["power"].astype(float) - example["power"].astype(float)
    np.testing.assert_allclose(difference, 2.0 * table["power"].std())


def test_label_column_is_guessed_by_name():
    assert ye.guess_label_column(pd.DataFrame(columns=["lot", "Vdd", "Result", "x"])) == "Result"
    assert ye.guess_label_column(pd.DataFrame(columns=["a", "b"])) == "b"
