"""Semiconductor yield: train a pass/fail model on parametric tests, judge it, score a CSV.

Storyboard: sidebar settings (data, network, training, decision threshold) -> tabs:
the data (generated wafer-test table, or your own labelled CSV); training with a live
loss curve and the evaluation at the chosen threshold; the seed's two experiments;
scoring an uploaded CSV (validation report first, then scores, drift and a download);
the model file (download, upload, ONNX) -> what to notice.

Everything computed comes from ``yieldmodel.experiments`` (training, scoring), ``yieldmodel.drift``
and ``core.metrics``; every figure from ``viz.yield_charts``. The trained model, uploaded
files and results live in ``st.session_state``, one browser session each.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import time

import numpy as np
import pandas as pd
import streamlit as st

from core import losses, metrics
from core.activations import ACTIVATIONS
from core.initializers import INITIALIZERS
from ui.common import parse_int_list, qp_clamped, qp_get, qp_sync, show_error
from ui.frame import page_frame, playground
from ui.pickers import OPTIMIZER_LABELS, optimizer_controls
from viz import yield_charts as charts
from yieldmodel import drift, model_io, seed_data
from yieldmodel import experiments as ye
from yieldmodel.tabular import IMBALANCE_FRACTION, DataError, Preprocessor, read_csv

page_frame(playground("yield"))

LABEL = seed_data.SEMICONDUCTOR_LABEL
SOURCES = {"generated": "Generated wafer-test data", "own": "Your own labelled CSV"}
INIT_LABELS = {
    "he": "He (Kaiming) normal",
    "xavier": "Xavier (Glorot) uniform",
    "random": "Random N(0, 0.01²)",
}
BATCH_SIZES = (8, 16, 32, 64, 128, 256)
L2_RATES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
# Rows and columns of a scored table shown on the page (the download holds all of them).
TABLE_ROWS, TABLE_COLUMNS = 500, 60
# Shortest pause between redraws of the live loss chart while training.
LIVE_CHART_SECONDS = 0.25
UPLOAD_LIMIT_MB = int(st.get_option("server.maxUploadSize"))
UPLOAD_LIMIT_TEXT = (
    f"Files up to {UPLOAD_LIMIT_MB} MB (the server's upload limit, `server.maxUploadSize` in "
    "`.streamlit/config.toml`). For bigger files use the command line, `python cli.py {}`."
)
CLI_TRAIN = "train data.csv --label COLUMN --out model.npz"
CLI_SCORE = "score model.npz data.csv --out scored.csv"
# Shifts (in standard deviations) of the 'drifted' example file.
DRIFT_EXAMPLE = {"leakage": 2.0, "Idd_sleep": 1.5}


st.title("Semiconductor Yield")
st.caption(
    "A pass/fail model over wafer-sort parametric tests: train it, judge it honestly, and "
    "use it on your own CSV files. Fail is the positive class."
)


# ---------------------------------------------------------------------------------------------
# Sidebar
# ---------------------------------------------------------------------------------------------


def data_controls() -> dict:
    st.header("Data")
    source = st.radio(
        "Training data",
        list(SOURCES),
        index=list(SOURCES).index(qp_get("src", "generated", choices=SOURCES)),
        format_func=SOURCES.get,
        key="yd_source",
    )
    spec = {"source": source}
    if source == "generated":
        spec["rows"] = st.number_input(
            "Dies (rows)", 200, 50_000, qp_clamped("rows", 5000, 200, 50_000), 500, key="yd_rows"
        )
        spec["fail"] = st.slider(
            "Fail rate %",
            5,
            50,
            qp_clamped("fail", 50, 5, 50),
            5,
            key="yd_fail",
            help="Share of failing dies before label noise. 50 % is the seed's balanced set; "
            "try 20 % (the seed's 80/20 case) or 5 % to see accuracy mislead.",
        )
        spec["noise"] = st.slider(
            "Label noise %",
            0,
            30,
            qp_clamped("noise", 10, 0, 30),
            key="yd_noise",
            help="Share of labels re-drawn at random (measurement and binning errors).",
        )
        spec["seed"] = st.number_input(
            "Data seed", 0, 1_000_000, qp_clamped("seed", 42, 0, 1_000_000), key="yd_seed"
        )
    return spec


def network_controls() -> dict:
    st.header("Network")
    layers_text = st.text_input(
        "Hidden layer widths",
        qp_get("layers", "64,32"),
        key="yd_layers",
        help="Comma-separated, e.g. 64,32 (the seed) or 128,64,32. Empty = logistic regression.",
    )
    names = list(ACTIVATIONS)
    activation = st.selectbox(
        "Hidden activation",
        names,
        index=names.index(qp_get("act", "relu", choices=names)),
        key="yd_activation",
    )
    inits = list(INITIALIZERS)
    init = st.selectbox(
        "Initialisation",
        inits,
        index=inits.index(qp_get("init", "he", choices=inits)),
        format_func=lambda name: INIT_LABELS.get(name, name),
        key="yd_init",
    )
    return {"layers": layers_text, "act": activation, "init": init}


def training_controls() -> dict:
    st.header("Training")
    name, lr, hyper = optimizer_controls(
        "yd_opt",
        default=qp_get("opt", "adam", choices=OPTIMIZER_LABELS),
        lr_default=qp_get("lr", 1e-3),
        container=st,
    )
    batch = st.select_slider(
        "Batch size", BATCH_SIZES, qp_get("batch", 32, choices=BATCH_SIZES), key="yd_batch"
    )
    epochs = st.number_input("Epochs", 1, 500, qp_clamped("epochs", 50, 1, 500), key="yd_epochs")
    l2 = st.select_slider(
        "L2 penalty λ",
        L2_RATES,
        qp_get("l2", 0.0, choices=L2_RATES),
        format_func=lambda value: "off" if value == 0 else f"{value:g}",
        key="yd_l2",
    )
    dropout = st.slider(
        "Dropout", 0.0, 0.8, qp_clamped("dropout", 0.0, 0.0, 0.8), 0.05, key="yd_dropout"
    )
    class_weights = st.checkbox(
        "Class weights",
        qp_get("cw", False),
        key="yd_class_weights",
        help="Weigh each row by n / (2·n_class) so fails count as much as passes in the loss.",
    )
    return {
        "opt": name,
        "lr": lr,
        "hyper": hyper,
        "batch": int(batch),
        "epochs": int(epochs),
        "l2": float(l2),
        "dropout": float(dropout),
        "cw": bool(class_weights),
    }


def decision_controls() -> dict:
    st.header("Decision")
    # The "use suggested threshold" button writes this widget's state, so its first value
    # comes from session state too (a value argument as well would make Streamlit warn).
    st.session_state.setdefault("yd_threshold", qp_clamped("thr", 0.5, 0.0, 1.0))
    threshold = st.slider(
        "Threshold: flag FAIL when p ≥",
        0.0,
        1.0,
        step=0.01,
        key="yd_threshold",
        help="Every metric, chart and scored table follows this value.",
    )
    recall = st.slider(
        "Target fail recall %",
        50,
        99,
        qp_clamped("recall", 85, 50, 99),
        key="yd_recall",
        help="The suggested threshold is the highest one that still catches this share of fails.",
    )
    return {"thr": float(threshold), "recall": int(recall)}


with st.sidebar:
    data_spec = data_controls()
    network = network_controls()
    train_settings = training_controls()
    decision = decision_controls()

threshold = decision["thr"]
target_recall = decision["recall"] / 100.0
qp_sync(
    {
        "src": data_spec["source"],
        "rows": data_spec.get("rows"),
        "fail": data_spec.get("fail"),
        "noise": data_spec.get("noise"),
        "seed": data_spec.get("seed"),
        "layers": network["layers"].replace(" ", ""),
        "act": network["act"],
        "init": network["init"],
        **{k: train_settings[k] for k in ("opt", "lr", "batch", "epochs")},
        "l2": train_settings["l2"] or None,
        "dropout": train_settings["dropout"] or None,
        "cw": train_settings["cw"] or None,
        "thr": threshold,
        "recall": decision["recall"],
    }
)

try:
    architecture = ye.Architecture(
        hidden=tuple(parse_int_list(network["layers"])),
        activation=network["act"],
        init=network["init"],
        optimizer=train_settings["opt"],
        lr=float(train_settings["lr"]),
        optimizer_options=tuple(sorted(train_settings["hyper"].items())),
        batch_size=train_settings["batch"],
        epochs=train_settings["epochs"],
        l2=train_settings["l2"],
        dropout=train_settings["dropout"],
        class_weights=train_settings["cw"],
    )
    architecture_error = None
except ValueError as error:  # e.g. "64,x" or "0" in the layer widths
    architecture, architecture_error = None, error


# ---------------------------------------------------------------------------------------------
# Session helpers
# ---------------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def generated_table(rows: int, fail: int, noise: int, seed: int) -> pd.DataFrame:
    """The seed's wafer-test table; a 50 % fail rate is the seed's balanced generator."""
    return seed_data.semiconductor(
        rows, rng=seed, fail_rate=None if fail == 50 else fail / 100.0, flip_y=noise / 100.0
    )


@st.cache_data(show_spinner="Training the first model with these settings…", max_entries=8)
def first_run(rows: int, fail: int, noise: int, seed: int, arch: ye.Architecture):
    """The run a visitor sees on arrival, shared by everyone opening the same settings."""
    return ye.train_pipeline(generated_table(rows, fail, noise, seed), LABEL, arch)


def new_token() -> int:
    """A fresh number naming a model, so cached scores of another model are not reused."""
    st.session_state["yd_serial"] = st.session_state.get("yd_serial", 0) + 1
    return st.session_state["yd_serial"]


def store_run(run: ye.TrainingRun, key: tuple, description: str, val_frame) -> None:
    st.session_state["yd_run"] = {
        "run": run,
        "key": key,
        "description": description,
        "token": new_token(),
        "val_frame": val_frame,
    }
    st.session_state.pop("yd_latency", None)


def read_upload(upload, state_key: str):
    """``CsvData`` of an uploaded CSV, read once per file and kept in session state.

    Returns None (after showing the reason) when the file cannot be read as a table.
    """
    cached = st.session_state.get(state_key)
    if cached is None or cached["file_id"] != upload.file_id:
        try:
            cached = {
                "file_id": upload.file_id,
                "data": read_csv(upload.getvalue(), max_bytes=UPLOAD_LIMIT_MB * 1_000_000),
                "error": None,
            }
        except DataError as error:
            cached = {"file_id": upload.file_id, "data": None, "error": error}
        st.session_state[state_key] = cached
    if cached["error"] is not None:
        show_error(cached["error"], f"Could not read {upload.name}")
        return None
    for note in cached["data"].notes:
        st.info(note, icon=":material/info:")
    return cached["data"]


def csv_uploader(label: str, key: str, cli_command: str):
    """A CSV file uploader that states the size limit and the command-line way round it."""
    text = UPLOAD_LIMIT_TEXT.format(cli_command)
    upload = st.file_uploader(label, type=["csv", "txt"], key=key, help=text)
    st.caption(text)
    return upload


def lines_markdown(lines) -> str:
    return "\n".join(f"- {line}" for line in lines)


def describe_generated(spec: dict) -> str:
    fail = "balanced (the seed)" if spec["fail"] == 50 else f"{spec['fail']} % fail rate"
    return (
        f"generated data: {spec['rows']:,} dies, {fail}, {spec['noise']} % label noise, "
        f"seed {spec['seed']}"
    )


def generated_key(spec: dict) -> tuple:
    return ("generated", spec["rows"], spec["fail"], spec["noise"], spec["seed"])


# ---------------------------------------------------------------------------------------------
# Tabs
# ---------------------------------------------------------------------------------------------

data_tab, train_tab, experiments_tab, score_tab, model_tab = st.tabs(
    ["Data", "Train & evaluate", "Experiments", "Score a CSV", "Model file"]
)

# ---------------------------------------------------------------------------------------------
# 1. The data
# ---------------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def overview_figures(rows: int, fail: int, noise: int, seed: int) -> dict:
    """The data tab's figures: pure functions of the generated table, so built once."""
    table = generated_table(rows, fail, noise, seed)
    features = seed_data.SEMICONDUCTOR_FEATURES
    y = table[LABEL].to_numpy()
    return {
        "balance": charts.class_balance_figure(y),
        "distributions": charts.feature_distributions_figure(
            table, features, y, units=seed_data.SEMICONDUCTOR_UNITS
        ),
        "correlation": charts.correlation_figure(ye.feature_correlation(table, features), features),
    }


