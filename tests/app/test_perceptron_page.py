"""The Perceptron page under streamlit.testing: stepping, gates, XOR fixes, custom points, URL."""

import re
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lessons.perceptron import Perceptron, lab, points
from tests.app import pages
from ui.home import APP_ROOT

APP_PATH = str(APP_ROOT / "app.py")
PAGE = "pages/1_perceptron.py"
RUN_TIMEOUT = 60
EDITOR = "pc.editor.clusters.0"  # the custom-points editor of the first preset


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
    assert at.selectbox(key="pc.gate").value == "and"
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
    click(at, "pc.button_sample")
    assert shown_weights(at) == ("0", "0", "-1")
    assert "**Update 1** (epoch 1, sample #0)" in all_markdown(at)
    assert r"\Delta b = \eta\,(y - \hat y) = -1" in at.latex[0].value
    # The rest of epoch 1: 01 and 10 are right, 11 is wrong -> w = (1, 1), b = 0.
    click(at, "pc.button_epoch")
    assert shown_weights(at) == ("1", "1", "0")
    assert any("Update 4 of 24" in caption.value for caption in at.caption)
    click(at, "pc.button_run")
    assert shown_weights(at) == ("2", "1", "-3")
    assert "Converged at epoch 6" in at.success[0].value
    assert at.dataframe[0].value["ŷ"].tolist() == [0, 0, 0, 1]
    click(at, "pc.button_reset")
    assert shown_weights(at) == ("0", "0", "0")


def test_stepping_stops_at_convergence():
    at = open_page()
    click(at, "pc.button_run")
    click(at, "pc.button_sample")
    assert shown_weights(at) == ("2", "1", "-3")
    assert any("Update 24 of 24" in caption.value for caption in at.caption)


def test_learning_rate_scales_the_update():
    at = open_page()
    at.select_slider(key="pc.lr").set_value(0.25).run()
    click(at, "pc.button_sample")
    assert shown_weights(at) == ("0", "0", "-0.25")


def test_random_initial_weights_come_from_the_seed():
    at = open_page()
    at.radio(key="pc.init").set_value("random").run()
    at.number_input(key="pc.seed").set_value(3).run()
    model = Perceptron(2, rng=3, init="random")
    expected = tuple(f"{value:.4g}" for value in [*model.initial_weights, model.initial_bias])
    assert shown_weights(at) == expected
    assert expected != ("0", "0", "0")


def test_each_gate_runs_to_its_verdict():
    at = open_page()
    for gate in ["and", "or", "nand", "nor", "xor", "xnor"]:
        at.selectbox(key="pc.gate").set_value(gate).run()
        click(at, "pc.button_run")
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
    assert at.number_input(key="pc.mlp_seed").value == 1
    assert any("local minimum" in warning.value for warning in at.warning)


def test_custom_points_default_preset_is_separable_and_converges():
    at = open_page({"gate": "custom"})
    assert len(at.data_editor(key=EDITOR).value) == 8
    click(at, "pc.button_run")
    assert "Converged at epoch" in at.success[0].value


def test_custom_points_that_are_not_separable_are_explained():
    at = open_page({"gate": "custom"})
    at.selectbox(key="pc.preset").set_value("crossed").run()
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
    assert at.selectbox(key="pc.gate").value == "or"
    assert at.select_slider(key="pc.lr").value == 0.5
    assert at.slider(key="pc.epochs").value == 7
    assert at.radio(key="pc.init").value == "random"
    assert at.number_input(key="pc.seed").value == 42
    at.selectbox(key="pc.gate").set_value("nand").run()
    assert at.query_params["gate"] == ["nand"] or at.query_params["gate"] == "nand"


def test_bad_url_values_fall_back_to_defaults_with_a_note():
    query = {"gate": "maybe", "lr": "-3", "epochs": "100000", "init": "ones", "step": "x"}
    at = open_page({**query, "points": "1:2", "colour": "red"})
    assert at.selectbox(key="pc.gate").value == "and"
    assert at.select_slider(key="pc.lr").value == 1.0
    assert at.slider(key="pc.epochs").value == 100  # clamped to the slider's end
    assert at.radio(key="pc.init").value == "zeros"
    assert shown_weights(at) == ("0", "0", "0")
    note = at.warning[0].value
    for fragment in ("`gate=maybe` ignored", "`lr=-3` ignored", "`epochs=100000`", "`step=x`"):
        assert fragment in note
    assert "`points=1:2` ignored (point 1 ('1:2') is not x1:x2:label)" in note
    assert "unknown settings ignored: `colour`" in note
    assert at.query_params["gate"] in ("and", ["and"])  # the URL is repaired


def test_gate_in_the_url_ignores_case():
    at = open_page({"gate": "XOR"})
    assert at.selectbox(key="pc.gate").value == "xor"
    assert not any("could not be used" in warning.value for warning in at.warning)
    assert "Why XOR defeats a single perceptron" in at.subheader[0].value


