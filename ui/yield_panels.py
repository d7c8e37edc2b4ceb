"""Widget groups of the Semiconductor Yield page, one per tab, and the views they cache.

Each panel reads the session (the trained model, uploads, results), calls ``yieldmodel``
for every number and ``viz.yield_*`` for every figure, and draws. Figures and views that
depend only on their inputs are cached with ``st.cache_data`` by the run's id and the
settings, so a rerun that changes nothing recomputes nothing; uploaded files and the
models of one visitor live in ``st.session_state``.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from ui.common import show_error
from viz import yield_data, yield_evaluation, yield_model
from viz.figures import PrebuiltFigure
from yieldmodel import seed_data
from yieldmodel.csv_reading import read_csv
from yieldmodel.csv_safety import neutralise_frame
from yieldmodel.evaluation import evaluate, round_down
from yieldmodel.experiments import EXPERIMENTS, run_experiment
from yieldmodel.labels import guess_label_column
from yieldmodel.messages import DataError
from yieldmodel.overview import GeneratedData, TrainingTable, feature_correlation, majority_share
from yieldmodel.preprocessing import Preprocessor
from yieldmodel.scoring import inference_latency, template_frame
from yieldmodel.training import progress_line, train_pipeline
from yieldmodel.upload_limit import limit_bytes

UPLOAD_LIMIT_MB = st.get_option("server.maxUploadSize")
#: Largest upload in bytes, counted as the browser counts it (a MB is 2**20 bytes).
UPLOAD_LIMIT_BYTES = limit_bytes(UPLOAD_LIMIT_MB)
UPLOAD_LIMIT_SIZE = (
    f"Files up to {UPLOAD_LIMIT_MB:g} MB (the server's upload limit, `server.maxUploadSize` in "
    "`.streamlit/config.toml`)."
)
UPLOAD_LIMIT_TEXT = (
    UPLOAD_LIMIT_SIZE + " For bigger files use the command line, `python cli.py {}`, whose "
    "`--max-mb` limit defaults to the same number and can be raised (0 = no limit)."
)
#: Shortest pause between redraws of the live loss chart while training.
LIVE_CHART_SECONDS = 0.25
METRICS = {
    "accuracy": ("Accuracy", "Share of all validation dies classified correctly."),
    "precision": ("Precision", "Of the dies flagged FAIL, the share that really fail."),
    "recall": ("Recall", "Of the dies that really fail, the share flagged (fails caught)."),
    "f1": ("F1", "Harmonic mean of precision and recall."),
    "roc_auc": ("ROC-AUC", "Chance that a random fail scores above a random pass."),
    "pr_auc": ("PR-AUC", "Average precision over all thresholds."),
}
PERCENT_COLUMNS = ("train accuracy", "validation accuracy", "validation accuracy after epoch 1")


def chart(container, spec: dict, key: str) -> None:
    """Draw a cached figure dict as it is (no validation, no copy)."""
    container.plotly_chart(PrebuiltFigure(spec), key=key)


def bullets(lines) -> str:
    return "\n".join(f"- {line}" for line in lines)


def new_token() -> int:
    """A fresh number naming a model of this session, so cached scores are not reused."""
    st.session_state["yd_serial"] = st.session_state.get("yd_serial", 0) + 1
    return st.session_state["yd_serial"]


# ----------------------------------------------------------------------------- cached views


@st.cache_data(show_spinner=False, max_entries=8)
def generated_table(data: GeneratedData):
    return data.table()


@st.cache_data(show_spinner=False, max_entries=8)
def data_overview(data: GeneratedData) -> dict:
    """The data tab of a generated table: its first rows, baseline and figures."""
    table, features = generated_table(data), seed_data.SEMICONDUCTOR_FEATURES
    y = table[seed_data.SEMICONDUCTOR_LABEL].to_numpy()
    return {
        "rows": len(table),
        "head": table.head(200),
        "baseline": majority_share(y),
        "balance": yield_data.class_balance_figure(y),
        "distributions": yield_data.feature_distributions_figure(
            table, features, y, units=seed_data.SEMICONDUCTOR_UNITS
        ),
        "correlation": yield_data.correlation_figure(
            feature_correlation(table, features), features
        ),
    }


@st.cache_data(show_spinner="Training the first model with these settings…", max_entries=8)
def first_run(data: GeneratedData, architecture):
    """The run a visitor sees on arrival, shared by everyone opening the same settings."""
    return train_pipeline(generated_table(data), seed_data.SEMICONDUCTOR_LABEL, architecture)


@st.cache_data(show_spinner=False, max_entries=64)
def evaluation_view(run_id: str, threshold: float, target_recall: float, _run):
    """(Evaluation, its figures) of run ``_run`` (named by ``run_id``) at ``threshold``."""
    view = evaluate(_run.y_val, _run.proba_val, threshold, target_recall)
    figures = yield_evaluation.evaluation_figures(
        view, _run.y_val, _run.proba_val, _run.chance.fail_share
    )
    return view, figures


@st.cache_data(show_spinner=False, max_entries=16)
def model_view(run_id: str, _run) -> dict:
    """The run's loss, weight and gradient figures and its scoring latency."""
    rows = template_frame(_run.pipeline, n_rows=1)
    return {
        **yield_model.model_figures(_run),
        "latency": inference_latency(_run.pipeline, rows, repeats=3),
    }


