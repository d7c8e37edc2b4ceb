"""The backprop trainer page under streamlit.testing, its URL schema, and the wire format of
its live charts (ui.live_payload, and the same payload read by ui/live_chart.js in Node).

Charts on this page travel as compact payloads to one live-chart component; the tests
decode what the page sent (``chart(at, key, name)``) and read the numbers it shows.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core import activations, optimizers
from core.initializers import INIT_LABELS
from lessons import datasets
from lessons.live.specs import CUSTOM, PROBLEM_DATASETS
from tests.app import pages
from tests.app.pages import assert_ok
from ui import live_controls, live_payload, pickers
from ui import urlstate as url

PAGE = "pages/3_backprop.py"
SCHEMA = url.UrlSchema("backprop", live_controls.fields())
LIVE_CHART_JS = Path(live_payload.__file__).with_name("live_chart.js")


def key(field: str) -> str:
    """Widget key of a URL field of the page."""
    return SCHEMA.widget_key(field)


def open_page(**query) -> AppTest:
    return pages.open_page(PAGE, query)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def chart(at: AppTest, element_key: str, name: str = "chart") -> dict:
    """The figure (dict) that the page sent as chart ``name`` of live-chart ``element_key``."""
    for element in at.get("bidi_component"):
        if element.proto.id.endswith(f"-{element_key}"):
            return live_payload.figures(element.proto.bytes)[name]
    raise AssertionError(f"no live chart with key {element_key!r}")


def chart_captions(at: AppTest, element_key: str) -> dict[str, str]:
    """The captions that live-chart ``element_key`` shows under its charts."""
    for element in at.get("bidi_component"):
        if element.proto.id.endswith(f"-{element_key}"):
            return live_payload.decode(element.proto.bytes)[0]["captions"]
    raise AssertionError(f"no live chart with key {element_key!r}")


def live(at: AppTest, name: str) -> dict:
    return chart(at, "bp_live_charts", name)


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def click(at: AppTest, button_key: str) -> AppTest:
    at.button(key=button_key).click().run()
    assert_ok(at)
    return at


# ---------------------------------------------------------------------------------------------
# The URL schema, without Streamlit
# ---------------------------------------------------------------------------------------------


def number_bounds(field) -> tuple:
    """A number field's range, read by parsing values far outside it (they are clamped)."""
    return field.parse("-1e300")[0], field.parse("1e300")[0]


def valid_states():
    """A strategy for every field of the page's schema."""
    activation = st.sampled_from(list(activations.ACTIVATIONS))
    choices = {
        "problem": st.sampled_from(list(PROBLEM_DATASETS)),
        "data": st.sampled_from(sorted({n for names in PROBLEM_DATASETS.values() for n in names})),
        "feat": st.lists(st.sampled_from(datasets.FEATURES), unique=True),
        "layers": st.lists(st.integers(1, live_controls.MAX_NEURONS), max_size=6),
        "act": activation,
        "acts": st.lists(activation, max_size=live_controls.MAX_HIDDEN_LAYERS),
        "init": st.sampled_from(list(INIT_LABELS)),
        "opt": st.sampled_from(list(optimizers.OPTIMIZERS)),
        "lr": st.sampled_from(pickers.LEARNING_RATES),
        "sched": st.sampled_from(list(pickers.SCHEDULE_LABELS)),
        "reg": st.sampled_from(["none", "L1", "L2"]),
        "reg_rate": st.sampled_from(live_controls.REGULARISATION_RATES),
        "epf": st.sampled_from(live_controls.EPOCH_CHOICES),
    }
    return st.fixed_dictionaries(
        {
            field.key: choices[field.key] if field.key in choices else _number_strategy(field)
            for field in SCHEMA.fields
        }
    )


def _number_strategy(field):
    """Booleans, or whole or real numbers within the field's bounds."""
    if isinstance(field.default, bool):
        return st.booleans()
    low, high = number_bounds(field)
    return st.integers(low, high) if isinstance(field.default, int) else st.floats(low, high)


