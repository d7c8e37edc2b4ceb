"""Optimizer race: paths on 2-D loss surfaces, then the same optimizers on a real network.

Storyboard: URL schema and sidebar (``ui.race_controls``) -> ``lessons.race`` (race,
tables, notes) -> figures from ``viz.race_*``, cached per setting as finished dicts ->
what to notice.
"""

from __future__ import annotations

import streamlit as st

from core.optimizers import update_rule
from lessons.race import network_race, network_tasks, notes, presets, racing, summary, surfaces
from ui import race_controls as controls
from ui import urlstate as url
from ui.common import show_error
from ui.frame import page_frame, playground
from viz import race_panels
from viz.figures import PrebuiltFigure
from yieldmodel import seed_data

CHART = {"config": {"displaylogo": False}}

page_frame(playground("optimizers"))
SCHEMA = controls.race_schema(controls.chosen_surface())
url.bind(SCHEMA, ignore=("tab",))
st.title("Optimizer race")
st.markdown(notes.INTRO)


@st.cache_data(show_spinner=False, max_entries=64)
def surface_race(setup: racing.RaceSetup) -> racing.RaceResult:
    """The race itself: every optimizer's path from the start point."""
    return setup.run()


@st.cache_data(show_spinner=False, max_entries=32)
def race_figures(setup: racing.RaceSetup) -> dict[str, dict]:
    """The animated map, the 3-D view and the learning rates, as figure dicts."""
    result = surface_race(setup)
    return race_panels.surface_race_figures(setup.surface, result, setup.specs, setup.start)


@st.cache_data(show_spinner=False, max_entries=32)
def loss_figure(setup: racing.RaceSetup, tolerance: float) -> dict:
    """Loss gap per step with the tolerance line (kept apart: ``tol`` changes alone)."""
    return race_panels.loss_figure(setup.surface, surface_race(setup), setup.specs, tolerance)


def show_surface_race(schema: url.UrlSchema) -> None:
    """The Surfaces tab: sidebar, the race's charts, warnings and results."""
    setup, tolerance = controls.surface_sidebar(schema)
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
        key=controls.MAP_KEY,
        on_select=lambda: controls.start_from_click(schema, surface),
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
    columns = {
        name: st.column_config.TextColumn(help=text)
        for name, text in summary.results_help(tolerance).items()
    }
    columns["η"] = st.column_config.NumberColumn(format="%g")
    table = summary.results_table(surface, result, tolerance, specs)
    st.container(key="table_race_results").dataframe(table, hide_index=True, column_config=columns)
    if surface.min_value is None:
        st.caption(notes.NO_MINIMUM)
    st.subheader("What to notice")
    for spec in specs:
        st.markdown(f"**{spec.label}** — {notes.BEHAVIOUR[spec.name]}")
        st.latex(update_rule(spec.name))
    st.caption(notes.SYMBOLS)


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
    """The Network tab: sidebar, then the last race run on request."""
    setup = controls.network_sidebar(schema)
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
    st.caption(f"{description}. {result.setting()}.")
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


surface_tab, network_tab = st.tabs(["Surfaces", "Network"], key="tab", bind="query-params")
if surface_tab.open is not False:
    with surface_tab:
        show_surface_race(SCHEMA)
if network_tab.open is not False:
    with network_tab:
        show_network_race(SCHEMA)
url.sync(SCHEMA)
