"""Compute cost of one live frame of the backprop trainer, against a hand-written NumPy floor.

A frame trains one epoch (250 training points of the circle, batch 10, SGD, the test loss
evaluated after the epoch) and computes every picture's data: the network output on a
100 × 100 grid of the input plane and a 20 × 20 thumbnail of every input feature and
neuron, packed into one heatmap array. "ours" is what the page runs
(``lessons.live.session.LiveTrainer.train`` + ``.frame``, which use a single BLAS thread); the
floor is the same arithmetic written as one plain NumPy function with nothing else around
it, also on one BLAS thread. ``threads_2_grids_ms`` shows what the grid pass costs with
OpenBLAS's default two threads on this machine. Building the figures and the compact
live-chart payload (``ui.live_payload``), which the floor does not do, is reported
separately.

    python bench/frame.py [--frames 200]

Prints one JSON object per network. Goal: ours within 3 × the floor.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.optimizers import OptimizerSpec  # noqa: E402
from lessons import datasets  # noqa: E402
from lessons.live import plane  # noqa: E402
from lessons.live import session as ts  # noqa: E402
from lessons.live.specs import DataSpec, Knobs, NetSpec  # noqa: E402
from ui.live_panels import LiveView, live_figures  # noqa: E402
from ui.live_payload import Encoder, SentState  # noqa: E402

NETWORKS = {
    "default 2-4-2-1 tanh": NetSpec(),
    "7 features, 6 x 8 tanh": NetSpec(
        features=tuple(datasets.FEATURES), hidden=(8,) * 6, activations=("tanh",) * 6
    ),
}
RESOLUTION, THUMB = 100, 20


def hand_written_frame(params, X, y, X_test, y_test, grid_inputs, lr, batch, rng):
    """One epoch of mini-batch SGD (tanh hidden layers, sigmoid output, mean BCE), the test
    loss, then every layer's activations on the grid and their 20 x 20 thumbnails."""
    weights, biases = params
    n_layers = len(weights)
    order = rng.permutation(X.shape[0])
    for start in range(0, X.shape[0], batch):
        rows = order[start : start + batch]
        a, inputs = X[rows], []
        for layer in range(n_layers):
            inputs.append(a)
            z = a @ weights[layer] + biases[layer]
            a = np.tanh(z) if layer < n_layers - 1 else 1.0 / (1.0 + np.exp(-z))
        delta = (a - y[rows, None]) / rows.size
        for layer in range(n_layers - 1, -1, -1):
            grad_W = inputs[layer].T @ delta
            grad_b = delta.sum(axis=0)
            if layer > 0:
                delta = (delta @ weights[layer].T) * (1.0 - inputs[layer] ** 2)
            weights[layer] -= lr * grad_W
            biases[layer] -= lr * grad_b
    a = X_test
    for layer in range(n_layers):
        z = a @ weights[layer] + biases[layer]
        a = np.tanh(z) if layer < n_layers - 1 else z
    test_loss = np.mean(np.logaddexp(0.0, a[:, 0]) - y_test * a[:, 0])

    rows = (np.arange(THUMB) * RESOLUTION // THUMB + RESOLUTION // (2 * THUMB)).astype(int)
    thumbnails = [grid_inputs.reshape(RESOLUTION, RESOLUTION, -1)[rows][:, rows]]
    a = grid_inputs
    for layer in range(n_layers):
        z = a @ weights[layer] + biases[layer]
        a = np.tanh(z) if layer < n_layers - 1 else 1.0 / (1.0 + np.exp(-z))
        thumbnails.append(a.reshape(RESOLUTION, RESOLUTION, -1)[rows][:, rows])
    packed = np.full((9 * 21, 8 * 21), np.nan, dtype=np.float32)
    for column, block in enumerate(thumbnails):
        for index in range(block.shape[-1]):
            top = index * 21
            packed[top : top + THUMB, column * 21 : column * 21 + THUMB] = block[:, :, index]
    return test_loss, a.reshape(RESOLUTION, RESOLUTION), packed


def median_ms(function, frames: int) -> float:
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def measure(name: str, net: NetSpec, frames: int) -> dict:
    live = ts.LiveTrainer(DataSpec(), net, OptimizerSpec("sgd", 0.03), Knobs())
    live.train(3)  # warm up

    def ours():
        live.train(1)
        return live.frame()

    def frame_only():
        live._last_frame = None  # draw again, as after training
        return live.frame()

    model = live.model.copy()
    params = ([np.array(W) for W in model.weights], [np.array(b) for b in model.biases])
    X, y = live.inputs["train"], live.data.y_train.astype(np.float64)
    X_test, y_test = live.inputs["test"], live.data.y_test.astype(np.float64)
    grid_inputs, rng = live.inputs["grid"], np.random.default_rng(0)

    def floor():
        with ts.one_blas_thread():  # same BLAS setting as ours: the fairest floor
            return hand_written_frame(params, X, y, X_test, y_test, grid_inputs, 0.03, 10, rng)

    # interleave the two so machine load affects both alike
    ours_ms, floor_ms = [], []
    for _ in range(5):
        ours_ms.append(median_ms(ours, frames // 5))
        floor_ms.append(median_ms(floor, frames // 5))
    ours_median, floor_median = float(np.median(ours_ms)), float(np.median(floor_ms))

    view, sent = LiveView(None, "auto", False, False), SentState()

    def figures():
        live._last_frame = None
        return Encoder(sent).encode(live_figures(live, view))

    return {
        "benchmark": "backprop live frame (1 epoch + 100x100 output + every thumbnail)",
        "network": name,
        "sizes": live.model.sizes,
        "ours_ms": round(ours_median, 2),
        "floor_ms": round(floor_median, 2),
        "ratio": round(ours_median / floor_median, 2),
        "goal_ratio": 3.0,
        "of_which_train_epoch_ms": round(median_ms(lambda: live.train(1), frames // 2), 2),
        "of_which_grids_ms": round(median_ms(frame_only, frames // 2), 2),
        "threads_2_grids_ms": round(
            median_ms(
                lambda: plane.network_maps(live.model, grid_inputs, RESOLUTION, THUMB),
                max(frames // 10, 5),
            ),
            2,
        ),
        "figures_and_payload_ms": round(median_ms(figures, max(frames // 10, 5)), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    for name, net in NETWORKS.items():
        print(json.dumps(measure(name, net, max(args.frames, 10))))


if __name__ == "__main__":
    main()
