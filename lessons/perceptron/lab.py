"""The Perceptron page's experiments: a run, the update it has reached, and the XOR fixes.

The page shows one training run (:func:`fit_history`) and lets the learner walk through it
one sample or one epoch at a time (:func:`advance`); :func:`view_at` restores the
perceptron at any point of the walk from the run's record. For XOR (and XNOR) it then
shows the two ways out: an extra input feature (:func:`lifted_history`) and a hidden layer
(:func:`train_xor_network`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import optimizers
from core.mlp import MLP
from core.training import Trainer
from lessons.datasets import GATES, features
from lessons.perceptron.history import PerceptronHistory, SampleUpdate
from lessons.perceptron.model import Perceptron
from lessons.perceptron.points import MAX_POINTS

GATE_LABELS = {**{name: name.upper() for name in GATES}, "custom": "Custom points"}
"""Data choices of the page: the six gates, then the learner's own points."""
LEARNING_RATES = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
INIT_LABELS = {"zeros": "zeros", "random": "random (uniform ±0.5)"}
"""``Perceptron(init=...)`` choices and how the page names them."""
MAX_EPOCHS = 100
MAX_SEED = 9999
MAX_NETWORK_SEED = 999
MAX_STEPS = MAX_EPOCHS * MAX_POINTS
"""Most presentations a run can have (the step position in a link is clamped to it)."""
NON_SEPARABLE_GATES = ("xor", "xnor")
XOR_FEATURES = ("x1", "x2", "x1*x2")
"""Fix 1: the perceptron's input, lifted by the product feature."""
FIX_EPOCHS = 100
MLP_HIDDEN, MLP_LR, MLP_EPOCHS = "tanh", 0.1, 300
"""Fix 2: a 2-2-1 network, tanh hidden units, Adam, full-batch epochs."""
STEP_ACTIONS = ("sample", "epoch", "run", "reset")
"""What the step buttons do, see :func:`advance`."""


def fit_history(X, y, lr: float, init: str, seed: int, epochs: int) -> PerceptronHistory:
    """The whole run from the initial weights (it stops at the first error-free epoch)."""
    return Perceptron(X.shape[1], lr=lr, rng=seed, init=init).fit(X, y, epochs=epochs)


@dataclass(frozen=True)
class StepView:
    """The perceptron after some presentations, and the last of them.

    Attributes
    ----------
    model : Perceptron
        Weights after the presentations; ``model.cursor`` is the next sample.
    update : SampleUpdate or None
        The last presentation (None before the first).
    z_before : ndarray of shape (n_samples,) or None
        Pre-activations ``Xw + b`` just before that last update.
    """

    model: Perceptron
    update: SampleUpdate | None
    z_before: np.ndarray | None


def view_at(X, history: PerceptronHistory, lr: float, init: str, seed: int, steps: int):
    """The perceptron after the first ``steps`` presentations of ``history``, the run of
    :func:`fit_history` with the same settings (restored from the record, not replayed)."""
    model = Perceptron(X.shape[1], lr=lr, rng=seed, init=init)
    model.restore(history, steps)
    if steps == 0:
        return StepView(model, None, None)
    z_before = X @ history.weights[steps - 1] + history.bias[steps - 1]
    return StepView(model, history.update(steps), z_before)


def advance(action: str, steps: int, total: int, n_samples: int) -> int:
    """The step position after a button: one more ``sample``, to the end of this
    ``epoch``, ``run`` to the end, or ``reset`` to the start; never beyond ``total``."""
    if action == "sample":
        return min(steps + 1, total)
    if action == "epoch":
        return min((steps // n_samples + 1) * n_samples, total)
    if action == "run":
        return total
    if action == "reset":
        return 0
    raise ValueError(f"unknown step action {action!r}; choose from {', '.join(STEP_ACTIONS)}")


def epoch_of(steps: int, n_samples: int) -> int:
    """1-based epoch the ``steps``-th presentation belongs to (1 before the first)."""
    return max(-(-steps // n_samples), 1)


def lifted_history(X, y, lr: float, init: str, seed: int) -> PerceptronHistory:
    """Fix 1: the same rule on the features :data:`XOR_FEATURES`, for :data:`FIX_EPOCHS`."""
    return fit_history(features(X, XOR_FEATURES), y, lr, init, seed, FIX_EPOCHS)


def train_xor_network(X, y, seed: int) -> tuple[MLP, list[float]]:
    """Fix 2: the 2-2-1 network trained on ``(X, y)``; returns it and its loss per epoch."""
    model = MLP([2, 2, 1], hidden=MLP_HIDDEN, output="sigmoid", init="xavier", rng=seed)
    trainer = Trainer(model, optimizers.make("adam", lr=MLP_LR), X, y, batch_size=len(y), rng=seed)
    trainer.run_epochs(MLP_EPOCHS)
    return model, list(trainer.history["loss"])
