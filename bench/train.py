"""Training speed on the seed task: our engine vs scikit-learn vs a hand-written NumPy floor.

20→64→32→1, ReLU, sigmoid + BCE, He init, Adam lr 1e-3, batch 32, 50 epochs, 4000 rows.
Prints one JSON line with wall times, test accuracies and the ratios the goals are set on
(ours ≤ 0.5 × scikit-learn, ≤ 1.3 × floor, accuracy within 1 point of scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import math
import warnings

import numpy as np
from _task import best_of, seed_task
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from core import optimizers
from core.mlp import MLP
from core.training import Trainer

SIZES = (20, 64, 32, 1)
EPOCHS, BATCH, LR = 50, 32, 1e-3


def ours(X, y, X_test, y_test, seed):
    model = MLP(SIZES, hidden="relu", output="sigmoid", init="he", rng=seed)
    Trainer(model, optimizers.make("adam", lr=LR), X, y, batch_size=BATCH, rng=seed).run_epochs(
        EPOCHS
    )
    return float(np.mean(model.predict(X_test) == y_test))


def sklearn(X, y, X_test, y_test, seed):
    clf = MLPClassifier(
        hidden_layer_sizes=SIZES[1:-1],
        solver="adam",
        learning_rate_init=LR,
        batch_size=BATCH,
        max_iter=EPOCHS,
        early_stopping=False,
        tol=0.0,
        n_iter_no_change=EPOCHS + 1,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    return float(clf.score(X_test, y_test))


def floor(X, y, X_test, y_test, seed):
    """The same math as tightly as plain NumPy allows: one flat buffer, in-place updates."""
    rng = np.random.default_rng(seed)
    shapes = [(20, 64), (64,), (64, 32), (32,), (32, 1), (1,)]
    sizes = [math.prod(s) for s in shapes]
    offsets = np.cumsum([0] + sizes)
    theta, grad = np.zeros(offsets[-1]), np.zeros(offsets[-1])
    W1, b1, W2, b2, W3, b3 = (
        theta[o : o + s].reshape(sh) for o, s, sh in zip(offsets, sizes, shapes)
    )
    gW1, gb1, gW2, gb2, gW3, gb3 = (
        grad[o : o + s].reshape(sh) for o, s, sh in zip(offsets, sizes, shapes)
    )
    for W in (W1, W2, W3):
        W[...] = rng.normal(0.0, math.sqrt(2.0 / W.shape[0]), size=W.shape)
    m, v, scratch = np.zeros_like(theta), np.zeros_like(theta), np.empty_like(theta)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    targets = y.astype(float)[:, None]
    n, t = X.shape[0], 0
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            rows = order[start : start + BATCH]
            xb, yb = X[rows], targets[rows]
            z1 = xb @ W1
            z1 += b1
            h1 = np.maximum(z1, 0.0)
            z2 = h1 @ W2
            z2 += b2
            h2 = np.maximum(z2, 0.0)
            z3 = h2 @ W3
            z3 += b3
            e = np.exp(-np.abs(z3))
            loss = (np.maximum(z3, 0.0) - z3 * yb + np.log1p(e)).mean()  # noqa: F841
            delta = np.where(z3 >= 0, 1.0, e) / (1.0 + e)
            delta -= yb
            delta /= rows.shape[0]
            np.matmul(h2.T, delta, out=gW3)
            np.add.reduce(delta, axis=0, out=gb3)
            delta = delta @ W3.T
            delta *= z2 > 0
            np.matmul(h1.T, delta, out=gW2)
            np.add.reduce(delta, axis=0, out=gb2)
            delta = delta @ W2.T
            delta *= z1 > 0
            np.matmul(xb.T, delta, out=gW1)
            np.add.reduce(delta, axis=0, out=gb1)
            t += 1
            m *= beta1
            np.multiply(grad, 1.0 - beta1, out=scratch)
            m += scratch
            v *= beta2
            np.multiply(grad, grad, out=scratch)
            scratch *= 1.0 - beta2
            v += scratch
            np.sqrt(v, out=scratch)
            scratch *= 1.0 / math.sqrt(1.0 - beta2**t)
            scratch += eps
            np.divide(m, scratch, out=scratch)
            scratch *= LR / (1.0 - beta1**t)
            theta -= scratch
    h = np.maximum(X_test @ W1 + b1, 0.0)
    h = np.maximum(h @ W2 + b2, 0.0)
    return float(np.mean(((h @ W3 + b3)[:, 0] >= 0) == y_test))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--seeds",
        type=int,
        default=5,
        help="initialisation seeds; time is the fastest run, accuracy the mean",
    )
    args = parser.parse_args()
    X, X_test, y, y_test = seed_task()
    result = {
        "task": "seed 20-64-32-1 adam 50 epochs batch 32",
        "rows": int(X.shape[0]),
        "seeds": args.seeds,
    }
    for name, function in (("ours", ours), ("sklearn", sklearn), ("floor", floor)):
        runs = [
            best_of(1, lambda f=function, s=s: f(X, y, X_test, y_test, s))
            for s in range(args.seeds)
        ]
        result[f"{name}_seconds"] = round(min(seconds for seconds, _ in runs), 4)
        result[f"{name}_accuracy"] = round(float(np.mean([acc for _, acc in runs])), 4)
    result["ours_over_sklearn"] = round(result["ours_seconds"] / result["sklearn_seconds"], 3)
    result["ours_over_floor"] = round(result["ours_seconds"] / result["floor_seconds"], 3)
    result["accuracy_gap_vs_sklearn"] = round(
        result["ours_accuracy"] - result["sklearn_accuracy"], 4
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
