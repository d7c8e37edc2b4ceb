"""Activation explorer: every activation in ``core.activations`` beside its derivative.

Storyboard: sidebar choices -> ``lessons.activation_study`` (derivative check, saturation
zones, properties, products through depth, speed) -> figures from ``viz.activations``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import activations
from lessons import activation_study as analysis
from ui.common import qp_get, qp_sync, show_error
from ui.frame import page_frame, playground
from viz import activations as activation_viz

page_frame(playground("activations"))

NAMES = list(activations.ACTIVATIONS)
DEFAULT_NAMES = ["sigmoid", "tanh", "relu"]
LABELS = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "elu": "ELU",
    "swish": "swish (SiLU)",
    "gelu": "GELU",
    "softplus": "softplus",
    "linear": "linear",
}
# Slider (min, max, step) per (activation, parameter); defaults come from the registry.
PARAMETER_SLIDERS = {
    ("leaky_relu", "alpha"): (0.0, 1.0, 0.01),
    ("elu", "alpha"): (0.05, 3.0, 0.05),
}
GREEK = {"alpha": "α"}
Z_LIMIT = 20.0
GRID_POINTS = 801
THRESHOLDS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
GRADIENT_MODELS = {
    "normal": "averaged over z ~ N(0, 1)",
    "fixed": "at one fixed pre-activation z₀",
}
MAX_DEPTH = 50
BENCHMARK_VALUES = 1_000_000
REPETITION_CHOICES = (1, 10, 100)


def parse_names(text: str) -> list[str]:
    """Comma-separated activation names from the URL; unknown names make it invalid."""
    names = [name for name in text.split(",") if name]
    if any(name not in NAMES for name in names):
        raise ValueError(f"unknown activation in {text!r}")
    return names


def bounded(low: float, high: float):
    """A URL cast that accepts only finite numbers in [low, high]."""

    def cast(text: str) -> float:
        value = float(text)
        if not low <= value <= high:
            raise ValueError(f"{value} is outside [{low}, {high}]")
        return value

    return cast


def latex_number(value: float) -> str:
    """``1.5e-11`` as LaTeX ``1.5 \\times 10^{-11}`` (plain digits between 0.01 and 1000)."""
    if value == 0 or 1e-2 <= abs(value) < 1e3:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def parse_range(text: str) -> tuple[float, float]:
    low, high = (float(part) for part in text.split(","))
    if not (-Z_LIMIT <= low < high <= Z_LIMIT):
        raise ValueError(f"x-range must lie in [-{Z_LIMIT:g}, {Z_LIMIT:g}], got {text!r}")
    return low, high


# ---------------------------------------------------------------------------------------------
# Cached core calls (an activation is passed as (name, ((param, value), ...)) to be hashable)
# ---------------------------------------------------------------------------------------------


def build(spec):
    name, params = spec
    return activations.get(name, **dict(params))


@st.cache_data(show_spinner=False, max_entries=256)
def check_and_zones(spec, low, high, threshold):
    z = np.linspace(low, high, GRID_POINTS)
    activation = build(spec)
    return (
        analysis.derivative_check(activation, z),
        analysis.saturation_zones(activation, z, threshold),
    )


@st.cache_data(show_spinner=False, max_entries=256)
def property_row(spec):
    return analysis.properties(build(spec))


@st.cache_data(show_spinner=False, max_entries=256)
def products(spec, model, z0):
    return analysis.gradient_products(build(spec), MAX_DEPTH, model=model, z0=z0)


@st.cache_data(show_spinner=False, max_entries=32)
def run_benchmark(specs, repetitions):
    """ms per forward call; the progress bar lives inside so a cached replay stays consistent."""
    bar = st.progress(0.0, text="Timing …")

    def report(done, total):
        if done == total or (100 * done) // total != (100 * (done - 1)) // total:
            bar.progress(done / total, text=f"Timing … {done} of {total} calls")

    timings = analysis.benchmark(
        [build(spec) for spec in specs],
        n_values=BENCHMARK_VALUES,
        repetitions=repetitions,
        rng=0,
        progress=report,
    )
    bar.empty()
    return timings


# ---------------------------------------------------------------------------------------------
# Sidebar
# ---------------------------------------------------------------------------------------------

st.title("Activations")
st.markdown(
    "The non-linearity each neuron applies to its input $z = w\\cdot x + b$. Its shape decides "
    "what a layer can express; its **derivative** decides how much gradient flows back "
    "through the layer during training."
)

with st.sidebar:
    st.header("Activation settings")
    chosen = st.multiselect(
        "Activations",
        NAMES,
        default=qp_get("act", DEFAULT_NAMES, cast=parse_names),
        format_func=LABELS.get,
        key="ac_names",
    )
    specs = {}
    for name in chosen:
        params = {}
        for param, default in activations.ACTIVATIONS[name].defaults.items():
            low, high, step = PARAMETER_SLIDERS.get((name, param), (0.0, 2 * default + 1, 0.01))
            params[param] = st.slider(
                f"{LABELS[name]}: {GREEK.get(param, param)}",
                low,
                high,
                qp_get(f"{param}_{name}", float(default), cast=bounded(low, high)),
                step=step,
                key=f"ac_{name}_{param}",
            )
        specs[name] = (name, tuple(sorted(params.items())))
    low, high = st.slider(
        "x-range (z)",
        -Z_LIMIT,
        Z_LIMIT,
        qp_get("xrange", (-6.0, 6.0), cast=parse_range),
        step=0.5,
        key="ac_xrange",
    )
    threshold = st.select_slider(
        "Saturation threshold: shade where |f′(z)| <",
        THRESHOLDS,
        value=qp_get("threshold", 0.05, choices=THRESHOLDS),
        key="ac_threshold",
    )
    gradient_model = st.radio(
        "Vanishing gradients: per-layer |f′|",
        list(GRADIENT_MODELS),
        index=list(GRADIENT_MODELS).index(qp_get("grad", "normal", choices=GRADIENT_MODELS)),
        format_func=GRADIENT_MODELS.get,
        key="ac_grad_model",
    )
    z0 = st.slider(
        "z₀ (fixed pre-activation)",
        -6.0,
        6.0,
        qp_get("z0", 2.0, cast=bounded(-6.0, 6.0)),
        step=0.25,
        key="ac_z0",
        disabled=gradient_model != "fixed",
    )

qp_sync(
    {
        "act": chosen,
        **{
            f"{param}_{name}": value
            for name, (_, params) in specs.items()
            for param, value in params
        },
        "xrange": (low, high),
        "threshold": threshold,
        "grad": gradient_model,
        "z0": z0 if gradient_model == "fixed" else None,
    }
)

# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------

if not chosen:
    st.warning(
        "Choose at least one activation in the sidebar to see its curves.",
        icon=":material/warning:",
    )
else:
    try:
        results = {
            name: check_and_zones(spec, low, high, threshold) for name, spec in specs.items()
        }
    except ValueError as error:
        show_error(error, "Could not evaluate the activations")
        results = {}

if chosen and results:
    checks = {name: result[0] for name, result in results.items()}
    zones = {name: result[1] for name, result in results.items()}

    formula_columns = st.columns(min(len(chosen), 3))
    for index, name in enumerate(chosen):
        activation = build(specs[name])
        with formula_columns[index % len(formula_columns)]:
            st.latex(activation.formula)
            st.latex(activation.derivative_formula)

    st.subheader("Function and derivative")
    st.plotly_chart(activation_viz.comparison_figure(checks), key="ac_compare", width="stretch")
    st.markdown(
        "Circles are the **numerical derivative** $\\frac{f(z+h) - f(z-h)}{2h}$ with "
        f"$h = {latex_number(analysis.DEFAULT_STEP)}$, computed from $f$ alone; lines are the "
        "formula the network uses in backpropagation. Largest disagreement on this range:"
    )
    st.markdown(
        "\n".join(
            f"- **{LABELS[name]}**: max $|f'_{{num}} - f'| = {latex_number(check.max_error)}$"
            + (f" at $z = {check.max_error_at:.3g}$" if check.max_error_at is not None else "")
            + (
                f" (kink at $z = {', '.join(f'{k:g}' for k in check.skipped)}$ left out: "
                "there the two one-sided slopes differ and the central difference returns "
                "their average)"
                if check.skipped
                else ""
            )
            for name, check in checks.items()
        )
    )

    st.subheader("Saturation: where the gradient dies")
    st.plotly_chart(
        activation_viz.detail_figure(checks, zones, threshold), key="ac_detail", width="stretch"
    )
    zone_text = []
    for name, intervals in zones.items():
        spans = ", ".join(f"[{start:.2f}, {stop:.2f}]" for start, stop in intervals) or "none"
        zone_text.append(f"- **{LABELS[name]}**: $|f'| < {threshold:g}$ on {spans}")
    st.markdown("\n".join(zone_text))

    st.subheader("Properties")
    st.dataframe(
        pd.DataFrame(
            [{**property_row(specs[name]).as_row(), "activation": LABELS[name]} for name in chosen]
        ),
        hide_index=True,
        width="stretch",
        key="ac_properties",
    )
    st.caption(
        "Computed from each function, so they follow the α sliders: range from the limits "
        "at ±∞ and the extremes on [−15, 15]; zero-centred means $|E[f(z)]| < 0.05$ for "
        "$z \\sim N(0, 1)$; saturates means $|f'| < 10^{-6}$ far out in that tail; dead zone "
        "is where $f'$ is exactly 0. $E|f'(z)|$ is the per-layer factor of the next chart."
    )

    st.subheader("Vanishing gradients through depth")
    chain = {name: products(spec, gradient_model, z0) for name, spec in specs.items()}
    model_label = (
        "E|f′(z)| per layer, z ~ N(0, 1)"
        if gradient_model == "normal"
        else f"|f′({z0:g})| per layer"
    )
    st.plotly_chart(
        activation_viz.gradient_products_figure(chain, model_label),
        key="ac_vanishing",
        width="stretch",
    )
    st.markdown(
        "Backpropagation multiplies one $f'(z_l)$ per layer into the gradient: "
        "$\\frac{\\partial L}{\\partial z_1} \\propto \\prod_{l=1}^{d} f'(z_l)$ (times the "
        "weights, left out here). A factor below 1 shrinks it geometrically. After "
        f"{MAX_DEPTH} layers: "
        + ", ".join(
            f"{LABELS[name]} ${latex_number(values[-1])}$" for name, values in chain.items()
        )
        + "."
    )

    st.subheader("Speed")
    repetitions = st.segmented_control(
        "Repetitions",
        REPETITION_CHOICES,
        default=qp_get("reps", 100, choices=REPETITION_CHOICES),
        key="ac_reps",
        help="The seed notebook times 1,000,000 values × 100 repetitions.",
    )
    repetitions = repetitions or REPETITION_CHOICES[-1]
    qp_sync({"reps": repetitions})
    benchmark_key = (tuple(specs.values()), repetitions)
    if st.button(
        f"Time forward() on {BENCHMARK_VALUES:,} values × {repetitions}",
        key="ac_bench",
        icon=":material/timer:",
    ):
        try:
            st.session_state["ac_benchmark"] = (
                benchmark_key,
                run_benchmark(tuple(specs.values()), repetitions),
            )
        except ValueError as error:
            show_error(error, "The benchmark could not run")
    stored = st.session_state.get("ac_benchmark")
    if stored is not None and stored[0] == benchmark_key:
        st.plotly_chart(
            activation_viz.benchmark_figure(stored[1], BENCHMARK_VALUES, repetitions),
            key="ac_speed",
            width="stretch",
        )
        st.caption(
            "Results are cached: the same selection shows the first measurement again. "
            "Times depend on this machine and on what else it is doing."
        )
    else:
        st.caption(
            "Runs on demand (it keeps the server busy for a few seconds per activation at "
            "100 repetitions)."
        )

# ---------------------------------------------------------------------------------------------
# What to notice
# ---------------------------------------------------------------------------------------------

with st.expander("What to notice", expanded=True, icon=":material/lightbulb:"):
    st.markdown(
        "- **Sigmoid's slope is at most 0.25** ($\\sigma' = \\sigma(1-\\sigma)$ peaks at "
        "$z = 0$), so every sigmoid layer shrinks the gradient at least fourfold: "
        "$0.25^{10} \\approx 10^{-6}$. This is the vanishing-gradient problem of deep "
        "sigmoid networks.\n"
        "- **tanh** is a rescaled sigmoid, $\\tanh z = 2\\sigma(2z) - 1$: zero-centred and "
        "with slope 1 at the origin, but it saturates just the same for large $|z|$.\n"
        "- **ReLU** never saturates for $z > 0$ (slope exactly 1) but has a dead zone: a unit "
        "whose $z$ stays negative gets no gradient at all and stops learning. Its average "
        "factor of 0.5 is the fraction of active units — He initialisation doubles the "
        "weight variance to make up for exactly that.\n"
        "- **Leaky ReLU** and **ELU** keep a small slope for $z < 0$; **swish** and **GELU** "
        "are smooth, dip slightly below zero and are not monotonic.\n"
        "- The numerical derivative matches the formulas to about $10^{-10}$ — the same "
        "check that validates backpropagation (gradient checking). At a kink it cannot: "
        "the central difference averages the two one-sided slopes.\n"
        "- **linear** costs nothing (it returns its input unchanged) but stacking linear "
        "layers gives just another linear map."
    )