# ----------------------------------------------------------------------------- data tab


def generated_overview(data: GeneratedData) -> None:
    view = data_overview(data)
    st.markdown(
        f"**{view['rows']:,} dies × {len(seed_data.SEMICONDUCTOR_FEATURES)} parametric tests**,"
        " built like the seed notebook (scikit-learn `make_classification`: 15 informative, 3 "
        "redundant, 2 noise features) and mapped onto realistic units. Label `fail`: 1 = the "
        "die fails."
    )
    left, right = st.columns([1, 2])
    chart(left, view["balance"], "yd_balance_chart")
    left.caption(
        f"Always answering PASS would already score {view['baseline']:.1%} accuracy, the "
        "baseline every model must beat."
    )
    right.dataframe(view["head"], height=300, key="yd_data_preview")
    st.markdown("**Each test's distribution in passing and failing dies** (share of each class)")
    chart(st, view["distributions"], "yd_distributions_chart")
    st.markdown("**Correlation between tests**: redundant features show up as strong pairs.")
    chart(st, view["correlation"], "yd_correlation_chart")


def csv_uploader(label: str, key: str, cli_command: str):
    """A CSV file uploader that states the size limit and the command-line way round it."""
    text = UPLOAD_LIMIT_TEXT.format(cli_command)
    upload = st.file_uploader(label, type=["csv", "txt"], key=key, help=text)
    st.caption(text)
    return upload


def read_upload(upload, state_key: str):
    """``CsvData`` of an upload, read once per file; None after showing why it cannot be."""
    cached = st.session_state.get(state_key)
    if cached is None or cached["file_id"] != upload.file_id:
        cached = {"file_id": upload.file_id, "data": None, "error": None}
        try:
            cached["data"] = read_csv(upload.getvalue(), max_bytes=UPLOAD_LIMIT_BYTES)
        except DataError as error:
            cached["error"] = error
        st.session_state[state_key] = cached
    if cached["error"] is not None:
        show_error(cached["error"], f"Could not read {upload.name}")
        return None
    for note in cached["data"].notes:
        st.info(note, icon=":material/info:")
    return cached["data"]


