"""Files in and out of the Semiconductor Yield page: scoring an uploaded CSV, and the model
file (download, ONNX export, upload of a saved model).

Scoring validates first and shows the report, then scores, checks drift and offers the
scored table; everything computed comes from ``yieldmodel`` and every figure from
``viz.yield_scores``. Every CSV offered for download (and every table shown, which its
toolbar can save as CSV) has text cells that a spreadsheet would run as formulas escaped
by :mod:`yieldmodel.csv_safety`. Scores and views are kept per upload, model and threshold in
``st.session_state``, so moving nothing recomputes nothing.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from ui.common import show_error
from ui.yield_panels import (
    UPLOAD_LIMIT_BYTES,
    UPLOAD_LIMIT_SIZE,
    bullets,
    chart,
    csv_uploader,
    new_token,
)
from viz import yield_scores
from yieldmodel import drift, model_io, seed_data
from yieldmodel.csv_safety import frame_to_csv, neutralise_frame
from yieldmodel.messages import DataError
from yieldmodel.onnx_export import onnx_available, to_onnx_bytes
from yieldmodel.scoring import ScoreResult, example_scoring_frame, score_csv, template_frame

# Rows and columns of a scored table shown on the page (the download holds all of them).
TABLE_ROWS, TABLE_COLUMNS = 500, 60
# Shifts (in standard deviations) of the 'drifted' example file.
DRIFT_EXAMPLE = {"leakage": 2.0, "Idd_sleep": 1.5}
#: Thresholds whose views of one scored upload are kept.
KEPT_VIEWS = 8
REPORT_BOXES = {"error": st.error, "warning": st.warning, "ok": st.success}
REPORT_ICONS = {
    "error": ":material/block:",
    "warning": ":material/rule:",
    "ok": ":material/task_alt:",
}
CSV = {"mime": "text/csv", "on_click": "ignore"}


def csv_bytes(frame) -> bytes:
    """``frame`` as UTF-8 CSV, formula-like text cells escaped."""
    return frame_to_csv(frame).encode("utf-8")


# ----------------------------------------------------------------------------- scoring


def scoring_model() -> tuple | None:
    """(pipeline, token, name) that scores uploads: trained here, or an uploaded file."""
    entry, loaded = st.session_state.get("yd_run"), st.session_state.get("yd_loaded")
    choices = {}
    if entry is not None:
        choices["trained"] = (entry["run"].pipeline, entry["token"], "the model trained here")
    if loaded is not None:
        choices["uploaded"] = (loaded["pipeline"], loaded["token"], f"model file {loaded['name']}")
    if len(choices) < 2:
        return next(iter(choices.values()), None)
    pick = st.radio(
        "Score with",
        list(choices),
        format_func=lambda key: choices[key][2],
        horizontal=True,
        key="yd_score_with",
    )
    return choices[pick]


def example_downloads(entry: dict | None, pipeline) -> None:
    """A template of the model's columns and, for generated data, example files."""
    template, example, drifted = st.columns(3)
    template.download_button(
        "Template CSV",
        data=lambda: csv_bytes(template_frame(pipeline)),
        file_name="yield_template.csv",
        icon=":material/table_view:",
        key="yd_download_template",
        help="The columns the model reads (any order), plus example ID columns that are "
        "passed through.",
        **CSV,
    )
    val_frame = entry.get("val_frame") if entry else None
    if val_frame is None:
        return
    label = seed_data.SEMICONDUCTOR_LABEL
    example.download_button(
        "Example: 200 new dies",
        data=lambda: csv_bytes(example_scoring_frame(val_frame, label)),
        file_name="yield_new_dies.csv",
        icon=":material/download:",
        key="yd_download_example",
        help="Validation dies (not trained on) without their label, with one empty and one "
        "text cell to show the validation report.",
        **CSV,
    )
    drifted.download_button(
        "Example with drift",
        data=lambda: csv_bytes(example_scoring_frame(val_frame, label, shift=DRIFT_EXAMPLE)),
        file_name="yield_new_dies_drifted.csv",
        icon=":material/download:",
        key="yd_download_drifted",
        help="The same dies with leakage +2σ and Idd_sleep +1.5σ: the drift check flags them.",
        **CSV,
    )


