"""The Perceptron page's words and tables: each number on the page, written out.

Every function turns results of :mod:`lessons.perceptron.lab` into Markdown, LaTeX or a
table, so the page only places them and the tests can read them without a browser.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lessons.perceptron.history import PerceptronHistory
from lessons.perceptron.lab import FIX_EPOCHS, MLP_EPOCHS, MLP_LR, StepView, epoch_of
from lessons.perceptron.model import Perceptron


def fmt(value: float) -> str:
    """A number as the page shows it: 4 significant digits, no ``-0``."""
    return f"{value + 0.0:.4g}"


def vector(values) -> str:
    """``(v1, v2, ...)`` with :func:`fmt` numbers."""
    return "(" + ", ".join(fmt(value) for value in values) + ")"


def position_caption(steps: int, total: int, n_samples: int, cursor: int) -> str:
    """Where the walk through the run stands, e.g. ``Update 4 of 24 in this run · ...``."""
    return (
        f"Update {steps} of {total} in this run · epoch {epoch_of(steps, n_samples)} · "
        f"next sample #{cursor}"
    )


def verdict(
    history: PerceptronHistory, steps: int, epochs: int, separable: bool
) -> tuple[str, str] | None:
    """``("success" | "warning", message)`` once the walk reached the end of the run."""
    if steps < len(history.epoch):
        return None
    if history.converged:
        return "success", (
            f"Converged at epoch {history.convergence_epoch}: a whole pass over the data "
            "without a single mistake, so the weights can no longer change."
        )
    reason = (
        " The points are separable: more epochs (or a larger η) will get there."
        if separable
        else " No straight line separates these points, so more epochs would not help."
    )
    return "warning", (
        f"Stopped at the limit of {epochs} epochs with "
        f"{history.errors_per_epoch[-1]} mistakes in the last epoch." + reason
    )


def parameter_metrics(view: StepView) -> list[tuple[str, str, str | None]]:
    """``(name, value, change)`` of ``w1, w2, ..., b``; the change made by the last update
    (None before the first update and where the update changed nothing)."""
    model, update = view.model, view.update
    names = [f"w{i + 1}" for i in range(len(model.weights))] + ["b"]
    values = [*model.weights, model.bias]
    changes = [0.0] * len(values) if update is None else [*update.delta_w, update.delta_b]
    return [
        (name, fmt(value), fmt(change) if change else None)
        for name, value, change in zip(names, values, changes, strict=True)
    ]


def update_markdown(view: StepView, X, y, steps: int) -> str:
    """The last update in words, or how to start."""
    model, update = view.model, view.update
    if update is None:
        return (
            f"**Start:** $w = {vector(model.weights)}$, $b = {fmt(model.bias)}$. "
            "Press *Step one sample* to present sample #0."
        )
    i = update.sample_index
    outcome = (
        "— **correct, nothing changes**."
        if update.error == 0
        else f"— **wrong**, error $y - \\hat y = {update.error}$."
    )
    return (
        f"**Update {steps}** (epoch {update.epoch}, sample #{i}): "
        f"$x = {vector(X[i])}$, label $y = {y[i]}$, "
        f"$z = w\\cdot x + b = {fmt(view.z_before[i])}$ so $\\hat y = {update.prediction}$ "
        + outcome
    )


def update_latex(view: StepView, X, lr: float) -> str | None:
    """The rule with the last update's numbers filled in (None before the first update)."""
    update = view.update
    if update is None:
        return None
    x = vector(X[update.sample_index])
    return (
        rf"\Delta w = \eta\,(y - \hat y)\,x = {fmt(lr)} \times ({update.error}) \times "
        rf"{x} = {vector(update.delta_w)}, \qquad "
        rf"\Delta b = \eta\,(y - \hat y) = {fmt(update.delta_b)}"
    )


def truth_table(model: Perceptron, X, y) -> pd.DataFrame:
    """Every point with its label, its current ``z`` and prediction, and whether it is right."""
    z = model.decision_function(X)
    predictions = model.predict(X)
    return pd.DataFrame(
        {
            "x1": X[:, 0],
            "x2": X[:, 1],
            "y": y,
            "z = w·x+b": np.round(z, 4),
            "ŷ": predictions,
            "right?": np.where(predictions == y, "✓", "✗"),
        }
    )


