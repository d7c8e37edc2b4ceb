"""The semiconductor yield page: its URL schema (round trip, garbage), then train, evaluate,
upload and score under streamlit.testing.

Small data through the URL (1,000 dies, 5 epochs) keeps every run around a second.
Expected numbers are recomputed here from the session's model and the fixture files,
independently of what the page shows.
"""

import csv
import dataclasses
import io
import runpy
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit import config as st_config
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.activations import ACTIVATIONS
from core.initializers import INIT_LABELS, INITIALIZERS
from core.optimizers import OPTIMIZERS
from tests.app import pages
from ui import pickers
from ui.home import APP_ROOT
from yieldmodel import model_io
from yieldmodel.architecture import format_hidden
from yieldmodel.experiments import EXPERIMENTS
from yieldmodel.training import TrainingRun

PAGE_PATH = "pages/5_yield.py"
DATA = Path(__file__).resolve().parents[1] / "data"
SMALL = {"rows": "1000", "epochs": "5"}


# The page's names without running it (Streamlit runs it as ``__main__``).
yield_page = SimpleNamespace(**runpy.run_path(str(APP_ROOT / PAGE_PATH), run_name="yield_page"))
SCHEMA = yield_page.SCHEMA


def key(field: str) -> str:
    """Widget key of a URL field of the page."""
    return SCHEMA.widget_key(field)


def open_page(**query) -> AppTest:
    """The page opened at its URL with ``query`` (small data unless the query says otherwise)."""
    return pages.open_page(PAGE_PATH, {**SMALL, **query})


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [exception.value for exception in at.exception]


def metrics(at: AppTest) -> dict:
    return {metric.label: metric.value for metric in at.metric}


def texts(elements) -> str:
    return "\n".join(element.value for element in elements)


def upload(at: AppTest, key: str, name: str, content: bytes | None = None) -> AppTest:
    content = (DATA / name).read_bytes() if content is None else content
    at.file_uploader(key=key).set_value((name, content, "text/csv")).run()
    assert_clean(at)
    return at


def scored_table(at: AppTest) -> pd.DataFrame:
    """The last table on the page: the scored upload (the first is the data preview)."""
    return at.dataframe[-1].value


def trained_run(at: AppTest) -> TrainingRun:
    return at.session_state["yd_run"]["run"]


# ---------------------------------------------------------------------------------------------
# The URL schema, without Streamlit
# ---------------------------------------------------------------------------------------------


def _hyper_values() -> dict:
    """A strategy per optimizer hyper-parameter field, from the pickers' own ranges."""
    strategies = {}
    for field in pickers.optimizer_fields("", "adam", 1e-3):
        name = field.key.split("_", 1)[-1]
        if name in pickers.SWITCHES:
            strategies[field.key] = st.booleans()
        elif name in pickers.HYPER_RANGES:
            _, low, high, _, _ = pickers.HYPER_RANGES[name]
            strategies[field.key] = st.floats(low, high, allow_nan=False)
    return strategies


VALID_VALUES = {
    "src": st.sampled_from(list(yield_page.SOURCES)),
    "rows": st.integers(200, 50_000),
    "fail": st.integers(5, 50),
    "noise": st.integers(0, 30),
    "seed": st.integers(0, 1_000_000),
    "layers": st.lists(st.integers(1, 1024), max_size=8).map(format_hidden),
    "act": st.sampled_from(list(ACTIVATIONS)),
    "init": st.sampled_from(list(INITIALIZERS)),
    "opt": st.sampled_from(list(OPTIMIZERS)),
    "lr": st.sampled_from(pickers.LEARNING_RATES),
    **_hyper_values(),
    "batch": st.sampled_from(yield_page.BATCH_SIZES),
    "epochs": st.integers(1, 500),
    "l2": st.sampled_from(yield_page.L2_RATES),
    "dropout": st.floats(0.0, 0.8, allow_nan=False),
    "cw": st.booleans(),
    "thr": st.floats(0.0, 1.0, allow_nan=False),
    "recall": st.integers(50, 99),
}
valid_states = st.fixed_dictionaries(VALID_VALUES)


