"""The optimizer race's URL schema and sidebar: the surface race and the network race.

:func:`race_schema` lists every control of the page (one schema per surface, because the
start point, step count and learning rates default to the surface's preset). Each
``*_sidebar`` function draws one race's sidebar section, bound to that schema, and
returns the plain race setup ``lessons.race`` runs; :func:`start_from_click` is the map's
click callback.
"""

from __future__ import annotations

import functools
import math

import streamlit as st

from core.optimizers import OPTIMIZERS, OptimizerSpec
from lessons.race import network_race, network_tasks, presets, racing, surfaces
from ui import pickers
from ui import urlstate as url

NAMES = list(OPTIMIZERS)
LR_BOUNDS = (1e-6, 100.0)
BATCHES = ("full", *network_race.BATCH_SIZES)
SURFACE_FIELD = url.choice("surface", presets.DEFAULT_SURFACE, list(surfaces.SURFACES))
PRESET_KEYS = ("x0", "y0", "steps", *(f"{name}_lr" for name in NAMES))
START_KEY = "race_start_name"  # the preset named by (x0, y0); derived, so not in the URL
MAP_KEY = "chart_race_animation"  # the clickable map of the surface race


@functools.cache
def race_schema(surface_name: str) -> url.UrlSchema:
    """Every control of the page; start, steps and rates default to the surface's preset."""
    preset = presets.preset(surface_name)
    (x0, x1), (y0, y1) = surfaces.get(surface_name).bounds
    start = next(iter(preset.starts.values()))
    fields = [
        SURFACE_FIELD,
        url.number("x0", start[0], x0, x1),
        url.number("y0", start[1], y0, y1),
        url.integer("steps", preset.steps, presets.MIN_STEPS, presets.MAX_STEPS),
        url.choices("opt", presets.DEFAULT_OPTIMIZERS, NAMES),
        url.choice("tol", presets.DEFAULT_TOLERANCE, presets.TOLERANCES),
        *pickers.schedule_fields(""),
        url.choice("net_data", "semiconductor", list(network_tasks.DATASET_TITLES)),
        url.number("net_noise", network_tasks.DEFAULT_NOISE, 0.0, network_tasks.MAX_NOISE),
        url.integer("net_epochs", network_race.DEFAULT_EPOCHS, 1, network_race.MAX_EPOCHS),
        url.choice("net_batch", "full", BATCHES),
        url.choices("net_opt", network_race.DEFAULT_OPTIMIZERS, NAMES),
    ]
    for name in NAMES:
        fields.append(url.number(f"{name}_lr", preset.learning_rates[name], *LR_BOUNDS))
        fields.extend(pickers.hyper_fields(f"{name}_", name))
        net_lr = network_race.DEFAULT_LEARNING_RATES[name]
        fields.append(url.number(f"net_{name}_lr", net_lr, *LR_BOUNDS))
    return url.UrlSchema("race", tuple(fields))


def chosen_surface() -> str:
    """The surface of this run: its widget's, or the link's before the widget exists."""
    key = race_schema(presets.DEFAULT_SURFACE).widget_key("surface")  # the same for all
    if key in st.session_state:
        return st.session_state[key]
    return SURFACE_FIELD.parse(st.query_params.get("surface"))[0]


def load_preset() -> None:
    """On a new surface, start from its preset start point, step count and rates."""
    schema = race_schema(chosen_surface())
    for key in PRESET_KEYS:
        st.session_state[schema.widget_key(key)] = schema[key].default


def optimizer_picks(schema: url.UrlSchema, prefix: str, hyper: bool) -> tuple:
    """Optimizers to race, each with its learning rate (+/- steps by its default's decade)
    and, with ``hyper``, its other hyper-parameters; returns their OptimizerSpecs."""
    label = lambda name: OPTIMIZERS[name].label  # noqa: E731
    chosen = st.sidebar.multiselect(
        "Optimizers", NAMES, format_func=label, key=schema.widget_key(f"{prefix}opt")
    )
    specs = []
    for name in chosen:
        key = f"{prefix}{name}_lr"
        step = 10.0 ** math.floor(math.log10(schema[key].default))
        text = f"{label(name)}: learning rate η"
        widget = schema.widget_key(key)
        lr = st.sidebar.number_input(text, *LR_BOUNDS, step=step, format="%g", key=widget)
        settings = {}
        if hyper:
            with st.sidebar.expander(f"{label(name)}: other hyper-parameters"):
                settings = pickers.hyper_controls(schema, f"{name}_", name)
        specs.append(OptimizerSpec.of(name, lr, **settings))
    return tuple(specs)