def test_the_schema_covers_every_control():
    keys = {field.key for field in SCHEMA.fields}
    page_controls = {"problem", "data", "classes", "noise", "ratio", "batch", "seed", "test"}
    page_controls |= {"disc", "feat", "layers", "act", "acts", "init", "reg", "reg_rate"}
    page_controls |= {"dropout", "clip", "clip_norm", "maxep", "tloss", "tacc", "epf", "sample"}
    page_controls |= {"layer"}
    pickers_fields = {f.key for f in pickers.optimizer_fields("") + pickers.schedule_fields("")}
    assert keys == page_controls | pickers_fields


@settings(max_examples=60, deadline=None)
@given(valid_states())
def test_any_valid_state_round_trips_through_the_url(state):
    parsed, notes = SCHEMA.parse(SCHEMA.encode(state))
    assert notes == []
    assert parsed == state


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([field.key for field in SCHEMA.fields]) | st.text(max_size=8),
        st.text(max_size=20),
        max_size=12,
    )
)
def test_any_garbage_query_gives_a_valid_state(query):
    state, notes = SCHEMA.parse(query)
    again, second_notes = SCHEMA.parse(SCHEMA.encode(state))
    assert again == state and second_notes == []
    assert all(isinstance(note, str) and note for note in notes)
    assert 0 <= len(state["layers"]) <= live_controls.MAX_HIDDEN_LAYERS


def test_activation_lists_keep_repeats_and_reject_unknown_names():
    field = SCHEMA["acts"]
    assert field.parse("relu,ReLU,tanh") == (["relu", "relu", "tanh"], None)
    assert field.parse("relu,swishy")[0] == [] and "swishy" in field.parse("relu,swishy")[1]
    assert field.parse(",".join(["tanh"] * 7))[0] == []  # more layers than the page allows


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def test_defaults_load_with_a_teaching_setup_in_the_url():
    at = open_page()
    assert metric(at, "Epoch") == "0"
    assert metric(at, "Test loss") == "—"
    query = dict(at.query_params)
    expected = {"data": "circle", "feat": "x1,x2", "layers": "4,2", "act": "tanh"}
    assert {name: query[name] for name in expected} == expected
    assert (query["opt"], query["lr"], query["batch"], query["ratio"]) == (
        "sgd",
        "0.03",
        "10",
        "50",
    )
    network = live(at, "network")
    titles = [a["text"] for a in network["layout"]["annotations"]]
    assert titles[:4] == [
        "Input<br>2 features",
        "Hidden 1<br>4 · tanh",
        "Hidden 2<br>2 · tanh",
        "Output<br>sigmoid",
    ]
    assert network["data"][0]["type"] == "heatmap"
    decision = live(at, "decision")
    assert decision["data"][0]["type"] == "heatmap"
    assert len(decision["data"]) == 2  # test points hidden by default
    assert "Network 2 → 4 → 2 → 1 · SGD, η = 0.03" in captions(at)
    assert not at.warning


def test_the_decision_map_and_weights_the_browser_gets_are_the_model_s():
    at = open_page()
    click(at, "bp_step")
    trainer = at.session_state["bp_live_trainer"]
    expected = trainer.model.predict_proba(trainer.inputs["grid"]).reshape(100, 100)
    z = np.asarray(live(at, "decision")["data"][0]["z"], dtype=float)
    # one byte per cell over the map's own range: within half a step of 1/254 of it
    step = (expected.max() - expected.min()) / 254
    np.testing.assert_allclose(z, expected, atol=step / 2 + 1e-6)
    hover = next(t for t in live(at, "network")["data"] if t["name"] == "weights")
    weights = np.concatenate([W.ravel() for W in trainer.model.weights])
    np.testing.assert_allclose(hover["customdata"], weights, rtol=1e-6)


