"""The backprop trainer page under streamlit.testing, and its session model (lessons.live.session).

Charts on this page are Plotly figures sent to a small live-chart component; the tests read
the figure JSON the page sends (``chart(at, key)``) and the numbers it shows.
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import serialization
from core.mlp import MLP
from lessons.live import session as ts
from tests.app import pages
from tests.app.pages import assert_ok

PAGE = "pages/3_backprop.py"


def open_page(**query) -> AppTest:
    return pages.open_page(PAGE, query)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure (as a dict) that the page sent to the live chart ``key``."""
    for element in at.get("bidi_component"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(json.loads(element.proto.json)["figure"])
    raise AssertionError(f"no chart with key {key!r}")


def array(value) -> np.ndarray:
    """A figure array from Plotly JSON: a plain list or a typed array ``{dtype, bdata}``."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value, dtype=float)


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert_ok(at)
    return at


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def test_defaults_load_with_a_teaching_setup_in_the_url():
    at = open_page()
    assert metric(at, "Epoch") == "0"
    assert metric(at, "Test loss") == "—"
    query = dict(at.query_params)
    expected = {"data": "circle", "feat": "x1,x2", "layers": "4,2", "act": "tanh"}
    assert {key: query[key] for key in expected} == expected
    assert (query["opt"], query["lr"], query["batch"], query["ratio"]) == (
        "sgd",
        "0.03",
        "10",
        "50",
    )
    network = chart(at, "bp_network_chart")
    titles = [a["text"] for a in network["layout"]["annotations"]]
    assert titles[:4] == [
        "Input<br>2 features",
        "Hidden 1<br>4 · tanh",
        "Hidden 2<br>2 · tanh",
        "Output<br>sigmoid",
    ]
    assert network["data"][0]["type"] == "heatmap"
    decision = chart(at, "bp_decision_chart")
    assert decision["data"][0]["type"] == "heatmap"
    assert len(decision["data"]) == 2  # test points hidden by default
    assert "Network 2 → 4 → 2 → 1" in captions(at)


def test_step_advances_the_epoch_and_changes_the_loss():
    at = open_page()
    click(at, "bp_step")
    assert metric(at, "Epoch") == "1"
    first = float(metric(at, "Training loss"))
    click(at, "bp_step")
    assert metric(at, "Epoch") == "2"
    second = float(metric(at, "Training loss"))
    assert np.isfinite(first) and second != first
    loss = chart(at, "bp_loss_chart")
    assert len(loss["data"]) == 2  # training and test loss


def test_changing_dataset_and_features_rebuilds_the_network():
    at = open_page()
    circle_points = array(chart(at, "bp_decision_chart")["data"][1]["x"])
    at.selectbox(key="bp_dataset").set_value("xor").run()
    assert_ok(at)
    xor_points = array(chart(at, "bp_decision_chart")["data"][1]["x"])
    assert xor_points.shape == circle_points.shape
    assert not np.array_equal(xor_points, circle_points)
    assert np.abs(xor_points).min() >= 0.3  # XOR points keep 0.3 off the axes
    at.checkbox(key="bp_feature_x1*x2").check().run()
    assert_ok(at)
    assert "Network 3 → 4 → 2 → 1" in captions(at)
    assert at.query_params["feat"] == "x1,x2,x1*x2"
    click(at, "bp_step")
    assert metric(at, "Epoch") == "1"


def test_changing_layers_and_activation_reshapes_the_drawing():
    at = open_page()
    at.slider(key="bp_n_layers").set_value(3).run()
    at.selectbox(key="bp_activation").set_value("relu").run()
    assert_ok(at)
    assert "Network 2 → 4 → 2 → 4 → 1" in captions(at)
    titles = [a["text"] for a in chart(at, "bp_network_chart")["layout"]["annotations"]]
    assert "Hidden 3<br>4 · relu" in titles


def test_changing_the_optimizer_changes_the_first_step():
    sgd = open_page()
    click(sgd, "bp_step")
    adam = open_page()
    adam.selectbox(key="bp_opt_name").set_value("adam").run()
    assert_ok(adam)
    assert "Adam" in captions(adam)
    click(adam, "bp_step")
    assert metric(adam, "Epoch") == "1"
    assert metric(adam, "Training loss") != metric(sgd, "Training loss")


def test_learning_rate_10_shows_the_divergence_message_and_reset_recovers():
    at = open_page()
    at.select_slider(key="bp_opt_lr").set_value(10.0).run()
    assert_ok(at)
    click(at, "bp_step")
    message = errors(at)
    assert "Training diverged at epoch 1, step" in message
    assert "Reset" in message
    assert at.button(key="bp_play").disabled
    # the plots stay readable: the loss chart holds no NaN
    loss = chart(at, "bp_loss_chart")
    assert all(np.isfinite(array(trace["y"])).all() for trace in loss["data"])
    click(at, "bp_reset")
    assert metric(at, "Epoch") == "0"
    assert "diverged" not in errors(at)


def test_play_trains_until_the_stop_rule_holds():
    at = open_page(maxep="2")
    assert at.number_input(key="bp_max_epochs").value == 2
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
    at = open_page(data="blobs3", classes="4")
    click(at, "bp_step")
    confusion = chart(at, "bp_confusion_chart")
    counts = array(confusion["data"][0]["z"])
    n_test = int(re.search(r"(\d+) test points", captions(at)).group(1))
    assert counts.shape == (4, 4) and counts.sum() == n_test  # every test point counted once
    assert "Output<br>softmax" in [
        a["text"] for a in chart(at, "bp_network_chart")["layout"]["annotations"]
    ]


def test_no_feature_gives_a_clear_error_not_a_traceback():
    at = open_page(feat="x1")
    at.checkbox(key="bp_feature_x1").uncheck().run()
    assert_ok(at)
    assert "choose at least one input feature" in errors(at)


def test_url_settings_restore_the_setup():
    at = open_page(data="spiral", layers="6,6,3", act="relu", opt="adam", lr="0.01", noise="20")
    assert at.selectbox(key="bp_dataset").value == "spiral"
    assert at.slider(key="bp_n_layers").value == 3
    assert [at.number_input(key=f"bp_neurons_{i}").value for i in range(3)] == [6, 6, 3]
    assert at.selectbox(key="bp_activation").value == "relu"
    assert at.selectbox(key="bp_opt_name").value == "adam"
    assert at.select_slider(key="bp_opt_lr").value == 0.01
    assert at.slider(key="bp_noise").value == 20
    assert "Network 2 → 6 → 6 → 3 → 1" in captions(at)


# ---------------------------------------------------------------------------------------------
# The session model
# ---------------------------------------------------------------------------------------------


def default_trainer(**knobs) -> ts.LiveTrainer:
    return ts.LiveTrainer(ts.DataSpec(), ts.NetSpec(), ts.OptimizerSpec(), ts.Knobs(**knobs))


def test_live_knobs_apply_without_losing_progress():
    live = default_trainer()
    live.train(2)
    weights = live.model.flat.copy()
    rebuilt = live.configure(
        live.data_spec, live.net_spec, live.optimizer_spec, ts.Knobs(lr=0.3, batch_size=25, l2=0.01)
    )
    assert rebuilt is None and live.epoch == 2
    np.testing.assert_array_equal(live.model.flat, weights)
    assert live.optimizer.lr == 0.3 and live.trainer.batch_size == 25 and live.model.l2 == 0.01


def test_new_optimizer_keeps_the_weights_new_network_starts_over():
    live = default_trainer()
    live.train(2)
    weights = live.model.flat.copy()
    assert (
        live.configure(live.data_spec, live.net_spec, ts.OptimizerSpec("adam"), live.knobs)
        == "optimizer"
    )
    assert live.epoch == 2 and type(live.trainer.optimizer).__name__ == "Adam"
    np.testing.assert_array_equal(live.model.flat, weights)
    bigger = ts.NetSpec(hidden=(4, 4), activations=("tanh", "tanh"))
    assert live.configure(live.data_spec, bigger, live.optimizer_spec, live.knobs) == "network"
    assert live.epoch == 0 and live.model.sizes == [2, 4, 4, 1]
    noisy = ts.DataSpec(noise=0.2)
    assert live.configure(noisy, bigger, live.optimizer_spec, live.knobs) == "data"


def test_bad_settings_leave_the_running_model_alone():
    live = default_trainer()
    live.train(1)
    with pytest.raises(ValueError):
        live.configure(live.data_spec, ts.NetSpec(init="nonsense"), live.optimizer_spec, live.knobs)
    assert live.epoch == 1 and live.net_spec == ts.NetSpec()


def test_learning_rate_10_diverges_at_a_named_step_and_reset_recovers():
    live = default_trainer(lr=10.0)
    live.train(5)
    assert live.diverged
    where = live.trainer.diverged_at
    assert where["step"] >= 1 and str(where["step"]) in where["reason"]
    assert np.isfinite(live.model.flat).all()
    assert all(np.isfinite(live.history[key]).all() for key in ("loss", "val_loss"))
    live.reset()
    assert not live.diverged and live.epoch == 0


def test_frame_has_a_100_by_100_output_and_one_packed_thumbnail_array():
    live = default_trainer()
    frame = live.frame()
    assert frame.decision.shape == (100, 100)
    assert frame.packed.shape == frame.layout.packed_shape
    assert np.all((frame.decision >= 0) & (frame.decision <= 1))


def test_weights_reload_from_json_and_mismatches_are_explained():
    live = default_trainer()
    live.train(3)
    text = serialization.model_to_json(live.model)
    fresh = default_trainer()
    fresh.load_weights(serialization.model_from_json(text))
    np.testing.assert_array_equal(fresh.model.flat, live.model.flat)
    assert fresh.epoch == 0
    with pytest.raises(ValueError, match="2 → 3 → 1"):
        fresh.load_weights(MLP([2, 3, 1], hidden="tanh"))


def test_custom_points_become_a_dataset():
    rows = tuple((float(x), float(x % 3), "red" if x % 2 else "blue") for x in range(12))
    data = ts.load_data(ts.DataSpec(dataset=ts.CUSTOM, custom=rows))
    assert data.kind == "binary" and data.classes == ["blue", "red"]
    assert data.y_train.size + data.y_test.size == 12
    with pytest.raises(ValueError, match="points of your own"):
        ts.DataSpec(dataset=ts.CUSTOM)


def test_own_points_from_the_table_train():
    at = open_page()
    at.selectbox(key="bp_dataset").set_value(ts.CUSTOM).run()
    assert_ok(at)
    # the example table has 12 points; the split keeps at least one per part
    assert re.search(r"(\d+) training and (\d+) test points", captions(at))
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


def test_hand_edited_url_values_are_kept_in_range():
    at = open_page(noise="90", ratio="5", batch="500", seed="-3", dropout="2", maxep="-1")
    assert at.slider(key="bp_noise").value == 50
    assert at.slider(key="bp_ratio").value == 10
    assert at.slider(key="bp_batch").value == 30
    assert at.number_input(key="bp_seed").value == 0
    assert at.slider(key="bp_dropout").value == 0.5
    assert at.number_input(key="bp_max_epochs").value == 0
