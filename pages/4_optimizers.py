"""Optimizer race: paths on 2-D loss surfaces, then the same optimizers on a real network.

Storyboard: URL schema (every control) -> sidebar -> ``lessons.race`` (race, presets,
tables, notes) -> figures from ``viz.race_*``, cached per setting as finished dicts.
Streamlit runs this file as ``__main__``; tests import it for :func:`race_schema`.
"""

from __future__ import annotations

import functools
import math

import streamlit as st

from core.optimizers import OPTIMIZERS, OptimizerSpec, update_rule
from lessons.race import network_race, network_tasks, notes, presets, racing, summary, surfaces
from ui import pickers
from ui import urlstate as url
from ui.common import show_error
from ui.frame import page_frame, playground
from viz import race_panels
from viz.race_style import PrebuiltFigure
from yieldmodel import seed_data

PAGE = "race"
NAMES = list(OPTIMIZERS)
LR_BOUNDS = (1e-6, 100.0)
BATCHES = ("full", *network_race.BATCH_SIZES)
SURFACE_FIELD = url.choice("surface", presets.DEFAULT_SURFACE, list(surfaces.SURFACES))
PRESET_KEYS = ("x0", "y0", "steps", *(f"{name}_lr" for name in NAMES))
START_KEY = "race_start_name"  # the preset named by (x0, y0); derived, so not in the URL
CHART = {"config": {"displaylogo": False}}


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
    return url.UrlSchema(PAGE, tuple(fields))


def chosen_surface() -> str:
    """The surface of this run: its widget's, or the link's before the widget exists."""
    key = f"{PAGE}.surface"
    if key in st.session_state:
        return st.session_state[key]
    return SURFACE_FIELD.parse(st.query_params.get("surface"))[0]


def load_preset() -> None:
    """On a new surface, start from its preset start point, step count and rates."""
    schema = race_schema(chosen_surface())
    for key in PRESET_KEYS:
        st.session_state[schema.widget_key(key)] = schema[key].default


def rate_input(schema: url.UrlSchema, key: str, name: str) -> float:
    """Learning rate of optimizer ``name``; the +/- step is its default's decade."""
    step = 10.0 ** math.floor(math.log10(schema[key].default))
    label = f"{OPTIMIZERS[name].label}: learning rate η"
    widget_key = schema.widget_key(key)
    return st.sidebar.number_input(label, *LR_BOUNDS, step=step, format="%g", key=widget_key)


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


def surface_sidebar(schema: url.UrlSchema) -> tuple[racing.RaceSetup, float]:
    """Sidebar of the surface race; returns the race and the tolerance of "arrived"."""
    sidebar = st.sidebar
    sidebar.header("Race on a surface")
    name = sidebar.selectbox(
        "Surface",
        list(surfaces.SURFACES),
        format_func=lambda option: surfaces.get(option).title,
        key=schema.widget_key("surface"),
        on_change=load_preset,
    )
    surface = surfaces.get(name)
    start = start_controls(schema, surface)
    key = schema.widget_key
    steps = sidebar.slider("Steps", presets.MIN_STEPS, presets.MAX_STEPS, step=10, key=key("steps"))
    label = lambda option: OPTIMIZERS[option].label  # noqa: E731
    specs = []
    for option in sidebar.multiselect("Optimizers", NAMES, format_func=label, key=key("opt")):
        lr = rate_input(schema, f"{option}_lr", option)
        with sidebar.expander(f"{label(option)}: other hyper-parameters"):
            hyper = pickers.hyper_controls(schema, f"{option}_", option)
        specs.append(OptimizerSpec.of(option, lr, **hyper))
    schedule, kwargs = pickers.schedule_controls(schema, "", horizon=steps, container=sidebar)
    tolerance = sidebar.select_slider(
        "Arrived when f − f* ≤",
        presets.TOLERANCES,
        format_func=lambda value: f"{value:g}",
        key=key("tol"),
        help="The results table counts the steps each optimizer needs to get this close.",
    )
    schedule = (schedule, tuple(sorted(kwargs.items())))
    return racing.RaceSetup(name, tuple(specs), start, int(steps), schedule), tolerance


