"""yieldmodel.pipeline, model_io, onnx_export: scoring, save/load, foreign files, ONNX."""

import io
import json
import pickle

import numpy as np
import pandas as pd
import pytest

from core import serialization
from core.mlp import MLP
from yieldmodel import model_io, onnx_export
from yieldmodel.messages import DataError
from yieldmodel.model_io import ModelFormatError
from yieldmodel.pipeline import Pipeline
from yieldmodel.preprocessing import Preprocessor


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 200
    frame = pd.DataFrame(rng.normal(size=(n, 4)) * [1.0, 2.0, 0.5, 3.0], columns=list("abcd"))
    frame["lot"] = [f"L{i % 3}" for i in range(n)]
    frame["fail"] = (frame["a"] + 0.5 * frame["b"] + rng.normal(size=n) > 1).astype(int)
    return frame


@pytest.fixture(scope="module")
def pipeline(data):
    pre = Preprocessor().fit(data.iloc[:150], label="fail")
    model = MLP([pre.n_features, 6, 3, 1], hidden=["relu", "tanh"], rng=4)
    metrics = {"roc_auc": np.float64(0.83), "confusion": np.array([[10, 2], [3, 5]]), "x": np.nan}
    return Pipeline(pre, model, threshold=0.4, metrics=metrics)


def _by_hand(pipeline, frame):
    """Fail probability recomputed from the stored numbers with plain NumPy."""
    pre, model = pipeline.preprocessor, pipeline.model
    x = frame[pre.feature_names].to_numpy(dtype=float)
    x = np.where(np.isfinite(x), x, pre.medians)
    a = (x - pre.means) / pre.scales
    W0, b0, W1, b1, W2, b2 = model.params
    a = np.maximum(a @ W0 + b0, 0.0)
    a = np.tanh(a @ W1 + b1)
    return 1.0 / (1.0 + np.exp(-(a @ W2 + b2)[:, 0]))


def test_pipeline_probability_is_preprocess_then_network(pipeline, data):
    np.testing.assert_allclose(pipeline.predict_proba(data), _by_hand(pipeline, data), rtol=1e-12)


def test_float32_scoring_is_close(pipeline, data):
    proba32 = pipeline.predict_proba(data, dtype=np.float32)
    assert proba32.dtype == np.float32
    np.testing.assert_allclose(proba32, pipeline.predict_proba(data), atol=1e-6)


def test_columns_in_any_order_and_extra_columns_ignored(pipeline, data):
    reordered = data[["lot", "d", "c", "fail", "b", "a"]].assign(note="x")
    np.testing.assert_array_equal(pipeline.predict_proba(reordered), pipeline.predict_proba(data))


def test_unscorable_rows_get_nan_and_minus_one(pipeline, data):
    frame = data.head(4).copy()
    frame[list("abcd")] = frame[list("abcd")].astype(object)
    frame.loc[frame.index[1], list("abcd")] = ["ERR", np.nan, np.inf, ""]
    proba, report = pipeline.score(frame)
    assert np.isnan(proba[1]) and np.isfinite(proba[[0, 2, 3]]).all()
    assert report.unscorable_rows.tolist() == [2]
    labels = pipeline.predict(frame)
    assert labels[1] == -1
    assert labels[[0, 2, 3]].tolist() == (proba[[0, 2, 3]] >= 0.4).astype(int).tolist()


def test_scoring_in_batches_matches_scoring_at_once(pipeline, data):
    frame = data.copy()
    frame[list("abcd")] = frame[list("abcd")].astype(object)
    frame.loc[frame.index[13], list("abcd")] = ["?", np.nan, np.nan, "?"]
    whole, report = pipeline.score(frame)
    parts = [pipeline.score(frame.iloc[i : i + 10], first_row=i + 1) for i in range(0, 200, 10)]
    np.testing.assert_array_equal(np.concatenate([p for p, _ in parts]), whole)
    assert report.unscorable_rows.tolist() == [14] and np.isnan(whole[13])
    assert parts[1][1].unscorable_rows.tolist() == [14]


