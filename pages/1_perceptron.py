"""Perceptron playground: a single neuron learns the logic gates, one update at a time.

Storyboard: sidebar settings -> data (a gate or the user's points) -> ``lessons.perceptron``
(stepping API for the current state, ``fit`` for the whole run) -> figures from
``viz.perceptron`` -> for XOR, why it fails and two ways out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import optimizers
from core.mlp import MLP
from core.training import Trainer
from lessons import datasets
from lessons.perceptron import Perceptron, is_linearly_separable
from ui.common import qp_get, qp_sync, show_error
from ui.frame import page_frame, playground
from viz import perceptron as perceptron_viz

page_frame(playground("perceptron"))

GATE_LABELS = {
    "and": "AND",
    "or": "OR",
    "nand": "NAND",
    "nor": "NOR",
    "xor": "XOR",
    "xnor": "XNOR",
    "custom": "Custom points",
}
LEARNING_RATES = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
INITS = {"zeros": "zeros", "random": "random (uniform ±0.5)"}
NON_SEPARABLE_GATES = ("xor", "xnor")
XOR_FEATURES = ["x1", "x2", "x1*x2"]
FIX_EPOCHS = 100
# The 2-2-1 network of fix 2: tanh hidden units, Adam, full-batch epochs.
MLP_HIDDEN, MLP_LR, MLP_EPOCHS = "tanh", 0.1, 300
PRESETS = {
    "two clusters (separable)": [
        (0.5, 1.0, 0),
        (1.0, 2.0, 0),
        (1.5, 0.5, 0),
        (2.0, 1.5, 0),
        (3.0, 3.0, 1),
        (3.5, 2.0, 1),
        (4.0, 3.5, 1),
        (2.5, 3.5, 1),
    ],
    "crossed pairs (not separable)": [
        (1.0, 1.0, 0),
        (1.2, 0.7, 0),
        (3.0, 3.0, 0),
        (2.8, 3.3, 0),
        (1.0, 3.0, 1),
        (0.8, 3.2, 1),
        (3.0, 1.0, 1),
        (3.2, 0.8, 1),
    ],
}
POINT_COLUMNS = ["x1", "x2", "label"]
MAX_POINTS = 200  # every rerun replays the updates so far; this keeps that instant


# ---------------------------------------------------------------------------------------------
# Cached core calls
# ---------------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=128)
def fit_history(X, y, lr, init, seed, epochs):
    """The whole training run (stops at the first error-free epoch)."""
    return Perceptron(X.shape[1], lr=lr, rng=seed, init=init).fit(X, y, epochs=epochs)


@st.cache_data(show_spinner=False, max_entries=128)
def separable(X, y) -> bool:
    return is_linearly_separable(X, y)


@st.cache_data(show_spinner=False, max_entries=32)
def train_xor_mlp(X, y, seed):
    """Config and parameters of the 2-2-1 network after training (rebuilt by the caller)."""
    model = MLP([2, 2, 1], hidden=MLP_HIDDEN, output="sigmoid", init="xavier", rng=seed)
    trainer = Trainer(model, optimizers.make("adam", lr=MLP_LR), X, y, batch_size=len(y), rng=seed)
    trainer.run_epochs(MLP_EPOCHS)
    return model.get_config(), [param.copy() for param in model.params], trainer.history["loss"]


def replay(X, y, lr, init, seed, steps):
    """Present ``steps`` samples through the stepping API.

    Returns the model, the last ``SampleUpdate`` (None before the first step) and the
    pre-activations ``z = Xw + b`` just before that last update.
    """
    model = Perceptron(X.shape[1], lr=lr, rng=seed, init=init)
    for _ in range(steps - 1):
        model.step_sample(X, y)
    if steps == 0:
        return model, None, None
    z_before = model.decision_function(X)
    return model, model.step_sample(X, y), z_before


def points_from_table(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Read the custom-points table; a ValueError says what to fix."""
    if len(table) == 0:
        raise ValueError("The table is empty: add points, at least one with each label 0 and 1.")
    if len(table) > MAX_POINTS:
        raise ValueError(f"The table has {len(table)} rows; use at most {MAX_POINTS} points.")
    numbers = table[POINT_COLUMNS].apply(pd.to_numeric, errors="coerce")
    incomplete = numbers.isna().any(axis=1) | ~np.isfinite(numbers.to_numpy(float)).all(axis=1)
    if incomplete.any():
        rows = ", ".join(str(row) for row in table.index[incomplete][:5])
        raise ValueError(
            f"Row {rows} has an empty or non-numeric cell: every point needs numbers for "
            "x1, x2 and label."
        )
    labels = numbers["label"].to_numpy()
    if not np.isin(labels, (0, 1)).all():
        bad = labels[~np.isin(labels, (0, 1))][0]
        raise ValueError(f"Labels must be 0 or 1, found {bad:g}.")
    if np.unique(labels).size < 2:
        only = int(labels[0])
        raise ValueError(
            f"Every point has label {only}: there is nothing to separate. A perceptron draws a "
            f"line between two classes — add at least one point with label {1 - only}."
        )
    return numbers[["x1", "x2"]].to_numpy(float), labels.astype(np.int64)