def scored_upload(upload, pipeline, token: int) -> dict:
    """The upload scored by the pipeline (or why it cannot be), once per file and model."""
    cached = st.session_state.get("yd_scored")
    if cached is None or cached["key"] != (upload.file_id, token):
        cached = {"key": (upload.file_id, token), "result": None, "error": None, "views": {}}
        try:
            cached["result"] = score_csv(upload.getvalue(), pipeline, max_bytes=UPLOAD_LIMIT_BYTES)
        except DataError as error:
            cached["error"] = error
        else:
            result = cached["result"]
            n_train = pipeline.preprocessor.n_train_rows
            cached["drift"] = drift.summarise(result.drift, n_train)
            if result.drift is not None:
                cached["drift_figure"] = yield_scores.drift_figure(result.drift.head(30))
        st.session_state["yd_scored"] = cached
    return cached


def score_view(cached: dict, threshold: float) -> dict:
    """Counts, the shown table and the histogram of a scored upload at ``threshold``."""
    views = cached["views"]
    if threshold not in views:
        result: ScoreResult = cached["result"]
        table, note = result.preview(threshold, TABLE_ROWS, TABLE_COLUMNS)
        views[threshold] = {
            "summary": result.summary(threshold),
            "table": neutralise_frame(table),  # as the download writes it
            "note": note,
            "histogram": yield_scores.score_histogram_figure(result.proba, threshold),
        }
        while len(views) > KEPT_VIEWS:
            views.pop(next(iter(views)))
    return views[threshold]


def drift_panel(cached: dict) -> None:
    st.markdown("**Drift check** against the training data")
    summary = cached["drift"]
    if summary.level == "unknown":
        st.caption(summary.message)
        return
    box = {"too few": st.info, "stable": st.success, "drifted": st.warning}[summary.level]
    icons = {"too few": "info", "stable": "check_circle", "drifted": "trending_up"}
    box(summary.message, icon=f":material/{icons[summary.level]}:")
    if summary.caption:
        chart(st, cached["drift_figure"], "yd_drift_chart")
        st.caption(summary.caption)


def scored_output(cached: dict, name: str, threshold: float) -> None:
    result, view = cached["result"], score_view(cached, threshold)
    summary = view["summary"]
    shown = (
        ("Rows", f"{summary['rows']:,}"),
        ("Scored", f"{summary['scored']:,}"),
        ("Predicted FAIL", f"{summary['fail']:,}"),
        ("Predicted fail share", f"{summary['fail_share']:.1%}"),
        ("Mean fail probability", f"{summary['mean_probability']:.3f}"),
    )
    for column, (label, value) in zip(st.columns(len(shown)), shown):
        column.metric(label, value)
    histogram_column, drift_column = st.columns(2)
    histogram_column.markdown(f"**Fail probability of the {summary['scored']:,} scored rows**")
    chart(histogram_column, view["histogram"], "yd_score_histogram")
    with drift_column:
        drift_panel(cached)
    probability, prediction = result.output_columns
    progress = st.column_config.ProgressColumn(
        "fail probability", min_value=0.0, max_value=1.0, format="%.3f"
    )
    st.markdown("**Scored table**")
    st.dataframe(
        view["table"], height=320, column_config={probability: progress}, key="yd_scored_table"
    )
    if view["note"]:
        st.caption(view["note"])
    st.download_button(
        "Download the scored CSV",
        data=lambda: csv_bytes(result.table(threshold)),
        file_name=f"{name.rsplit('.', 1)[0]}_scored.csv",
        icon=":material/download:",
        type="primary",
        key="yd_download_scored",
        **CSV,
    )
    st.caption(
        f"Every uploaded column comes back unchanged, in its order, followed by "
        f"`{probability}` and `{prediction}` (FAIL when p ≥ {threshold:.2f}; empty where a "
        "row could not be scored). Text that a spreadsheet would run as a formula (a cell "
        "starting with `=`, `+`, `-` or `@` that is not a number) gets a leading `'` so it "
        "opens as plain text."
    )