def generated_overview(spec: dict) -> None:
    key = generated_key(spec)[1:]
    table, figures = generated_table(*key), overview_figures(*key)
    fail_share = float(table[LABEL].mean())
    st.markdown(
        f"**{len(table):,} dies × {len(seed_data.SEMICONDUCTOR_FEATURES)} parametric tests**, "
        "built like the seed notebook (scikit-learn `make_classification`: 15 informative, 3 "
        "redundant, 2 noise features) and mapped onto realistic units. Label `fail`: 1 = the "
        "die fails."
    )
    left, right = st.columns([1, 2])
    left.plotly_chart(figures["balance"], key="yd_balance_chart")
    left.caption(
        "Always answering PASS would already score "
        f"{max(fail_share, 1 - fail_share):.1%} accuracy, the baseline every model must beat."
    )
    with right:
        st.dataframe(table.head(200), height=300, key="yd_data_preview")
    st.markdown("**Each test's distribution in passing and failing dies** (share of each class)")
    st.plotly_chart(figures["distributions"], key="yd_distributions_chart")
    st.markdown("**Correlation between tests**: redundant features show up as strong pairs.")
    st.plotly_chart(figures["correlation"], key="yd_correlation_chart")


def own_data_section() -> dict | None:
    """Upload a labelled CSV, pick the label; returns the training inputs or None."""
    st.markdown(
        "Upload parametric-test results **with a pass/fail column**. Label codings 0/1, −1/1, "
        "pass/fail, P/F, good/bad, OK/NG, true/false and yes/no all work. Columns named like "
        "IDs, positions or times (lot, wafer, die_x, part_id, timestamp, …) are left out; "
        "missing cells get the training median; constant and empty columns are dropped."
    )
    upload = csv_uploader("Labelled CSV for training", "yd_byo_upload", CLI_TRAIN)
    if upload is None:
        return None
    data = read_upload(upload, "yd_byo_file")
    if data is None:
        return None
    frame = data.frame
    st.markdown(f"**{upload.name}**: {frame.shape[0]:,} rows × {frame.shape[1]:,} columns.")
    st.dataframe(frame.head(50), height=220, key="yd_byo_preview")
    columns = [str(c) for c in frame.columns]
    guess = ye.guess_label_column(frame)
    label = st.selectbox(
        "Label column (pass/fail)", columns, index=columns.index(guess), key="yd_byo_label"
    )
    exclude = st.multiselect(
        "Also leave out these columns",
        [c for c in columns if c != label],
        key="yd_byo_exclude",
        help="For columns the automatic rules keep but that must not be features, e.g. a "
        "test-program version or a retest flag that gives the answer away.",
    )
    try:
        preview = Preprocessor(exclude=exclude).fit(frame, label=label)
    except DataError as error:
        show_error(error, "This table cannot be trained on yet")
        return None
    st.markdown(
        "**What the preparation does** (preview on all rows; training refits it on "
        "the 80 % training rows only):"
    )
    st.markdown(lines_markdown(preview.report))
    n_pass, n_fail = preview.class_counts
    minority = min(n_pass, n_fail) / (n_pass + n_fail)
    if minority < IMBALANCE_FRACTION and not (architecture and architecture.class_weights):
        st.info(
            f"Only {minority:.1%} of the rows are in the smaller class: tick **Class weights** "
            "in the sidebar so the rare class is not ignored, and judge the model by recall, "
            "precision and PR-AUC rather than accuracy.",
            icon=":material/balance:",
        )
    return {
        "frame": frame,
        "label": label,
        "exclude": tuple(exclude),
        "key": ("own", upload.file_id, label, tuple(exclude)),
        "description": f"{upload.name} (label '{label}')",
    }