def test_the_schema_covers_every_sidebar_control():
    assert set(VALID_VALUES) == {field.key for field in SCHEMA.fields}
    assert SCHEMA.parse({}) == (SCHEMA.defaults, [])
    defaults = SCHEMA.defaults
    assert (defaults["layers"], defaults["opt"], defaults["lr"]) == ("64,32", "adam", 1e-3)
    assert (defaults["rows"], defaults["fail"], defaults["recall"]) == (5000, 50, 85)


@settings(max_examples=60)
@given(valid_states)
def test_any_valid_state_round_trips_through_the_url(state):
    parsed, notes = SCHEMA.parse(SCHEMA.encode(state))
    assert notes == []
    assert parsed == state


query_keys = st.sampled_from([field.key for field in SCHEMA.fields]) | st.text(max_size=8)


@settings(max_examples=60)
@given(st.dictionaries(query_keys, st.text(max_size=20), max_size=12))
def test_any_garbage_query_gives_a_valid_state(query):
    state, notes = SCHEMA.parse(query)
    again, second_notes = SCHEMA.parse(SCHEMA.encode(state))
    assert again == state and second_notes == []
    assert all(isinstance(note, str) and note for note in notes)
    yield_page.hidden_widths(state["layers"])  # the network the state describes can be built


def test_layer_widths_in_a_link_are_normalised_or_refused():
    state, notes = SCHEMA.parse({"layers": " 16 , 8 "})
    assert state["layers"] == "16,8" and notes == []
    for text in ("64,x", "0", "2000", ",".join(["4"] * 9)):
        state, notes = SCHEMA.parse({"layers": text})
        assert state["layers"] == "64,32" and f"`layers={text}` ignored" in notes[0]
    assert SCHEMA.parse({"layers": ""})[0]["layers"] == ""  # logistic regression


def test_a_garbage_link_opens_with_defaults_and_a_note():
    at = open_page(rows="lots", layers="64,x", opt="lion", thr="7", batch="33", bogus="1")
    assert_clean(at)
    note = texts(at.warning)
    for part in ("`rows=lots` ignored", "`layers=64,x` ignored", "`opt=lion` ignored"):
        assert part in note
    assert "`thr=7`: above the largest allowed value" in note and "`bogus`" in note
    assert at.number_input(key=key("rows")).value == 5000
    assert at.text_input(key=key("layers")).value == "64,32"
    assert at.selectbox(key=key("opt")).value == "adam"
    assert at.slider(key=key("thr")).value == 1.0
    assert at.select_slider(key=key("batch")).value == 32
    assert trained_run(at).pipeline.model.sizes == [20, 64, 32, 1]
    assert at.query_params["rows"] == "5000" and at.query_params["layers"] == "64,32"


# ---------------------------------------------------------------------------------------------
# Training and evaluation
# ---------------------------------------------------------------------------------------------


def test_first_visit_trains_and_shows_every_metric():
    at = open_page()
    shown = metrics(at)
    run = trained_run(at)
    report = run.evaluate(0.5)
    for label, key in [
        ("Accuracy", "accuracy"),
        ("Precision", "precision"),
        ("Recall", "recall"),
        ("F1", "f1"),
        ("ROC-AUC", "roc_auc"),
        ("PR-AUC", "pr_auc"),
    ]:
        assert shown[label] == f"{report[key]:.3f}"
    assert float(shown["Accuracy"]) > 0.75
    assert run.y_val.size == 200 and run.architecture.epochs == 5
    assert "Latency, 1,000 rows" in shown
    assert len(at.get("plotly_chart")) >= 10  # data overview, evaluation, model insides
    assert "20→64→32→1" in texts(at.caption)


def test_activation_and_network_are_shown_by_their_display_names():
    at = open_page(act="tanh")
    box = at.selectbox(key=key("act"))
    assert box.options == [ACTIVATIONS[name].label for name in ACTIVATIONS]
    assert box.value == "tanh" and box.format_func(box.value) == "tanh"
    box.set_value("leaky_relu").run()
    assert at.query_params["act"] == "leaky_relu"
    at.button(key="yd_train").click().run()
    assert_clean(at)
    assert trained_run(at).architecture.activation == "leaky_relu"
    assert "Leaky ReLU, He (Kaiming) normal init, Adam lr 0.001" in texts(at.success)


