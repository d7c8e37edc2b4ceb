"""Optimizer race: paths on 2-D loss surfaces, then the same optimizers on a real network.

Storyboard: sidebar choices -> ``lessons.race.summary`` (race, results table) or
``lessons.race.network_race`` (the seed's comparison) -> figures from ``viz.race``.
"""

from __future__ import annotations

import math

import streamlit as st
from threadpoolctl import threadpool_limits

from core.optimizers import OPTIMIZERS
from lessons.race import network_race, surfaces
from lessons.race import summary as race_summary
from lessons.race.summary import OptimizerSpec
from ui.common import parse_finite_float, qp_get, qp_sync, show_error
from ui.frame import page_frame, playground
from ui.pickers import SCHEDULE_LABELS, hyper_parameter_inputs, schedule_controls
from viz import race as race_viz
from yieldmodel import seed_data

page_frame(playground("optimizers"))

NAMES = list(OPTIMIZERS)
SHORT_LABELS = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}
SURFACE_TITLES = {
    "quadratic": "Ill-conditioned bowl x² + 10y²",
    "rosenbrock": "Rosenbrock (banana valley)",
    "beale": "Beale",
    "himmelblau": "Himmelblau (four minima)",
    "booth": "Booth",
    "saddle": "Saddle x² − y²",
    "rastrigin": "Rastrigin (many local minima)",
    "ackley": "Ackley (rippled funnel)",
    "six_hump_camel": "Six-hump camel",
}
DEFAULT_SURFACE = "quadratic"
DEFAULT_OPTIMIZERS = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]
TOLERANCES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)
MAP_POINTS = 300  # pixels per side of the contour map
MESH_POINTS = 120  # grid lines per side of the 3-D surface
MAX_STEPS = 1000
CUSTOM_START = "Custom (type below)"

# Update rule and behaviour of each optimizer, in the symbols of core.optimizers' docstrings.
UPDATE_RULES = {
    "sgd": r"\theta \leftarrow \theta - \eta\, g",
    "momentum": r"v \leftarrow \beta v + (1-\beta)\, g,\quad \theta \leftarrow \theta - \eta\, v",
    "nesterov": r"b \leftarrow \mu b + g,\quad \theta \leftarrow \theta - \eta\,(g + \mu b)",
    "adagrad": (
        r"s \leftarrow s + g^2,\quad \theta \leftarrow \theta - \eta\,\frac{g}{\sqrt{s}+\epsilon}"
    ),
    "rmsprop": (
        r"s \leftarrow \alpha s + (1-\alpha)\, g^2,\quad "
        r"\theta \leftarrow \theta - \eta\,\frac{g}{\sqrt{s}+\epsilon}"
    ),
    "adam": (
        r"m \leftarrow \beta_1 m + (1-\beta_1) g,\ v \leftarrow \beta_2 v + (1-\beta_2) g^2,\ "
        r"\theta \leftarrow \theta - \eta\,\frac{\hat m}{\sqrt{\hat v}+\epsilon}"
    ),
    "adamw": (r"\theta \leftarrow \theta(1-\eta\lambda),\ \text{then the Adam step}"),
}
BEHAVIOUR = {
    "sgd": (
        "Steps are proportional to the gradient: long on steep walls, tiny on flat floors. "
        "The steepest direction caps $\\eta$ (in the bowl $\\eta < 2/20 = 0.1$, or $y$ "
        "blows up), and near that cap SGD zigzags across the valley while creeping along it."
    ),
    "momentum": (
        "The seed's form keeps an average $v$ of recent gradients: the zigzag cancels and the "
        "steady downhill part builds up. The average lags behind the gradient, so it "
        "carries the point past the minimum and it swings back: it **overshoots** and spirals "
        "in. (It equals PyTorch SGD with momentum $\\beta$ and rate $\\eta(1-\\beta)$.)"
    ),
    "nesterov": (
        "PyTorch's Nesterov momentum: the buffer $b$ is a *sum* of past gradients, so its "
        "steps are about $1/(1-\\mu) = 10$ times longer than SGD's at the same $\\eta$ "
        "(hence its small default). Looking ahead with $g + \\mu b$ brakes earlier than "
        "plain momentum, so it overshoots less."
    ),
    "adagrad": (
        "Each coordinate is divided by the root of *all* its squared gradients so far. The "
        "first step is exactly $\\eta$ along every coordinate, whatever the slope; then "
        "the sum only grows, so the **steps keep shrinking** (like $1/\\sqrt{t}$ on a steady "
        "slope) and it can stall before it arrives."
    ),
    "rmsprop": (
        "Like Adagrad, but $s$ forgets old gradients, so steps do not die out. Every "
        "coordinate moves about $\\eta$ per step, steep or flat: the ill-conditioning "
        "disappears, and near the minimum the remembered larger gradients slow it down."
    ),
    "adam": (
        "Momentum on top of RMSprop's **per-coordinate scaling**. Early steps have length "
        "about $\\eta$ in every coordinate, so it first heads diagonally whatever the "
        "curvature; its momentum then makes it overshoot and circle in. The hats are the "
        "bias corrections $\\hat m = m/(1-\\beta_1^t)$, $\\hat v = v/(1-\\beta_2^t)$."
    ),
    "adamw": (
        "Adam plus decoupled weight decay that pulls the point towards the origin "
        "$(0, 0)$. Where the minimum is elsewhere, that pull moves where it settles."
    ),
}
NETWORK_DATASETS = {
    "semiconductor": "Semiconductor yield (the seed's data)",
    "circle": "Playground: circle",
    "xor": "Playground: xor",
    "gauss": "Playground: gauss",
    "spiral": "Playground: spiral",
}
FULL_BATCH = "Full batch"
BATCH_CHOICES = (FULL_BATCH, 8, 16, 32, 64, 128, 256)
SEED_NAMES = [spec.name for spec in network_race.SEED_OPTIMIZERS.values()]