def test_a_map_of_several_classes_keeps_every_cell_in_its_class():
    at = open_page(data="blobs3", classes="5", opt="adam", lr="0.03")
    for _ in range(3):
        click(at, "bp_step")
    trainer = at.session_state["bp_live_trainer"]
    classes = trainer.model.predict(trainer.inputs["grid"]).reshape(100, 100)
    z = np.asarray(live(at, "decision")["data"][0]["z"], dtype=float)
    # the class bands have sharp edges: the map travels at 16 bits, no cell changes class
    np.testing.assert_array_equal(np.floor(z), classes)


def test_step_advances_the_epoch_and_changes_the_loss():
    at = open_page()
    click(at, "bp_step")
    assert metric(at, "Epoch") == "1"
    first = float(metric(at, "Training loss"))
    click(at, "bp_step")
    assert metric(at, "Epoch") == "2"
    second = float(metric(at, "Training loss"))
    assert np.isfinite(first) and second != first
    loss = live(at, "loss")
    assert len(loss["data"]) == 2  # training and test loss
    np.testing.assert_array_equal(loss["data"][0]["x"], [1, 2])
    assert loss["data"][0]["y"][-1] == pytest.approx(second, abs=1e-4)


def test_changing_dataset_and_features_rebuilds_the_network():
    at = open_page()
    circle_points = np.asarray(live(at, "decision")["data"][1]["x"])
    at.selectbox(key=key("data")).set_value("xor").run()
    assert_ok(at)
    xor_points = np.asarray(live(at, "decision")["data"][1]["x"])
    assert xor_points.shape == circle_points.shape
    assert not np.array_equal(xor_points, circle_points)
    assert np.abs(xor_points).min() >= 0.3 - 1e-6  # XOR points keep 0.3 off the axes
    at.checkbox(key="bp_feature_x1*x2").check().run()
    assert_ok(at)
    assert "Network 3 → 4 → 2 → 1" in captions(at)
    assert at.query_params["feat"] == "x1,x2,x1*x2"
    click(at, "bp_step")
    assert metric(at, "Epoch") == "1"


def test_changing_layers_and_activation_reshapes_the_drawing():
    at = open_page()
    at.slider(key="bp_n_layers").set_value(3).run()
    at.selectbox(key=key("act")).set_value("relu").run()
    assert_ok(at)
    assert "Network 2 → 4 → 2 → 4 → 1" in captions(at)
    titles = [a["text"] for a in live(at, "network")["layout"]["annotations"]]
    assert "Hidden 3<br>4 · ReLU" in titles
    assert at.query_params["layers"] == "4,2,4" and at.query_params["act"] == "relu"


def test_per_layer_activations_reach_the_network_and_the_url():
    at = open_page(layers="3,3", acts="relu,sigmoid")
    assert at.toggle(key="bp_per_layer").value
    assert [at.selectbox(key=f"bp_act_{i}").value for i in range(2)] == ["relu", "sigmoid"]
    assert at.session_state["bp_live_trainer"].model.hidden == ["relu", "sigmoid"]
    at.toggle(key="bp_per_layer").set_value(False).run()
    assert at.query_params["acts"] == ""


def test_changing_the_optimizer_changes_the_first_step():
    sgd = open_page()
    click(sgd, "bp_step")
    adam = open_page()
    adam.selectbox(key=key("opt")).set_value("adam").run()
    assert_ok(adam)
    assert "Adam" in captions(adam)
    click(adam, "bp_step")
    assert metric(adam, "Epoch") == "1"
    assert metric(adam, "Training loss") != metric(sgd, "Training loss")


def test_a_new_learning_rate_keeps_training_where_it_was():
    at = open_page(opt="momentum")
    click(at, "bp_step")
    trainer = at.session_state["bp_live_trainer"]
    optimizer = trainer.optimizer
    at.select_slider(key=key("lr")).set_value(0.1).run()
    assert_ok(at)
    assert trainer.epoch == 1 and trainer.optimizer is optimizer and optimizer.lr == 0.1