with data_tab:
    own = None
    if data_spec["source"] == "generated":
        generated_overview(data_spec)
    else:
        own = own_data_section()


# ---------------------------------------------------------------------------------------------
# 2. Training and evaluation
# ---------------------------------------------------------------------------------------------


def train_now() -> None:
    """Train with the sidebar settings, showing a progress bar and the live loss."""
    if data_spec["source"] == "generated":
        key, description = generated_key(data_spec), describe_generated(data_spec)
        table, label, exclude = generated_table(*key[1:]), LABEL, ()
    elif own is None:
        st.warning(
            "Upload a labelled CSV in the **Data** tab and pick its label column first.",
            icon=":material/upload_file:",
        )
        return
    else:
        table, label, exclude = own["frame"], own["label"], own["exclude"]
        key, description = own["key"], own["description"]
    bar = st.progress(0.0, text="Preparing the data…")
    live_chart = st.empty()
    last_draw = [0.0]

    def progress(epoch: int, n_epochs: int, history: dict) -> None:
        val = f" · validation loss {history['val_loss'][-1]:.4f}" if history["val_loss"] else ""
        bar.progress(
            epoch / n_epochs, text=f"Epoch {epoch}/{n_epochs} · loss {history['loss'][-1]:.4f}{val}"
        )
        now = time.perf_counter()
        if now - last_draw[0] >= LIVE_CHART_SECONDS or epoch == n_epochs:
            last_draw[0] = now
            live_chart.plotly_chart(charts.loss_figure(history), key=f"yd_live_loss_{epoch}")

    try:
        run = ye.train_pipeline(
            table,
            label,
            architecture,
            exclude=exclude,
            target_recall=target_recall,
            progress=progress,
        )
    except ValueError as error:
        bar.empty()
        show_error(error, "Training failed; the previous model is kept")
        return
    bar.empty()
    live_chart.empty()
    val_frame = table.iloc[run.val_rows] if data_spec["source"] == "generated" else None
    store_run(run, key, description, val_frame)
    st.success(
        f"Trained {run.architecture.describe(run.pipeline.preprocessor.n_features)} in "
        f"{run.seconds:.1f} s.",
        icon=":material/check_circle:",
    )