# ---------------------------------------------------------------------------------------------
# URL parsing
# ---------------------------------------------------------------------------------------------


def parse_names(text: str) -> list[str]:
    """Comma-separated optimizer names; an unknown name makes the value invalid."""
    names = [name for name in text.split(",") if name]
    if any(name not in NAMES for name in names):
        raise ValueError(f"unknown optimizer in {text!r}")
    return names


def parse_floats(text: str) -> list[float]:
    """Comma-separated finite numbers."""
    return [parse_finite_float(part) for part in text.split(",") if part]


def parse_point(text: str) -> tuple[float, float]:
    """``"x,y"`` -> (x, y)."""
    values = parse_floats(text)
    if len(values) != 2:
        raise ValueError(f"expected two numbers x,y, got {text!r}")
    return values[0], values[1]


def parse_batch(text: str):
    """``full`` or a batch size from :data:`BATCH_CHOICES`."""
    if text == "full":
        return FULL_BATCH
    value = int(text)
    if value not in BATCH_CHOICES:
        raise ValueError(f"batch size {value} is not offered")
    return value


def url_learning_rates(names_key: str, rates_key: str) -> dict[str, float]:
    """Optimizer name -> learning rate from two aligned URL lists (empty if they disagree)."""
    names = qp_get(names_key, [], cast=parse_names)
    rates = qp_get(rates_key, [], cast=parse_floats)
    if len(names) != len(rates) or any(not 0 < rate <= 100 for rate in rates):
        return {}
    return dict(zip(names, rates, strict=True))


def initialise(key: str, value) -> None:
    """Give widget ``key`` its first value (from the URL or a preset) once per session."""
    if key not in st.session_state:
        st.session_state[key] = value


def learning_rate_input(name: str, key: str, default: float, url_rates: dict) -> float:
    """Sidebar input of one optimizer's learning rate; its +/- step is the default's decade."""
    initialise(key, float(url_rates.get(name, default)))
    return st.sidebar.number_input(
        f"{SHORT_LABELS[name]}: learning rate η",
        min_value=1e-6,
        max_value=100.0,
        step=10.0 ** math.floor(math.log10(default)),
        format="%g",
        key=key,
    )