def test_learning_rate_10_shows_the_divergence_message_and_reset_recovers():
    at = open_page()
    at.select_slider(key=key("lr")).set_value(10.0).run()
    assert_ok(at)
    click(at, "bp_step")
    message = errors(at)
    assert "Training diverged at epoch 1, step" in message
    assert "Reset" in message
    assert at.button(key="bp_play").disabled
    # the plots stay readable: the loss chart holds no NaN
    loss = live(at, "loss")
    assert all(np.isfinite(np.asarray(trace["y"], dtype=float)).all() for trace in loss["data"])
    click(at, "bp_reset")
    assert metric(at, "Epoch") == "0"
    assert "diverged" not in errors(at)


def test_play_trains_until_the_stop_rule_holds():
    at = open_page(maxep="2")
    assert at.number_input(key=key("maxep")).value == 2
    click(at, "bp_play")
    # one live frame trains (five epochs at most); the stop rule ends it at epoch 2
    assert metric(at, "Epoch") == "2"
    assert any("reached the maximum of 2 epochs" in info.value for info in at.info)
    assert at.button(key="bp_play").label == "Play"


def test_regression_and_multiclass_problems_run():
    at = open_page(problem="regression", data="plane")
    click(at, "bp_step")
    assert metric(at, "Test accuracy") == "—"
    assert float(metric(at, "Test loss")) >= 0
    assert "Test set: MSE" in chart_captions(at, "bp_detail_charts")["outcome"]
    at = open_page(data="blobs3", classes="4")
    click(at, "bp_step")
    confusion = chart(at, "bp_detail_charts", "outcome")
    counts = np.asarray(confusion["data"][0]["z"])
    n_test = int(re.search(r"(\d+) test points", captions(at)).group(1))
    assert counts.shape == (4, 4) and counts.sum() == n_test  # every test point counted once
    assert "Output<br>softmax" in [a["text"] for a in live(at, "network")["layout"]["annotations"]]


def test_a_dataset_of_the_other_problem_falls_back_to_the_first_one():
    at = open_page(problem="regression", data="spiral")
    assert at.selectbox(key=key("data")).value == "plane"
    assert at.query_params["data"] == "plane"


def test_no_feature_gives_a_clear_error_not_a_traceback():
    at = open_page(feat="x1")
    at.checkbox(key="bp_feature_x1").uncheck().run()
    assert_ok(at)
    assert "choose at least one input feature" in errors(at)


def test_url_settings_restore_the_setup():
    at = open_page(data="spiral", layers="6,6,3", act="relu", opt="adam", lr="0.01", noise="20")
    assert at.selectbox(key=key("data")).value == "spiral"
    assert at.slider(key="bp_n_layers").value == 3
    assert [at.number_input(key=f"bp_neurons_{i}").value for i in range(3)] == [6, 6, 3]
    assert at.selectbox(key=key("act")).value == "relu"
    assert at.selectbox(key=key("opt")).value == "adam"
    assert at.select_slider(key=key("lr")).value == 0.01
    assert at.slider(key=key("noise")).value == 20
    assert "Network 2 → 6 → 6 → 3 → 1" in captions(at)
    assert not at.warning


def test_hand_edited_url_values_are_kept_in_range():
    at = open_page(noise="90", ratio="5", batch="500", seed="-3", dropout="2", maxep="-1")
    assert at.slider(key=key("noise")).value == 50
    assert at.slider(key=key("ratio")).value == 10
    assert at.slider(key=key("batch")).value == 30
    assert at.number_input(key=key("seed")).value == 0
    assert at.slider(key=key("dropout")).value == 0.5
    assert at.number_input(key=key("maxep")).value == 0
    assert "`noise=90`" in at.warning[0].value


