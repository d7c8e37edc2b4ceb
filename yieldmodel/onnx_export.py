"""Export a trained pipeline -- imputation, standardisation and network -- to ONNX.

The graph serves the model outside Python (any ONNX runtime, a cluster job for data
beyond one machine) and computes exactly what :meth:`yieldmodel.pipeline.Pipeline.score`
computes.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import math

import numpy as np

from core.serialization import is_path
from yieldmodel.pipeline import FORMAT_NAME, Pipeline

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


def _preprocessing(graph: _OnnxGraph, pre) -> str:
    """Nodes imputing NaN/±inf with the training medians, then standardising."""
    x = ONNX_INPUT
    missing = graph.node("Or", graph.node("IsNaN", x), graph.node("IsInf", x))
    filled = graph.node("Where", missing, graph.constant("median", pre.medians), x)
    return graph.node(
        "Div",
        graph.node("Sub", filled, graph.constant("mean", pre.means)),
        graph.constant("std", pre.scales),
    )


def _network(graph: _OnnxGraph, model, a: str) -> None:
    """Per layer ``MatMul``, ``Add`` and the activation; the fail probability at the end."""
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


def _model_proto(graph: _OnnxGraph, pipeline: Pipeline):
    helper = graph.helper
    element = helper.np_dtype_to_tensor_dtype(graph.dtype)
    n_features = pipeline.preprocessor.n_features
    onnx_graph = helper.make_graph(
        graph.nodes,
        "pass_fail_pipeline",
        [helper.make_tensor_value_info(ONNX_INPUT, element, ["n_rows", n_features])],
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
            "feature_names": json.dumps(pipeline.feature_names),
            "threshold": repr(pipeline.threshold),
            "label_name": pipeline.label_name or "",
        },
    )
    return onnx_model


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
    graph = _OnnxGraph(helper, numpy_helper, dtype)
    _network(graph, pipeline.model, _preprocessing(graph, pipeline.preprocessor))
    onnx_model = _model_proto(graph, pipeline)
    onnx.checker.check_model(onnx_model)
    if path_or_buffer is not None:
        data = onnx_model.SerializeToString()
        if is_path(path_or_buffer):
            with open(path_or_buffer, "wb") as handle:
                handle.write(data)
        else:
            path_or_buffer.write(data)
    return onnx_model


@functools.cache
def onnx_available() -> bool:
    """Whether the optional ``onnx`` package is installed (looked up once)."""
    return importlib.util.find_spec("onnx") is not None


def to_onnx_bytes(pipeline: Pipeline) -> bytes:
    """The serialised ONNX model of :func:`to_onnx` (for a download button)."""
    buffer = io.BytesIO()
    to_onnx(pipeline, buffer)
    return buffer.getvalue()