def fmt(value: float) -> str:
    return f"{value + 0.0:.4g}"


def vector(values) -> str:
    return "(" + ", ".join(fmt(value) for value in values) + ")"


# ---------------------------------------------------------------------------------------------
# Sidebar
# ---------------------------------------------------------------------------------------------

st.title("Perceptron")
st.markdown(
    "A single neuron with a hard threshold: it sees one sample, compares its guess with the "
    "label, and nudges its line by $\\Delta w = \\eta\\,(y - \\hat y)\\,x$. Step through the "
    "updates yourself, then try **XOR**."
)

with st.sidebar:
    st.header("Perceptron settings")
    gate = st.selectbox(
        "Data",
        list(GATE_LABELS),
        index=list(GATE_LABELS).index(qp_get("gate", "and", choices=GATE_LABELS)),
        format_func=GATE_LABELS.get,
        key="pc_gate",
        help="A two-input logic gate (its four rows), or your own points.",
    )
    lr = st.select_slider(
        "Learning rate η",
        LEARNING_RATES,
        value=qp_get("lr", 1.0, choices=LEARNING_RATES),
        key="pc_lr",
    )
    epochs = st.slider(
        "Epochs (limit)", 1, 100, qp_get("epochs", 20, choices=range(1, 101)), key="pc_epochs"
    )
    init = st.radio(
        "Initial weights",
        list(INITS),
        index=list(INITS).index(qp_get("init", "zeros", choices=INITS)),
        format_func=INITS.get,
        key="pc_init",
        horizontal=True,
    )
    seed = st.number_input(
        "Seed (random initial weights)",
        0,
        9999,
        qp_get("seed", 0, choices=range(10000)),
        key="pc_seed",
        disabled=init == "zeros",
    )
qp_sync({"gate": gate, "lr": lr, "epochs": epochs, "init": init, "seed": int(seed)})

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

if gate == "custom":
    st.subheader("Your points")
    preset = st.selectbox("Start from", list(PRESETS), key="pc_preset")
    table = st.data_editor(
        pd.DataFrame(PRESETS[preset], columns=POINT_COLUMNS),
        num_rows="dynamic",
        key=f"pc_points_{list(PRESETS).index(preset)}",
        column_config={
            "x1": st.column_config.NumberColumn("x1", format="%.2f"),
            "x2": st.column_config.NumberColumn("x2", format="%.2f"),
            "label": st.column_config.NumberColumn("label", min_value=0, max_value=1, step=1),
        },
    )
    st.caption("Edit cells, add rows at the bottom, or select rows and delete them.")
    try:
        X, y = points_from_table(table)
    except ValueError as error:
        show_error(error, "These points cannot be used yet")
        X = y = None
else:
    X, y = datasets.gate(gate)