def keep_hidden_settings(prefix: str, exclude: str | None = None) -> None:
    """Keep the settings of a tab that is not drawn in this run (Streamlit drops the state of
    widgets that are not rendered)."""
    for key in list(st.session_state):
        key = str(key)
        if key.startswith(prefix) and not (exclude and key.startswith(exclude)):
            st.session_state[key] = st.session_state[key]


# ---------------------------------------------------------------------------------------------
# Cached core calls (arguments are plain, hashable values)
# ---------------------------------------------------------------------------------------------


def specs_from(items) -> dict[str, OptimizerSpec]:
    """``((label, name, lr, hyper_items), ...)`` -> label -> OptimizerSpec."""
    return {label: OptimizerSpec(name, lr, dict(hyper)) for label, name, lr, hyper in items}


@st.cache_data(show_spinner=False, max_entries=64)
def surface_race(surface_name, optimizer_items, start, steps, schedule):
    return race_summary.run_race(surface_name, specs_from(optimizer_items), start, steps, schedule)


@st.cache_data(show_spinner=False, max_entries=32)
def surface_grid(surface_name, points):
    return race_summary.surface_grid(surface_name, points)


@st.cache_data(show_spinner=False, max_entries=16)
def network_results(dataset, noise, epochs, batch_size, optimizer_items):
    """The network race; the progress bar lives inside so a cached replay stays consistent."""
    bar = st.progress(0.0, text="Preparing the data …")
    if dataset == "semiconductor":
        task = network_race.tabular_task(dataset, *seed_data.semiconductor_arrays(5000, rng=42))
    else:
        task = network_race.make_task(dataset, noise=noise)
    shown = {"percent": -1}

    def report(fraction, message):
        percent = int(100 * fraction)
        if percent != shown["percent"]:
            shown["percent"] = percent
            bar.progress(fraction, text=f"Training … {message}")

    # Multi-threaded BLAS on a busy 2-core server is many times slower than one thread for
    # these small matrices, and it would compete with every other session.
    with threadpool_limits(limits=1):
        result = network_race.network_race(
            task, specs_from(optimizer_items), epochs, batch_size, rng=0, progress=report
        )
    bar.empty()
    return task.description, result


# ---------------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------------

st.title("Optimizer race")
st.markdown(
    "Several optimizers start from the same point and follow their own update rules "
    "downhill. First on 2-D test surfaces, where every step can be seen; then on a real "
    "network, where the same rules decide how fast a classifier learns."
)
surface_tab, network_tab = st.tabs(["Surfaces", "Network"], key="tab", bind="query-params")


if surface_tab.open is False:
    keep_hidden_settings("race_", exclude="race_net_")
if network_tab.open is False:
    keep_hidden_settings("race_net_")