def metric_row(report: dict) -> None:
    names = {
        "accuracy": ("Accuracy", "Share of all validation dies classified correctly."),
        "precision": ("Precision", "Of the dies flagged FAIL, the share that really fail."),
        "recall": ("Recall", "Of the dies that really fail, the share flagged (fails caught)."),
        "f1": ("F1", "Harmonic mean of precision and recall."),
        "roc_auc": ("ROC-AUC", "Chance that a random fail scores above a random pass."),
        "pr_auc": ("PR-AUC", "Average precision over all thresholds."),
    }
    for column, (key, (title, help_text)) in zip(st.columns(len(names)), names.items()):
        value = report[key]
        column.metric(title, "—" if np.isnan(value) else f"{value:.3f}", help=help_text)


def use_threshold(value: float) -> None:
    # Rounded down to the slider's 0.01 steps: a lower threshold only catches more fails.
    st.session_state["yd_threshold"] = float(np.floor(value * 100) / 100)


def evaluation(entry: dict) -> None:
    run: ye.TrainingRun = entry["run"]
    pipeline = run.pipeline
    n_features = pipeline.preprocessor.n_features
    st.caption(
        f"Model {run.architecture.describe(n_features)} · trained on {entry['description']} · "
        f"{run.y_train.size:,} training / {run.y_val.size:,} validation rows · all numbers "
        f"below are on the validation rows at threshold **{threshold:.2f}**."
    )
    if run.diverged_at:
        st.error(
            f"Training diverged at epoch {run.diverged_at['epoch']}: {run.diverged_at['reason']}. "
            "The model keeps the last finite weights; lower the learning rate and train again.",
            icon=":material/warning:",
        )
    if run.chance.no_better_than_chance:
        st.error(run.chance.message(), icon=":material/casino:")
    report = run.evaluate(threshold)
    metric_row(report)
    (tn, fp), (fn, tp) = report["confusion"]
    st.markdown(
        f"At {threshold:.2f}: **{tp}** of {tp + fn} fails caught, **{fn}** missed (escapes), "
        f"**{fp}** of {tn + fp} good dies flagged (yield loss)."
    )
    if run.y_val.any():
        suggested = metrics.threshold_for_recall(run.y_val, run.proba_val, target_recall)
        at_suggested = run.evaluate(suggested)
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.info(
            f"To catch **{target_recall:.0%}** of fails, flag FAIL from p ≥ **{suggested:.3f}**: "
            f"recall {at_suggested['recall']:.1%}, precision {at_suggested['precision']:.1%}, "
            f"{at_suggested['confusion'][0][1]} good dies flagged.",
            icon=":material/tune:",
        )
        right.button(
            "Use this threshold",
            on_click=use_threshold,
            args=(suggested,),
            key="yd_use_suggested",
            width="stretch",
        )
    if not run.chance.no_better_than_chance:
        st.caption(run.chance.message())

    fpr, tpr, _ = metrics.roc_curve(run.y_val, run.proba_val)
    precision, recall, _ = metrics.pr_curve(run.y_val, run.proba_val)
    confusion_column, roc_column, pr_column = st.columns(3)
    confusion_column.plotly_chart(
        charts.confusion_figure(report["confusion"]), key="yd_confusion_chart"
    )
    confusion_column.caption("Rows: true class; columns: predicted at the threshold.")
    roc_column.plotly_chart(
        charts.roc_figure(fpr, tpr, report["roc_auc"], report["confusion"], threshold),
        key="yd_roc_chart",
    )
    pr_column.plotly_chart(
        charts.pr_figure(
            precision,
            recall,
            report["pr_auc"],
            report["confusion"],
            threshold,
            run.chance.fail_share,
        ),
        key="yd_pr_chart",
    )
    histogram_column, loss_column = st.columns(2)
    histogram_column.markdown("**Predicted fail probability by true class**")
    histogram_column.plotly_chart(
        charts.probability_histogram_figure(run.proba_val, run.y_val, threshold),
        key="yd_probability_chart",
    )
    loss_column.markdown(
        f"**Loss per epoch** · training accuracy {run.train_accuracy:.1%}, validation "
        f"{run.val_accuracy:.1%} (gap {run.train_accuracy - run.val_accuracy:+.1%})"
    )
    loss_column.plotly_chart(charts.loss_figure(run.history, run.diverged_at), key="yd_loss_chart")

    st.markdown("#### Inside the model")
    weights_column, gradients_column = st.columns(2)
    weights_column.markdown("**Weights of each layer**")
    weights_column.plotly_chart(
        charts.weight_histograms_figure(pipeline.model.weights), key="yd_weights_chart"
    )
    gradients_column.markdown("**Gradient norm per layer** (last batch of each epoch)")
    gradients_column.plotly_chart(
        charts.gradient_norms_figure(run.history, pipeline.model.sizes), key="yd_gradients_chart"
    )
    latency = st.session_state.get("yd_latency")
    if latency is None or latency["token"] != entry["token"]:
        rows = ye.template_frame(pipeline, n_rows=1)
        latency = {"token": entry["token"], **ye.inference_latency(pipeline, rows, repeats=3)}
        st.session_state["yd_latency"] = latency
    one, thousand, per_row = st.columns(3)
    one.metric(
        "Latency, one row",
        f"{latency['per_row_ms']:.2f} ms",
        help="One die scored on its own: validation, standardisation, forward pass.",
    )
    thousand.metric(
        "Latency, 1,000 rows",
        f"{latency['per_batch_ms']:.1f} ms",
        help="1,000 dies scored in one call.",
    )
    per_row.metric("Per row in a batch", f"{latency['per_row_in_batch_us']:.1f} µs")
    with st.expander("What was done to the data", icon=":material/checklist:"):
        st.markdown(lines_markdown(run.report))


