"""The Perceptron page under streamlit.testing: stepping, gates, XOR fixes, custom points, URL."""

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lessons.perceptron import Perceptron
from ui.home import APP_ROOT

APP_PATH = str(APP_ROOT / "app.py")
PAGE = "pages/1_perceptron.py"
RUN_TIMEOUT = 60
EDITOR = "pc_points_0"  # the custom-points editor of the first preset


def open_page(query=None, session=None) -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=RUN_TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, [exception.value for exception in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [exception.value for exception in at.exception]
    return at


def shown_weights(at: AppTest) -> tuple[str, ...]:
    return tuple(metric.value for metric in at.metric if metric.label in ("w1", "w2", "b"))


def all_markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def chart_keys(at: AppTest) -> list[str]:
    return [chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")]


def test_page_opens_on_the_and_gate_at_the_start():
    at = open_page()
    assert at.title[0].value == "Perceptron"
    assert at.selectbox(key="pc_gate").value == "and"
    assert shown_weights(at) == ("0", "0", "0")
    assert any("Update 0 of 24" in caption.value for caption in at.caption)
    assert chart_keys(at) == ["pc_animation", "pc_errors", "pc_trajectories"]
    # Truth table: zero weights give z = 0 and step(0) = 1 for every row.
    table = at.dataframe[0].value
    assert table["ŷ"].tolist() == [1, 1, 1, 1]
    assert table["right?"].tolist() == ["✗", "✗", "✗", "✓"]


def test_stepping_changes_the_shown_weights_as_worked_by_hand():
    at = open_page()
    # Sample 00 with target 0 is predicted 1: Δw = 1·(0 − 1)·(0, 0) = (0, 0), Δb = −1.
    click(at, "pc_step_sample")
    assert shown_weights(at) == ("0", "0", "-1")
    assert "**Update 1** (epoch 1, sample #0)" in all_markdown(at)
    assert r"\Delta b = \eta\,(y - \hat y) = -1" in at.latex[0].value
    # The rest of epoch 1: 01 and 10 are right, 11 is wrong -> w = (1, 1), b = 0.
    click(at, "pc_step_epoch")
    assert shown_weights(at) == ("1", "1", "0")
    assert any("Update 4 of 24" in caption.value for caption in at.caption)
    click(at, "pc_run")
    assert shown_weights(at) == ("2", "1", "-3")
    assert "Converged at epoch 6" in at.success[0].value
    assert at.dataframe[0].value["ŷ"].tolist() == [0, 0, 0, 1]
    click(at, "pc_reset")
    assert shown_weights(at) == ("0", "0", "0")


def test_stepping_stops_at_convergence():
    at = open_page()
    click(at, "pc_run")
    click(at, "pc_step_sample")
    assert shown_weights(at) == ("2", "1", "-3")
    assert any("Update 24 of 24" in caption.value for caption in at.caption)


def test_learning_rate_scales_the_update():
    at = open_page()
    at.select_slider(key="pc_lr").set_value(0.25).run()
    click(at, "pc_step_sample")
    assert shown_weights(at) == ("0", "0", "-0.25")


def test_random_initial_weights_come_from_the_seed():
    at = open_page()
    at.radio(key="pc_init").set_value("random").run()
    at.number_input(key="pc_seed").set_value(3).run()
    model = Perceptron(2, rng=3, init="random")
    expected = tuple(f"{value:.4g}" for value in [*model.initial_weights, model.initial_bias])
    assert shown_weights(at) == expected
    assert expected != ("0", "0", "0")


def test_each_gate_runs_to_its_verdict():
    at = open_page()
    for gate in ["and", "or", "nand", "nor", "xor", "xnor"]:
        at.selectbox(key="pc_gate").set_value(gate).run()
        click(at, "pc_run")
        if gate in ("xor", "xnor"):
            assert not at.success, gate
            assert "No straight line separates these points" in at.warning[0].value
            assert "defeats a single perceptron" in at.subheader[0].value
        else:
            assert "Converged at epoch" in at.success[0].value, gate
            predictions = at.dataframe[0].value
            assert (predictions["ŷ"] == predictions["y"]).all(), gate


def test_xor_shows_why_and_both_fixes():
    at = open_page({"gate": "xor"})
    assert {"pc_fix_features", "pc_fix_errors", "pc_fix_mlp"} <= set(chart_keys(at))
    text = all_markdown(at)
    assert "not linearly separable" in text
    match = re.search(r"rule converges at epoch \*\*(\d+)\*\*", text)
    assert match and int(match.group(1)) >= 1
    outputs = re.search(r"Outputs for 00, 01, 10, 11: ([\d., ]+);", text).group(1)
    assert np.round([float(value) for value in outputs.split(", ")]).tolist() == [0, 1, 1, 0]
    assert not at.warning[1:]  # the network seed 0 solves XOR: no "stuck" warning


def test_a_stuck_network_seed_is_explained():
    at = open_page({"gate": "xor", "mlp_seed": "1"})
    assert at.number_input(key="pc_mlp_seed").value == 1
    assert any("local minimum" in warning.value for warning in at.warning)


def test_custom_points_default_preset_is_separable_and_converges():
    at = open_page({"gate": "custom"})
    assert len(at.data_editor(key=EDITOR).value) == 8
    click(at, "pc_run")
    assert "Converged at epoch" in at.success[0].value


def test_custom_points_that_are_not_separable_are_explained():
    at = open_page({"gate": "custom"})
    at.selectbox(key="pc_preset").set_value("crossed pairs (not separable)").run()
    assert any("not linearly separable" in info.value for info in at.info)


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({4: {"label": 0}, 5: {"label": 0}, 6: {"label": 0}, 7: {"label": 0}}, "Every point has"),
        ({2: {"x1": None}}, "Row 2 has an empty or non-numeric cell"),
        ({1: {"label": 2}}, "Labels must be 0 or 1"),
        ({1: {"x2": "abc"}}, "Row 1 has an empty or non-numeric cell"),
    ],
)
def test_bad_custom_points_give_a_clear_message(edits, message):
    at = open_page(
        {"gate": "custom"},
        session={EDITOR: {"edited_rows": edits, "added_rows": [], "deleted_rows": []}},
    )
    assert message in at.error[0].value
    assert "pc_animation" not in chart_keys(at)