def surface_sidebar() -> dict:
    """Sidebar controls of the surface race; returns the chosen settings."""
    url_surface = qp_get("surface", DEFAULT_SURFACE, choices=surfaces.SURFACES)
    initialise("race_surface", url_surface)
    sidebar = st.sidebar
    sidebar.header("Race on a surface")
    surface_name = sidebar.selectbox(
        "Surface",
        list(surfaces.SURFACES),
        format_func=SURFACE_TITLES.get,
        key="race_surface",
    )
    preset = race_summary.preset(surface_name)
    from_url = surface_name == url_surface

    # Start point: a preset per surface, or typed coordinates.
    start_names = [*preset.starts, CUSTOM_START]
    (x0, x1), (y0, y1) = surfaces.get(surface_name).bounds
    url_start = qp_get("start", None, cast=parse_point) if from_url else None
    if url_start and not (x0 <= url_start[0] <= x1 and y0 <= url_start[1] <= y1):
        url_start = None  # a start off the map cannot be typed in either
    first_start = next(iter(preset.starts.values()))
    start_value = url_start or first_start
    x_key, y_key = f"race_x_{surface_name}", f"race_y_{surface_name}"
    preset_key = f"race_start_{surface_name}"
    initialise(
        preset_key,
        next((name for name, point in preset.starts.items() if point == start_value), CUSTOM_START),
    )
    initialise(x_key, float(start_value[0]))
    initialise(y_key, float(start_value[1]))

    def use_preset():
        chosen = st.session_state[preset_key]
        if chosen in preset.starts:
            st.session_state[x_key], st.session_state[y_key] = map(float, preset.starts[chosen])

    def typed_start():
        st.session_state[preset_key] = CUSTOM_START

    sidebar.selectbox("Start point", start_names, key=preset_key, on_change=use_preset)
    left, right = sidebar.columns(2)
    start_x = left.number_input(
        "x₀", x0, x1, step=0.1, format="%.3f", key=x_key, on_change=typed_start
    )
    start_y = right.number_input(
        "y₀", y0, y1, step=0.1, format="%.3f", key=y_key, on_change=typed_start
    )

    steps_key = f"race_steps_{surface_name}"
    initialise(
        steps_key,
        qp_get("steps", preset.steps, cast=int) if from_url else preset.steps,
    )
    st.session_state[steps_key] = min(max(int(st.session_state[steps_key]), 10), MAX_STEPS)
    steps = sidebar.slider("Steps", 10, MAX_STEPS, step=10, key=steps_key)

    initialise("race_optimizers", qp_get("opt", DEFAULT_OPTIMIZERS, cast=parse_names))
    chosen = sidebar.multiselect(
        "Optimizers", NAMES, format_func=SHORT_LABELS.get, key="race_optimizers"
    )
    url_rates = url_learning_rates("opt", "lr") if from_url else {}
    optimizer_items = []
    for name in chosen:
        lr = learning_rate_input(
            name, f"race_lr_{surface_name}_{name}", preset.learning_rates[name], url_rates
        )
        with sidebar.expander(f"{SHORT_LABELS[name]}: other hyper-parameters"):
            hyper = hyper_parameter_inputs(name, f"race_{name}", container=st)
        optimizer_items.append((SHORT_LABELS[name], name, float(lr), tuple(sorted(hyper.items()))))

    sidebar.subheader("Learning-rate schedule")
    initialise("race_schedule", qp_get("schedule", "constant", choices=SCHEDULE_LABELS))
    schedule_name, schedule_kwargs = schedule_controls("race", horizon=steps, container=sidebar)
    initialise("race_tolerance", qp_get("tol", 1e-4, choices=TOLERANCES))
    tolerance = sidebar.select_slider(
        "Arrived when f − f* ≤",
        TOLERANCES,
        format_func=lambda value: f"{value:g}",
        key="race_tolerance",
        help="The results table counts the steps each optimizer needs to get this close.",
    )
    qp_sync(
        {
            "surface": surface_name,
            "opt": chosen,
            "lr": [item[2] for item in optimizer_items],
            "start": (start_x, start_y),
            "steps": steps,
            "schedule": schedule_name,
            "tol": tolerance,
        }
    )
    return {
        "surface": surface_name,
        "optimizer_items": tuple(optimizer_items),
        "names": chosen,
        "start": (float(start_x), float(start_y)),
        "steps": int(steps),
        "schedule": (schedule_name, tuple(sorted(schedule_kwargs.items()))),
        "tolerance": tolerance,
    }


def results_table(surface, rows, optimizer_items) -> list[dict]:
    """The summary rows as display text (numbers span 1e-95 to 1e+200, so no shared format).

    The gap f − f* gets its own column only where it differs from f (f* ≠ 0).
    """
    rates = {label: lr for label, _, lr, _ in optimizer_items}
    show_gap = surface.min_value not in (None, 0.0)
    never = "never" if surface.min_value is not None else "—"
    table = []
    for row in rows:
        entry = {
            "Optimizer": row["label"],
            "η": rates[row["label"]],
            "Final (x, y)": f"({row['x']:.4g}, {row['y']:.4g})",
            "Final f": f"{row['loss']:.4g}",
        }
        if show_gap:
            entry["f − f*"] = f"{row['gap']:.3g}"
        entry["Distance to minimum"] = "—" if row["distance"] is None else f"{row['distance']:.3g}"
        arrived = row["steps_to_tolerance"]
        entry["Steps to arrive"] = never if arrived is None else str(arrived)
        failed = row["diverged_at"]
        entry["Diverged at step"] = "" if failed is None else str(failed)
        table.append(entry)
    return table


