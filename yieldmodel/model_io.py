"""Save, load and export a trained pass/fail pipeline -- never with pickle.

A :class:`Pipeline` is everything needed to score a new CSV: the fitted
:class:`~yieldmodel.tabular.Preprocessor` (feature names and order, training medians, means and
standard deviations), the :class:`~core.mlp.MLP`, the decision threshold and the training
metrics.

:func:`save` writes one ``.npz`` archive (``numpy.savez``) holding

* ``param_000``, ``param_001``, ... -- the network's ``[W0, b0, W1, b1, ...]``;
* ``metadata`` -- UTF-8 JSON as a uint8 array: format name and version, creation time,
  ``model.get_config()``, ``preprocessor.to_dict()``, threshold, label name, metrics.

:func:`load` reads it back with ``numpy.load(allow_pickle=False)``, so a file can never
run code, and raises :class:`ModelFormatError` for anything that is not such an archive.
:func:`to_onnx` exports the whole pipeline, preprocessing included, to ONNX for serving
outside Python.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from core.mlp import MLP
from core.serialization import ModelFormatError, build_model, is_path
from yieldmodel.tabular import DataError, Preprocessor, ValidationReport, prepare_for_scoring

#: Name written into every pipeline archive; files with another name are not ours.
FORMAT_NAME = "nn-playground-pipeline"
#: Version of the archive layout; :func:`load` refuses newer versions.
FORMAT_VERSION = 1

_METADATA_KEY = "metadata"
_PARAM_KEY = "param_{:03d}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _jsonable(value, where: str = "metrics"):
    """``value`` as strict-JSON types: NumPy scalars/arrays to Python, NaN/inf to None."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item, f"{where}[{key!r}]") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, where) for item in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), where)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise TypeError(f"{where} holds a {type(value).__name__}, which cannot be saved as JSON")