def score_section(threshold: float) -> None:
    """The 'Score a CSV' tab: pick the model, upload, read the report, get the scores."""
    chosen = scoring_model()
    if chosen is None:
        st.info("Train a model (or upload a model file) first.", icon=":material/info:")
        return
    pipeline, token, _ = chosen
    with st.expander(f"The {pipeline.preprocessor.n_features} columns the model reads"):
        st.markdown(", ".join(f"`{name}`" for name in pipeline.feature_names))
    st.markdown(
        "Upload a CSV with these columns, **in any order**; any other columns (lot, wafer, "
        "die X/Y, part ID, …) are passed through untouched. Comma, semicolon, tab or `|` "
        "separated; decimal commas and non-UTF-8 files are recognised."
    )
    entry = st.session_state.get("yd_run")
    example_downloads(entry if entry and entry["token"] == token else None, pipeline)
    upload = csv_uploader("CSV of parametric tests to score", "yd_score_upload", "score")
    if upload is None:
        return
    cached = scored_upload(upload, pipeline, token)
    if cached["error"] is not None:
        show_error(cached["error"], f"Could not read {upload.name}")
        return
    result = cached["result"]
    for note in result.notes:
        st.info(note, icon=":material/info:")
    severity = result.report.severity
    body = "**Validation report** (checked before scoring)\n\n" + bullets(result.report.lines())
    REPORT_BOXES[severity](body, icon=REPORT_ICONS[severity])
    if result.scored:
        scored_output(cached, upload.name, threshold)


# ----------------------------------------------------------------------------- model file


def load_model_file(threshold_key: str) -> None:
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
    st.session_state[threshold_key] = round(pipeline.threshold, 2)


def model_downloads(pipeline, threshold: float) -> None:
    """The trained pipeline as an .npz archive and as ONNX, saved with ``threshold``."""
    pipeline = dataclasses.replace(pipeline, threshold=threshold)
    npz_column, onnx_column = st.columns(2)
    binary = {"mime": "application/octet-stream", "on_click": "ignore"}
    npz_column.download_button(
        "Download the model (.npz)",
        data=lambda: model_io.to_bytes(pipeline),
        file_name="yield_model.npz",
        icon=":material/download:",
        type="primary",
        key="yd_download_model",
        help=f"Saved with the current threshold {threshold:.2f}.",
        **binary,
    )
    onnx_column.download_button(
        "Export to ONNX",
        data=lambda: to_onnx_bytes(pipeline),
        file_name="yield_model.onnx",
        icon=":material/output:",
        key="yd_download_onnx",
        disabled=not onnx_available(),
        help="Imputation, standardisation and the network as one ONNX graph: input "
        "'features' (raw values in the model's column order), output 'fail_probability'. "
        "Runs in any ONNX runtime, e.g. a cluster job for data beyond one machine.",
        **binary,
    )
    if not onnx_available():
        onnx_column.caption("ONNX export needs the `onnx` package: `pip install onnx`.")


def model_section(threshold: float, threshold_key: str) -> None:
    """The 'Model file' tab: download the trained pipeline, or load a saved one."""
    st.markdown(
        "The whole pipeline in one file: the weights, the feature names and their order, the "
        "training medians, means and standard deviations, the threshold and the validation "
        "metrics. A NumPy `.npz` archive with JSON metadata: loading it never runs code."
    )
    entry = st.session_state.get("yd_run")
    if entry is not None:
        model_downloads(entry["run"].pipeline, threshold)
    else:
        st.info("Train a model to download it.", icon=":material/info:")
    st.markdown("#### Score later with a saved model")
    st.file_uploader(
        "Model file (.npz) saved by this page or `cli.py`",
        type=["npz"],
        key="yd_model_upload",
        help=UPLOAD_LIMIT_SIZE,
        on_change=load_model_file,
        args=(threshold_key,),
    )
    refused = st.session_state.get("yd_model_message")
    if refused is not None:
        show_error(refused[1], f"{refused[0]} was not loaded; the models you had are kept")
    loaded = st.session_state.get("yd_loaded")
    if loaded is not None:
        st.success(
            f"**{loaded['name']}** is loaded: {loaded['pipeline'].summary()}. Pick it under "
            "**Score a CSV**.",
            icon=":material/check_circle:",
        )