def test_train_button_uses_the_sidebar_settings():
    at = open_page()
    at.text_input(key=key("layers")).set_value("16").run()
    assert "settings changed" in texts(at.info)
    at.number_input(key=key("epochs")).set_value(3).run()
    at.button(key="yd_train").click().run()
    assert_clean(at)
    run = trained_run(at)
    assert run.pipeline.model.sizes == [20, 16, 1]
    assert len(run.history["loss"]) == 3
    assert "20→16→1" in texts(at.success)
    assert "settings changed" not in texts(at.info)
    assert metrics(at)["Accuracy"] == f"{run.evaluate(0.5)['accuracy']:.3f}"


def test_threshold_slider_and_suggestion_update_the_metrics():
    at = open_page()
    run = trained_run(at)
    at.slider(key=key("thr")).set_value(0.9).run()
    report = run.evaluate(0.9)
    shown = metrics(at)
    assert shown["Recall"] == f"{report['recall']:.3f}"
    assert shown["Precision"] == f"{report['precision']:.3f}"
    assert report["recall"] < run.evaluate(0.5)["recall"]
    assert at.query_params["thr"] == "0.9"

    at.button(key="yd_use_suggested").click().run()
    fails = run.proba_val[run.y_val == 1]
    threshold = at.slider(key=key("thr")).value
    assert threshold <= run.suggested_threshold < threshold + 0.01  # rounded down
    assert np.mean(fails >= threshold) >= 0.85


def test_settings_come_from_the_url():
    at = open_page(layers="8", thr="0.3", cw="true", recall="90")
    run = trained_run(at)
    assert run.pipeline.model.sizes == [20, 8, 1]
    assert run.architecture.class_weights
    assert at.slider(key=key("thr")).value == 0.3
    assert at.slider(key=key("recall")).value == 90


def test_a_diverging_run_is_explained_not_crashed():
    at = open_page(lr="10.0")
    run = trained_run(at)
    assert run.diverged_at is not None and run.history["epoch"] == []
    assert "Training diverged at epoch 1" in texts(at.error)
    assert metrics(at)["Accuracy"] == f"{run.evaluate(0.5)['accuracy']:.3f}"


def test_bad_layer_widths_are_explained_and_keep_the_model():
    at = open_page()
    before = at.session_state["yd_run"]["token"]
    at.text_input(key=key("layers")).set_value("64,x").run()
    assert_clean(at)
    assert "Check the network settings" in texts(at.error)
    assert at.button(key="yd_train").disabled
    assert at.session_state["yd_run"]["token"] == before
    assert "Accuracy" in metrics(at)


def test_initialisation_experiment_runs_in_one_click():
    at = open_page()
    assert len(at.dataframe) == 1  # only the data preview so far
    at.button(key="yd_run_initialisation").click().run()
    assert_clean(at)
    table = at.session_state["yd_experiments"]["initialisation"]["table"]
    assert table["setting"].tolist() == list(EXPERIMENTS["initialisation"].variants)
    by_setting = table.set_index("setting")["validation accuracy"]
    assert by_setting[INIT_LABELS["random"]] < 0.6 < by_setting["He (Kaiming) normal"]
    assert len(at.dataframe) == 2


# ---------------------------------------------------------------------------------------------
# Scoring an uploaded CSV
# ---------------------------------------------------------------------------------------------


def test_good_csv_is_scored_with_extra_columns_passed_through():
    at = upload(open_page(), "yd_score_upload", "yield_good.csv")
    frame = pd.read_csv(DATA / "yield_good.csv")
    proba = trained_run(at).pipeline.predict_proba(frame)
    shown = metrics(at)
    assert shown["Rows"] == "60" and shown["Scored"] == "60"
    assert shown["Predicted FAIL"] == str(int(np.sum(proba >= 0.5)))
    assert "Ready to score 60 of 60 rows" in texts(at.success)
    assert "'lot', 'wafer', 'die_x', 'die_y', 'part_id'" in texts(at.success)
    table = scored_table(at)
    np.testing.assert_allclose(table["fail_probability"], proba)
    assert table["part_id"].tolist() == frame["part_id"].tolist()
    assert at.download_button(key="yd_download_scored")