@st.cache_data(show_spinner=False, max_entries=64)
def surface_race(setup: racing.RaceSetup) -> racing.RaceResult:
    return setup.run()


@st.cache_data(show_spinner=False, max_entries=32)
def race_figures(setup: racing.RaceSetup) -> dict[str, dict]:
    result = surface_race(setup)
    return race_panels.surface_race_figures(setup.surface, result, setup.specs, setup.start)


@st.cache_data(show_spinner=False, max_entries=32)
def loss_figure(setup: racing.RaceSetup, tolerance: float) -> dict:
    return race_panels.loss_figure(setup.surface, surface_race(setup), setup.specs, tolerance)


def start_from_click(schema: url.UrlSchema, surface) -> None:
    """Chart callback: a clicked point of the map becomes the start point."""
    points = st.session_state["chart_race_animation"].selection.points
    if points:
        (x0, x1), (y0, y1) = surface.bounds
        # Grid points carry float noise such as -0.6000000000000001; keep the URL tidy.
        x = min(max(round(float(points[0]["x"]), 4), x0), x1)
        y = min(max(round(float(points[0]["y"]), 4), y0), y1)
        st.session_state[schema.widget_key("x0")] = x
        st.session_state[schema.widget_key("y0")] = y


def show_surface_race(schema: url.UrlSchema) -> None:
    setup, tolerance = surface_sidebar(schema)
    surface = surfaces.get(setup.surface)
    lesson = presets.preset(surface).lesson
    st.markdown(f"**{surface.title}**: $f(x, y) = {surface.formula}$. {lesson}")
    if not setup.specs:
        st.warning(notes.choose_optimizers("start the race"), icon=":material/warning:")
        return
    try:
        result = surface_race(setup)
    except ValueError as error:
        show_error(error, "Could not run the race")
        return
    figures = race_figures(setup)
    flat, solid = st.columns([3, 2])
    flat.plotly_chart(
        PrebuiltFigure(figures["map"]),
        key="chart_race_animation",
        on_select=lambda: start_from_click(schema, surface),
        selection_mode="points",
        **CHART,
    )
    flat.caption(notes.MAP_CAPTION)
    solid.plotly_chart(PrebuiltFigure(figures["3d"]), key="chart_race_3d", **CHART)
    solid.caption(notes.height_caption(surface.log_scale))
    for label, step in result.diverged_at.items():
        if step is not None:
            st.warning(notes.diverged_on_surface(label, step), icon=":material/trending_up:")
    loss_column, rate_column = st.columns(2)
    loss = PrebuiltFigure(loss_figure(setup, tolerance))
    loss_column.plotly_chart(loss, key="chart_race_loss", **CHART)
    rate_column.plotly_chart(PrebuiltFigure(figures["lr"]), key="chart_race_lr", **CHART)
    if setup.schedule[0] == "constant":
        rate_column.caption(notes.CONSTANT_RATES)
    show_results(surface, result, setup.specs, tolerance)


def show_results(surface, result, specs, tolerance: float) -> None:
    """The results table, then how each racing optimizer moves and its update rule."""
    st.subheader("Results")
    rates = {spec.label: spec.lr for spec in specs}
    text = st.column_config.TextColumn
    st.container(key="table_race_results").dataframe(
        summary.results_table(surface, result, tolerance, rates),
        hide_index=True,
        column_config={
            "η": st.column_config.NumberColumn(format="%g"),
            "Final f": text(help="f at the last point."),
            "Distance to minimum": text(help="Distance to the nearest global minimum (★)."),
            "Steps to arrive": text(help=f"First step with f − f* ≤ {tolerance:g}."),
            "Diverged at step": text(help="Step whose result was not finite; empty if none."),
        },
    )
    if surface.min_value is None:
        st.caption(notes.NO_MINIMUM)
    st.subheader("What to notice")
    for spec in specs:
        st.markdown(f"**{spec.label}** — {notes.BEHAVIOUR[spec.name]}")
        st.latex(update_rule(spec.name))
    st.caption(notes.SYMBOLS)


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
    batch = sidebar.selectbox(
        "Batch size",
        BATCHES,
        format_func=lambda size: "Full batch (the seed)" if size == "full" else f"{size} rows",
        key=key("net_batch"),
    )
    label = lambda option: OPTIMIZERS[option].label  # noqa: E731
    chosen = sidebar.multiselect("Optimizers", NAMES, format_func=label, key=key("net_opt"))
    specs = tuple(
        OptimizerSpec(name, rate_input(schema, f"net_{name}_lr", name)) for name in chosen
    )
    batch_size = None if batch == "full" else int(batch)
    return network_race.NetworkSetup(dataset, float(noise), int(epochs), batch_size, specs)