with train_tab:
    top_left, top_right = st.columns([1, 3], vertical_alignment="center")
    train_clicked = top_left.button(
        "Train",
        icon=":material/model_training:",
        type="primary",
        key="yd_train",
        disabled=architecture is None,
        width="stretch",
    )
    if architecture is None:
        top_right.error(f"**Check the network settings.** {architecture_error}")
    else:
        top_right.caption(
            "Stratified 80/20 split; standardisation, imputation and class weights are "
            "learned from the training rows only."
        )
    if train_clicked and architecture is not None:
        train_now()
    entry = st.session_state.get("yd_run")
    if entry is None and data_spec["source"] == "generated" and architecture is not None:
        key = generated_key(data_spec)
        try:
            run = first_run(*key[1:], architecture)
        except ValueError as error:  # e.g. too few fails in a tiny generated table
            show_error(error, "The first model could not be trained")
        else:
            val_frame = generated_table(*key[1:]).iloc[run.val_rows]
            store_run(run, key, describe_generated(data_spec), val_frame)
            entry = st.session_state["yd_run"]
    if entry is None:
        st.info(
            "Upload a labelled CSV in the **Data** tab, then press **Train**.",
            icon=":material/upload_file:",
        )
    else:
        current_key = (
            generated_key(data_spec)
            if data_spec["source"] == "generated"
            else (own["key"] if own else None)
        )
        if current_key != entry["key"] or architecture != entry["run"].architecture:
            st.info(
                "The settings changed since this model was trained: press **Train** to use "
                "them. Below is the model trained before.",
                icon=":material/published_with_changes:",
            )
        evaluation(entry)


# ---------------------------------------------------------------------------------------------
# 3. The seed's experiments
# ---------------------------------------------------------------------------------------------


EXPERIMENT_LESSONS = {
    "initialisation": "With N(0, 0.01²) weights each layer shrinks the signal about "
    "twenty-fold, so the gradient reaching the first layer is tiny and plain SGD hardly "
    "moves: the network stays at chance (50 %). Xavier and He scale the weights by the "
    "fan-in so the signal keeps its size through the layers; He's extra factor 2 makes up "
    "for ReLU zeroing half of it.",
    "regularisation": "Without regularisation the wide network fits the noisy training "
    "labels, and validation accuracy lags behind: that gap is memorisation. L2 pulls the "
    "weights towards zero and dropout trains many thinned networks at once; both give up a "
    "little training accuracy for a smaller gap and a better validation score.",
}