@pytest.fixture
def deferred_downloads(monkeypatch):
    """The data callables of the page's deferred download buttons, by file name."""
    callables = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        callables[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return callables


def test_downloaded_csvs_are_formula_safe_with_numbers_unchanged(deferred_downloads):
    attack = '=HYPERLINK("http://x","y")'
    frame = pd.read_csv(DATA / "yield_good.csv")
    frame.loc[2, "part_id"] = attack
    frame["offset"] = -(np.arange(len(frame)) % 7) - 0.25  # negative numbers
    content = frame.to_csv(index=False).encode()
    at = upload(open_page(), "yd_score_upload", "attack.csv", content)
    assert scored_table(at)["part_id"].iloc[2] == "'" + attack  # as the download writes it

    data = deferred_downloads["attack_scored.csv"]().decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(data)))
    sent = list(csv.reader(io.StringIO(content.decode())))[1:]
    assert header == [*frame.columns, "fail_probability", "prediction"]
    column = header.index
    assert rows[2][column("part_id")] == "'" + attack
    assert [row[column("part_id")] for row in rows[3:]] == frame["part_id"][3:].tolist()
    assert [row[column("offset")] for row in rows] == [row[column("offset")] for row in sent]
    expected = trained_run(at).pipeline.predict_proba(frame)
    np.testing.assert_array_equal(
        [float(row[column("fail_probability")]) for row in rows], expected
    )
    template = deferred_downloads["yield_template.csv"]().decode("utf-8")
    assert template.splitlines()[0].startswith("lot,wafer,die_x,die_y,part_id,")


def test_uploaders_state_the_size_limit():
    at = open_page()
    limit = st_config.get_option("server.maxUploadSize")
    for uploader in ("yd_score_upload", "yd_model_upload"):
        assert f"Files up to {limit} MB" in at.file_uploader(key=uploader).help
    assert "--max-mb" in at.file_uploader(key="yd_score_upload").help


def test_missing_columns_are_named_and_nothing_is_scored():
    at = upload(open_page(), "yd_score_upload", "yield_missing_columns.csv")
    error = texts(at.error)
    assert "Cannot score: 3 of 20 feature columns are missing" in error
    assert "'power' (did you mean 'Power'?)" in error
    assert "'leakage'" in error and "'Vth_n'" in error
    assert "Rows" not in metrics(at)
    with pytest.raises(KeyError):
        at.download_button(key="yd_download_scored")


def test_nan_text_and_inf_cells_are_reported_with_rows_and_columns():
    at = upload(open_page(), "yd_score_upload", "yield_nans.csv")
    warning = texts(at.warning)
    assert "Column 'leakage': 1 non-numeric cell (row 12: 'ERR'), scored as missing." in warning
    assert "Column 'freq_max': 1 infinite value (row 13), scored as missing." in warning
    assert "1 row cannot be scored, no feature value is usable (row 10)" in warning
    assert "'Vdd_min' (3)" in warning and "'iddq' (2)" in warning
    shown = metrics(at)
    assert shown["Rows"] == "30" and shown["Scored"] == "29"
    table = scored_table(at)
    assert table["prediction"].iloc[9] == ""
    assert "too few to tell a real shift from chance" in texts(at.info)


BAD_FILES = [
    (b"", "The file is empty"),
    (b"lot,Vdd_min\n", "but no data rows"),
    (b"a,a\n1,2\n", "Duplicate column names"),
    (b"PK\x03\x04 not really a workbook", "Excel workbook"),
]


def test_unreadable_files_get_a_clear_message_and_keep_the_model():
    at = open_page()
    before = at.session_state["yd_run"]["token"]
    for number, (content, message) in enumerate(BAD_FILES):
        upload(at, "yd_score_upload", f"bad{number}.csv", content)
        assert message in texts(at.error)
        assert at.session_state["yd_run"]["token"] == before
        assert "Accuracy" in metrics(at)