def query_value(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def test_the_step_reached_is_in_the_url():
    at = open_page()
    click(at, "pc.button_epoch")
    assert query_value(at, "step") == "4"
    at = open_page({"step": "4"})
    assert shown_weights(at) == ("1", "1", "0")  # as after the first epoch, worked by hand
    assert any("Update 4 of 24" in caption.value for caption in at.caption)
    at = open_page({"step": "999"})  # beyond this run's 24 updates: its end
    assert shown_weights(at) == ("2", "1", "-3")
    assert "Converged at epoch 6" in at.success[0].value


def test_a_new_run_starts_at_its_first_update():
    at = open_page({"step": "4"})
    at.selectbox(key="pc.gate").set_value("or").run()
    assert shown_weights(at) == ("0", "0", "0")
    assert query_value(at, "step") == "0"
    at.slider(key="pc.epochs").set_value(2).run()  # a shorter limit keeps the run
    click(at, "pc.button_run")
    assert any("Update 8 of 8" in caption.value for caption in at.caption)


CORNERS = "0:0:0;1:0:0;0:1:0;3:3:1"


def test_custom_points_come_from_the_url():
    at = open_page({"gate": "custom", "points": CORNERS})
    editor = f"pc.editor.clusters.{zlib.crc32(CORNERS.encode())}"
    assert at.data_editor(key=editor).value["x1"].tolist() == [0, 1, 0, 3]
    click(at, "pc.button_run")
    assert "Converged at epoch" in at.success[0].value
    assert query_value(at, "points") == CORNERS


def test_edited_points_are_written_to_the_url_and_read_back():
    added = [{"x1": 5.0, "x2": 5.5, "label": 1}]
    at = open_page(
        {"gate": "custom"},
        session={EDITOR: {"edited_rows": {}, "added_rows": added, "deleted_rows": []}},
    )
    X, y = points.PRESETS["clusters"].arrays()
    expected = points.format_points(np.vstack([X, [[5.0, 5.5]]]), np.append(y, 1))
    assert query_value(at, "points") == expected
    again = open_page({"gate": "custom", "points": expected})
    table = again.dataframe[-1].value
    assert len(table) == 9 and table.iloc[-1][["x1", "x2", "y"]].tolist() == [5.0, 5.5, 1]


def test_a_preset_from_the_url_and_a_new_preset_clears_the_edits():
    at = open_page({"gate": "custom", "preset": "crossed"})
    assert any("not linearly separable" in info.value for info in at.info)
    at = open_page({"gate": "custom", "points": CORNERS})
    at.selectbox(key="pc.preset").set_value("crossed").run()
    assert query_value(at, "points") == ""
    assert len(at.data_editor(key="pc.editor.crossed.0").value) == 8


SCHEMA = pages.page_schema(PAGE)
point_sets = st.lists(
    st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)), min_size=2, max_size=12
).map(lambda xy: points.format_points(np.array(xy), np.arange(len(xy)) % 2))
valid_states = st.fixed_dictionaries(
    {
        "gate": st.sampled_from(list(lab.GATE_LABELS)),
        "lr": st.sampled_from(lab.LEARNING_RATES),
        "epochs": st.integers(1, lab.MAX_EPOCHS),
        "init": st.sampled_from(list(lab.INIT_LABELS)),
        "seed": st.integers(0, lab.MAX_SEED),
        "preset": st.sampled_from(list(points.PRESETS)),
        "points": st.just("") | point_sets,
        "step": st.integers(0, lab.MAX_STEPS),
        "mlp_seed": st.integers(0, lab.MAX_NETWORK_SEED),
    }
)


def test_the_schema_covers_every_control():
    assert list(SCHEMA.defaults) == [
        *("gate", "lr", "epochs", "init", "seed", "preset", "points", "step", "mlp_seed")
    ]


@given(valid_states)
def test_any_valid_state_round_trips_through_the_url(state):
    assert SCHEMA.parse(SCHEMA.encode(state)) == (state, [])


@given(pages.garbage_queries(SCHEMA, ["XOR", "0.5", "1e9", "-1", "1:2:1;3:4:0"]))
def test_any_garbage_query_gives_a_valid_state(query):
    state = pages.repaired_state(SCHEMA, query)
    if state["points"]:
        points.parse_points(state["points"])  # the points of a repaired link always parse


def test_a_new_visit_takes_every_setting_from_the_link():
    at = open_page({"gate": "custom", "points": CORNERS, "step": "3"})
    at.switch_page("pages/2_activations.py").run()
    at.query_params.clear()
    at.switch_page(PAGE).run()
    assert at.selectbox(key="pc.gate").value == "and"
    assert shown_weights(at) == ("0", "0", "0")
    assert query_value(at, "points") == "" and query_value(at, "step") == "0"