@dataclass
class Pipeline:
    """A trained pass/fail scorer: preprocessing + network + threshold.

    Parameters
    ----------
    preprocessor : Preprocessor
        Fitted on the training rows.
    model : MLP
        Input width ``preprocessor.n_features``; a sigmoid output (1 unit) or a softmax
        output with 2 units (class 1 = fail).
    threshold : float in [0, 1]
        A row is predicted FAIL when its fail probability is ``>= threshold``.
    label_name : str, optional
        Name of the training label column.
    metrics : dict
        Training/validation metrics (JSON-able after NumPy values are converted).
    created : str
        ISO-8601 UTC time stamp.
    version : int
        Archive format version.
    """

    preprocessor: Preprocessor
    model: MLP
    threshold: float = 0.5
    label_name: str | None = None
    metrics: dict = field(default_factory=dict)
    created: str = field(default_factory=_now)
    version: int = FORMAT_VERSION

    def __post_init__(self):
        if not isinstance(self.preprocessor, Preprocessor) or not self.preprocessor.fitted:
            raise ValueError("preprocessor must be a fitted yieldmodel.tabular.Preprocessor")
        if not isinstance(self.model, MLP):
            raise ValueError(f"model must be a core.mlp.MLP, got {type(self.model).__name__}")
        if self.model.sizes[0] != self.preprocessor.n_features:
            raise ValueError(
                f"the model takes {self.model.sizes[0]} inputs but the preprocessor makes "
                f"{self.preprocessor.n_features} features"
            )
        binary = (self.model.output == "sigmoid") or (
            self.model.output == "softmax" and self.model.sizes[-1] == 2
        )
        if not binary:
            raise ValueError(
                "a pass/fail pipeline needs a sigmoid output or a 2-unit softmax output, got "
                f"{self.model.output!r} with {self.model.sizes[-1]} units"
            )
        self.threshold = float(self.threshold)
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must lie in [0, 1], got {self.threshold}")
        if self.label_name is None:
            self.label_name = self.preprocessor.label_name

    @property
    def feature_names(self) -> list[str]:
        """Input columns, in the model's order."""
        return list(self.preprocessor.feature_names)

    def _fail_probability(self, X: np.ndarray) -> np.ndarray:
        model = self.model if X.dtype == self.model.dtype else self.model.astype(X.dtype)
        proba = model.predict_proba(X)
        return proba if proba.ndim == 1 else proba[:, 1]

    def score(
        self, df: pd.DataFrame, dtype=np.float64, first_row: int = 1
    ) -> tuple[np.ndarray, ValidationReport]:
        """Validate ``df`` and score every row that can be scored.

        Parameters
        ----------
        df : DataFrame of shape (n_rows, n_columns)
            Feature columns by name, in any order; other columns are ignored.
        dtype : {numpy.float64, numpy.float32}
            Arithmetic precision of the forward pass (float32 is faster).
        first_row : int, default 1
            Number of ``df``'s first row in the report, for files scored in batches.

        Returns
        -------
        proba : ndarray of shape (n_rows,)
            Fail probability; NaN for rows listed in ``report.unscorable_rows``.
        report : ValidationReport

        Raises
        ------
        DataError
            When feature columns are missing (the message lists them).
        """
        X, report = prepare_for_scoring(df, self.preprocessor, dtype=dtype, first_row=first_row)
        if X is None:
            raise DataError(report.lines()[0])
        proba = self._fail_probability(X)
        proba[report.unscorable_rows - first_row] = np.nan
        return proba, report

    def predict_proba(self, df: pd.DataFrame, dtype=np.float64) -> np.ndarray:
        """Fail probability of each row of ``df``, shape (n_rows,); see :meth:`score`."""
        return self.score(df, dtype=dtype)[0]

    def predict(self, df: pd.DataFrame, dtype=np.float64) -> np.ndarray:
        """1 = fail, 0 = pass at :attr:`threshold`, -1 where a row cannot be scored."""
        proba = self.predict_proba(df, dtype=dtype)
        labels = (proba >= self.threshold).astype(np.int64)
        labels[np.isnan(proba)] = -1
        return labels

    def metadata(self) -> dict:
        """Everything but the weights, as a JSON-able dict (the archive's ``metadata``)."""
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "created": self.created,
            "model": self.model.get_config(),
            "preprocessor": self.preprocessor.to_dict(),
            "threshold": self.threshold,
            "label_name": self.label_name,
            "metrics": _jsonable(self.metrics),
        }


# --------------------------------------------------------------------------------------
# .npz archives
# --------------------------------------------------------------------------------------


def save(path_or_buffer, pipeline: Pipeline) -> None:
    """Write ``pipeline`` as an ``.npz`` archive (weights + JSON metadata, no pickle).

    Parameters
    ----------
    path_or_buffer : str, path-like or binary file-like
        Written exactly there (no '.npz' is appended to a path).
    pipeline : Pipeline
    """
    arrays = {_PARAM_KEY.format(i): np.asarray(p) for i, p in enumerate(pipeline.model.params)}
    text = json.dumps(pipeline.metadata(), allow_nan=False)
    arrays[_METADATA_KEY] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if is_path(path_or_buffer):
        with open(path_or_buffer, "wb") as handle:
            np.savez(handle, **arrays)
    else:
        np.savez(path_or_buffer, **arrays)


def to_bytes(pipeline: Pipeline) -> bytes:
    """The ``.npz`` archive of :func:`save` as bytes (for a download button)."""
    buffer = io.BytesIO()
    save(buffer, pipeline)
    return buffer.getvalue()