def test_semicolon_decimal_comma_file_is_read_and_explained():
    frame = pd.read_csv(DATA / "yield_good.csv").head(12)
    content = frame.to_csv(sep=";", decimal=",", index=False).encode("cp1252")
    at = upload(open_page(), "yd_score_upload", "excel_export.csv", content)
    notes = texts(at.info)
    assert "semicolons" in notes and "decimal comma" in notes
    assert metrics(at)["Scored"] == "12"


# ---------------------------------------------------------------------------------------------
# Model file
# ---------------------------------------------------------------------------------------------


def test_model_downloads_and_uploads():
    at = open_page()
    for button in ("yd_download_model", "yd_download_onnx", "yd_download_template"):
        assert at.download_button(key=button)
    run = trained_run(at)

    at.file_uploader(key="yd_model_upload").set_value(
        ("random.npz", b"\x93NUMPY not a model at all", "application/octet-stream")
    ).run()
    assert_clean(at)
    assert "random.npz was not loaded; the models you had are kept" in texts(at.error)
    assert trained_run(at) is not None and "Accuracy" in metrics(at)

    saved = model_io.to_bytes(dataclasses.replace(run.pipeline, threshold=0.42))
    at.file_uploader(key="yd_model_upload").set_value(
        ("saved.npz", saved, "application/octet-stream")
    ).run()
    assert_clean(at)
    assert "saved.npz** is loaded" in texts(at.success)
    assert at.slider(key=key("thr")).value == 0.42
    assert at.radio(key="yd_score_with").options == [
        "the model trained here",
        "model file saved.npz",
    ]
    at.radio(key="yd_score_with").set_value("uploaded").run()
    upload(at, "yd_score_upload", "yield_good.csv")
    frame = pd.read_csv(DATA / "yield_good.csv")
    expected = model_io.load(saved).predict_proba(frame)
    np.testing.assert_allclose(scored_table(at)["fail_probability"], expected)
    fails_at_042 = int(np.sum(expected >= 0.42))
    assert metrics(at)["Predicted FAIL"] == str(fails_at_042)


# ---------------------------------------------------------------------------------------------
# Bring your own labelled data
# ---------------------------------------------------------------------------------------------


def test_own_labelled_csv_is_prepared_reported_and_trained():
    at = open_page(src="own")
    assert "Upload a labelled CSV" in texts(at.info)
    upload(at, "yd_byo_upload", "yield_labelled.csv")
    assert at.selectbox(key="yd_byo_label").value == "Result"
    report = texts(at.markdown)
    assert "'part_id', 'test_time', 'lot'" in report
    assert "'program_rev'" in report and "constant" in report
    assert "'spare_test'" in report and "empty in every training row" in report
    assert "Missing values imputed with the training median" in report
    assert "tick **Class weights**" in texts(at.info)

    at.checkbox(key=key("cw")).check().run()
    at.button(key="yd_train").click().run()
    assert_clean(at)
    run = trained_run(at)
    assert run.pipeline.label_name == "Result"
    assert run.pipeline.preprocessor.n_features == 20
    assert "Class weights used in training" in run.report[-1]
    assert "yield_labelled.csv (label 'Result')" in texts(at.caption)


def test_own_csv_with_one_class_says_so():
    frame = pd.read_csv(DATA / "yield_labelled.csv")
    frame["Result"] = "PASS"
    at = open_page(src="own")
    upload(at, "yd_byo_upload", "all_pass.csv", frame.to_csv(index=False).encode())
    assert "has only one class" in texts(at.error)
    at.button(key="yd_train").click().run()
    assert_clean(at)
    assert "pick its label column first" in texts(at.warning)


def test_labels_the_features_cannot_predict_are_called_chance():
    generator = np.random.default_rng(0)
    noise = pd.DataFrame(generator.normal(size=(400, 8)), columns=[f"t{i}" for i in range(8)])
    noise["result"] = generator.choice(["pass", "fail"], size=400)
    at = open_page(src="own")
    upload(at, "yd_byo_upload", "noise.csv", noise.to_csv(index=False).encode())
    at.button(key="yd_train").click().run()
    assert_clean(at)
    assert "No better than chance" in texts(at.error)