def own_data_section(class_weights: bool) -> TrainingTable | None:
    """Upload a labelled CSV, pick the label; returns the table to train on, or None."""
    st.markdown(
        "Upload parametric-test results **with a pass/fail column**. Label codings 0/1, −1/1, "
        "pass/fail, P/F, good/bad, OK/NG, true/false and yes/no all work. Columns named like "
        "IDs, positions or times (lot, wafer, die_x, part_id, timestamp, …) are left out; "
        "missing cells get the training median; constant and empty columns are dropped."
    )
    upload = csv_uploader("Labelled CSV for training", "yd_byo_upload", "train")
    data = None if upload is None else read_upload(upload, "yd_byo_file")
    if data is None:
        return None
    frame = data.frame
    st.markdown(f"**{upload.name}**: {frame.shape[0]:,} rows × {frame.shape[1]:,} columns.")
    # Shown as a download would write it (the table's toolbar can save it as CSV).
    st.dataframe(neutralise_frame(frame.head(50)), height=220, key="yd_byo_preview")
    columns = [str(c) for c in frame.columns]
    label = st.selectbox(
        "Label column (pass/fail)",
        columns,
        index=columns.index(guess_label_column(frame)),
        key="yd_byo_label",
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
        "**What the preparation does** (preview on all rows; training refits it on the 80 % "
        "training rows only):\n\n" + bullets(preview.report)
    )
    if preview.imbalanced and not class_weights:
        st.info(
            f"Only {preview.minority_share:.1%} of the rows are in the smaller class: tick "
            "**Class weights** in the sidebar so the rare class is not ignored, and judge the "
            "model by recall, precision and PR-AUC rather than accuracy.",
            icon=":material/balance:",
        )
    return TrainingTable.uploaded(frame, upload.name, upload.file_id, label, exclude)


# ----------------------------------------------------------------------------- training


def store_run(run, source: TrainingTable) -> dict:
    val_frame = source.frame.iloc[run.val_rows] if source.examples else None
    entry = {"run": run, "key": source.key, "description": source.description}
    entry.update(token=new_token(), val_frame=val_frame)
    st.session_state["yd_run"] = entry
    return entry


def train_now(source: TrainingTable | None, architecture, target_recall: float) -> None:
    """Train with the sidebar settings, showing a progress bar and the live loss."""
    if source is None:
        st.warning(
            "Upload a labelled CSV in the **Data** tab and pick its label column first.",
            icon=":material/upload_file:",
        )
        return
    bar, live_chart, last_draw = st.progress(0.0, text="Preparing the data…"), st.empty(), [0.0]

    def progress(epoch: int, n_epochs: int, history: dict) -> None:
        bar.progress(epoch / n_epochs, text=progress_line(epoch, n_epochs, history))
        if time.perf_counter() - last_draw[0] >= LIVE_CHART_SECONDS or epoch == n_epochs:
            last_draw[0] = time.perf_counter()
            chart(live_chart, yield_model.loss_figure(history), f"yd_live_loss_{epoch}")

    try:
        run = train_pipeline(
            source.frame,
            source.label,
            architecture,
            exclude=source.exclude,
            target_recall=target_recall,
            progress=progress,
        )
    except ValueError as error:
        show_error(error, "Training failed; the previous model is kept")
        return
    finally:
        bar.empty()
    live_chart.empty()
    store_run(run, source)
    st.success(f"Trained {run.describe()} in {run.seconds:.1f} s.", icon=":material/check_circle:")


def current_run(source: TrainingTable | None, data: GeneratedData | None, architecture):
    """The session's model entry; on a first visit to generated data, the shared first run."""
    entry = st.session_state.get("yd_run")
    if entry is not None or data is None or architecture is None:
        return entry
    try:
        return store_run(first_run(data, architecture), source)
    except ValueError as error:  # e.g. too few fails in a tiny generated table
        show_error(error, "The first model could not be trained")
        return None


# ----------------------------------------------------------------------------- evaluation


def _use_threshold(key: str, value: float) -> None:
    st.session_state[key] = round_down(value)


def _suggestion(view, threshold_key: str) -> None:
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.info(view.suggestion(), icon=":material/tune:")
    right.button(
        "Use this threshold",
        on_click=_use_threshold,
        args=(threshold_key, view.suggested),
        key="yd_use_suggested",
        width="stretch",
    )


def _latency_row(latency: dict) -> None:
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