def test_a_garbage_link_opens_the_defaults_with_a_note():
    at = open_page(noise="lots", layers="4,x", opt="lion", act="", feat="x9", colour="red")
    assert_ok(at)
    assert at.slider(key=key("noise")).value == 0
    assert at.selectbox(key=key("opt")).value == "sgd"
    assert "Network 2 → 4 → 2 → 1 · SGD" in captions(at)
    note = at.warning[0].value
    for fragment in ("`noise=lots` ignored", "`layers=4,x` ignored", "`opt=lion` ignored"):
        assert fragment in note
    assert "unknown settings ignored: `colour`" in note
    assert at.query_params["noise"] == "0"  # the link is repaired


def test_own_points_from_the_table_train():
    at = open_page()
    at.selectbox(key=key("data")).set_value(CUSTOM).run()
    assert_ok(at)
    # the example table has 12 points; the split keeps at least one per part
    n_train, n_test = map(int, re.search(r"(\d+) training and (\d+) test", captions(at)).groups())
    assert n_train + n_test == 12
    click(at, "bp_step")
    assert metric(at, "Epoch") == "1"


def test_gradient_check_button_reports_a_tiny_relative_error():
    at = open_page()
    click(at, "bp_gradcheck")
    message = "\n".join(s.value for s in at.success)
    error = float(re.search(r"\*\*([0-9.e+-]+)\*\*", message).group(1))
    assert 0 <= error < 1e-6


def test_the_step_tables_show_the_chosen_layer():
    at = open_page(layer="3")
    tables = [table.value for table in at.dataframe]
    grads = next(table for table in tables if "z" not in table.columns)
    assert list(grads.index) == ["H2.1", "H2.2"] and list(grads.columns) == ["output"]
    trainer = at.session_state["bp_live_trainer"]
    expected = trainer.inspect(0).grad_W[2]
    np.testing.assert_allclose(grads.to_numpy(), expected)
    at = open_page(layer="7")  # the default network has 3 weight layers
    assert at.segmented_control(key=key("layer")).value == 3


def test_the_sample_number_follows_the_url_and_stays_in_range():
    at = open_page(sample="7", ratio="10")
    assert at.number_input(key=key("sample")).value == 7
    at = open_page(sample="999", ratio="10")  # 50 training points
    assert at.number_input(key=key("sample")).value == 50


# ---------------------------------------------------------------------------------------------
# The live charts' wire format
# ---------------------------------------------------------------------------------------------


BANDS = [[0.0, "white"], [0.499, "red"], [0.5, "white"], [1.0, "blue"]]
"""A colour scale with a sharp step, like the class bands of a several-class map."""


def sample_figure(z: np.ndarray, y: np.ndarray, bands: np.ndarray | None = None) -> dict:
    data = [
        {"type": "heatmap", "z": z, "x": np.arange(z.shape[1]), "colorscale": "Viridis"},
        {"type": "scatter", "x": np.arange(y.size), "y": y, "name": "curve"},
    ]
    if bands is not None:
        data.append({"type": "heatmap", "z": bands, "colorscale": BANDS})
    return {
        "data": data,
        "layout": {"height": 300, "annotations": [{"text": "a"}, {"text": "b"}]},
    }


def test_payloads_round_trip_and_heatmaps_travel_as_one_byte_per_cell():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(40, 50))
    z[3, 4] = np.nan
    y = rng.normal(size=30)
    payload = live_payload.Encoder(live_payload.SentState()).encode({"c": sample_figure(z, y)})
    figure = live_payload.figures(payload)["c"]
    got = np.asarray(figure["data"][0]["z"], dtype=float)
    assert np.isnan(got[3, 4]) and np.isnan(got).sum() == 1
    step = (np.nanmax(z) - np.nanmin(z)) / 254
    np.testing.assert_allclose(got[~np.isnan(z)], z[~np.isnan(z)], atol=step / 2 + 1e-6)
    np.testing.assert_allclose(figure["data"][1]["y"], y, rtol=1e-6)  # float32
    assert figure["layout"] == sample_figure(z, y)["layout"]
    assert len(payload) < z.size + 40 * 4 + 1024  # far below the 8 bytes a float JSON needs


