"""The network's parameters as files a student can take away."""

from __future__ import annotations

import io
import json

import numpy as np


def weights_npz(model) -> bytes:
    """The network's parameters as an ``.npz`` archive readable with ``numpy.load``.

    Arrays ``W0, b0, W1, b1, ...`` (``W_l`` of shape (fan_in, fan_out)) plus ``config``,
    the JSON text of ``model.get_config()``. Nothing in it needs ``allow_pickle``.
    """
    arrays = {}
    for layer in range(model.n_layers):
        arrays[f"W{layer}"] = np.asarray(model.weights[layer])
        arrays[f"b{layer}"] = np.asarray(model.biases[layer])
    arrays["config"] = np.array(json.dumps(model.get_config()))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()
