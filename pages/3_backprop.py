"""Backprop trainer: build a network, press Play, and watch it learn, neuron by neuron.

Storyboard: sidebar settings (data, features, network, training, stop rule) -> the
session's ``LiveTrainer`` (``lessons.live.session``) -> a live fragment that trains a few
epochs per frame and redraws the network, the decision map and the loss -> slower
details (accuracy, gradient norms, confusion) -> one backward pass taken apart ->
export and share -> what to notice.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from core import activations, gradcheck, losses, serialization
from core.initializers import INITIALIZERS
from lessons import datasets
from lessons.live import grids
from lessons.live import session as ts
from ui import live_chart, live_session
from ui.common import parse_int_list, qp_clamped, qp_get, qp_sync, show_error
from ui.frame import page_frame, playground
from ui.pickers import OPTIMIZER_LABELS, optimizer_controls, schedule_controls
from viz import training as training_viz
from viz.network import network_figure, step_labels

page_frame(playground("backprop"))

# Bare strings in a page script are shown by Streamlit's "magic", so notes here are comments.
FRAME_SECONDS = 0.1  # pause between live frames (the browser's redraw time comes on top)
DETAIL_SECONDS = 2.0  # refresh period of accuracy, gradient norms and confusion while playing
AUTO_EPOCHS_PER_SECOND = 30.0  # training pace when "epochs per frame" is auto
EPOCH_CHOICES = ("auto", 1, 2, 5, 10, 20, 50)
MAX_NEURONS = 16
MAX_HIDDEN_LAYERS = 6

DATASET_LABELS = {
    "circle": "Circle",
    "xor": "Exclusive or (XOR)",
    "gauss": "Two Gaussians",
    "spiral": "Spiral",
    "blobs3": "Several blobs (multi-class)",
    "plane": "Plane",
    "multi_gauss": "Multiple Gaussians",
    ts.CUSTOM: "Your own points",
}
FEATURE_NAMES = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}
INIT_LABELS = {
    "xavier": "Xavier (Glorot) uniform",
    "xavier_normal": "Xavier (Glorot) normal",
    "he": "He (Kaiming) normal",
    "he_uniform": "He (Kaiming) uniform",
    "random": "Random small, N(0, 0.01²)",
    "zeros": "Zeros (watch symmetry)",
}
REGULARISATION_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
EXAMPLE_POINTS = pd.DataFrame(
    {
        "x1": [-3.0, -2.5, -3.5, -2.0, 3.0, 2.5, 3.5, 2.0, -3.0, 3.0, -2.0, 2.5],
        "x2": [3.0, 2.0, 3.5, 2.5, -3.0, -2.0, -3.5, -2.5, -3.0, 3.0, -2.5, 2.0],
        "label": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
    }
)

st.title("Backprop Trainer")
st.caption(
    "Pick a dataset, shape a network, press **Play**: every neuron's picture, every weight "
    "and the loss update live while backpropagation trains it."
)


# ---------------------------------------------------------------------------------------------
# Sidebar: data
# ---------------------------------------------------------------------------------------------


def _bump_seed():
    st.session_state["bp_seed"] = int(st.session_state.get("bp_seed", 0)) + 1


def custom_points_table() -> tuple | None:
    """Points typed into a table or uploaded as a CSV of x1, x2, label."""
    st.caption("Edit the table, or upload a CSV with columns **x1, x2, label**.")
    upload = st.file_uploader("CSV of points", type=["csv"], key="bp_custom_csv")
    if upload is not None:
        try:
            table = pd.read_csv(upload)
        except (ValueError, UnicodeDecodeError) as error:
            show_error(error, "Could not read the CSV")
            return None
    else:
        table = st.data_editor(
            EXAMPLE_POINTS, num_rows="dynamic", key="bp_custom_editor", hide_index=True
        )
    missing = [column for column in ("x1", "x2", "label") if column not in table.columns]
    if missing:
        st.error(f"The points need the columns x1, x2 and label; missing: {', '.join(missing)}.")
        return None
    return tuple(map(tuple, table[["x1", "x2", "label"]].itertuples(index=False)))


def data_controls():
    st.header("Data")
    problem = st.radio(
        "Problem type",
        list(ts.PROBLEM_DATASETS),
        index=list(ts.PROBLEM_DATASETS).index(
            qp_get("problem", "classification", choices=ts.PROBLEM_DATASETS)
        ),
        horizontal=True,
        format_func=str.capitalize,
        key="bp_problem",
    )
    names = ts.PROBLEM_DATASETS[problem]
    dataset = st.selectbox(
        "Dataset",
        names,
        index=names.index(qp_get("data", names[0], choices=names)),
        format_func=DATASET_LABELS.get,
        key="bp_dataset",
    )
    n_classes = None
    if dataset == "blobs3":
        n_classes = st.slider("Classes", 3, 7, qp_clamped("classes", 3, 3, 7), key="bp_classes")
    custom = custom_points_table() if dataset == ts.CUSTOM else None
    noise = st.slider(
        "Noise %",
        0,
        50,
        qp_clamped("noise", 0, 0, 50),
        5,
        key="bp_noise",
        disabled=dataset == ts.CUSTOM,
    )
    ratio = st.slider(
        "Training data %", 10, 90, qp_clamped("ratio", 50, 10, 90), 10, key="bp_ratio"
    )
    batch = st.slider("Batch size", 1, 30, qp_clamped("batch", 10, 1, 30), key="bp_batch")
    seed_column, button_column = st.columns([1, 1], vertical_alignment="bottom")
    # The Regenerate button writes this widget's state, so its first value comes from
    # session state too (a value argument as well would make Streamlit warn).
    st.session_state.setdefault("bp_seed", qp_clamped("seed", 0, 0, 1_000_000))
    seed = seed_column.number_input("Data seed", 0, 1_000_000, key="bp_seed")
    button_column.button(
        "Regenerate", icon=":material/casino:", on_click=_bump_seed, key="bp_regenerate"
    )
    show_test = st.checkbox("Show test data", qp_get("test", False), key="bp_show_test")
    discretize = st.checkbox("Discretize output", qp_get("disc", False), key="bp_discretize")
    spec = dict(
        problem=problem,
        dataset=dataset,
        noise=noise / 100.0,
        train_ratio=ratio / 100.0,
        seed=int(seed),
        n_classes=n_classes,
        custom=custom,
    )
    return spec, batch, show_test, discretize


# ---------------------------------------------------------------------------------------------
# Sidebar: features and network
# ---------------------------------------------------------------------------------------------


def feature_controls() -> list[str]:
    st.header("Features")
    chosen_in_url = qp_get("feat", ["x1", "x2"], cast=lambda text: text.split(","))
    columns = st.columns(2)
    chosen = []
    for position, name in enumerate(datasets.FEATURES):
        box = columns[position % 2].checkbox(
            FEATURE_NAMES[name], name in chosen_in_url, key=f"bp_feature_{name}"
        )
        if box:
            chosen.append(name)
    return chosen


def network_controls():
    st.header("Network")
    url_layers = qp_get("layers", [4, 2], cast=parse_int_list)
    n_layers = st.slider(
        "Hidden layers", 0, MAX_HIDDEN_LAYERS, min(len(url_layers), 6), key="bp_n_layers"
    )
    names = list(activations.ACTIVATIONS)
    activation = st.selectbox(
        "Activation",
        names,
        index=names.index(qp_get("act", "tanh", choices=names)),
        key="bp_activation",
    )
    url_acts = qp_get("acts", [], cast=lambda text: [a for a in text.split(",") if a in names])
    per_layer = st.toggle(
        "Activation per layer", bool(url_acts), key="bp_per_layer", disabled=n_layers == 0
    )
    hidden, hidden_acts = [], []
    for layer in range(n_layers):
        default = url_layers[layer] if layer < len(url_layers) else 4
        default = min(max(int(default), 1), MAX_NEURONS)
        if per_layer:
            left, right = st.columns([1, 1])
            width = left.number_input(
                f"Layer {layer + 1} neurons", 1, MAX_NEURONS, default, key=f"bp_neurons_{layer}"
            )
            chosen = url_acts[layer] if layer < len(url_acts) else activation
            act = right.selectbox(
                f"Layer {layer + 1} activation",
                names,
                index=names.index(chosen),
                key=f"bp_act_{layer}",
            )
        else:
            width = st.number_input(
                f"Layer {layer + 1} neurons", 1, MAX_NEURONS, default, key=f"bp_neurons_{layer}"
            )
            act = activation
        hidden.append(int(width))
        hidden_acts.append(act)
    inits = list(INIT_LABELS)
    init = st.selectbox(
        "Initialisation",
        inits,
        index=inits.index(qp_get("init", "xavier", choices=INITIALIZERS)),
        format_func=INIT_LABELS.get,
        key="bp_init",
    )
    return hidden, hidden_acts, activation, per_layer, init


# ---------------------------------------------------------------------------------------------
# Sidebar: training, stop rule, speed
# ---------------------------------------------------------------------------------------------


def training_controls(horizon: int):
    st.header("Training")
    name, lr, hyper = optimizer_controls(
        "bp_opt",
        default=qp_get("opt", "sgd", choices=OPTIMIZER_LABELS),
        lr_default=qp_get("lr", 0.03),
        container=st,
    )
    schedule_name, schedule_kwargs = schedule_controls("bp_sched", horizon, container=st)
    kinds = ["none", "L1", "L2"]
    regularisation = st.radio(
        "Regularisation",
        kinds,
        index=kinds.index(qp_get("reg", "none", choices=kinds)),
        horizontal=True,
        key="bp_reg",
    )
    rate = 0.0
    if regularisation != "none":
        rate = st.select_slider(
            "Regularisation rate λ",
            REGULARISATION_RATES,
            value=qp_get("reg_rate", 0.001, choices=REGULARISATION_RATES),
            format_func=lambda value: f"{value:g}",
            key="bp_reg_rate",
        )
    dropout = st.slider(
        "Dropout (hidden layers)",
        0.0,
        0.5,
        qp_clamped("dropout", 0.0, 0.0, 0.5),
        0.05,
        key="bp_dropout",
    )
    clip = st.checkbox("Clip gradient norm", qp_get("clip", 0.0) > 0, key="bp_clip")
    clip_norm = None
    if clip:
        clip_norm = st.number_input(
            "Largest ‖g‖", 0.01, 100.0, qp_clamped("clip", 1.0, 0.01, 100.0), key="bp_clip_norm"
        )
    knobs = ts.Knobs(
        lr=lr,
        batch_size=1,  # filled in by the caller from the data section
        l1=rate if regularisation == "L1" else 0.0,
        l2=rate if regularisation == "L2" else 0.0,
        dropout=dropout,
        clip_norm=clip_norm,
        schedule=None
        if schedule_name == "constant"
        else (schedule_name, tuple(sorted(schedule_kwargs.items()))),
    )
    settings = {
        "opt": name,
        "lr": lr,
        "reg": regularisation,
        "reg_rate": rate if rate else None,
        "dropout": dropout if dropout else None,
        "clip": clip_norm,
    }
    return ts.OptimizerSpec.of(name, hyper), knobs, settings


def _epochs_choice(text: str):
    return text if text == "auto" else int(text)


def stop_controls():
    st.header("Stop and speed")
    max_epochs = st.number_input(
        "Stop after epochs (0 = never)",
        0,
        100_000,
        qp_clamped("maxep", 0, 0, 100_000),
        50,
        key="bp_max_epochs",
    )
    target_loss = st.number_input(
        "Stop at test loss (0 = off)",
        0.0,
        10.0,
        qp_clamped("tloss", 0.0, 0.0, 10.0),
        0.01,
        format="%.3f",
        key="bp_target_loss",
    )
    target_accuracy = st.slider(
        "Stop at test accuracy % (0 = off)",
        0,
        100,
        qp_clamped("tacc", 0, 0, 100),
        key="bp_target_accuracy",
    )
    epochs_per_frame = st.selectbox(
        "Epochs per frame",
        EPOCH_CHOICES,
        index=EPOCH_CHOICES.index(
            qp_get("epf", "auto", cast=_epochs_choice, choices=EPOCH_CHOICES)
        ),
        key="bp_epochs_per_frame",
        help=f"auto trains about {AUTO_EPOCHS_PER_SECOND:.0f} epochs per second whatever the "
        "screen's refresh rate; a small number shows every change.",
    )
    rule = grids.StopRule(
        max_epochs=int(max_epochs) or None,
        target_loss=float(target_loss) or None,
        target_accuracy=target_accuracy / 100.0 or None,
    )
    settings = {
        "maxep": int(max_epochs) or None,
        "tloss": float(target_loss) or None,
        "tacc": int(target_accuracy) or None,
        "epf": epochs_per_frame,
    }
    return rule, epochs_per_frame, settings


with st.sidebar:
    data_settings, batch_size, show_test, discretize = data_controls()
    feature_names = feature_controls()
    hidden, hidden_acts, activation, per_layer, init = network_controls()
    optimizer_spec, knobs, training_settings = training_controls(
        horizon=int(st.session_state.get("bp_max_epochs", qp_clamped("maxep", 0, 0, 100_000)))
        or 300
    )
    stop_rule, epochs_per_frame, stop_settings = stop_controls()

knobs = ts.Knobs(**{**knobs.__dict__, "batch_size": int(batch_size)})
qp_sync(
    {
        "problem": data_settings["problem"],
        "data": data_settings["dataset"],
        "classes": data_settings["n_classes"],
        "noise": int(round(data_settings["noise"] * 100)),
        "ratio": int(round(data_settings["train_ratio"] * 100)),
        "seed": data_settings["seed"],
        "batch": int(batch_size),
        "test": show_test or None,
        "disc": discretize or None,
        "feat": ",".join(feature_names) or None,
        "layers": ",".join(map(str, hidden)) if hidden else "",
        "act": activation,
        "acts": ",".join(hidden_acts) if per_layer and hidden else None,
        "init": init,
        **training_settings,
        **stop_settings,
    }
)

# ---------------------------------------------------------------------------------------------
# The session's model
# ---------------------------------------------------------------------------------------------

try:
    live, _ = live_session.live_trainer(
        ts.DataSpec(**data_settings),
        ts.NetSpec(tuple(feature_names), tuple(hidden), tuple(hidden_acts), init),
        optimizer_spec,
        knobs,
    )
except ValueError as error:
    show_error(error, "These settings cannot be used")
    st.stop()

pending = st.session_state.pop("bp_pending", None)
if pending == "reset":
    live.reset()
elif pending == "step":
    live.train(1)
playing = bool(st.session_state.get("bp_playing", False)) and not live.diverged
st.session_state["bp_playing"] = playing


def _set_playing(value: bool):
    # Sets (rather than toggles) the state: a click that reaches the server twice while
    # live frames are queued must not pause and resume again.
    st.session_state["bp_playing"] = value
    st.session_state.pop("bp_stop_note", None)
    st.session_state.pop("bp_last_frame", None)


def _request(action: str):
    st.session_state["bp_pending"] = action
    st.session_state["bp_playing"] = False
    st.session_state.pop("bp_stop_note", None)


live_chart.load_plotly()
# Streamlit fades every element of a fragment while it reruns; live charts redraw several
# times a second, so the fade would flicker. Keep the live containers fully opaque.
st.html(
    "<style>.st-key-bp_live [data-stale='true'], .st-key-bp_details [data-stale='true'] "
    "{opacity: 1 !important; transition: none !important;}</style>"
)
play_column, step_column, reset_column, note_column = st.columns(
    [1, 1, 1, 4], vertical_alignment="center"
)
play_column.button(
    "Pause" if playing else "Play",
    icon=":material/pause:" if playing else ":material/play_arrow:",
    type="primary",
    on_click=_set_playing,
    args=(not playing,),
    key="bp_play",
    disabled=live.diverged,
    width="stretch",
)
step_column.button(
    "Step",
    icon=":material/skip_next:",
    on_click=_request,
    args=("step",),
    key="bp_step",
    help="Train exactly one epoch.",
    width="stretch",
)
reset_column.button(
    "Reset",
    icon=":material/restart_alt:",
    on_click=_request,
    args=("reset",),
    key="bp_reset",
    help="Fresh weights (same seed), epoch 0.",
    width="stretch",
)
arrows = " → ".join(map(str, live.model.sizes))
note_column.caption(
    f"Network {arrows} · {OPTIMIZER_LABELS[optimizer_spec.name]}, η = {knobs.lr:g} · "
    f"{live.data.y_train.shape[0]} training and {live.data.y_test.shape[0]} test points"
)


# ---------------------------------------------------------------------------------------------
# Live part: trains and redraws on every frame while playing
# ---------------------------------------------------------------------------------------------


def column_titles(model) -> list[str]:
    titles = [f"Input<br>{model.sizes[0]} feature{'s' * (model.sizes[0] > 1)}"]
    for layer, (width, act) in enumerate(zip(model.sizes[1:-1], model.hidden), start=1):
        titles.append(f"Hidden {layer}<br>{width} · {act}")
    titles.append(f"Output<br>{model.output}")
    return titles


def _fmt(value: float | None, spec: str = ".4f") -> str:
    return "—" if value is None else format(value, spec)


def _epochs_this_frame() -> int:
    if epochs_per_frame != "auto":
        return int(epochs_per_frame)
    now = time.monotonic()
    last = st.session_state.get("bp_last_frame")
    st.session_state["bp_last_frame"] = now
    return grids.epochs_for_frame(None if last is None else now - last, AUTO_EPOCHS_PER_SECOND)


def live_panel():
    with st.container(key="bp_live"):
        _live_panel_body()


def _live_panel_body():
    live = live_session.current_trainer()
    is_playing = st.session_state.get("bp_playing", False)
    stop_note = None
    if is_playing:
        stop_note = live.stop_reason(stop_rule) or live.train(_epochs_this_frame(), stop_rule)
    history = live.history

    epoch_column, train_column, test_column, accuracy_column = st.columns(4)
    epoch_column.metric("Epoch", f"{live.epoch:,}")
    train_column.metric("Training loss", _fmt(history["loss"][-1] if history["loss"] else None))
    test_column.metric("Test loss", _fmt(history["val_loss"][-1] if history["val_loss"] else None))
    accuracy = history["val_accuracy"][-1] if history["val_accuracy"] else None
    accuracy_column.metric("Test accuracy", _fmt(accuracy, ".1%"))

    if live.diverged:
        where = live.trainer.diverged_at
        st.error(
            f"**Training diverged at epoch {where['epoch']}, step {where['step']}:** "
            f"{where['reason']}. The pictures show the last finite weights. Lower the "
            "learning rate (or clip the gradient) and press **Reset**.",
            icon=":material/warning:",
        )
    note = st.session_state.get("bp_stop_note")
    if note:
        st.info(f"Stopped: {note}.", icon=":material/flag:")

    frame = live.frame(discretize)
    model, data = live.model, live.data
    revision = f"{live.data_spec}-{live.net_spec}"
    network_column, output_column = st.columns([3, 2])
    with network_column:
        live_chart.live_chart(
            network_figure(
                frame.layout,
                frame.weights,
                frame.packed,
                column_titles=column_titles(model),
                input_labels=[FEATURE_NAMES[name] for name in live.net_spec.features],
                uirevision=revision,
            ),
            key="bp_network_chart",
            config={"displayModeBar": False, "responsive": True},
        )
        st.caption(
            "Each square shows what one neuron outputs over the whole plane: orange < 0 < "
            "blue. Lines are weights: blue positive, orange negative, thicker = larger |w|."
        )
    with output_column:
        live_chart.live_chart(
            training_viz.decision_figure(
                live.grid.xs,
                live.grid.ys,
                frame.decision,
                data.kind,
                data.X_train,
                data.y_train,
                data.X_test if show_test else None,
                data.y_test if show_test else None,
                n_classes=max(data.n_outputs, 2),
                uirevision=revision,
                height=360,
            ),
            key="bp_decision_chart",
        )
        live_chart.live_chart(
            training_viz.loss_figure(
                history, live.trainer.diverged_at, uirevision=revision, height=230
            ),
            key="bp_loss_chart",
        )
    if is_playing and (stop_note or live.diverged):
        st.session_state["bp_playing"] = False
        st.session_state["bp_stop_note"] = stop_note
        st.rerun()


st.fragment(live_panel, run_every=FRAME_SECONDS if playing else None)()


# ---------------------------------------------------------------------------------------------
# Slower details: accuracy, gradient norms, confusion
# ---------------------------------------------------------------------------------------------


def layer_names(model) -> list[str]:
    last = model.n_layers - 1
    return [
        f"W{layer} → {'output' if layer == last else f'hidden {layer + 1}'}"
        for layer in range(model.n_layers)
    ]


def details_panel():
    with st.container(key="bp_details"):
        _details_panel_body()


def _details_panel_body():
    live = live_session.current_trainer()
    history, data, model = live.history, live.data, live.model
    st.subheader("Training details")
    left, middle, right = st.columns(3)
    with left:
        if data.kind != "regression":
            live_chart.live_chart(training_viz.accuracy_figure(history), key="bp_accuracy_chart")
            st.caption("Accuracy per epoch (training: on the mini-batches as they were seen).")
        else:
            st.caption("Accuracy applies to classification; see the loss above.")
    with middle:
        if history["grad_norms"]:
            live_chart.live_chart(
                training_viz.gradient_norm_figure(
                    history["epoch"], history["grad_norms"], layer_names(model)
                ),
                key="bp_gradient_chart",
            )
            st.caption(
                "Gradient norm of each layer's weights (log scale). Early layers far below "
                "late ones: vanishing gradients; shooting up: exploding."
            )
        else:
            st.caption("Per-layer gradient norms appear after the first epoch.")
    report = live.evaluation()
    with right:
        if data.kind == "regression":
            live_chart.live_chart(
                training_viz.prediction_figure(data.y_test, model.predict(live.inputs["test"])),
                key="bp_prediction_chart",
            )
            st.caption(f"Test set: MSE {report['mse']:.4f} · R² {report['r2']:.3f}")
        else:
            live_chart.live_chart(
                training_viz.confusion_figure(report["confusion"], data.classes),
                key="bp_confusion_chart",
            )
            st.caption(f"Test set confusion matrix · accuracy {report['accuracy']:.1%}")


st.fragment(details_panel, run_every=DETAIL_SECONDS if playing else None)()


# ---------------------------------------------------------------------------------------------
# Look inside one step
# ---------------------------------------------------------------------------------------------

with st.expander(
    "Look inside one step: one sample's forward and backward pass", icon=":material/biotech:"
):
    n_train = live.data.y_train.shape[0]
    sample = st.number_input("Training sample #", 1, n_train, 1, key="bp_sample") - 1
    inspection = live.inspect(int(sample))
    point = live.data.X_train[sample]
    st.markdown(
        f"Point $(x_1, x_2) = ({point[0]:.3f}, {point[1]:.3f})$, "
        f"target $y = {inspection.target:g}$, "
        f"output $\\hat y = ({', '.join(f'{v:.4f}' for v in inspection.output)})$, "
        f"loss on this sample $L = {inspection.loss:.5f}$; output delta "
        f"$\\hat y - y = ({', '.join(f'{v:.4f}' for v in inspection.output_delta)})$."
    )
    st.latex(
        r"\delta_L = \hat y - y,\qquad \frac{\partial L}{\partial W_l} = a_{l-1}^{\top}\delta_l,"
        r"\qquad \frac{\partial L}{\partial b_l} = \delta_l,"
        r"\qquad \delta_{l-1} = (\delta_l W_l^{\top}) \odot f'(z_{l-1})"
    )
    step_layout = grids.NetworkLayout(tuple(live.model.sizes), thumb=1)
    names = [FEATURE_NAMES[name] for name in live.net_spec.features]
    node_text, node_hover, edge_hover = step_labels(inspection, names, live.model.biases)
    live_chart.live_chart(
        network_figure(
            step_layout,
            [W.copy() for W in live.model.weights],
            grids.step_packed(step_layout, inspection, live.model.output),
            column_titles=column_titles(live.model),
            input_labels=names,
            node_text=node_text,
            node_hover=node_hover,
            edge_hover=edge_hover,
            uirevision="step",
            square_nodes=False,
        ),
        key="bp_step_chart",
        config={"displayModeBar": False, "responsive": True},
    )
    st.caption(
        "Each square is one neuron: **a** its output, **δ** = ∂L/∂z its share of the blame. "
        "Hover a square for z and b, or the dot on a connection for w and ∂L/∂w."
        + (
            " With L1/L2 on, ∂L/∂W also contains the penalty's gradient."
            if knobs.l1 or knobs.l2
            else ""
        )
    )
    tabs = st.tabs([f"Layer {layer + 1}" for layer in range(live.model.n_layers)])
    for layer, tab in enumerate(tabs):
        width = live.model.sizes[layer + 1]
        rows = [
            "output" if layer == live.model.n_layers - 1 else f"H{layer + 1}.{i + 1}"
            for i in range(width)
        ]
        if width > 1 and layer == live.model.n_layers - 1:
            rows = [f"output {i}" for i in range(width)]
        sources = (
            names if layer == 0 else [f"H{layer}.{i + 1}" for i in range(live.model.sizes[layer])]
        )
        tab.dataframe(
            pd.DataFrame(
                {
                    "z": inspection.z[layer],
                    "a": inspection.a[layer],
                    "δ = ∂L/∂z": inspection.delta[layer],
                    "∂L/∂b": inspection.grad_b[layer],
                },
                index=rows,
            ),
            key=f"bp_step_table_{layer}",
        )
        tab.caption("∂L/∂W (rows: from, columns: to)")
        tab.dataframe(
            pd.DataFrame(inspection.grad_W[layer], index=sources, columns=rows),
            key=f"bp_step_grad_{layer}",
        )
    if st.button(
        "Check these gradients numerically", icon=":material/calculate:", key="bp_gradcheck"
    ):
        result = gradcheck.check_detailed(
            live.model.copy(),
            live.inputs["train"][sample : sample + 1],
            live.data.y_train[sample : sample + 1],
        )
        errors = result.per_param(live.model)
        (st.success if result.relative_error < 1e-6 else st.warning)(
            f"Relative error between backpropagation and central differences "
            f"$\\lVert g - \\hat g\\rVert / (\\lVert g\\rVert + \\lVert \\hat g\\rVert)$ = "
            f"**{result.relative_error:.2e}**"
            + (
                ""
                if result.relative_error < 1e-6
                else " — kinks (ReLU at 0) or float noise can raise it."
            )
        )
        st.dataframe(
            pd.DataFrame(
                {"relative error": errors},
                index=[
                    f"{kind}{layer}" for layer in range(live.model.n_layers) for kind in ("W", "b")
                ],
            ),
            key="bp_gradcheck_table",
        )


# ---------------------------------------------------------------------------------------------
# Export and share
# ---------------------------------------------------------------------------------------------


def _use_uploaded_weights():
    upload = st.session_state.get("bp_weights_upload")
    try:
        live_session.current_trainer().load_weights(serialization.load_json(upload.getvalue()))
    except ValueError as error:
        st.session_state["bp_weights_note"] = error
    else:
        st.session_state["bp_weights_note"] = "Weights loaded: training goes on from them."


with st.expander("Export the weights, share the setup", icon=":material/share:"):
    st.markdown(
        "The page address holds every setting above: copy it to share this exact setup. "
        "The weights download as JSON (reload them here) or as a NumPy `.npz` archive."
    )
    # Streamlit calls these on a thread of its own, without session state: they use `live`.
    json_column, npz_column = st.columns(2)
    json_column.download_button(
        "Weights (JSON)",
        data=lambda: serialization.model_to_json(live.model.copy()),
        file_name="backprop_weights.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        key="bp_download_json",
    )
    npz_column.download_button(
        "Weights (.npz)",
        data=lambda: grids.weights_npz(live.model.copy()),
        file_name="backprop_weights.npz",
        mime="application/octet-stream",
        on_click="ignore",
        icon=":material/download:",
        key="bp_download_npz",
    )
    upload = st.file_uploader("Reload weights (JSON)", type=["json"], key="bp_weights_upload")
    if upload is not None:
        # A callback runs before the page, so every chart above already shows the weights.
        st.button("Use these weights", on_click=_use_uploaded_weights, key="bp_use_weights")
    note = st.session_state.pop("bp_weights_note", None)
    if isinstance(note, Exception):
        show_error(note, "Could not use these weights")
    elif note:
        st.success(note)


# ---------------------------------------------------------------------------------------------
# What to notice
# ---------------------------------------------------------------------------------------------

st.subheader("What to notice")
st.markdown(
    "- Each thumbnail is what one neuron computes over the whole plane (orange negative, "
    "blue positive); the output on the right is built from the last layer's pictures, "
    "weighted by the lines (blue positive, orange negative, thicker = larger |w|).\n"
    "- On the circle, x₁ and x₂ alone need a hidden layer; tick x₁² and x₂² and even a "
    "network without hidden layers separates it.\n"
    "- Push the learning rate to 3 or 10: the loss jumps instead of falling and training "
    "stops at the step where it exploded. Lower it and press Reset.\n"
    "- With 6 sigmoid layers watch the gradient norms of the first layers fall orders of "
    "magnitude below the last (vanishing gradients); ReLU keeps them alive."
)
formula_column, loss_column = st.columns(2)
with formula_column:
    st.markdown("**Each layer** computes")
    st.latex(r"z_l = a_{l-1} W_l + b_l,\qquad a_l = f_l(z_l)")
    for name in dict.fromkeys(hidden_acts):
        st.latex(activations.get(name).formula)
with loss_column:
    st.markdown(f"**Loss** ({live.model.loss_spec.name}, paired with a {live.model.output} output)")
    st.latex(losses.LOSS_FOR_OUTPUT[live.model.output].formula)
    st.markdown("and every step moves each weight against its gradient (for SGD)")
    st.latex(r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}")
