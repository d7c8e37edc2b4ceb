"""Activation explorer: every activation in ``core.activations`` beside its derivative.

Storyboard: sidebar choices (all in the URL, :data:`SCHEMA`) -> ``lessons.activation_study``
(derivative check, saturation zones, properties, products through depth, speed; the page's
choices and summaries in ``explorer``) -> figures from ``viz.activations``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.activations import ACTIVATIONS
from lessons.activation_study import DEFAULT_STEP, benchmark, gradient_products
from lessons.activation_study import explorer as ex
from ui import urlstate as url
from ui.common import show_error
from ui.frame import page_frame, playground
from viz import activations as activation_viz

NAMES = list(ACTIVATIONS)
SLIDERS = ex.parameter_sliders()
SCHEMA = url.UrlSchema(
    "ac",
    (
        url.choices("act", ex.DEFAULT_NAMES, NAMES),
        *(url.number(s.key, s.default, low=s.low, high=s.high) for s in SLIDERS),
        url.Field("xrange", ex.DEFAULT_RANGE, ex.parse_range, write=ex.format_range),
        url.choice("threshold", 0.05, ex.THRESHOLDS),
        url.choice("grad", "normal", list(ex.GRADIENT_MODEL_LABELS)),
        url.number("z0", 2.0, low=-ex.Z0_LIMIT, high=ex.Z0_LIMIT),
        url.choice("reps", 100, ex.REPETITION_CHOICES),
    ),
)
KEY = SCHEMA.widget_key

page_frame(playground("activations"))
url.bind(SCHEMA)


# Cached calls (an activation travels as a hashable spec). Figures are shared, not copied:
# a Figure copied out of st.cache_data would be validated again by Plotly.
@st.cache_data(show_spinner=False, max_entries=256)
def check_and_zones(spec, low, high, threshold):
    return ex.check_and_zones(spec, low, high, threshold)


@st.cache_data(show_spinner=False, max_entries=256)
def property_row(spec):
    return ex.property_row(spec)


@st.cache_data(show_spinner=False, max_entries=256)
def products(spec, model, z0):
    return gradient_products(ex.build(spec), ex.MAX_DEPTH, model=model, z0=z0)


@st.cache_resource(show_spinner=False, max_entries=64)
def curve_figures(specs, low, high, threshold):
    """The comparison and detail figures (a ValueError if an activation cannot be evaluated)."""
    results = {spec[0]: check_and_zones(spec, low, high, threshold) for spec in specs}
    checks = {name: check for name, (check, _) in results.items()}
    zones = {name: zone for name, (_, zone) in results.items()}
    comparison = activation_viz.comparison_figure(checks)
    return checks, zones, comparison, activation_viz.detail_figure(checks, zones, threshold)


@st.cache_data(show_spinner=False, max_entries=32)
def run_benchmark(specs, repetitions):
    """ms per forward call; the progress bar lives inside so a cached replay stays consistent."""
    bar = st.progress(0.0, text="Timing …")

    def report(done, total):
        if done == total or (100 * done) // total != (100 * (done - 1)) // total:
            bar.progress(done / total, text=f"Timing … {done} of {total} calls")

    activations = [ex.build(spec) for spec in specs]
    timings = benchmark(
        activations, n_values=ex.BENCHMARK_VALUES, repetitions=repetitions, rng=0, progress=report
    )
    bar.empty()
    return timings


def sidebar_settings():
    """The sidebar; returns the chosen specs (name -> spec)."""
    st.header("Activation settings")
    chosen = st.multiselect("Activations", NAMES, format_func=ex.label, key=KEY("act"))
    specs = {}
    for name in chosen:
        params = {}
        for slider in (s for s in SLIDERS if s.name == name):
            params[slider.param] = st.slider(
                slider.label, slider.low, slider.high, step=slider.step, key=KEY(slider.key)
            )
        specs[name] = ex.spec(name, params)
    st.slider("x-range (z)", -ex.Z_LIMIT, ex.Z_LIMIT, step=0.5, key=KEY("xrange"))
    st.select_slider(
        "Saturation threshold: shade where |f′(z)| <", ex.THRESHOLDS, key=KEY("threshold")
    )
    model = st.radio(
        "Vanishing gradients: per-layer |f′|",
        list(ex.GRADIENT_MODEL_LABELS),
        format_func=ex.GRADIENT_MODEL_LABELS.get,
        key=KEY("grad"),
    )
    st.slider(
        "z₀ (fixed pre-activation)",
        -ex.Z0_LIMIT,
        ex.Z0_LIMIT,
        step=0.25,
        key=KEY("z0"),
        disabled=model != "fixed",
    )
    return specs


def show_formulas(specs) -> None:
    columns = st.columns(min(len(specs), 3))
    for index, spec in enumerate(specs.values()):
        activation = ex.build(spec)
        with columns[index % len(columns)]:
            st.latex(activation.formula)
            st.latex(activation.derivative_formula)


def show_depth(specs, model, z0) -> None:
    st.subheader("Vanishing gradients through depth")
    chain = {name: products(spec, model, z0) for name, spec in specs.items()}
    figure = activation_viz.gradient_products_figure(chain, ex.depth_model_label(model, z0))
    st.plotly_chart(figure, key="ac_vanishing", width="stretch")
    st.markdown(ex.depth_summary(chain))


def show_speed(specs) -> None:
    st.subheader("Speed")
    repetitions = st.segmented_control(
        "Repetitions",
        ex.REPETITION_CHOICES,
        required=True,
        key=KEY("reps"),
        help="The seed notebook times 1,000,000 values × 100 repetitions.",
    )
    key = (tuple(specs.values()), repetitions)
    label = f"Time forward() on {ex.BENCHMARK_VALUES:,} values × {repetitions}"
    if st.button(label, key="ac_bench", icon=":material/timer:"):
        try:
            st.session_state["ac_benchmark"] = key, run_benchmark(*key)
        except ValueError as error:
            show_error(error, "The benchmark could not run")
    stored = st.session_state.get("ac_benchmark")
    if stored is not None and stored[0] == key:
        figure = activation_viz.benchmark_figure(stored[1], ex.BENCHMARK_VALUES, repetitions)
        st.plotly_chart(figure, key="ac_speed", width="stretch")
        st.caption(
            "Results are cached: the same selection shows the first measurement again. "
            "Times depend on this machine and on what else it is doing."
        )
    else:
        st.caption(
            "Runs on demand (it keeps the server busy for a few seconds per activation at "
            "100 repetitions)."
        )


def show_views(specs, low, high, threshold, model, z0) -> None:
    try:
        checks, zones, comparison, detail = curve_figures(
            tuple(specs.values()), low, high, threshold
        )
    except ValueError as error:
        show_error(error, "Could not evaluate the activations")
        return
    show_formulas(specs)
    st.subheader("Function and derivative")
    st.plotly_chart(comparison, key="ac_compare", width="stretch")
    st.markdown(
        "Circles are the **numerical derivative** $\\frac{f(z+h) - f(z-h)}{2h}$ with "
        f"$h = {ex.latex_number(DEFAULT_STEP)}$, computed from $f$ alone; lines are the "
        "formula the network uses in backpropagation. Largest disagreement on this range:"
    )
    st.markdown(ex.derivative_summary(checks))
    st.subheader("Saturation: where the gradient dies")
    st.plotly_chart(detail, key="ac_detail", width="stretch")
    st.markdown(ex.zone_summary(zones, threshold))
    st.subheader("Properties")
    rows = [property_row(spec) for spec in specs.values()]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="ac_properties")
    st.caption(PROPERTIES_CAPTION)
    show_depth(specs, model, z0)
    show_speed(specs)


PROPERTIES_CAPTION = (
    "Computed from each function, so they follow the α sliders: range from the limits at ±∞ "
    "and the extremes on [−15, 15]; zero-centred means $|E[f(z)]| < 0.05$ for "
    "$z \\sim N(0, 1)$; saturates means $|f'| < 10^{-6}$ far out in that tail; dead zone is "
    "where $f'$ is exactly 0. $E|f'(z)|$ is the per-layer factor of the next chart."
)

st.title("Activations")
st.markdown(
    "The non-linearity each neuron applies to its input $z = w\\cdot x + b$. Its shape decides "
    "what a layer can express; its **derivative** decides how much gradient flows back "
    "through the layer during training."
)
with st.sidebar:
    specs = sidebar_settings()
state = url.current(SCHEMA)
if not specs:
    st.warning(
        "Choose at least one activation in the sidebar to see its curves.",
        icon=":material/warning:",
    )
else:
    low, high = state["xrange"]
    show_views(specs, low, high, state["threshold"], state["grad"], state["z0"])
url.sync(SCHEMA)

with st.expander("What to notice", expanded=True, icon=":material/lightbulb:"):
    st.markdown(ex.WHAT_TO_NOTICE)
