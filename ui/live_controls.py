"""The backprop trainer's sidebar: data, features, network, training, stop rule and speed.

Every control is bound to a field of the page's URL schema (``ui.urlstate``): widgets
bound to one field use ``schema.widget_key(field)``; the three list fields (features,
hidden layer widths, per-layer activations) are each drawn as several widgets, which are
seeded from the field's list and write it back. :func:`fields` lists the schema's fields;
each ``*_controls`` function draws one sidebar section and returns plain values for
``lessons.live``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import activations
from core.initializers import INIT_LABELS
from lessons import datasets
from lessons.live.specs import CUSTOM, PROBLEM_DATASETS, Knobs
from lessons.live.stop import StopRule
from ui import pickers
from ui import urlstate as url
from ui.common import show_error

MAX_NEURONS = 16
MAX_HIDDEN_LAYERS = 6
MAX_SAMPLES = 1_000
EPOCH_CHOICES = ("auto", 1, 2, 5, 10, 20, 50)
REGULARISATION_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DATASET_LABELS = {
    "circle": "Circle",
    "xor": "Exclusive or (XOR)",
    "gauss": "Two Gaussians",
    "spiral": "Spiral",
    "blobs3": "Several blobs (multi-class)",
    "plane": "Plane",
    "multi_gauss": "Multiple Gaussians",
    CUSTOM: "Your own points",
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
"""Plain-text names of the input features (the drawing's labels cannot hold LaTeX)."""
EXAMPLE_POINTS = pd.DataFrame(
    {
        "x1": [-3.0, -2.5, -3.5, -2.0, 3.0, 2.5, 3.5, 2.0, -3.0, 3.0, -2.0, 2.5],
        "x2": [3.0, 2.0, 3.5, 2.5, -3.0, -2.0, -3.5, -2.5, -3.0, 3.0, -2.5, 2.0],
        "label": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
    }
)
ACTIVATION_NAMES = list(activations.ACTIVATIONS)


def activation_list(key: str) -> url.Field:
    """A comma-separated list of activation names, repeats allowed (one per hidden layer)."""
    one = url.choice(key, ACTIVATION_NAMES[0], ACTIVATION_NAMES).read

    def read(text: str) -> list[str]:
        names = [one(part) for part in text.split(",") if part.strip()]
        if len(names) > MAX_HIDDEN_LAYERS:
            raise url.Rejected(f"at most {MAX_HIDDEN_LAYERS} hidden layers")
        return names

    return url.Field(key, [], read, write=",".join)


def fields() -> tuple[url.Field, ...]:
    """Every setting of the page, in URL order (the custom points and uploads are not in it)."""
    every_dataset = list(
        dict.fromkeys(name for names in PROBLEM_DATASETS.values() for name in names)
    )
    return (
        url.choice("problem", "classification", list(PROBLEM_DATASETS)),
        url.choice("data", "circle", every_dataset),
        url.integer("classes", 3, 3, 7),
        url.integer("noise", 0, 0, 50),
        url.integer("ratio", 50, 10, 90),
        url.integer("batch", 10, 1, 30),
        url.integer("seed", 0, 0, 1_000_000),
        url.boolean("test", False),
        url.boolean("disc", False),
        url.choices("feat", ["x1", "x2"], datasets.FEATURES),
        url.numbers("layers", [4, 2], 1, MAX_NEURONS, count=(0, MAX_HIDDEN_LAYERS), cast=int),
        url.choice("act", "tanh", ACTIVATION_NAMES),
        activation_list("acts"),
        url.choice("init", "xavier", list(INIT_LABELS)),
        *pickers.optimizer_fields("", "sgd", 0.03),
        *pickers.schedule_fields(""),
        url.choice("reg", "none", ["none", "L1", "L2"]),
        url.choice("reg_rate", 0.001, REGULARISATION_RATES),
        url.number("dropout", 0.0, 0.0, 0.5),
        url.boolean("clip", False),
        url.number("clip_norm", 1.0, 0.01, 100.0),
        url.integer("maxep", 0, 0, 100_000),
        url.number("tloss", 0.0, 0.0, 10.0),
        url.integer("tacc", 0, 0, 100),
        url.choice("epf", "auto", EPOCH_CHOICES),
        url.integer("sample", 1, 1, MAX_SAMPLES),
        url.integer("layer", 1, 1, MAX_HIDDEN_LAYERS + 1),
    )


@dataclass(frozen=True)
class DataChoice:
    """The data section's values: the ``DataSpec`` arguments and how to show the points."""

    spec: dict
    batch_size: int
    show_test: bool
    discretize: bool


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def _custom_points_table() -> tuple | None:
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


def _dataset_choice(schema: url.UrlSchema) -> tuple[str, str]:
    problem = st.radio(
        "Problem type",
        list(PROBLEM_DATASETS),
        horizontal=True,
        format_func=str.capitalize,
        key=schema.widget_key("problem"),
    )
    names = PROBLEM_DATASETS[problem]
    if st.session_state.get(schema.widget_key("data")) not in names:
        st.session_state[schema.widget_key("data")] = names[0]
    dataset = st.selectbox(
        "Dataset", names, format_func=DATASET_LABELS.get, key=schema.widget_key("data")
    )
    return problem, dataset


def _next_seed(key: str) -> None:
    st.session_state[key] = min(int(st.session_state.get(key, 0)) + 1, 1_000_000)


def data_controls(schema: url.UrlSchema) -> DataChoice:
    """The data section: problem, dataset, noise, split, batch, seed, what to show."""
    key = schema.widget_key
    st.header("Data")
    problem, dataset = _dataset_choice(schema)
    n_classes = None
    if dataset == "blobs3":
        n_classes = st.slider("Classes", 3, 7, key=key("classes"))
    custom = _custom_points_table() if dataset == CUSTOM else None
    noise = st.slider("Noise %", 0, 50, step=5, key=key("noise"), disabled=dataset == CUSTOM)
    ratio = st.slider("Training data %", 10, 90, step=10, key=key("ratio"))
    batch = st.slider("Batch size", 1, 30, key=key("batch"))
    seed_column, button_column = st.columns([1, 1], vertical_alignment="bottom")
    seed = seed_column.number_input("Data seed", 0, 1_000_000, key=key("seed"))
    button_column.button(
        "Regenerate",
        icon=":material/casino:",
        on_click=_next_seed,
        args=(key("seed"),),
        key="bp_regenerate",
    )
    show_test = st.checkbox("Show test data", key=key("test"))
    discretize = st.checkbox("Discretize output", key=key("disc"))
    spec = dict(
        problem=problem,
        dataset=dataset,
        noise=noise / 100.0,
        train_ratio=ratio / 100.0,
        seed=int(seed),
        n_classes=n_classes,
        custom=custom,
    )
    return DataChoice(spec, int(batch), bool(show_test), bool(discretize))


# ---------------------------------------------------------------------------------------------
# Features and network
# ---------------------------------------------------------------------------------------------


def feature_controls(schema: url.UrlSchema) -> list[str]:
    """One checkbox per input feature; the chosen names, in the Playground's order."""
    st.header("Features")
    field_key = schema.widget_key("feat")
    columns = st.columns(2)
    chosen = []
    for position, name in enumerate(datasets.FEATURES):
        box_key = f"bp_feature_{name}"
        st.session_state.setdefault(box_key, name in st.session_state[field_key])
        if columns[position % 2].checkbox(FEATURE_NAMES[name], key=box_key):
            chosen.append(name)
    st.session_state[field_key] = chosen
    return chosen


def _layer_controls(layer: int, widths: list, acts: list, activation: str, per_layer: bool):
    width_key, act_key = f"bp_neurons_{layer}", f"bp_act_{layer}"
    st.session_state.setdefault(width_key, widths[layer] if layer < len(widths) else 4)
    label = f"Layer {layer + 1} neurons"
    if not per_layer:
        return st.number_input(label, 1, MAX_NEURONS, key=width_key), activation
    st.session_state.setdefault(act_key, acts[layer] if layer < len(acts) else activation)
    left, right = st.columns([1, 1])
    width = left.number_input(label, 1, MAX_NEURONS, key=width_key)
    act = right.selectbox(
        f"Layer {layer + 1} activation",
        ACTIVATION_NAMES,
        format_func=lambda name: activations.ACTIVATIONS[name].label,
        key=act_key,
    )
    return width, act


def network_controls(schema: url.UrlSchema) -> tuple[tuple, tuple, str]:
    """Hidden layers, their widths and activations, and the initialisation.

    Returns
    -------
    hidden, activations, init
        The ``lessons.live.specs.NetSpec`` arguments besides the features.
    """
    key = schema.widget_key
    st.header("Network")
    widths, acts = st.session_state[key("layers")], st.session_state[key("acts")]
    st.session_state.setdefault("bp_n_layers", len(widths))
    n_layers = st.slider("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="bp_n_layers")
    activation = st.selectbox(
        "Activation",
        ACTIVATION_NAMES,
        format_func=lambda name: activations.ACTIVATIONS[name].label,
        key=key("act"),
    )
    st.session_state.setdefault("bp_per_layer", bool(acts))
    per_layer = st.toggle("Activation per layer", key="bp_per_layer", disabled=n_layers == 0)
    layers = [
        _layer_controls(layer, widths, acts, activation, per_layer) for layer in range(n_layers)
    ]
    hidden = tuple(int(width) for width, _ in layers)
    hidden_acts = tuple(act for _, act in layers)
    st.session_state[key("layers")] = list(hidden)
    st.session_state[key("acts")] = list(hidden_acts) if per_layer and hidden else []
    init = st.selectbox(
        "Initialisation", list(INIT_LABELS), format_func=INIT_LABELS.get, key=key("init")
    )
    return hidden, hidden_acts, init


# ---------------------------------------------------------------------------------------------
# Training, stop rule, speed
# ---------------------------------------------------------------------------------------------


def _regularisation(schema: url.UrlSchema) -> tuple[str, float]:
    kind = st.radio(
        "Regularisation", ["none", "L1", "L2"], horizontal=True, key=schema.widget_key("reg")
    )
    if kind == "none":
        return kind, 0.0
    rate = st.select_slider(
        "Regularisation rate λ",
        REGULARISATION_RATES,
        format_func=lambda value: f"{value:g}",
        key=schema.widget_key("reg_rate"),
    )
    return kind, float(rate)


def training_controls(schema: url.UrlSchema, batch_size: int, horizon: int):
    """Optimizer, schedule, regularisation, dropout and clipping.

    Returns
    -------
    optimizer : core.optimizers.OptimizerSpec
    knobs : lessons.live.specs.Knobs
    """
    key = schema.widget_key
    st.header("Training")
    optimizer = pickers.optimizer_controls(schema, "", container=st)
    schedule_name, schedule_kwargs = pickers.schedule_controls(schema, "", horizon, container=st)
    kind, rate = _regularisation(schema)
    dropout = st.slider("Dropout (hidden layers)", 0.0, 0.5, step=0.05, key=key("dropout"))
    clip_norm = None
    if st.checkbox("Clip gradient norm", key=key("clip")):
        clip_norm = float(st.number_input("Largest ‖g‖", 0.01, 100.0, key=key("clip_norm")))
    schedule = None
    if schedule_name != "constant":
        schedule = (schedule_name, tuple(sorted(schedule_kwargs.items())))
    knobs = Knobs(
        batch_size=batch_size,
        l1=rate if kind == "L1" else 0.0,
        l2=rate if kind == "L2" else 0.0,
        dropout=float(dropout),
        clip_norm=clip_norm,
        schedule=schedule,
    )
    return optimizer, knobs


def stop_controls(schema: url.UrlSchema):
    """Stop rule and epochs per frame.

    Returns
    -------
    rule : lessons.live.stop.StopRule
    epochs_per_frame : "auto" or int
    """
    key = schema.widget_key
    st.header("Stop and speed")
    max_epochs = st.number_input(
        "Stop after epochs (0 = never)", 0, 100_000, step=50, key=key("maxep")
    )
    target_loss = st.number_input(
        "Stop at test loss (0 = off)", 0.0, 10.0, step=0.01, format="%.3f", key=key("tloss")
    )
    target_accuracy = st.slider("Stop at test accuracy % (0 = off)", 0, 100, key=key("tacc"))
    epochs_per_frame = st.selectbox(
        "Epochs per frame",
        EPOCH_CHOICES,
        key=key("epf"),
        help="auto trains about 30 epochs per second whatever the screen's refresh rate; "
        "a small number shows every change. When the whole class is playing, each one "
        "trains a little less, so every screen keeps moving.",
    )
    rule = StopRule(
        max_epochs=int(max_epochs) or None,
        target_loss=float(target_loss) or None,
        target_accuracy=target_accuracy / 100.0 or None,
    )
    return rule, epochs_per_frame


def horizon(schema: url.UrlSchema) -> int:
    """Epochs a schedule spans: the stop rule's maximum, or 300."""
    return int(st.session_state.get(schema.widget_key("maxep")) or 0) or 300
