"""A network's weights as a JSON document, read back without ever unpickling.

:func:`model_to_json` / :func:`model_from_json` (and :func:`save_json` / :func:`load_json`
for files) store an :class:`~core.mlp.MLP` as its config plus its ``params`` as nested
lists; :func:`build_model` rebuilds a network from a config and arrays, checking every
shape before allocating anything. Anything that is not such a document raises
:class:`ModelFormatError`, whose message a person can act on.
"""

from __future__ import annotations

import io
import json
import os

import numpy as np

from core.mlp import MLP

#: Name and version of the weights-only JSON written by :func:`save_json`.
WEIGHTS_FORMAT_NAME = "nn-playground-weights"
WEIGHTS_FORMAT_VERSION = 1


class ModelFormatError(ValueError):
    """A file that is not a pipeline/weights file of this app, a newer version, or damaged."""


def is_path(target) -> bool:
    """Whether ``target`` names a file (a str or path-like) rather than a file object."""
    return isinstance(target, (str, os.PathLike))


def build_model(config, params: list[np.ndarray]) -> MLP:
    """An MLP from its config and weights; any inconsistency is a ModelFormatError.

    The layer sizes are checked against the stored arrays before anything is allocated,
    so a file cannot make us reserve memory for a network it does not contain.
    """
    sizes = config.get("sizes") if isinstance(config, dict) else None
    if not (
        isinstance(sizes, list)
        and len(sizes) >= 2
        and all(isinstance(w, int) and not isinstance(w, bool) and w >= 1 for w in sizes)
    ):
        raise ModelFormatError(f"The network description has no valid layer sizes: {sizes!r}")
    expected = [
        shape for n_in, n_out in zip(sizes[:-1], sizes[1:]) for shape in ((n_in, n_out), (n_out,))
    ]
    found = [array.shape for array in params]
    if found != expected:
        raise ModelFormatError(
            f"The weight arrays have shapes {found}, but layer sizes {sizes} need {expected}."
        )
    try:
        model = MLP.from_config(config)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise ModelFormatError(f"The network description is invalid: {error}") from error
    for index, array in enumerate(params):
        if array.dtype.kind != "f":
            raise ModelFormatError(f"Weight array {index} has dtype {array.dtype}, not float.")
    try:
        model.set_params(params)
    except ValueError as error:
        raise ModelFormatError(f"The weights do not fit the network: {error}") from error
    return model


def model_to_json(model: MLP) -> str:
    """A network as JSON text: its config and its ``params`` as nested lists."""
    return json.dumps(
        {
            "format": WEIGHTS_FORMAT_NAME,
            "format_version": WEIGHTS_FORMAT_VERSION,
            "model": model.get_config(),
            "params": [p.tolist() for p in model.params],
        },
        allow_nan=False,
    )


def model_from_json(text: str | bytes) -> MLP:
    """Rebuild a network from :func:`model_to_json` text.

    Raises
    ------
    ModelFormatError
        When the text is not such a document or its weights do not fit the network.
    """
    try:
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ModelFormatError(f"This is not a weights JSON file: {error!r}") from error
    if not isinstance(document, dict) or document.get("format") != WEIGHTS_FORMAT_NAME:
        raise ModelFormatError(
            f"This is not a weights file saved by this app (expected format "
            f"{WEIGHTS_FORMAT_NAME!r})."
        )
    version = document.get("format_version")
    if version != WEIGHTS_FORMAT_VERSION:
        raise ModelFormatError(
            f"Weights file format version {version!r} is not supported "
            f"(this app reads version {WEIGHTS_FORMAT_VERSION})."
        )
    raw_params = document.get("params")
    if not isinstance(raw_params, list):
        raise ModelFormatError("The weights file has no list of 'params'.")
    try:
        params = [np.asarray(p, dtype=np.float64) for p in raw_params]
    except (ValueError, TypeError) as error:
        raise ModelFormatError(f"The weights are not arrays of numbers: {error}") from error
    return build_model(document.get("model"), params)


def save_json(path_or_buffer, model: MLP) -> None:
    """Write :func:`model_to_json` to a path or a (text or binary) file object."""
    text = model_to_json(model)
    if is_path(path_or_buffer):
        with open(path_or_buffer, "w", encoding="utf-8") as handle:
            handle.write(text)
    elif isinstance(path_or_buffer, io.TextIOBase):
        path_or_buffer.write(text)
    else:
        path_or_buffer.write(text.encode("utf-8"))


def load_json(source) -> MLP:
    """Read a network written by :func:`save_json` from a path, bytes or a file object."""
    if is_path(source):
        with open(source, "rb") as handle:
            return model_from_json(handle.read())
    if isinstance(source, (bytes, bytearray, memoryview)):
        return model_from_json(bytes(source))
    if hasattr(source, "getvalue"):
        return model_from_json(source.getvalue())
    if hasattr(source, "read"):
        return model_from_json(source.read())
    raise TypeError(f"expected a path, bytes or a file object, got {type(source).__name__}")