def experiment_section(name: str) -> None:
    experiment = ye.EXPERIMENTS[name]
    st.markdown(f"#### {experiment.title}")
    st.markdown(experiment.question)
    n_features = len(seed_data.SEMICONDUCTOR_FEATURES)
    st.caption(
        f"{experiment.base.describe(n_features)}; the seed's data, same split and seed for "
        "every row, so only the varied setting differs."
    )
    results = st.session_state.setdefault("yd_experiments", {})
    if st.button(f"Run the {name} experiment", icon=":material/science:", key=f"yd_run_{name}"):
        bar = st.progress(0.0, text="Training the first setting…")
        results[name] = ye.run_experiment(
            name,
            progress=lambda done, total: bar.progress(
                done / total, text=f"{done} of {total} settings trained"
            ),
        )
        bar.empty()
    table = results.get(name)
    if table is None:
        st.caption("One click trains every setting and tabulates the results.")
        return
    percent = st.column_config.NumberColumn(format="percent")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "train accuracy": percent,
            "validation accuracy": percent,
            "gap": st.column_config.NumberColumn("gap (train − validation)", format="percent"),
            "validation accuracy after epoch 1": percent,
            "validation ROC-AUC": st.column_config.NumberColumn(format="%.3f"),
            "final training loss": st.column_config.NumberColumn(format="%.3f"),
            "final validation loss": st.column_config.NumberColumn(format="%.3f"),
        },
        key=f"yd_{name}_table",
    )
    chart_column, lesson_column = st.columns([3, 2], vertical_alignment="center")
    chart_column.plotly_chart(charts.experiment_figure(table), key=f"yd_{name}_chart")
    lesson_column.markdown(EXPERIMENT_LESSONS[name])


with experiments_tab:
    for position, experiment_name in enumerate(ye.EXPERIMENTS):
        if position:
            st.divider()
        experiment_section(experiment_name)


# ---------------------------------------------------------------------------------------------
# 4. Scoring an uploaded CSV
# ---------------------------------------------------------------------------------------------


def scoring_model() -> tuple[model_io.Pipeline, int, str] | None:
    """The pipeline that scores uploads: trained here, or the uploaded model file."""
    entry = st.session_state.get("yd_run")
    loaded = st.session_state.get("yd_loaded")
    choices = {}
    if entry is not None:
        choices["trained"] = (entry["run"].pipeline, entry["token"], "the model trained here")
    if loaded is not None:
        choices["uploaded"] = (loaded["pipeline"], loaded["token"], f"model file {loaded['name']}")
    if not choices:
        return None
    if len(choices) == 1:
        return next(iter(choices.values()))
    pick = st.radio(
        "Score with",
        list(choices),
        format_func=lambda key: choices[key][2],
        horizontal=True,
        key="yd_score_with",
    )
    return choices[pick]


def report_box(result: ye.ScoreResult) -> None:
    report = result.report
    body = "**Validation report** (checked before scoring)\n\n" + lines_markdown(report.lines())
    if not report.can_score:
        st.error(body, icon=":material/block:")
    elif not report.ok or report.nan_counts:
        st.warning(body, icon=":material/rule:")
    else:
        st.success(body, icon=":material/task_alt:")


def scored_output(result: ye.ScoreResult, name: str, n_train: int) -> None:
    summary = result.summary(threshold)
    rows, scored, fails, share, mean = st.columns(5)
    rows.metric("Rows", f"{summary['rows']:,}")
    scored.metric("Scored", f"{summary['scored']:,}")
    fails.metric("Predicted FAIL", f"{summary['fail']:,}")
    share.metric("Predicted fail share", f"{summary['fail_share']:.1%}")
    mean.metric("Mean fail probability", f"{summary['mean_probability']:.3f}")
    table = result.table(threshold)
    probability, prediction = result.output_columns
    histogram_column, drift_column = st.columns(2)
    histogram_column.markdown(f"**Fail probability of the {summary['scored']:,} scored rows**")
    histogram_column.plotly_chart(
        charts.score_histogram_figure(result.proba, threshold), key="yd_score_histogram"
    )
    with drift_column:
        drift_panel(result.drift, n_train)
    st.markdown("**Scored table**")
    shown = [probability, prediction] + [
        c for c in table.columns if c not in (probability, prediction)
    ][: TABLE_COLUMNS - 2]
    st.dataframe(
        table.iloc[:TABLE_ROWS][shown],
        height=320,
        column_config={
            probability: st.column_config.ProgressColumn(
                "fail probability", min_value=0.0, max_value=1.0, format="%.3f"
            )
        },
        key="yd_scored_table",
    )
    if table.shape[0] > TABLE_ROWS or table.shape[1] > TABLE_COLUMNS:
        st.caption(
            f"Showing {min(TABLE_ROWS, table.shape[0]):,} of {table.shape[0]:,} rows and "
            f"{len(shown)} of {table.shape[1]:,} columns; the download holds everything."
        )
    stem = name.rsplit(".", 1)[0]
    st.download_button(
        "Download the scored CSV",
        data=lambda: result.table(threshold).to_csv(index=False).encode("utf-8"),
        file_name=f"{stem}_scored.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        type="primary",
        key="yd_download_scored",
    )
    st.caption(
        f"Every uploaded column comes back unchanged, in its order, followed by "
        f"`{probability}` and `{prediction}` (FAIL when p ≥ {threshold:.2f}; empty where a "
        "row could not be scored)."
    )