def test_missing_columns_raise_data_error(pipeline, data):
    with pytest.raises(DataError, match="'c'"):
        pipeline.predict_proba(data.drop(columns=["c"]))


def test_pipeline_checks_its_parts(pipeline):
    pre = pipeline.preprocessor
    with pytest.raises(ValueError, match="inputs"):
        Pipeline(pre, MLP([pre.n_features + 1, 1]))
    with pytest.raises(ValueError, match="sigmoid"):
        Pipeline(pre, MLP([pre.n_features, 3], output="softmax"))
    with pytest.raises(ValueError, match="threshold"):
        Pipeline(pre, MLP([pre.n_features, 1]), threshold=1.5)
    with pytest.raises(ValueError, match="fitted"):
        Pipeline(Preprocessor(), MLP([pre.n_features, 1]))


def test_softmax_pipeline_uses_class_one(pipeline, data):
    pre = pipeline.preprocessor
    model = MLP([pre.n_features, 5, 2], output="softmax", rng=1)
    softmax = Pipeline(pre, model)
    np.testing.assert_allclose(
        softmax.predict_proba(data), model.predict_proba(pre.transform(data))[:, 1]
    )


# --------------------------------------------------------------------------------------
# Save / load
# --------------------------------------------------------------------------------------


def _assert_same(loaded: Pipeline, original: Pipeline, frame):
    np.testing.assert_array_equal(loaded.predict_proba(frame), original.predict_proba(frame))
    assert loaded.feature_names == original.feature_names
    assert loaded.threshold == original.threshold
    assert loaded.label_name == "fail"
    assert loaded.created == original.created
    assert loaded.model.get_config() == original.model.get_config()
    for mine, theirs in zip(loaded.model.params, original.model.params, strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_round_trip_through_a_path(pipeline, data, tmp_path):
    path = tmp_path / "model.bin"
    model_io.save(path, pipeline)
    assert path.exists() and not (tmp_path / "model.bin.npz").exists()
    loaded = model_io.load(path)
    _assert_same(loaded, pipeline, data)
    assert loaded.metrics == {"roc_auc": 0.83, "confusion": [[10, 2], [3, 5]], "x": None}
    assert loaded.preprocessor.report == pipeline.preprocessor.report


def test_round_trip_through_bytes_and_buffers(pipeline, data):
    blob = model_io.to_bytes(pipeline)
    _assert_same(model_io.load(blob), pipeline, data)
    _assert_same(model_io.load(io.BytesIO(blob)), pipeline, data)


def test_archive_layout_is_plain_arrays_and_json(pipeline):
    with np.load(io.BytesIO(model_io.to_bytes(pipeline)), allow_pickle=False) as archive:
        assert sorted(archive.files) == ["metadata"] + [f"param_{i:03d}" for i in range(6)]
        metadata = json.loads(archive["metadata"].tobytes().decode("utf-8"))
    assert metadata["format"] == model_io.FORMAT_NAME
    assert metadata["format_version"] == model_io.FORMAT_VERSION
    assert metadata["preprocessor"]["feature_names"] == list("abcd")
    assert metadata["threshold"] == 0.4


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        model_io.load(tmp_path / "nope.npz")


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _metadata_bytes(metadata: dict) -> np.ndarray:
    return np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8)


def _with_metadata(pipeline, **changes) -> bytes:
    metadata = pipeline.metadata()
    metadata.update(changes)
    params = {f"param_{i:03d}": p for i, p in enumerate(pipeline.model.params)}
    return _npz(metadata=_metadata_bytes(metadata), **params)


