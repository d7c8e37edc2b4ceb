"""Inference speed: 1,000,000 × 20 rows through 20→64→32→1, ours vs a bare matmul chain.

Prints one JSON line per dtype (float32, float64) with both times and their ratio
(goal: ours ≤ 1.5 × the bare chunked chain).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from _task import best_of

from core.mlp import MLP

CHUNK = 65536


def bare_chain(X, W1, b1, W2, b2, W3, b3):
    """The floor: the same three layers, chunk by chunk, nothing else."""
    out = np.empty(X.shape[0], dtype=X.dtype)
    for start in range(0, X.shape[0], CHUNK):
        h = X[start : start + CHUNK] @ W1
        h += b1
        np.maximum(h, 0, out=h)
        g = h @ W2
        g += b2
        np.maximum(g, 0, out=g)
        z = (g @ W3)[:, 0]
        z += b3
        out[start : start + CHUNK] = 1.0 / (1.0 + np.exp(-z))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X64 = rng.normal(size=(args.rows, 20))
    model64 = MLP([20, 64, 32, 1], hidden="relu", output="sigmoid", init="he", rng=0)
    for dtype in (np.float32, np.float64):
        model = model64.astype(dtype)
        X = X64.astype(dtype)
        ours_s, ours = best_of(args.repeats, lambda m=model, X=X: m.predict_proba(X))
        floor_s, floor = best_of(args.repeats, lambda m=model, X=X: bare_chain(X, *m.params))
        print(
            json.dumps(
                {
                    "bench": "forward 1M x 20 -> 64 -> 32 -> 1",
                    "dtype": np.dtype(dtype).name,
                    "rows": args.rows,
                    "ours_seconds": round(ours_s, 4),
                    "floor_seconds": round(floor_s, 4),
                    "ours_over_floor": round(ours_s / floor_s, 3),
                    "max_abs_difference": float(np.max(np.abs(ours - floor))),
                }
            )
        )


if __name__ == "__main__":
    main()