def drift_panel(table: pd.DataFrame | None, n_train: int) -> None:
    st.markdown("**Drift check** against the training data")
    if table is None:
        st.caption("This model file carries no training distribution, so drift cannot be checked.")
        return
    if table["rows used"].max() < drift.MIN_ROWS:
        st.info(
            f"Drift is judged from {drift.MIN_ROWS} values per feature on; this file has "
            f"{table['rows used'].max()}, too few to tell a real shift from chance.",
            icon=":material/info:",
        )
        return
    flagged = table[table["flag"]]
    if flagged.empty:
        st.success(
            "No feature has moved: every population stability index is below 0.1.",
            icon=":material/check_circle:",
        )
    else:
        named = ", ".join(f"{row.feature} ({row.status})" for row in flagged.head(8).itertuples())
        more = f" and {len(flagged) - 8} more" if len(flagged) > 8 else ""
        st.warning(
            f"{len(flagged)} feature(s) flagged: {named}{more}. The model is scoring data "
            "unlike its training data; treat these scores with care.",
            icon=":material/trending_up:",
        )
    st.plotly_chart(charts.drift_figure(table.head(30)), key="yd_drift_chart")
    n_new = int(table["rows used"].max())
    st.caption(
        f"Dotted lines at {drift.DRIFT_BANDS[0][0]:g} (moderate) and {drift.DRIFT_BANDS[1][0]:g} "
        "(major shift). Sampling alone moves the PSI too: with "
        f"{n_new:,} rows against {n_train:,} training rows it stays below "
        f"{drift.noise_limit(n_new, max(n_train, 1)):.3f} in 99 files out of 100, so only "
        "features above both are flagged."
    )


def example_downloads(entry: dict | None, pipeline: model_io.Pipeline) -> None:
    template, example, drifted = st.columns(3)
    template.download_button(
        "Template CSV",
        data=ye.template_frame(pipeline).to_csv(index=False).encode("utf-8"),
        file_name="yield_template.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
        key="yd_download_template",
        help="The columns the model reads (any order), plus example ID columns that are "
        "passed through.",
    )
    val_frame = entry.get("val_frame") if entry else None
    if val_frame is None:
        return
    example.download_button(
        "Example: 200 new dies",
        data=ye.example_scoring_frame(val_frame, LABEL).to_csv(index=False).encode("utf-8"),
        file_name="yield_new_dies.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="yd_download_example",
        help="Validation dies (not trained on) without their label, with one empty and one "
        "text cell to show the validation report.",
    )
    drifted.download_button(
        "Example with drift",
        data=ye.example_scoring_frame(val_frame, LABEL, shift=DRIFT_EXAMPLE)
        .to_csv(index=False)
        .encode("utf-8"),
        file_name="yield_new_dies_drifted.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="yd_download_drifted",
        help="The same dies with leakage +2σ and Idd_sleep +1.5σ: the drift check flags them.",
    )


def trained_token() -> int | None:
    entry = st.session_state.get("yd_run")
    return entry["token"] if entry else None


def score_section() -> None:
    chosen = scoring_model()
    if chosen is None:
        st.info("Train a model (or upload a model file) first.", icon=":material/info:")
        return
    pipeline, token, model_name = chosen
    with st.expander(f"The {pipeline.preprocessor.n_features} columns the model reads"):
        st.markdown(", ".join(f"`{name}`" for name in pipeline.feature_names))
    st.markdown(
        "Upload a CSV with these columns, **in any order**; any other columns (lot, wafer, "
        "die X/Y, part ID, …) are passed through untouched. Comma, semicolon, tab or `|` "
        "separated; decimal commas and non-UTF-8 files are recognised."
    )
    example_downloads(
        st.session_state.get("yd_run") if token == trained_token() else None, pipeline
    )
    upload = csv_uploader("CSV of parametric tests to score", "yd_score_upload", CLI_SCORE)
    if upload is None:
        return
    cached = st.session_state.get("yd_scored")
    if cached is None or cached["key"] != (upload.file_id, token):
        try:
            result = ye.score_csv(
                upload.getvalue(), pipeline, max_bytes=UPLOAD_LIMIT_MB * 1_000_000
            )
            cached = {"key": (upload.file_id, token), "result": result, "error": None}
        except DataError as error:
            cached = {"key": (upload.file_id, token), "result": None, "error": error}
        st.session_state["yd_scored"] = cached
    if cached["error"] is not None:
        show_error(cached["error"], f"Could not read {upload.name}")
        return
    result = cached["result"]
    for note in result.notes:
        st.info(note, icon=":material/info:")
    report_box(result)
    if result.scored:
        scored_output(result, upload.name, pipeline.preprocessor.n_train_rows)


with score_tab:
    score_section()


# ---------------------------------------------------------------------------------------------
# 5. The model file
# ---------------------------------------------------------------------------------------------


def load_model_file() -> None:
    """Callback of the model uploader: keep the new model, or the reason it was refused."""
    upload = st.session_state.get("yd_model_upload")
    st.session_state.pop("yd_model_message", None)
    if upload is None:
        st.session_state.pop("yd_loaded", None)
        return
    try:
        pipeline = model_io.load(upload.getvalue())
    except (ValueError, OSError) as error:  # ModelFormatError is a ValueError
        st.session_state["yd_model_message"] = (upload.name, error)
        return
    st.session_state["yd_loaded"] = {
        "name": upload.name,
        "pipeline": pipeline,
        "token": new_token(),
    }
    st.session_state["yd_threshold"] = round(pipeline.threshold, 2)