def _foreign_files(pipeline):
    params = {f"param_{i:03d}": p for i, p in enumerate(pipeline.model.params)}
    good = model_io.to_bytes(pipeline)
    npy = io.BytesIO()
    np.save(npy, np.arange(3))
    broken = params.copy()
    broken["param_002"] = np.full_like(params["param_002"], np.nan)
    return {
        "random bytes": np.random.default_rng(0).bytes(500),
        "empty": b"",
        "text file": b"Vdd,Idd\n1,2\n",
        "pickle": pickle.dumps({"weights": [1, 2, 3]}),
        "npy array": npy.getvalue(),
        "random npz": _npz(a=np.arange(5), b=np.eye(3)),
        "pickle-bearing npz": _npz(metadata=np.array([{"format": "x"}], dtype=object)),
        "pickled params": _npz(
            metadata=_metadata_bytes(pipeline.metadata()),
            param_000=np.array([object()], dtype=object),
        ),
        "other format": _with_metadata(pipeline, format="someone-else"),
        "newer version": _with_metadata(pipeline, format_version=99),
        "bad version": _with_metadata(pipeline, format_version="1"),
        "metadata not json": _npz(metadata=np.frombuffer(b"{not json", dtype=np.uint8), **params),
        "metadata as floats": _npz(metadata=np.zeros(3), **params),
        "truncated": good[: len(good) // 2],
        "weights missing": _npz(metadata=_metadata_bytes(pipeline.metadata())),
        "weights wrong shape": _npz(
            metadata=_metadata_bytes(pipeline.metadata()),
            **{**params, "param_000": np.zeros((2, 2))},
        ),
        "weights not finite": _npz(metadata=_metadata_bytes(pipeline.metadata()), **broken),
        "weights as ints": _npz(
            metadata=_metadata_bytes(pipeline.metadata()),
            **{**params, "param_001": params["param_001"].astype(np.int64)},
        ),
        "extra entry": _npz(
            metadata=_metadata_bytes(pipeline.metadata()), evil=np.ones(1), **params
        ),
        "bad network config": _with_metadata(
            pipeline, model={**pipeline.model.get_config(), "typo": 1}
        ),
        "huge network claimed": _with_metadata(pipeline, model={"sizes": [10**9, 10**9, 1]}),
        "deeply nested metadata": _npz(
            metadata=np.frombuffer(b"[" * 100_000 + b"]" * 100_000, dtype=np.uint8), **params
        ),
        "bad preprocessor": _with_metadata(pipeline, preprocessor={"kind": "preprocessor"}),
        "bad threshold": _with_metadata(pipeline, threshold=7),
    }


@pytest.mark.parametrize(
    "case",
    [
        "random bytes",
        "empty",
        "text file",
        "pickle",
        "npy array",
        "random npz",
        "pickle-bearing npz",
        "pickled params",
        "other format",
        "newer version",
        "bad version",
        "metadata not json",
        "metadata as floats",
        "truncated",
        "weights missing",
        "weights wrong shape",
        "weights not finite",
        "weights as ints",
        "extra entry",
        "bad network config",
        "huge network claimed",
        "deeply nested metadata",
        "bad preprocessor",
        "bad threshold",
    ],
)
def test_foreign_or_damaged_files_raise_model_format_error(pipeline, case, tmp_path):
    blob = _foreign_files(pipeline)[case]
    path = tmp_path / "upload.npz"
    path.write_bytes(blob)
    with pytest.raises(ModelFormatError) as info:
        model_io.load(path)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    if case in ("pickle-bearing npz", "pickled params"):
        assert "pickled" in message
    if case == "newer version":
        assert "newer version" in message
    if case == "other format":
        assert "someone-else" in message


# --------------------------------------------------------------------------------------
# Weights-only JSON
# --------------------------------------------------------------------------------------


def test_weights_json_round_trip(tmp_path):
    model = MLP([2, 5, 1], hidden=[("leaky_relu", {"alpha": 0.2})], rng=8)
    path = tmp_path / "weights.json"
    serialization.save_json(path, model)
    text_buffer, byte_buffer = io.StringIO(), io.BytesIO()
    serialization.save_json(text_buffer, model)
    serialization.save_json(byte_buffer, model)
    X = np.random.default_rng(0).normal(size=(7, 2))
    for source in (path, byte_buffer.getvalue(), io.StringIO(text_buffer.getvalue())):
        loaded = serialization.load_json(source)
        np.testing.assert_array_equal(loaded.flat, model.flat)
        assert loaded.hidden == ["leaky_relu"] and loaded.activations[0].params == {"alpha": 0.2}
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    document = json.loads(text_buffer.getvalue())
    assert document["params"][1] == model.params[1].tolist()


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '{"format": "other"}',
        '{"format": "nn-playground-weights", "format_version": 2}',
        '{"format": "nn-playground-weights", "format_version": 1, "model": {"sizes": [2, 1]}}',
        '{"format": "nn-playground-weights", "format_version": 1, "model": {"sizes": [2, 1]},'
        ' "params": [[[1.0], [2.0]], [0.0, 1.0]]}',
        '{"format": "nn-playground-weights", "format_version": 1, "model": {"sizes": [2, 1]},'
        ' "params": [[["a"], [2.0]], [0.0]]}',
    ],
)
def test_weights_json_rejects_foreign_text(text):
    with pytest.raises(ModelFormatError):
        serialization.model_from_json(text)