def start_from_click(surface_name: str) -> None:
    """Chart callback: a clicked point of the start picker becomes the start point."""
    points = st.session_state["chart_race_animation"].selection.points
    if points:
        (x0, x1), (y0, y1) = surfaces.get(surface_name).bounds
        # Grid points carry float noise such as -0.6000000000000001; keep the URL tidy.
        x = min(max(round(float(points[0]["x"]), 4), x0), x1)
        y = min(max(round(float(points[0]["y"]), 4), y0), y1)
        st.session_state[f"race_x_{surface_name}"] = x
        st.session_state[f"race_y_{surface_name}"] = y
        st.session_state[f"race_start_{surface_name}"] = CUSTOM_START


def show_surface_race() -> None:
    settings = surface_sidebar()
    surface = surfaces.get(settings["surface"])
    preset = race_summary.preset(surface)
    st.markdown(
        f"**{SURFACE_TITLES[surface.name]}**: $f(x, y) = {surface.formula}$. {preset.lesson}"
    )
    if not settings["names"]:
        st.warning(
            "Choose at least one optimizer in the sidebar to start the race.",
            icon=":material/warning:",
        )
        return
    schedule_name, schedule_items = settings["schedule"]
    try:
        result = surface_race(
            surface.name,
            settings["optimizer_items"],
            settings["start"],
            settings["steps"],
            (schedule_name, dict(schedule_items)),
        )
    except ValueError as error:
        show_error(error, "Could not run the race")
        return

    colors = race_viz.assign_colors(
        [item[0] for item in settings["optimizer_items"]],
        [item[1] for item in settings["optimizer_items"]],
    )
    flat, solid = st.columns([3, 2])
    with flat:
        st.plotly_chart(
            race_viz.race_animation(
                surface,
                surface_grid(surface.name, MAP_POINTS),
                result,
                colors,
                start=settings["start"],
                click_hint=True,
            ),
            key="chart_race_animation",
            config={"displaylogo": False},
            on_select=lambda: start_from_click(surface.name),
            selection_mode="points",
        )
        st.caption(
            "Press **▶ Play** to watch the race, or drag the slider to any step. **Click** "
            "anywhere on the map to start from there. Faint lines are whole paths (hover "
            "them for step numbers); ★ marks the global minima."
        )
    with solid:
        st.plotly_chart(
            race_viz.surface_3d(surface, surface_grid(surface.name, MESH_POINTS), result, colors),
            key="chart_race_3d",
            config={"displaylogo": False},
        )
        st.caption(
            "Drag to turn the surface. "
            + (
                "Height is $\\log_{10}(1 + f - f^*)$, so deep valleys stay visible next to "
                "walls thousands of times higher."
                if surface.log_scale
                else "Height is $f$ itself."
            )
        )

    for label, step in result.diverged_at.items():
        if step is not None:
            st.warning(
                f"**{label} diverged at step {step}**: its point or $f$ became infinite, so "
                "its path stops at the last finite point while the others race on. Its "
                "learning rate is too large for the steepest part of this surface; try a "
                "value 10 times smaller.",
                icon=":material/trending_up:",
            )

    loss_column, rate_column = st.columns(2)
    with loss_column:
        st.plotly_chart(
            race_viz.loss_curves(surface, result, colors, settings["tolerance"]),
            key="chart_race_loss",
            config={"displaylogo": False},
        )
    with rate_column:
        st.plotly_chart(
            race_viz.learning_rate_chart(result, colors),
            key="chart_race_lr",
            config={"displaylogo": False},
        )
        if schedule_name == "constant":
            st.caption(
                "Constant rates. Pick a schedule in the sidebar to decay every optimizer's "
                "η from its own starting value."
            )

    st.subheader("Results")
    rows = race_summary.summarize(surface, result, settings["tolerance"])
    st.container(key="table_race_results").dataframe(
        results_table(surface, rows, settings["optimizer_items"]),
        hide_index=True,
        column_config={
            "η": st.column_config.NumberColumn(format="%g"),
            "Final f": st.column_config.TextColumn(help="f at the last point."),
            "Distance to minimum": st.column_config.TextColumn(
                help="Euclidean distance to the nearest global minimum (★)."
            ),
            "Steps to arrive": st.column_config.TextColumn(
                help=f"First step with f − f* ≤ {settings['tolerance']:g}."
            ),
            "Diverged at step": st.column_config.TextColumn(
                help="Step whose result was not finite; empty if the run stayed finite."
            ),
        },
    )
    if surface.min_value is None:
        st.caption("This surface has no minimum, so distance and arrival show —.")

    st.subheader("What to notice")
    for name in settings["names"]:
        st.markdown(f"**{SHORT_LABELS[name]}** — {BEHAVIOUR[name]}")
        st.latex(UPDATE_RULES[name])
    st.caption(
        "$g$ is the gradient $\\nabla f$ at the current point, $\\theta = (x, y)$, $\\eta$ the "
        "learning rate. The race uses the same optimizer code that trains the networks."
    )