def test_a_browser_gets_only_what_changed():
    rng = np.random.default_rng(1)
    z, y = rng.normal(size=(20, 20)), rng.normal(size=10)
    encoder = live_payload.Encoder(live_payload.SentState())
    first, _ = live_payload.decode(encoder.encode({"c": sample_figure(z, y)}))
    assert set(first["charts"]) == {"c"} and len(first["arrays"]) == 4
    same, _ = live_payload.decode(encoder.encode({"c": sample_figure(z, y)}))
    assert same["charts"] == {} and same["arrays"] == {}
    header, arrays = live_payload.decode(encoder.encode({"c": sample_figure(z + 1, y)}))
    assert header["charts"] == {} and list(arrays) == ["c.data.0.z"]


def test_heatmaps_with_sharp_colour_steps_travel_at_16_bits():
    rng = np.random.default_rng(3)
    bands = rng.uniform(0, 4, size=(30, 30))
    payload = live_payload.Encoder(live_payload.SentState()).encode(
        {"c": sample_figure(rng.normal(size=(30, 30)), rng.normal(size=5), bands)}
    )
    header, arrays = live_payload.decode(payload)
    assert header["arrays"]["c.data.0.z"]["t"] == "q8"
    assert header["arrays"]["c.data.2.z"]["t"] == "q16"
    np.testing.assert_allclose(arrays["c.data.2.z"], bands, atol=4 / 65534)


def test_quantize_spans_the_finite_range():
    codes, lo, hi = live_payload.quantize(np.array([[-2.0, 0.0, np.nan, 2.0]]))
    assert (lo, hi) == (-2.0, 2.0) and codes.tolist() == [[0, 127, 255, 254]]
    flat, lo, hi = live_payload.quantize(np.full((2, 2), 0.5))
    assert flat.tolist() == [[0, 0], [0, 0]] and lo == hi == 0.5


NODE_DECODE = """
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
const library = new Function(source + "; return nnLiveChartsLibrary;")();
const payload = new Uint8Array(fs.readFileSync(process.argv[3]));
const plain = value => {
  if (ArrayBuffer.isView(value)) return Array.from(value, v => (Number.isNaN(v) ? null : v));
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
};
library.decode(payload).then(({ header, arrays }) => {
  process.stdout.write(JSON.stringify(plain(library.fill(header.charts.c, arrays))));
});
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run live_chart.js")
def test_the_browser_code_reads_payloads_as_python_does(tmp_path):
    rng = np.random.default_rng(2)
    z = rng.normal(size=(30, 40))
    z[0, 0] = np.nan
    bands = rng.uniform(0, 4, size=(20, 30))
    bands[5, 5] = np.nan
    payload = live_payload.Encoder(live_payload.SentState()).encode(
        {"c": sample_figure(z, rng.normal(size=700), bands)}  # big enough to be compressed
    )
    assert live_payload.decode(payload)[0].get("zlib")
    (tmp_path / "payload.bin").write_bytes(payload)
    (tmp_path / "decode.js").write_text(NODE_DECODE)
    result = subprocess.run(
        ["node", str(tmp_path / "decode.js"), str(LIVE_CHART_JS), str(tmp_path / "payload.bin")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    from_js = json.loads(result.stdout)
    from_python = live_payload.figures(payload)["c"]
    js_z = np.array(from_js["data"][0]["z"], dtype=float)
    np.testing.assert_array_equal(np.isnan(js_z), np.isnan(from_python["data"][0]["z"]))
    np.testing.assert_allclose(js_z, from_python["data"][0]["z"], rtol=1e-6, equal_nan=True)
    np.testing.assert_allclose(from_js["data"][1]["y"], from_python["data"][1]["y"], rtol=1e-6)
    js_bands = np.array(from_js["data"][2]["z"], dtype=float)  # 16 bits a cell
    np.testing.assert_allclose(js_bands, from_python["data"][2]["z"], rtol=1e-6, equal_nan=True)
    assert from_js["layout"] == from_python["layout"]