def evaluation(entry: dict, threshold: float, target_recall: float, threshold_key: str) -> None:
    """The trained model judged on its validation rows at ``threshold``."""
    run = entry["run"]
    view, figures = evaluation_view(run.run_id, threshold, target_recall, run)
    st.caption(
        f"Model {run.describe()} · trained on {entry['description']} · {run.y_train.size:,} "
        f"training / {run.y_val.size:,} validation rows · all numbers below are on the "
        f"validation rows at threshold **{threshold:.2f}**."
    )
    if run.divergence():
        st.error(run.divergence(), icon=":material/warning:")
    chance = run.chance
    if chance.no_better_than_chance:
        st.error(chance.message(), icon=":material/casino:")
    for column, (key, (title, help_text)) in zip(st.columns(len(METRICS)), METRICS.items()):
        value = view.report[key]
        column.metric(title, "—" if np.isnan(value) else f"{value:.3f}", help=help_text)
    st.markdown(view.outcome())
    if view.suggested is not None:
        _suggestion(view, threshold_key)
    if not chance.no_better_than_chance:
        st.caption(chance.message())
    confusion_column, roc_column, pr_column = st.columns(3)
    chart(confusion_column, figures["confusion"], "yd_confusion_chart")
    confusion_column.caption("Rows: true class; columns: predicted at the threshold.")
    chart(roc_column, figures["roc"], "yd_roc_chart")
    chart(pr_column, figures["pr"], "yd_pr_chart")
    model = model_view(run.run_id, run)
    histogram_column, loss_column = st.columns(2)
    histogram_column.markdown("**Predicted fail probability by true class**")
    chart(histogram_column, figures["probability"], "yd_probability_chart")
    loss_column.markdown(f"**Loss per epoch** · {run.accuracy_line()}")
    chart(loss_column, model["loss"], "yd_loss_chart")
    st.markdown("#### Inside the model")
    weights_column, gradients_column = st.columns(2)
    weights_column.markdown("**Weights of each layer**")
    chart(weights_column, model["weights"], "yd_weights_chart")
    gradients_column.markdown("**Gradient norm per layer** (last batch of each epoch)")
    chart(gradients_column, model["gradients"], "yd_gradients_chart")
    _latency_row(model["latency"])
    with st.expander("What was done to the data", icon=":material/checklist:"):
        st.markdown(bullets(run.report))


# ----------------------------------------------------------------------------- experiments

_EXPERIMENT_COLUMNS = {
    **{name: st.column_config.NumberColumn(format="percent") for name in PERCENT_COLUMNS},
    "gap": st.column_config.NumberColumn("gap (train − validation)", format="percent"),
    "validation ROC-AUC": st.column_config.NumberColumn(format="%.3f"),
    "final training loss": st.column_config.NumberColumn(format="%.3f"),
    "final validation loss": st.column_config.NumberColumn(format="%.3f"),
}


def experiment_section(name: str) -> None:
    """One of the seed's experiments: a button that runs it, then its table and lesson."""
    experiment = EXPERIMENTS[name]
    st.markdown(f"#### {experiment.title}\n\n{experiment.question}")
    st.caption(
        f"{experiment.base.describe(len(seed_data.SEMICONDUCTOR_FEATURES))}; the seed's data, "
        "same split and seed for every row, so only the varied setting differs."
    )
    results = st.session_state.setdefault("yd_experiments", {})
    if st.button(f"Run the {name} experiment", icon=":material/science:", key=f"yd_run_{name}"):
        bar = st.progress(0.0, text="Training the first setting…")
        table = run_experiment(
            name,
            progress=lambda done, total: bar.progress(
                done / total, text=f"{done} of {total} settings trained"
            ),
        )
        results[name] = {"table": table, "figure": yield_model.experiment_figure(table)}
        bar.empty()
    result = results.get(name)
    if result is None:
        st.caption("One click trains every setting and tabulates the results.")
        return
    st.dataframe(
        result["table"], hide_index=True, column_config=_EXPERIMENT_COLUMNS, key=f"yd_{name}_table"
    )
    chart_column, lesson_column = st.columns([3, 2], vertical_alignment="center")
    chart(chart_column, result["figure"], f"yd_{name}_chart")
    lesson_column.markdown(experiment.lesson)