def test_added_custom_points_reach_the_truth_table():
    added = [{"x1": 5.0, "x2": 5.0, "label": 1}]
    at = open_page(
        {"gate": "custom"},
        session={EDITOR: {"edited_rows": {}, "added_rows": added, "deleted_rows": []}},
    )
    table = at.dataframe[-1].value
    assert len(table) == 9 and table.iloc[-1][["x1", "x2", "y"]].tolist() == [5.0, 5.0, 1]


def test_url_settings_are_read_and_written_back():
    query = {"gate": "or", "lr": "0.5", "epochs": "7", "init": "random", "seed": "42"}
    at = open_page(query)
    assert at.selectbox(key="pc_gate").value == "or"
    assert at.select_slider(key="pc_lr").value == 0.5
    assert at.slider(key="pc_epochs").value == 7
    assert at.radio(key="pc_init").value == "random"
    assert at.number_input(key="pc_seed").value == 42
    at.selectbox(key="pc_gate").set_value("nand").run()
    assert at.query_params["gate"] == ["nand"] or at.query_params["gate"] == "nand"


def test_bad_url_values_fall_back_to_defaults():
    at = open_page({"gate": "maybe", "lr": "-3", "epochs": "100000", "init": "ones"})
    assert at.selectbox(key="pc_gate").value == "and"
    assert at.select_slider(key="pc_lr").value == 1.0
    assert at.slider(key="pc_epochs").value == 20
    assert at.radio(key="pc_init").value == "zeros"


def test_emptied_or_oversized_custom_tables_give_a_clear_message():
    empty = {"edited_rows": {}, "added_rows": [], "deleted_rows": list(range(8))}
    at = open_page({"gate": "custom"}, session={EDITOR: empty})
    assert "The table is empty" in at.error[0].value
    many = [{"x1": float(i), "x2": 0.0, "label": i % 2} for i in range(200)]
    at = open_page(
        {"gate": "custom"},
        session={EDITOR: {"edited_rows": {}, "added_rows": many, "deleted_rows": []}},
    )
    assert "use at most 200 points" in at.error[0].value
