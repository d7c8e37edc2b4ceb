"""Access to tests/data/reference.json (PyTorch float64 numbers, see the README)."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "reference.json"


@cache
def reference() -> dict:
    with DATA.open(encoding="utf-8") as handle:
        return json.load(handle)


def rel_error(actual, expected, floor=1e-300):
    import numpy as np

    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    return float(np.max(np.abs(actual - expected) / np.maximum(np.abs(expected), floor)))