def network_sidebar() -> dict:
    """Sidebar controls of the network race; returns the chosen settings."""
    sidebar = st.sidebar
    sidebar.header("Race on a network")
    initialise("race_net_data", qp_get("net_data", "semiconductor", choices=NETWORK_DATASETS))
    dataset = sidebar.selectbox(
        "Dataset", list(NETWORK_DATASETS), format_func=NETWORK_DATASETS.get, key="race_net_data"
    )
    noise = 0.0
    if dataset != "semiconductor":
        initialise("race_net_noise", 0.1)
        noise = sidebar.slider("Noise", 0.0, 0.5, step=0.05, key="race_net_noise")
    initialise("race_net_epochs", qp_get("net_epochs", 100, cast=int))
    st.session_state.race_net_epochs = min(max(int(st.session_state.race_net_epochs), 1), 300)
    epochs = sidebar.slider("Epochs", 1, 300, key="race_net_epochs")
    initialise("race_net_batch", qp_get("net_batch", FULL_BATCH, cast=parse_batch))
    batch = sidebar.selectbox(
        "Batch size",
        BATCH_CHOICES,
        key="race_net_batch",
        format_func=lambda choice: (
            "Full batch (the seed)" if choice == FULL_BATCH else f"{choice} rows"
        ),
    )
    initialise("race_net_optimizers", qp_get("net_opt", SEED_NAMES, cast=parse_names))
    chosen = sidebar.multiselect(
        "Optimizers", NAMES, format_func=SHORT_LABELS.get, key="race_net_optimizers"
    )
    url_rates = url_learning_rates("net_opt", "net_lr")
    optimizer_items = []
    for name in chosen:
        lr = learning_rate_input(
            name, f"race_net_lr_{name}", network_race.DEFAULT_LEARNING_RATES[name], url_rates
        )
        optimizer_items.append((SHORT_LABELS[name], name, float(lr), ()))
    qp_sync(
        {
            "net_data": dataset,
            "net_epochs": epochs,
            "net_batch": "full" if batch == FULL_BATCH else batch,
            "net_opt": chosen,
            "net_lr": [item[2] for item in optimizer_items],
        }
    )
    return {
        "dataset": dataset,
        "noise": float(noise),
        "epochs": int(epochs),
        "batch_size": None if batch == FULL_BATCH else int(batch),
        "optimizer_items": tuple(optimizer_items),
    }