def start_controls(schema: url.UrlSchema, surface) -> tuple[float, float]:
    """A preset start point, or typed coordinates (a click on the map types them too)."""
    preset = presets.preset(surface)
    x_key, y_key = schema.widget_key("x0"), schema.widget_key("y0")
    point = (st.session_state[x_key], st.session_state[y_key])
    st.session_state[START_KEY] = presets.start_name(surface, point)

    def use_preset():
        if st.session_state[START_KEY] in preset.starts:
            x, y = preset.starts[st.session_state[START_KEY]]
            st.session_state[x_key], st.session_state[y_key] = float(x), float(y)

    names = [*preset.starts, presets.CUSTOM_START]
    st.sidebar.selectbox("Start point", names, key=START_KEY, on_change=use_preset)
    (x0, x1), (y0, y1) = surface.bounds
    left, right = st.sidebar.columns(2)
    x = left.number_input("x₀", x0, x1, step=0.1, format="%.3f", key=x_key)
    y = right.number_input("y₀", y0, y1, step=0.1, format="%.3f", key=y_key)
    return float(x), float(y)


def start_from_click(schema: url.UrlSchema, surface) -> None:
    """Callback of the map (:data:`MAP_KEY`): a clicked point becomes the start point."""
    points = st.session_state[MAP_KEY].selection.points
    if points:
        (x0, x1), (y0, y1) = surface.bounds
        # Grid points carry float noise such as -0.6000000000000001; keep the URL tidy.
        x = min(max(round(float(points[0]["x"]), 4), x0), x1)
        y = min(max(round(float(points[0]["y"]), 4), y0), y1)
        st.session_state[schema.widget_key("x0")] = x
        st.session_state[schema.widget_key("y0")] = y


def surface_sidebar(schema: url.UrlSchema) -> tuple[racing.RaceSetup, float]:
    """Sidebar of the surface race; returns the race and the tolerance of "arrived"."""
    sidebar, key = st.sidebar, schema.widget_key
    sidebar.header("Race on a surface")
    name = sidebar.selectbox(
        "Surface",
        list(surfaces.SURFACES),
        format_func=lambda option: surfaces.get(option).title,
        key=key("surface"),
        on_change=load_preset,
    )
    start = start_controls(schema, surfaces.get(name))
    steps = sidebar.slider("Steps", presets.MIN_STEPS, presets.MAX_STEPS, step=10, key=key("steps"))
    specs = optimizer_picks(schema, "", hyper=True)
    schedule, kwargs = pickers.schedule_controls(schema, "", horizon=steps, container=sidebar)
    tolerance = sidebar.select_slider(
        "Arrived when f − f* ≤",
        presets.TOLERANCES,
        format_func=lambda value: f"{value:g}",
        key=key("tol"),
        help="The results table counts the steps each optimizer needs to get this close.",
    )
    schedule = (schedule, tuple(sorted(kwargs.items())))
    return racing.RaceSetup(name, specs, start, int(steps), schedule), tolerance


def batch_label(size) -> str:
    """How the network race's batch-size box shows a choice of :data:`BATCHES`."""
    return "Full batch (the seed)" if size == "full" else f"{size} rows"


def network_sidebar(schema: url.UrlSchema) -> network_race.NetworkSetup:
    """Sidebar of the network race; returns the race it sets up."""
    sidebar, key = st.sidebar, schema.widget_key
    sidebar.header("Race on a network")
    titles = network_tasks.DATASET_TITLES
    dataset = sidebar.selectbox(
        "Dataset", list(titles), format_func=titles.get, key=key("net_data")
    )
    noise = 0.0
    if dataset != "semiconductor":
        most = network_tasks.MAX_NOISE
        noise = sidebar.slider("Noise", 0.0, most, step=0.05, key=key("net_noise"))
    epochs = sidebar.slider("Epochs", 1, network_race.MAX_EPOCHS, key=key("net_epochs"))
    batch = sidebar.selectbox("Batch size", BATCHES, format_func=batch_label, key=key("net_batch"))
    specs = optimizer_picks(schema, "net_", hyper=False)
    batch_size = None if batch == "full" else int(batch)
    return network_race.NetworkSetup(dataset, float(noise), int(epochs), batch_size, specs)
