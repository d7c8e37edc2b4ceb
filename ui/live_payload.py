"""The compact wire format of the live charts: a figure's structure once, then only new arrays.

A live chart redraws several times a second, but between two frames only a few arrays of
its figure change (the decision map, the thumbnails, the weights, the loss curve); the
layout, the data points and every label stay the same. :class:`Encoder` therefore splits
each figure dict into

* its *structure* — everything but the NumPy arrays, with ``{"$a": path}`` where an array
  was — sent only when it differs from what this browser already has, and
* its *arrays*, each sent only when its bytes changed: floats as float32, and 2-D float
  arrays (heatmaps) as one byte per cell over their own range (the top code marks NaN,
  row differences make them compress well), which looks the same on screen at a fraction
  of the size. A heatmap whose colour scale has a sharp step (the class bands of a
  several-class decision map) travels at two bytes per cell, so no cell lands on the
  wrong side of a step.

One payload is ``b"NNLC"``, the header length (uint32, little endian), the header JSON, and
the arrays' bytes, zlib-compressed unless they are few. ``live_chart.js`` decodes it in the
browser; :func:`decode` does the same in Python for the tests. Nothing here needs Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

MAGIC = b"NNLC"
QUANTIZE_MIN_CELLS = 64
"""2-D float arrays with at least this many cells travel as one byte per cell."""
NAN_CODES = {8: 255, 16: 65535}
"""Code of a NaN cell at 8 and 16 bits; finite values use the codes below it."""
COMPRESS_MIN_BYTES = 1024
"""Array bytes below this are sent as they are. Above, a fast zlib pass here costs less
than the WebSocket layer's own (slower) deflate of the raw bytes would, and shrinks them
to a third."""


@dataclass
class SentState:
    """What one browser already holds for one component: structure and array digests."""

    structures: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)


def _digest(*parts: bytes) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part)
    return hasher.digest()


_PLAIN = {str, int, float, bool, type(None)}


def _split(value, path: str, arrays: dict, bits: dict):
    """``value`` with every ndarray replaced by ``{"$a": path}`` (arrays collected).

    An array met twice (one ``x`` shared by two curves) travels once, under its first path.
    ``bits`` receives the paths of heatmaps that need 16 bits per cell.
    """
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OUS":
            return value.tolist()
        for seen_path, seen in arrays.items():
            if seen is value:
                return {"$a": seen_path}
        arrays[path] = value
        return {"$a": path}
    if isinstance(value, dict):
        if value.get("type") == "heatmap" and _sharp_steps(value.get("colorscale")):
            bits[f"{path}.z"] = 16
        return {
            key: item if type(item) in _PLAIN else _split(item, f"{path}.{key}", arrays, bits)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        if {type(item) for item in value} <= _PLAIN:  # labels, colours: kept as they are
            return list(value)
        return [_split(item, f"{path}.{index}", arrays, bits) for index, item in enumerate(value)]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _sharp_steps(colorscale) -> bool:
    """Whether two stops of a ``[[position, colour], ...]`` scale are closer than a byte step."""
    if not isinstance(colorscale, (list, tuple)) or len(colorscale) < 2:
        return False
    positions = np.array([stop[0] for stop in colorscale], dtype=np.float64)
    return bool(np.min(np.diff(positions)) < 1.0 / (NAN_CODES[8] - 1))


def quantize(values: np.ndarray, bits: int = 8) -> tuple[np.ndarray, float, float]:
    """Codes ``0 .. 2**bits - 2`` spanning the finite range ``[lo, hi]``; NaN -> the top code."""
    dtype, nan_code = (np.uint8 if bits == 8 else np.uint16), NAN_CODES[bits]
    finite = np.isfinite(values)
    if not finite.any():
        return np.full(values.shape, nan_code, dtype=dtype), 0.0, 0.0
    lo, hi = float(values[finite].min()), float(values[finite].max())
    scale = (nan_code - 1) / (hi - lo) if hi > lo else 0.0
    codes = np.rint((np.where(finite, values, lo) - lo) * scale).astype(dtype)
    codes[~finite] = nan_code
    return codes, lo, hi


def _encode_array(array: np.ndarray, bits: int = 8) -> tuple[bytes, dict]:
    """Bytes and description of one array (see the module docstring)."""
    shape = list(array.shape)
    if array.dtype.kind == "f" and array.ndim == 2 and array.size >= QUANTIZE_MIN_CELLS:
        codes, lo, hi = quantize(array, bits)
        # row differences (mod 2**bits): a smooth picture becomes mostly zeros
        deltas = np.diff(codes, axis=1, prepend=np.zeros((codes.shape[0], 1), codes.dtype))
        kind = "q8" if bits == 8 else "q16"
        return deltas.astype(f"<u{bits // 8}").tobytes(), {
            "t": kind,
            "shape": shape,
            "lo": lo,
            "hi": hi,
        }
    if array.dtype.kind == "f":
        return np.ascontiguousarray(array, dtype="<f4").tobytes(), {"t": "f4", "shape": shape}
    if array.dtype.kind == "b":
        return np.ascontiguousarray(array, dtype=np.uint8).tobytes(), {"t": "u1", "shape": shape}
    return np.ascontiguousarray(array, dtype="<i4").tobytes(), {"t": "i4", "shape": shape}


class Encoder:
    """Builds payloads for one component, sending only what the browser lacks.

    Parameters
    ----------
    sent : SentState
        What the browser holds; updated by :meth:`encode`. A fresh state sends everything.
    """

    def __init__(self, sent: SentState):
        self.sent = sent

    def encode(self, charts: dict[str, dict], extra: dict | None = None) -> bytes:
        """The payload for ``charts`` (name -> figure dict); ``extra`` goes into the header.

        Charts or arrays the browser already holds are left out. A chart missing from
        ``charts`` is dropped from what the browser is said to hold.
        """
        header = {"v": 1, "charts": {}, "arrays": {}, **(extra or {})}
        blobs: list[bytes] = []
        offset = 0
        arrays: dict[str, np.ndarray] = {}
        bits: dict[str, int] = {}
        for name, figure in charts.items():
            structure = _split(figure, name, arrays, bits)
            text = json.dumps(structure, separators=(",", ":"), allow_nan=False)
            digest = _digest(text.encode())
            if self.sent.structures.get(name) != digest:
                header["charts"][name] = structure
                self.sent.structures[name] = digest
        for path, array in arrays.items():
            data, meta = _encode_array(array, bits.get(path, 8))
            digest = _digest(data, repr(sorted(meta.items())).encode())
            if self.sent.arrays.get(path) == digest:
                continue
            self.sent.arrays[path] = digest
            padding = -len(data) % 4
            header["arrays"][path] = {**meta, "offset": offset, "bytes": len(data)}
            blobs.append(data + bytes(padding))
            offset += len(data) + padding
        self._forget(set(charts), set(arrays))
        return _pack(header, b"".join(blobs))

    def _forget(self, charts: set, paths: set) -> None:
        for name in set(self.sent.structures) - charts:
            del self.sent.structures[name]
        for path in set(self.sent.arrays) - paths:
            del self.sent.arrays[path]


def _pack(header: dict, body: bytes) -> bytes:
    if len(body) >= COMPRESS_MIN_BYTES:
        body, header["zlib"] = zlib.compress(body, 1), True
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()
    text += b" " * (-len(text) % 4)
    return MAGIC + struct.pack("<I", len(text)) + text + body


# ---------------------------------------------------------------------------------------------
# Reading a payload back (what live_chart.js does in the browser)
# ---------------------------------------------------------------------------------------------


def _decode_array(body: bytes, meta: dict) -> np.ndarray:
    raw = body[meta["offset"] : meta["offset"] + meta["bytes"]]
    shape = meta["shape"]
    if meta["t"] not in ("q8", "q16"):
        dtype = {"f4": "<f4", "u1": np.uint8, "i4": "<i4"}[meta["t"]]
        return np.frombuffer(raw, dtype=dtype).reshape(shape)
    bits = 8 if meta["t"] == "q8" else 16
    dtype = np.uint8 if bits == 8 else np.uint16
    deltas = np.frombuffer(raw, f"<u{bits // 8}").reshape(shape)
    codes = np.cumsum(deltas, axis=1, dtype=dtype)
    scale = (meta["hi"] - meta["lo"]) / (NAN_CODES[bits] - 1)
    values = (meta["lo"] + codes * scale).astype(np.float32)
    values[codes == NAN_CODES[bits]] = np.nan
    return values


def _fill(structure, arrays: dict):
    if isinstance(structure, dict):
        if set(structure) == {"$a"}:
            return arrays[structure["$a"]]
        return {key: _fill(value, arrays) for key, value in structure.items()}
    if isinstance(structure, list):
        return [_fill(value, arrays) for value in structure]
    return structure


def decode(payload: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and the decoded arrays (by path) of one payload."""
    if payload[:4] != MAGIC:
        raise ValueError("not a live-chart payload")
    (length,) = struct.unpack("<I", payload[4:8])
    header = json.loads(payload[8 : 8 + length])
    body = payload[8 + length :]
    if header.get("zlib"):
        body = zlib.decompress(body)
    arrays = {path: _decode_array(body, meta) for path, meta in header["arrays"].items()}
    return header, arrays


def figures(payload: bytes) -> dict[str, dict]:
    """The figures of a payload that carries every structure and array (a full one)."""
    header, arrays = decode(payload)
    return {name: _fill(structure, arrays) for name, structure in header["charts"].items()}