def network_table(result) -> list[dict]:
    """The seed-style comparison with readable column names."""
    target = f"Epochs to {result.target_accuracy:.0%}"
    return [
        {
            "Optimizer": row["optimizer"],
            "η": row["lr"],
            "Final loss": row["final_loss"],
            "Final val accuracy": row["final_val_accuracy"],
            target: (
                str(row["epochs_to_target"]) if row["epochs_to_target"] is not None else "never"
            ),
            "Seconds": row["seconds"],
            "Note": f"diverged after {row['epochs']} epochs" if row["diverged"] else "",
        }
        for row in result.table()
    ]


def show_network_race() -> None:
    settings = network_sidebar()
    st.subheader("The seed's comparison: one network, four optimizers")
    st.markdown(
        "The same MLP (20 → 64 → 32 → 1, ReLU, sigmoid output) starts from the **same initial "
        "weights** for every optimizer and trains on the semiconductor yield data: 100 "
        "full-batch epochs with SGD η = 0.1, momentum η = 0.01, RMSprop η = 0.001 and Adam "
        "η = 0.001. Change the dataset, batch size or optimizers in the sidebar, then run."
    )
    if not settings["optimizer_items"]:
        st.warning(
            "Choose at least one optimizer in the sidebar to run the race.",
            icon=":material/warning:",
        )
        return
    config = (
        settings["dataset"],
        settings["noise"],
        settings["epochs"],
        settings["batch_size"],
        settings["optimizer_items"],
    )
    if st.button("Run the race", key="run_network_race", type="primary", icon=":material/flag:"):
        st.session_state["network_race_config"] = config
    shown_config = st.session_state.get("network_race_config")
    if shown_config is None:
        st.info("Press **Run the race** to train one network per optimizer.")
        return
    if shown_config != config:
        st.info("The settings changed since this run: press **Run the race** to update it.")
    try:
        description, result = network_results(*shown_config)
    except ValueError as error:
        show_error(error, "Could not run the network race")
        return

    colors = race_viz.assign_colors(
        [item[0] for item in shown_config[4]], [item[1] for item in shown_config[4]]
    )
    batch_text = "full batch" if shown_config[3] is None else f"mini-batches of {result.batch_size}"
    st.caption(
        f"{description}. Network {' → '.join(map(str, result.sizes))}, {result.epochs} epochs, "
        f"{batch_text}."
    )
    st.plotly_chart(
        race_viz.network_curves(result, colors),
        key="chart_race_network",
        config={"displaylogo": False},
    )
    st.container(key="table_race_network").dataframe(
        network_table(result),
        hide_index=True,
        column_config={
            "η": st.column_config.NumberColumn(format="%g"),
            "Final loss": st.column_config.NumberColumn(format="%.4f"),
            "Final val accuracy": st.column_config.NumberColumn(format="percent"),
            "Seconds": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    for run in result.runs.values():
        if run.diverged:
            st.warning(
                f"**{run.label} diverged**: {run.diverged_at['reason']}. Its curves stop at "
                "the last finite epoch; try a smaller learning rate.",
                icon=":material/trending_up:",
            )
    st.subheader("What to notice")
    st.markdown(
        "- The loss is binary cross-entropy; accuracy is measured on held-out rows the "
        "optimizers never train on.\n"
        "- **Momentum** in the seed's EMA form with η = 0.01 moves like SGD with η = 0.01, "
        "ten times slower than the SGD run: averaging gradients does not lengthen the step.\n"
        "- **RMSprop** and **Adam** divide each weight's step by its own gradient scale, so "
        "a rate of 0.001 moves every weight by about 0.001 per epoch: with only 100 full-batch "
        "updates, how far each optimizer gets depends on that step length more than on "
        "anything else.\n"
        "- With **mini-batches** there are many updates per epoch, so every optimizer reaches "
        "90 % within the first few epochs; seconds then measure the cost per epoch."
    )


if surface_tab.open is not False:
    with surface_tab:
        show_surface_race()
if network_tab.open is not False:
    with network_tab:
        show_network_race()