@st.cache_data(show_spinner=False, max_entries=16)
def network_results(setup: network_race.NetworkSetup):
    """Task description, race result and figure dict; the progress bar lives inside so a
    cached replay stays consistent."""
    bar = st.progress(0.0, text="Preparing the data …")
    if setup.dataset == "semiconductor":
        arrays = seed_data.semiconductor_arrays(5000, rng=42)
        task = network_tasks.tabular_task(setup.dataset, *arrays)
    else:
        task = network_tasks.make_task(setup.dataset, noise=setup.noise)
    shown = {"percent": -1}

    def report(fraction, message):
        if int(100 * fraction) != shown["percent"]:
            shown["percent"] = int(100 * fraction)
            bar.progress(fraction, text=f"Training … {message}")

    result = network_race.network_race(
        task, setup.specs, setup.epochs, setup.batch_size, rng=0, progress=report
    )
    bar.empty()
    return task.description, result, race_panels.network_figure(result, setup.specs)


def show_network_race(schema: url.UrlSchema) -> None:
    setup = network_sidebar(schema)
    st.subheader("The seed's comparison: one network, four optimizers")
    st.markdown(notes.NETWORK_INTRO)
    if not setup.specs:
        st.warning(notes.choose_optimizers("run the race"), icon=":material/warning:")
        return
    if st.button("Run the race", key="run_network_race", type="primary", icon=":material/flag:"):
        st.session_state["network_race_config"] = setup
    shown = st.session_state.get("network_race_config")
    if shown is None:
        st.info("Press **Run the race** to train one network per optimizer.")
        return
    if shown != setup:
        st.info("The settings changed since this run: press **Run the race** to update it.")
    try:
        description, result, figure = network_results(shown)
    except ValueError as error:
        show_error(error, "Could not run the network race")
        return
    batches = "full batch" if shown.batch_size is None else f"mini-batches of {result.batch_size}"
    sizes = " → ".join(map(str, result.sizes))
    st.caption(f"{description}. Network {sizes}, {result.epochs} epochs, {batches}.")
    st.plotly_chart(PrebuiltFigure(figure), key="chart_race_network", **CHART)
    show_network_table(result)


def show_network_table(result: network_race.NetworkRaceResult) -> None:
    """The seed-style comparison table, divergence warnings and what to notice."""
    number = st.column_config.NumberColumn
    st.container(key="table_race_network").dataframe(
        summary.network_table(result),
        hide_index=True,
        column_config={
            "η": number(format="%g"),
            "Final loss": number(format="%.4f"),
            "Final val accuracy": number(format="percent"),
            "Seconds": number(format="%.2f"),
        },
    )
    for run in result.runs.values():
        if run.diverged:
            reason = run.diverged_at["reason"]
            st.warning(notes.diverged_in_network(run.label, reason), icon=":material/trending_up:")
    st.subheader("What to notice")
    st.markdown(notes.NETWORK_NOTES)


if __name__ == "__main__":
    page_frame(playground("optimizers"))
    SCHEMA = race_schema(chosen_surface())
    url.bind(SCHEMA, ignore=("tab",))
    st.title("Optimizer race")
    st.markdown(notes.INTRO)
    surface_tab, network_tab = st.tabs(["Surfaces", "Network"], key="tab", bind="query-params")
    if surface_tab.open is not False:
        with surface_tab:
            show_surface_race(SCHEMA)
    if network_tab.open is not False:
        with network_tab:
            show_network_race(SCHEMA)
    url.sync(SCHEMA)