if X is not None:
    history = fit_history(X, y, lr, init, int(seed), epochs)
    n_samples, total_steps = len(y), len(history.epoch)

    setup = (gate, X.tobytes(), y.tobytes(), lr, init, int(seed))
    progress = st.session_state.get("pc_progress")
    if progress is None or progress["setup"] != setup:
        progress = st.session_state["pc_progress"] = {"setup": setup, "steps": 0}

    # -----------------------------------------------------------------------------------------
    # Step controls
    # -----------------------------------------------------------------------------------------
    buttons = st.columns(4)
    steps = min(progress["steps"], total_steps)
    if buttons[0].button("Step one sample", key="pc_step_sample", width="stretch"):
        steps = min(steps + 1, total_steps)
    if buttons[1].button("Step one epoch", key="pc_step_epoch", width="stretch"):
        steps = min((steps // n_samples + 1) * n_samples, total_steps)
    if buttons[2].button("Run to convergence", key="pc_run", type="primary", width="stretch"):
        steps = total_steps
    if buttons[3].button("Reset", key="pc_reset", width="stretch"):
        steps = 0
    progress["steps"] = steps

    model, update, z_before = replay(X, y, lr, init, int(seed), steps)
    separable_data = separable(X, y)

    if steps == total_steps and history.converged:
        st.success(
            f"Converged at epoch {history.convergence_epoch}: a whole pass over the data "
            "without a single mistake, so the weights can no longer change.",
            icon=":material/check_circle:",
        )
    elif steps == total_steps:
        st.warning(
            f"Stopped at the limit of {epochs} epochs with "
            f"{history.errors_per_epoch[-1]} mistakes in the last epoch."
            + (
                " No straight line separates these points, so more epochs would not help."
                if not separable_data
                else " The points are separable: more epochs (or a larger η) will get there."
            ),
            icon=":material/warning:",
        )
    epoch_now = steps // n_samples + (1 if steps % n_samples else 0)
    st.caption(
        f"Update {steps} of {total_steps} in this run · epoch {max(epoch_now, 1)} · "
        f"next sample #{model.cursor}"
    )

    # -----------------------------------------------------------------------------------------
    # Current state and the update that produced it
    # -----------------------------------------------------------------------------------------
    metric_columns = st.columns(4)
    names = [f"w{i + 1}" for i in range(len(model.weights))] + ["b"]
    values = [*model.weights, model.bias]
    changes = [None] * len(values) if update is None else [*update.delta_w, update.delta_b]
    for column, name, value, change in zip(metric_columns, names, values, changes, strict=False):
        column.metric(name, fmt(value), delta=None if not change else fmt(change))
    wrong_now = int(np.count_nonzero(model.predict(X) != y))
    metric_columns[3].metric("misclassified now", f"{wrong_now} of {n_samples}")
    if update is None:
        st.markdown(
            f"**Start:** $w = {vector(model.weights)}$, $b = {fmt(model.bias)}$. "
            "Press *Step one sample* to present sample #0."
        )
    else:
        i = update.sample_index
        st.markdown(
            f"**Update {steps}** (epoch {update.epoch}, sample #{i}): "
            f"$x = {vector(X[i])}$, label $y = {y[i]}$, "
            f"$z = w\\cdot x + b = {fmt(z_before[i])}$ so $\\hat y = {update.prediction}$ "
            + (
                "— **correct, nothing changes**."
                if update.error == 0
                else f"— **wrong**, error $y - \\hat y = {update.error}$."
            )
        )
        st.latex(
            rf"\Delta w = \eta\,(y - \hat y)\,x = {fmt(lr)} \times ({update.error}) \times "
            rf"{vector(X[i])} = {vector(update.delta_w)}, \qquad "
            rf"\Delta b = \eta\,(y - \hat y) = {fmt(update.delta_b)}"
        )

    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(
            perceptron_viz.boundary_animation(X, y, history, current_step=steps),
            key="pc_animation",
            width="stretch",
        )
        st.caption(
            "Press ▶ Play or drag the slider to replay the whole run; the shaded side is "
            "predicted 1, red rings are misclassified points, the dotted ring is the sample "
            "just shown."
        )
    with right:
        st.markdown("**Truth table with the current predictions**")
        z_now = model.decision_function(X)
        predictions = model.predict(X)
        st.dataframe(
            pd.DataFrame(
                {
                    "x1": X[:, 0],
                    "x2": X[:, 1],
                    "y": y,
                    "z = w·x+b": np.round(z_now, 4),
                    "ŷ": predictions,
                    "right?": np.where(predictions == y, "✓", "✗"),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.plotly_chart(
            perceptron_viz.errors_per_epoch_figure(history, steps),
            key="pc_errors",
            width="stretch",
        )
    st.plotly_chart(
        perceptron_viz.trajectories_figure(history, steps),
        key="pc_trajectories",
        width="stretch",
    )

    # -----------------------------------------------------------------------------------------
    # Linear separability and the XOR fixes
    # -----------------------------------------------------------------------------------------
    if gate in NON_SEPARABLE_GATES:
        st.subheader(f"Why {GATE_LABELS[gate]} defeats a single perceptron")
        st.markdown(
            "A perceptron can only answer *which side of one straight line* a point lies on. "
            "XOR wants (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other: the "
            "two classes sit on crossing diagonals, and no line splits them. Written out, "
            "XOR would need"
        )
        st.latex(r"b < 0,\quad w_2 + b \ge 0,\quad w_1 + b \ge 0,\quad w_1 + w_2 + b < 0.")
        st.markdown(
            "Adding the middle two gives $w_1 + w_2 + b \\ge -b > 0$, contradicting the last "
            "one. So the data are **not linearly separable**: every epoch ends with at least "
            "one mistake, the errors per epoch never reach zero, and the weights cycle "
            "forever. (XNOR is XOR with the labels swapped — the same argument applies.) "
            "Two ways out:"
        )
        fix_features, fix_network = st.columns(2)
        with fix_features:
            lifted = datasets.features(X, XOR_FEATURES)
            lifted_history = fit_history(lifted, y, lr, init, int(seed), FIX_EPOCHS)
            st.plotly_chart(
                perceptron_viz.feature_fix_figure(
                    X,
                    y,
                    lifted_history.epoch_weights[-1],
                    float(lifted_history.epoch_bias[-1]),
                    XOR_FEATURES,
                ),
                key="pc_fix_features",
                width="stretch",
            )
            st.plotly_chart(
                perceptron_viz.errors_per_epoch_figure(lifted_history, len(lifted_history.epoch)),
                key="pc_fix_errors",
                width="stretch",
            )
            if lifted_history.converged:
                st.markdown(
                    "**Add the feature $x_1 x_2$.** In the space $(x_1, x_2, x_1x_2)$ the "
                    "point (1, 1) is lifted off the plane, a flat plane now separates the "
                    f"classes, and the same perceptron rule converges at epoch "
                    f"**{lifted_history.convergence_epoch}** (errors per epoch: "
                    f"{', '.join(str(e) for e in lifted_history.errors_per_epoch)}). "
                    "Back in the $(x_1, x_2)$ plane the boundary is curved. The rule stops at "
                    "the first error-free epoch, so the curve may pass right through a point "
                    "($z = 0$ counts as class 1)."
                )
            else:
                st.warning(f"With x1·x2 the perceptron did not finish in {FIX_EPOCHS} epochs.")
        with fix_network:
            mlp_seed = st.session_state.get(
                "pc_mlp_seed", qp_get("mlp_seed", 0, choices=range(1000))
            )
            config, params, losses = train_xor_mlp(X, y, int(mlp_seed))
            network = MLP.from_config(config)
            network.set_params(params)
            solved = bool(np.all(network.predict(X) == y))
            st.plotly_chart(
                perceptron_viz.mlp_fix_figure(X, y, network),
                key="pc_fix_mlp",
                width="stretch",
            )
            outputs = ", ".join(f"{p:.2f}" for p in network.predict_proba(X))
            st.markdown(
                "**Add a hidden layer.** A 2-2-1 network (tanh hidden units, sigmoid output, "
                f"Adam η = {MLP_LR}, {MLP_EPOCHS} full-batch epochs). Each hidden unit draws "
                "its own line (dashed); the output unit combines the two half-planes into "
                f"the band between them. Outputs for 00, 01, 10, 11: {outputs}; final loss "
                f"{losses[-1]:.4f}."
            )
            st.number_input(
                "Network seed (initial weights)",
                0,
                999,
                int(mlp_seed),
                key="pc_mlp_seed",
                help="Seed 1 gets stuck in a local minimum: tiny networks can fail to learn XOR.",
            )
            qp_sync({"mlp_seed": int(mlp_seed)})
            if not solved:
                st.warning(
                    "With this seed the network got stuck in a local minimum and misses a "
                    "point — a real hazard of tiny networks. Try another seed.",
                    icon=":material/warning:",
                )
    else:
        qp_sync({"mlp_seed": None})
    if gate not in NON_SEPARABLE_GATES and not separable_data:
        st.info(
            "**These points are not linearly separable**: no straight line puts every "
            "label 1 on one side and every label 0 on the other, so the perceptron keeps "
            "making mistakes however long it trains. Choose XOR to see two ways out.",
            icon=":material/info:",
        )

# ---------------------------------------------------------------------------------------------
# What to notice
# ---------------------------------------------------------------------------------------------

with st.expander("What to notice", expanded=True, icon=":material/lightbulb:"):
    st.markdown("The perceptron predicts with a hard threshold (with $\\operatorname{step}(0)=1$):")
    st.latex(r"\hat y = \operatorname{step}(w \cdot x + b) = [\,w \cdot x + b \ge 0\,]")
    st.markdown("and after each sample moves its weights only when it was wrong:")
    st.latex(r"w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y)")
    st.markdown(
        "- **AND with zero weights and η = 1** makes 2, 3, 3, 2, 1, 0 mistakes and stops at "
        "epoch 6 with $w = (2, 1)$, $b = -3$ — small enough to check by hand.\n"
        "- Starting from **zero weights, η only rescales** $w$ and $b$: every decision, and "
        "the epoch of convergence, is the same for any η. With random initial weights it "
        "matters.\n"
        "- **Convergence theorem:** if some line separates the classes, the rule finds one "
        "in a finite number of updates. If none exists (XOR), it never settles.\n"
        "- Samples are visited in table order, without shuffling, so a run is reproducible."
    )
