"""The yield pipeline: network settings, stratified split, preprocessing on training rows
only, metrics, and the honest chance check."""

import dataclasses
import io
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import recall_score, roc_auc_score

from core.activations import ACTIVATIONS
from core.optimizers import OPTIMIZERS, OptimizerSpec
from yieldmodel import model_io, seed_data
from yieldmodel.architecture import Architecture, parse_hidden
from yieldmodel.messages import DataError
from yieldmodel.training import progress_line, split_rows, train_pipeline

FEATURES = seed_data.SEMICONDUCTOR_FEATURES
FAST = Architecture(hidden=(16,), epochs=8)


# ---------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"activation": "relux"}, "unknown activation 'relux'"),
        ({"init": "glorot"}, "unknown initializer 'glorot'"),
        ({"optimizer": OptimizerSpec("adamax", 0.01)}, "unknown optimizer 'adamax'"),
        ({"optimizer": OptimizerSpec("adam", 0.0)}, "lr must be a positive"),
        ({"optimizer": OptimizerSpec("adam", math.inf)}, "lr must be a positive"),
        ({"init_scale": -1.0}, "init_scale must be a positive"),
        ({"hidden": (64, 0)}, "hidden layer widths"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"epochs": 2.5}, "epochs must be a positive integer"),
        ({"dropout": 1.0}, "dropout must lie in"),
        ({"l2": -0.1}, "l2 must be"),
        ({"optimizer": OptimizerSpec.of("adam", 0.01, beta=0.9)}, "unknown parameter 'beta'"),
        ({"optimizer": OptimizerSpec.of("sgd", 0.01, momentum=-1.0)}, "momentum must be"),
    ],
)
def test_bad_architecture_is_named(changes, message):
    with pytest.raises(ValueError, match=message):
        Architecture(**changes)


def test_architecture_builds_the_seed_network_and_is_hashable():
    default = Architecture()
    model = default.build(20, rng=0)
    assert model.sizes == [20, 64, 32, 1]
    assert model.hidden == ["relu", "relu"] and model.output == "sigmoid"
    assert default.make_optimizer().lr == 1e-3
    assert hash(default) == hash(Architecture(hidden=[64, 32]))
    options = OptimizerSpec.of("adam", 1e-3, betas=[0.9, 0.99], amsgrad=True)
    with_options = Architecture(optimizer=options)
    assert with_options.optimizer.hyper == (("amsgrad", True), ("betas", (0.9, 0.99)))
    assert with_options.make_optimizer().hyper["betas"] == (0.9, 0.99)
    assert hash(with_options) == hash(Architecture(optimizer=options))
    assert with_options.to_dict()["optimizer_options"] == {"amsgrad": True, "betas": (0.9, 0.99)}
    with pytest.raises(TypeError, match="OptimizerSpec"):
        Architecture(optimizer="adam")
    assert default.describe(20).startswith("20→64→32→1, ReLU, He (Kaiming) normal init, Adam lr")


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_describe_uses_the_display_names(activation, optimizer):
    architecture = Architecture(
        (8,), activation, "xavier", optimizer=OptimizerSpec(optimizer, 0.01), epochs=3, l2=1e-3
    )
    parts = architecture.describe(5).split(", ")
    assert parts[:4] == [
        "5→8→1",
        ACTIVATIONS[activation].label,
        "Xavier (Glorot) uniform init",
        f"{OPTIMIZERS[optimizer].label} lr 0.01",
    ]
    assert parts[4:] == ["batch 32", "3 epochs", "L2 0.001"]


# ---------------------------------------------------------------------------- splitting


def test_split_is_stratified_disjoint_and_complete():
    y = np.array([0] * 800 + [1] * 200)
    train, val = split_rows(y, 0.2, rng=3)
    assert np.intersect1d(train, val).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(1000))
    assert val.size == 200
    assert y[val].sum() == 40 and y[train].sum() == 160


def test_split_keeps_both_classes_on_both_sides_with_two_rows_per_class():
    y = np.array([0] * 30 + [1] * 2)
    train, val = split_rows(y, 0.2, rng=0)
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

    run = train_pipeline(table, "fail", FAST, progress=progress)
    assert calls == [(1, 8, 1), (2, 8, 2), (3, 8, 3)]
    assert len(run.history["loss"]) == 3


def test_class_weights_raise_fail_recall_on_imbalanced_data():
    imbalanced = seed_data.semiconductor(2000, rng=42, fail_rate=0.1, flip_y=0.0)
    plain = train_pipeline(imbalanced, "fail", FAST, rng=1)
    weighted = train_pipeline(
        imbalanced, "fail", Architecture(hidden=(16,), epochs=8, class_weights=True), rng=1
    )
    assert weighted.evaluate(0.5)["recall"] > plain.evaluate(0.5)["recall"]
    assert any("class weights" in line.lower() for line in weighted.report)


def test_label_codings_and_identifier_columns(table):
    text = table.iloc[:400].copy()
    text["result"] = np.where(text.pop("fail") == 1, "FAIL", "pass")
    text.insert(0, "lot_id", [f"L{i // 50}" for i in range(400)])
    text.insert(1, "timestamp", pd.date_range("2024-01-01", periods=400, freq="min").astype(str))
    run = train_pipeline(text, "result", FAST)
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
        train_pipeline(frame, label, FAST)


def test_pure_noise_is_called_no_better_than_chance():
    generator = np.random.default_rng(5)
    noise = pd.DataFrame(generator.normal(size=(600, 30)), columns=[f"t{i}" for i in range(30)])
    noise["fail"] = generator.integers(0, 2, size=600)
    run = train_pipeline(noise, "fail", FAST)
    assert run.chance.no_better_than_chance
    assert "No better than chance" in run.chance.message()


def test_run_texts_describe_the_network_divergence_and_accuracy(run):
    assert run.describe() == FAST.describe(20)
    assert run.divergence() is None
    gap = run.train_accuracy - run.val_accuracy
    assert run.accuracy_line() == (
        f"training accuracy {run.train_accuracy:.1%}, validation {run.val_accuracy:.1%} "
        f"(gap {gap:+.1%})"
    )
    diverged = dataclasses.replace(run, diverged_at={"epoch": 3, "reason": "loss is inf"})
    assert diverged.divergence().startswith("Training diverged at epoch 3: loss is inf.")


def test_progress_line_with_and_without_validation_loss():
    history = {"loss": [0.9, 0.41234], "val_loss": [1.0, 0.43881]}
    assert progress_line(2, 50, history) == "epoch 2/50: loss 0.4123, validation loss 0.4388"
    assert progress_line(1, 5, {"loss": [0.5], "val_loss": []}) == "epoch 1/5: loss 0.5000"


@pytest.mark.parametrize(
    ("text", "widths"), [("64,32", (64, 32)), (" 8 , 4 ,", (8, 4)), ("", ()), ("16", (16,))]
)
def test_parse_hidden(text, widths):
    assert parse_hidden(text) == widths


@pytest.mark.parametrize("text", ["64,x", "0", "-3", "1.5", "64;32"])
def test_parse_hidden_refuses_what_is_not_a_positive_width(text):
    with pytest.raises(ValueError, match="comma-separated positive layer widths"):
        parse_hidden(text)