def onnx_bytes(pipeline: model_io.Pipeline) -> bytes:
    buffer = io.BytesIO()
    model_io.to_onnx(pipeline, buffer)
    return buffer.getvalue()


def model_section() -> None:
    entry = st.session_state.get("yd_run")
    st.markdown(
        "The whole pipeline in one file: the weights, the feature names and their order, the "
        "training medians, means and standard deviations, the threshold and the validation "
        "metrics. A NumPy `.npz` archive with JSON metadata: loading it never runs code."
    )
    if entry is not None:
        pipeline = dataclasses.replace(entry["run"].pipeline, threshold=threshold)
        npz_column, onnx_column = st.columns(2)
        npz_column.download_button(
            "Download the model (.npz)",
            data=lambda: model_io.to_bytes(pipeline),
            file_name="yield_model.npz",
            mime="application/octet-stream",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
            key="yd_download_model",
            help=f"Saved with the current threshold {threshold:.2f}.",
        )
        has_onnx = importlib.util.find_spec("onnx") is not None
        onnx_column.download_button(
            "Export to ONNX",
            data=lambda: onnx_bytes(pipeline),
            file_name="yield_model.onnx",
            mime="application/octet-stream",
            on_click="ignore",
            icon=":material/output:",
            key="yd_download_onnx",
            disabled=not has_onnx,
            help="Imputation, standardisation and the network as one ONNX graph: input "
            "'features' (raw values in the model's column order), output 'fail_probability'. "
            "Runs in any ONNX runtime, e.g. a cluster job for data beyond one machine.",
        )
        if not has_onnx:
            onnx_column.caption("ONNX export needs the `onnx` package: `pip install onnx`.")
    else:
        st.info("Train a model to download it.", icon=":material/info:")

    st.markdown("#### Score later with a saved model")
    st.file_uploader(
        "Model file (.npz) saved by this page or `cli.py`",
        type=["npz"],
        key="yd_model_upload",
        on_change=load_model_file,
    )
    refused = st.session_state.get("yd_model_message")
    if refused is not None:
        name, error = refused
        show_error(error, f"{name} was not loaded; the models you had are kept")
    loaded = st.session_state.get("yd_loaded")
    if loaded is not None:
        pipeline = loaded["pipeline"]
        validation = pipeline.metrics.get("validation") or {}
        auc = validation.get("roc_auc")
        st.success(
            f"**{loaded['name']}** is loaded: {pipeline.preprocessor.n_features} features, "
            f"label '{pipeline.label_name}', threshold {pipeline.threshold:.2f}, saved "
            f"{pipeline.created or 'at an unknown time'}"
            + (f", validation ROC-AUC {auc:.3f}" if isinstance(auc, float) else "")
            + ". Pick it under **Score a CSV**.",
            icon=":material/check_circle:",
        )


with model_tab:
    model_section()


# ---------------------------------------------------------------------------------------------
# What to notice
# ---------------------------------------------------------------------------------------------

st.subheader("What to notice")
st.markdown(
    "- **Accuracy can lie.** Set the fail rate to 5 %: a model that passes every die is 95 % "
    "accurate and useless. Recall (fails caught), precision (flags that are real) and PR-AUC "
    "tell the truth; tick **Class weights** and watch recall rise.\n"
    "- **The threshold is a business decision**, not a property of the network. Lowering it "
    "catches more fails (fewer escapes to the customer) at the price of more good dies "
    "scrapped; the point on the ROC and PR curves slides along as you move it.\n"
    "- **Validation honesty.** The scaler and medians are learned on the training 80 % only, "
    "so the validation numbers estimate what happens on new wafers. On data with no signal "
    "the page says so instead of reporting a hopeful accuracy.\n"
    "- **Drift.** A model only knows the process it was trained on; the population stability "
    "index flags uploaded features whose distribution moved."
)
formula_column, metric_column = st.columns(2)
with formula_column:
    st.markdown("**Standardisation** (training statistics) and the **loss** (binary cross-entropy)")
    st.latex(r"x' = \frac{x - \mu_\text{train}}{\sigma_\text{train}}")
    st.latex(losses.LOSS_FOR_OUTPUT["sigmoid"].formula)
    st.markdown("**Class weights** multiply each row's loss term")
    st.latex(r"w_c = \frac{n}{2\,n_c}")
with metric_column:
    st.markdown("**Metrics** at threshold $t$ (a die is flagged when $p \\ge t$)")
    st.latex(r"\text{precision} = \frac{TP}{TP + FP},\qquad \text{recall} = \frac{TP}{TP + FN}")
    st.latex(
        r"F_1 = \frac{2 \cdot \text{precision} \cdot \text{recall}}"
        r"{\text{precision} + \text{recall}}"
    )
    st.markdown("**Population stability index** over the training deciles")
    st.latex(r"\mathrm{PSI} = \sum_i (a_i - e_i)\ln\frac{a_i}{e_i}")
    st.caption(
        f"PSI below {drift.DRIFT_BANDS[0][0]:g}: stable; {drift.DRIFT_BANDS[0][0]:g}–"
        f"{drift.DRIFT_BANDS[1][0]:g}: moderate shift; above {drift.DRIFT_BANDS[1][0]:g}: "
        "major shift."
    )
