"""Save and load a trained pass/fail pipeline -- never with pickle.

:func:`save` writes one ``.npz`` archive (``numpy.savez``) holding

* ``param_000``, ``param_001``, ... -- the network's ``[W0, b0, W1, b1, ...]``;
* ``metadata`` -- UTF-8 JSON as a uint8 array: format name and version, creation time,
  ``model.get_config()``, ``preprocessor.to_dict()``, threshold, label name, metrics.

:func:`load` reads it back with ``numpy.load(allow_pickle=False)``, so a file can never
run code, and raises :class:`ModelFormatError` for anything that is not such an archive.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib

import numpy as np

from core.serialization import ModelFormatError, build_model, is_path
from yieldmodel.pipeline import FORMAT_NAME, FORMAT_VERSION, Pipeline
from yieldmodel.preprocessing import Preprocessor

__all__ = ["ModelFormatError", "load", "save", "to_bytes"]

_METADATA_KEY = "metadata"
_PARAM_KEY = "param_{:03d}"


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
