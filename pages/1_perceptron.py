"""Perceptron playground: a single neuron learns the logic gates, one update at a time.

Storyboard: sidebar settings (all in the URL, :data:`SCHEMA`) -> data (a gate or the
learner's points, ``lessons.perceptron.points``) -> the run and the update reached
(``lessons.perceptron.lab``) -> figures from ``viz.perceptron`` and words from
``lessons.perceptron.explain`` -> for XOR, why it fails and two ways out.
"""

from __future__ import annotations

import zlib

import streamlit as st

from lessons import datasets
from lessons.perceptron import explain, is_linearly_separable, lab, points
from ui import urlstate as url
from ui.common import show_error
from ui.frame import page_frame, playground
from viz import perceptron as perceptron_viz

SCHEMA = url.UrlSchema(
    "pc",
    (
        url.choice("gate", "and", list(lab.GATE_LABELS)),
        url.choice("lr", 1.0, lab.LEARNING_RATES),
        url.integer("epochs", 20, low=1, high=lab.MAX_EPOCHS),
        url.choice("init", "zeros", list(lab.INIT_LABELS)),
        url.integer("seed", 0, low=0, high=lab.MAX_SEED),
        url.choice("preset", "clusters", list(points.PRESETS)),
        url.Field("points", "", points.read_points_text),
        url.integer("step", 0, low=0, high=lab.MAX_STEPS),
        url.integer("mlp_seed", 0, low=0, high=lab.MAX_NETWORK_SEED),
    ),
)
KEY = SCHEMA.widget_key
POINTS_BASE = "pc.points_base"  # the points the table editor started from
STEP_BUTTONS = (
    ("sample", "Step one sample", "secondary"),
    ("epoch", "Step one epoch", "secondary"),
    ("run", "Run to convergence", "primary"),
    ("reset", "Reset", "secondary"),
)

page_frame(playground("perceptron"))
if KEY("gate") not in st.session_state:  # a fresh visit: the URL decides every setting
    for key in (KEY("step"), KEY("points"), POINTS_BASE, "pc.setup"):
        st.session_state.pop(key, None)
url.bind(SCHEMA)


# Cached calls: computations by value, figures shared (a Figure copied out of st.cache_data
# would be validated again by Plotly, which costs more than drawing it).
@st.cache_data(show_spinner=False, max_entries=128)
def fit_history(X, y, lr, init, seed, epochs):
    return lab.fit_history(X, y, lr, init, seed, epochs)


@st.cache_data(show_spinner=False, max_entries=128)
def separable(X, y) -> bool:
    return is_linearly_separable(X, y)


@st.cache_data(show_spinner=False, max_entries=32)
def xor_network(X, y, seed):
    return lab.train_xor_network(X, y, seed)


@st.cache_resource(show_spinner=False, max_entries=16)
def animation(X, y, lr, init, seed, epochs, steps):
    history = fit_history(X, y, lr, init, seed, epochs)
    return perceptron_viz.boundary_animation(X, y, history, current_step=steps)


@st.cache_resource(show_spinner=False, max_entries=16)
def fix_figures(X, y, lr, init, seed, mlp_seed):
    lifted = lab.lifted_history(X, y, lr, init, seed)
    weights, bias = lifted.epoch_weights[-1], float(lifted.epoch_bias[-1])
    network, _ = xor_network(X, y, mlp_seed)
    return (
        perceptron_viz.feature_fix_figure(X, y, weights, bias, lab.XOR_FEATURES),
        perceptron_viz.errors_per_epoch_figure(lifted, len(lifted.epoch)),
        perceptron_viz.mlp_fix_figure(X, y, network),
        lifted,
    )


def custom_points():
    """The learner's table of points -> ``(X, y)``, or ``(None, None)`` with a message."""
    st.subheader("Your points")
    st.selectbox(
        "Start from",
        list(points.PRESETS),
        format_func=lambda preset: points.PRESETS[preset].label,
        key=KEY("preset"),
        on_change=lambda: st.session_state.update({KEY("points"): "", POINTS_BASE: ""}),
    )
    preset = st.session_state[KEY("preset")]
    base = st.session_state.setdefault(POINTS_BASE, st.session_state[KEY("points")])
    table = st.data_editor(
        points.table_from_points(*points.chosen_points(base, preset)),
        num_rows="dynamic",
        key=f"pc.editor.{preset}.{zlib.crc32(base.encode())}",
        column_config={
            "x1": st.column_config.NumberColumn("x1", format="%.2f"),
            "x2": st.column_config.NumberColumn("x2", format="%.2f"),
            "label": st.column_config.NumberColumn("label", min_value=0, max_value=1, step=1),
        },
    )
    st.caption("Edit cells, add rows at the bottom, or select rows and delete them.")
    try:
        X, y = points.points_from_table(table)
    except ValueError as error:
        show_error(error, "These points cannot be used yet")
        return None, None
    st.session_state[KEY("points")] = points.points_text(X, y, preset)
    return X, y


def step_position(setup, total: int, n_samples: int) -> int:
    """The update reached: from the URL, reset when the run changes, moved by the buttons."""
    if st.session_state.get("pc.setup", setup) != setup:
        st.session_state[KEY("step")] = 0
    st.session_state["pc.setup"] = setup
    steps = min(st.session_state[KEY("step")], total)
    for column, (action, label, kind) in zip(st.columns(4), STEP_BUTTONS, strict=True):
        if column.button(label, key=f"pc.button_{action}", type=kind, width="stretch"):
            steps = lab.advance(action, steps, total, n_samples)
    st.session_state[KEY("step")] = steps
    return steps