def feature_fix_markdown(history: PerceptronHistory) -> str | None:
    """Fix 1 explained with its numbers; None when it did not converge in time."""
    if not history.converged:
        return None
    errors = ", ".join(str(e) for e in history.errors_per_epoch)
    return (
        "**Add the feature $x_1 x_2$.** In the space $(x_1, x_2, x_1x_2)$ the point (1, 1) "
        "is lifted off the plane, a flat plane now separates the classes, and the same "
        f"perceptron rule converges at epoch **{history.convergence_epoch}** (errors per "
        f"epoch: {errors}). Back in the $(x_1, x_2)$ plane the boundary is curved. The rule "
        "stops at the first error-free epoch, so the curve may pass right through a point "
        "($z = 0$ counts as class 1)."
    )


FEATURE_FIX_TIMEOUT = f"With x1·x2 the perceptron did not finish in {FIX_EPOCHS} epochs."


def network_fix_markdown(model, X, losses) -> str:
    """Fix 2 explained: the network, its outputs on the four corners, its final loss."""
    outputs = ", ".join(f"{p:.2f}" for p in model.predict_proba(X))
    return (
        "**Add a hidden layer.** A 2-2-1 network (tanh hidden units, sigmoid output, "
        f"Adam η = {MLP_LR}, {MLP_EPOCHS} full-batch epochs). Each hidden unit draws "
        "its own line (dashed); the output unit combines the two half-planes into "
        f"the band between them. Outputs for 00, 01, 10, 11: {outputs}; final loss "
        f"{losses[-1]:.4f}."
    )


INTRODUCTION = (
    "A single neuron with a hard threshold: it sees one sample, compares its guess with the "
    "label, and nudges its line by $\\Delta w = \\eta\\,(y - \\hat y)\\,x$. Step through the "
    "updates yourself, then try **XOR**."
)
ANIMATION_CAPTION = (
    "Press ▶ Play or drag the slider to replay the whole run; the shaded side is predicted 1, "
    "red rings are misclassified points, the dotted ring is the sample just shown."
)
NOT_SEPARABLE = (
    "**These points are not linearly separable**: no straight line puts every label 1 on one "
    "side and every label 0 on the other, so the perceptron keeps making mistakes however "
    "long it trains. Choose XOR to see two ways out."
)
XOR_WHY = (
    "A perceptron can only answer *which side of one straight line* a point lies on. XOR "
    "wants (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other: the two classes "
    "sit on crossing diagonals, and no line splits them. Written out, XOR would need"
)
XOR_CONDITIONS = r"b < 0,\quad w_2 + b \ge 0,\quad w_1 + b \ge 0,\quad w_1 + w_2 + b < 0."
XOR_CONTRADICTION = (
    "Adding the middle two gives $w_1 + w_2 + b \\ge -b > 0$, contradicting the last one. So "
    "the data are **not linearly separable**: every epoch ends with at least one mistake, the "
    "errors per epoch never reach zero, and the weights cycle forever. (XNOR is XOR with the "
    "labels swapped — the same argument applies.) Two ways out:"
)
NETWORK_STUCK = (
    "With this seed the network got stuck in a local minimum and misses a point — a real "
    "hazard of tiny networks. Try another seed."
)
WHAT_TO_NOTICE = (
    "- **AND with zero weights and η = 1** makes 2, 3, 3, 2, 1, 0 mistakes and stops at "
    "epoch 6 with $w = (2, 1)$, $b = -3$ — small enough to check by hand.\n"
    "- Starting from **zero weights, η only rescales** $w$ and $b$: every decision, and "
    "the epoch of convergence, is the same for any η. With random initial weights it "
    "matters.\n"
    "- **Convergence theorem:** if some line separates the classes, the rule finds one "
    "in a finite number of updates. If none exists (XOR), it never settles.\n"
    "- Samples are visited in table order, without shuffling, so a run is reproducible."
)