# --------------------------------------------------------------------------------------
# ONNX
# --------------------------------------------------------------------------------------

HIDDEN = [
    "relu",
    "tanh",
    "sigmoid",
    ("leaky_relu", {"alpha": 0.2}),
    ("elu", {"alpha": 0.7}),
    "swish",
    "gelu",
    "softplus",
    "linear",
]


@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda h: h if isinstance(h, str) else h[0])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_onnx_matches_our_probabilities(pipeline, data, hidden, output, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    pre = pipeline.preprocessor
    width = 1 if output == "sigmoid" else 2
    model = MLP([pre.n_features, 6, 5, width], hidden=hidden, output=output, rng=2)
    model.set_params([3.0 * p for p in model.params])  # reach the activations' tails
    exported = Pipeline(pre, model, threshold=0.3)
    frame = data.copy()
    frame.loc[frame.index[0], "a"] = np.nan
    frame.loc[frame.index[1], "b"] = np.inf
    ours = exported.predict_proba(frame)
    for dtype, tolerance in ((np.float32, 1e-5), (np.float64, 1e-6 if hidden == "gelu" else 1e-12)):
        path = tmp_path / f"model_{np.dtype(dtype).name}.onnx"
        onnx_export.to_onnx(exported, path, dtype=dtype)
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        raw = frame[exported.feature_names].to_numpy(dtype=dtype)
        (theirs,) = session.run(None, {onnx_export.ONNX_INPUT: raw})
        assert theirs.shape == (len(frame), 1)
        np.testing.assert_allclose(theirs[:, 0], ours, atol=tolerance, rtol=0)


def test_onnx_metadata(pipeline):
    pytest.importorskip("onnx")
    proto = onnx_export.to_onnx(pipeline)
    props = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(props["feature_names"]) == list("abcd")
    assert float(props["threshold"]) == 0.4
    assert props["label_name"] == "fail"
    assert onnx_export.to_onnx_bytes(pipeline) == proto.SerializeToString()
    assert onnx_export.onnx_available()


def test_summary_names_features_label_threshold_and_auc(pipeline):
    summary = pipeline.summary()
    assert summary.startswith("4 features, label 'fail', threshold 0.40, saved 20")
    assert "ROC-AUC" not in summary  # no validation report in these metrics
    with_auc = Pipeline(
        pipeline.preprocessor, pipeline.model, metrics={"validation": {"roc_auc": 0.8123}}
    )
    assert with_auc.summary().endswith(", validation ROC-AUC 0.812")