def show_state(view, X, y, lr, steps) -> None:
    """Weights as metrics, and the last update written out."""
    metric_columns = st.columns(4)
    for column, (name, value, change) in zip(metric_columns, explain.parameter_metrics(view)):
        column.metric(name, value, delta=change)
    wrong_now = int((view.model.predict(X) != y).sum())
    metric_columns[3].metric("misclassified now", f"{wrong_now} of {len(y)}")
    st.markdown(explain.update_markdown(view, X, y, steps))
    formula = explain.update_latex(view, X, lr)
    if formula:
        st.latex(formula)


def show_xor_fixes(gate, X, y, lr, init, seed) -> None:
    st.subheader(f"Why {lab.GATE_LABELS[gate]} defeats a single perceptron")
    st.markdown(explain.XOR_WHY)
    st.latex(explain.XOR_CONDITIONS)
    st.markdown(explain.XOR_CONTRADICTION)
    mlp_seed = st.session_state[KEY("mlp_seed")]
    features_figure, errors_figure, network_figure, lifted = fix_figures(
        X, y, lr, init, seed, mlp_seed
    )
    fix_features, fix_network = st.columns(2)
    with fix_features:
        st.plotly_chart(features_figure, key="pc_fix_features", width="stretch")
        st.plotly_chart(errors_figure, key="pc_fix_errors", width="stretch")
        text = explain.feature_fix_markdown(lifted)
        if text:
            st.markdown(text)
        else:
            st.warning(explain.FEATURE_FIX_TIMEOUT)
    with fix_network:
        network, losses = xor_network(X, y, mlp_seed)
        st.plotly_chart(network_figure, key="pc_fix_mlp", width="stretch")
        st.markdown(explain.network_fix_markdown(network, X, losses))
        st.number_input(
            "Network seed (initial weights)",
            0,
            lab.MAX_NETWORK_SEED,
            key=KEY("mlp_seed"),
            help="Seed 1 gets stuck in a local minimum: tiny networks can fail to learn XOR.",
        )
        if not (network.predict(X) == y).all():
            st.warning(explain.NETWORK_STUCK, icon=":material/warning:")


def show_run(gate, X, y, lr, epochs, init, seed) -> None:
    history = fit_history(X, y, lr, init, seed, epochs)
    n_samples, total = len(y), len(history.epoch)
    steps = step_position((gate, X.tobytes(), y.tobytes(), lr, init, seed), total, n_samples)
    view = lab.view_at(X, history, lr, init, seed, steps)
    separable_data = separable(X, y)
    outcome = explain.verdict(history, steps, epochs, separable_data)
    if outcome is not None:
        kind, message = outcome
        show = st.success if kind == "success" else st.warning
        show(message, icon=":material/check_circle:" if kind == "success" else ":material/warning:")
    st.caption(explain.position_caption(steps, total, n_samples, view.model.cursor))
    show_state(view, X, y, lr, steps)

    left, right = st.columns([3, 2])
    with left:
        figure = animation(X, y, lr, init, seed, epochs, steps)
        st.plotly_chart(figure, key="pc_animation", width="stretch")
        st.caption(explain.ANIMATION_CAPTION)
    with right:
        st.markdown("**Truth table with the current predictions**")
        st.dataframe(explain.truth_table(view.model, X, y), hide_index=True, width="stretch")
        errors = perceptron_viz.errors_per_epoch_figure(history, steps)
        st.plotly_chart(errors, key="pc_errors", width="stretch")
    trajectories = perceptron_viz.trajectories_figure(history, steps)
    st.plotly_chart(trajectories, key="pc_trajectories", width="stretch")

    if gate in lab.NON_SEPARABLE_GATES:
        show_xor_fixes(gate, X, y, lr, init, seed)
    elif not separable_data:
        st.info(explain.NOT_SEPARABLE, icon=":material/info:")


st.title("Perceptron")
st.markdown(explain.INTRODUCTION)

with st.sidebar:
    st.header("Perceptron settings")
    gate = st.selectbox(
        "Data",
        list(lab.GATE_LABELS),
        format_func=lab.GATE_LABELS.get,
        key=KEY("gate"),
        help="A two-input logic gate (its four rows), or your own points.",
    )
    lr = st.select_slider("Learning rate η", lab.LEARNING_RATES, key=KEY("lr"))
    epochs = st.slider("Epochs (limit)", 1, lab.MAX_EPOCHS, key=KEY("epochs"))
    init = st.radio(
        "Initial weights",
        list(lab.INIT_LABELS),
        format_func=lab.INIT_LABELS.get,
        key=KEY("init"),
        horizontal=True,
    )
    seed = st.number_input(
        "Seed (random initial weights)", 0, lab.MAX_SEED, key=KEY("seed"), disabled=init == "zeros"
    )

if gate == "custom":
    X, y = custom_points()
else:
    st.session_state[POINTS_BASE] = st.session_state[KEY("points")]
    X, y = datasets.gate(gate)
if X is not None:
    show_run(gate, X, y, lr, epochs, init, int(seed))
url.sync(SCHEMA)

with st.expander("What to notice", expanded=True, icon=":material/lightbulb:"):
    st.markdown("The perceptron predicts with a hard threshold (with $\\operatorname{step}(0)=1$):")
    st.latex(r"\hat y = \operatorname{step}(w \cdot x + b) = [\,w \cdot x + b \ge 0\,]")
    st.markdown("and after each sample moves its weights only when it was wrong:")
    st.latex(r"w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y)")
    st.markdown(explain.WHAT_TO_NOTICE)