def _open_binary(source):
    """A binary file object for a path, bytes, or an open binary file."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    if is_path(source):
        return open(source, "rb")
    if hasattr(source, "getvalue"):
        return io.BytesIO(source.getvalue())
    if hasattr(source, "read"):
        return source
    raise TypeError(f"expected a path, bytes or a file object, got {type(source).__name__}")


_NOT_OURS = "This is not a model file saved by this app (a .npz pipeline archive)"
_READ_ERRORS = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)


def _read_arrays(handle) -> dict[str, np.ndarray]:
    try:
        archive = np.load(handle, allow_pickle=False)
    except ValueError as error:
        raise ModelFormatError(f"{_NOT_OURS}; it is not a NumPy archive.") from error
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise ModelFormatError(f"{_NOT_OURS}; it cannot be read: {error}") from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelFormatError(f"{_NOT_OURS}; it holds a single array, not an archive.")
    with archive:
        arrays = {}
        for key in archive.files:
            try:
                arrays[key] = archive[key]
            except ValueError as error:
                if "allow_pickle" in str(error):
                    raise ModelFormatError(
                        f"{_NOT_OURS}: array {key!r} holds pickled Python objects, which are "
                        "never loaded because they could run code."
                    ) from error
                raise ModelFormatError(f"Array {key!r} is damaged: {error}") from error
            except _READ_ERRORS as error:
                raise ModelFormatError(f"The archive is damaged ({key!r}): {error}") from error
    return arrays


def _read_metadata(arrays: dict) -> dict:
    if _METADATA_KEY not in arrays:
        raise ModelFormatError(f"{_NOT_OURS}; the archive has no {_METADATA_KEY!r} entry.")
    raw = arrays.pop(_METADATA_KEY)
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFormatError(f"{_NOT_OURS}; its metadata is not UTF-8 JSON bytes.")
    try:
        metadata = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ModelFormatError(f"The model file's metadata is damaged: {error!r}") from error
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        found = metadata.get("format") if isinstance(metadata, dict) else None
        raise ModelFormatError(f"{_NOT_OURS}; its format is {found!r}, not {FORMAT_NAME!r}.")
    version = metadata.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFormatError(f"The model file has an invalid format version {version!r}.")
    if version > FORMAT_VERSION:
        raise ModelFormatError(
            f"The model file was saved by a newer version of this app (format version "
            f"{version}); this one reads version {FORMAT_VERSION}. Update the app."
        )
    return metadata


def load(source) -> Pipeline:
    """Read a pipeline written by :func:`save`.

    Parameters
    ----------
    source : str, path-like, bytes or binary file-like

    Returns
    -------
    Pipeline

    Raises
    ------
    ModelFormatError
        When the file is not one of ours, was written by a newer format version, holds
        pickled objects, or is damaged; the message says which.
    FileNotFoundError
        When a path does not exist.
    """
    handle = _open_binary(source)
    try:
        arrays = _read_arrays(handle)
    finally:
        if handle is not source:
            handle.close()
    metadata = _read_metadata(arrays)
    n_params = len(arrays)
    expected = {_PARAM_KEY.format(i) for i in range(n_params)}
    if set(arrays) != expected:
        unexpected = sorted(set(arrays) - expected)
        raise ModelFormatError(
            f"{_NOT_OURS}; unexpected entries {unexpected} next to the weights."
            if unexpected
            else "The archive's weight arrays are not numbered 0, 1, 2, ..."
        )
    model = build_model(
        metadata.get("model"), [arrays[_PARAM_KEY.format(i)] for i in range(n_params)]
    )
    try:
        preprocessor = Preprocessor.from_dict(metadata.get("preprocessor"))
        metrics = metadata.get("metrics") or {}
        if not isinstance(metrics, dict):
            raise ValueError("metrics must be a dictionary")
        return Pipeline(
            preprocessor=preprocessor,
            model=model,
            threshold=metadata.get("threshold", 0.5),
            label_name=metadata.get("label_name"),
            metrics=metrics,
            created=str(metadata.get("created", "")),
            version=metadata["format_version"],
        )
    except (ValueError, TypeError) as error:
        raise ModelFormatError(f"The model file is inconsistent: {error}") from error


# --------------------------------------------------------------------------------------
# ONNX export
# --------------------------------------------------------------------------------------

#: ONNX operator set the export targets (supported by every onnxruntime since 1.12).
ONNX_OPSET = 17
ONNX_INPUT = "features"
ONNX_OUTPUT = "fail_probability"


class _OnnxGraph:
    """Collects nodes and constant tensors, naming every intermediate value uniquely."""

    def __init__(self, helper, numpy_helper, dtype):
        self.helper, self.numpy_helper, self.dtype = helper, numpy_helper, np.dtype(dtype)
        self.nodes, self.initializers = [], []
        self._count = 0

    def _name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def constant(self, stem: str, value, dtype=None) -> str:
        name = self._name(stem)
        array = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        self.initializers.append(self.numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, *inputs: str, output: str | None = None, **attributes) -> str:
        output = output or self._name(op.lower())
        self.nodes.append(self.helper.make_node(op, list(inputs), [output], **attributes))
        return output


def _onnx_gelu(graph: _OnnxGraph, z: str, params: dict) -> str:
    scaled = graph.node("Mul", z, graph.constant("inv_sqrt2", math.sqrt(0.5)))
    if graph.dtype == np.float64:
        # onnxruntime has Erf for float32 only: a float64 graph loses precision here.
        float32 = graph.helper.np_dtype_to_tensor_dtype(np.dtype(np.float32))
        erf32 = graph.node("Erf", graph.node("Cast", scaled, to=float32))
        erf = graph.node("Cast", erf32, to=graph.helper.np_dtype_to_tensor_dtype(graph.dtype))
    else:
        erf = graph.node("Erf", scaled)
    cdf = graph.node(
        "Mul", graph.node("Add", erf, graph.constant("one", 1.0)), graph.constant("half", 0.5)
    )
    return graph.node("Mul", z, cdf)


# LeakyRelu, Elu and Softplus are spelled out in basic operators: the ONNX ops take alpha
# as a float32 attribute and onnxruntime has no float64 kernel for them.
def _onnx_leaky_relu(graph: _OnnxGraph, z: str, params: dict) -> str:
    positive = graph.node("Greater", z, graph.constant("zero", 0.0))
    return graph.node(
        "Where", positive, z, graph.node("Mul", z, graph.constant("alpha", params["alpha"]))
    )


def _onnx_elu(graph: _OnnxGraph, z: str, params: dict) -> str:
    zero = graph.constant("zero", 0.0)
    negative_part = graph.node(
        "Sub", graph.node("Exp", graph.node("Min", z, zero)), graph.constant("one", 1.0)
    )
    scaled = graph.node("Mul", negative_part, graph.constant("alpha", params["alpha"]))
    return graph.node("Where", graph.node("Greater", z, zero), z, scaled)


def _onnx_softplus(graph: _OnnxGraph, z: str, params: dict) -> str:
    # max(z, 0) + ln(1 + e^-|z|), and z itself above 20 as core.activations (and PyTorch).
    tail = graph.node(
        "Log",
        graph.node(
            "Add",
            graph.node("Exp", graph.node("Neg", graph.node("Abs", z))),
            graph.constant("one", 1.0),
        ),
    )
    stable = graph.node("Add", graph.node("Relu", z), tail)
    return graph.node("Where", graph.node("Greater", z, graph.constant("cut", 20.0)), z, stable)


#: Hidden activation name -> function adding its ONNX nodes; mirrors core.activations.
ONNX_ACTIVATIONS = {
    "relu": lambda graph, z, params: graph.node("Relu", z),
    "tanh": lambda graph, z, params: graph.node("Tanh", z),
    "sigmoid": lambda graph, z, params: graph.node("Sigmoid", z),
    "leaky_relu": _onnx_leaky_relu,
    "elu": _onnx_elu,
    "softplus": _onnx_softplus,
    "swish": lambda graph, z, params: graph.node("Mul", z, graph.node("Sigmoid", z)),
    "gelu": _onnx_gelu,
    "linear": lambda graph, z, params: graph.node("Identity", z),
}


def to_onnx(pipeline: Pipeline, path_or_buffer=None, dtype=np.float32):
    """Export the pipeline -- imputation, standardisation and network -- as ONNX.

    The graph takes ``features``, shape (n_rows, n_features), the raw feature values in
    ``pipeline.feature_names`` order with NaN for empty cells, and returns
    ``fail_probability``, shape (n_rows, 1). It computes what :meth:`Pipeline.score`
    computes: NaN and ±inf cells become the training median (``IsNaN``/``IsInf``,
    ``Where``), then ``(x - mean) / std`` (``Sub``, ``Div``), then per layer ``MatMul``,
    ``Add`` and the activation, and finally ``Sigmoid`` (or ``Softmax``, class 1).
    Feature names, threshold and label name are stored as metadata properties.

    Parameters
    ----------
    pipeline : Pipeline
    path_or_buffer : str, path-like or binary file-like, optional
        Where to write the serialised model.
    dtype : {numpy.float32, numpy.float64}
        Element type of the graph; float32 is what most ONNX runtimes serve.

    Returns
    -------
    onnx.ModelProto
        The checked model.
    """
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError as error:  # onnx is an optional dependency of the app
        raise ImportError("ONNX export needs the 'onnx' package: pip install onnx") from error
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    pre, model = pipeline.preprocessor, pipeline.model
    graph = _OnnxGraph(helper, numpy_helper, dtype)

    x = ONNX_INPUT
    missing = graph.node("Or", graph.node("IsNaN", x), graph.node("IsInf", x))
    filled = graph.node("Where", missing, graph.constant("median", pre.medians), x)
    a = graph.node(
        "Div",
        graph.node("Sub", filled, graph.constant("mean", pre.means)),
        graph.constant("std", pre.scales),
    )
    for layer in range(model.n_layers):
        z = graph.node(
            "Add",
            graph.node("MatMul", a, graph.constant(f"W{layer}", model.weights[layer])),
            graph.constant(f"b{layer}", model.biases[layer]),
        )
        if layer < model.n_layers - 1:
            activation = model.activations[layer]
            a = ONNX_ACTIVATIONS[activation.name](graph, z, activation.params)
        elif model.output == "sigmoid":
            graph.node("Sigmoid", z, output=ONNX_OUTPUT)
        else:
            probabilities = graph.node("Softmax", z, axis=1)
            starts = graph.constant("start", [1], np.int64)  # keep column 1 (fail) only
            ends = graph.constant("end", [2], np.int64)
            axes = graph.constant("axis", [1], np.int64)
            graph.node("Slice", probabilities, starts, ends, axes, output=ONNX_OUTPUT)

    element = helper.np_dtype_to_tensor_dtype(dtype)
    onnx_graph = helper.make_graph(
        graph.nodes,
        "pass_fail_pipeline",
        [helper.make_tensor_value_info(ONNX_INPUT, element, ["n_rows", pre.n_features])],
        [helper.make_tensor_value_info(ONNX_OUTPUT, element, ["n_rows", 1])],
        initializer=graph.initializers,
    )
    onnx_model = helper.make_model(
        onnx_graph,
        opset_imports=[helper.make_opsetid("", ONNX_OPSET)],
        producer_name=FORMAT_NAME,
        doc_string="Fail probability of each row; input columns in feature_names order.",
    )
    onnx_model.ir_version = 8  # readable by onnxruntime >= 1.12
    helper.set_model_props(
        onnx_model,
        {
            "feature_names": json.dumps(pre.feature_names),
            "threshold": repr(pipeline.threshold),
            "label_name": pipeline.label_name or "",
        },
    )
    onnx.checker.check_model(onnx_model)
    if path_or_buffer is not None:
        data = onnx_model.SerializeToString()
        if is_path(path_or_buffer):
            with open(path_or_buffer, "wb") as handle:
                handle.write(data)
        else:
            path_or_buffer.write(data)
    return onnx_model
