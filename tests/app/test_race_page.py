"""The optimizer race page: its URL schema (round trip, garbage), every surface and optimizer,
hyper-parameters, divergence, the empty selection and the network race, under AppTest."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core import optimizers
from lessons.race import network_tasks, presets, surfaces
from tests.app import pages
from ui import pickers
from ui import race_controls as controls
from ui.home import APP_ROOT

PAGE = "pages/4_optimizers.py"
RUN_TIMEOUT = 60
ALL_OPTIMIZERS = list(optimizers.OPTIMIZERS)


def key(field: str) -> str:
    """Widget key of a URL field of the page."""
    return controls.race_schema("quadratic").widget_key(field)


def open_page(**query) -> AppTest:
    return pages.open_page(PAGE, query)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [exception.value for exception in at.exception]


def results(at: AppTest):
    """The results table of the surface race as a DataFrame."""
    assert len(at.dataframe) == 1, "expected exactly one results table"
    return at.dataframe[0].value


# ---------------------------------------------------------------------------------------------
# The URL schema, without Streamlit
# ---------------------------------------------------------------------------------------------


def number_bounds(field) -> tuple:
    """A number field's range, read by parsing values far outside it (they are clamped)."""
    return field.parse("-1e300")[0], field.parse("1e300")[0]


def valid_states(surface_name: str):
    """Every field of the page's schema for ``surface_name`` with a strategy of valid values."""
    schema = controls.race_schema(surface_name)
    names = st.lists(st.sampled_from(ALL_OPTIMIZERS), unique=True)
    choices = {
        "surface": st.just(surface_name),
        "opt": names,
        "net_opt": names,
        "tol": st.sampled_from(presets.TOLERANCES),
        "sched": st.sampled_from(list(pickers.SCHEDULE_LABELS)),
        "net_data": st.sampled_from(list(network_tasks.DATASET_TITLES)),
        "net_batch": st.sampled_from(controls.BATCHES),
    }
    switches = {f"{name}_{switch}" for name in ALL_OPTIMIZERS for switch in pickers.SWITCHES}
    strategies = {}
    for field in schema.fields:
        if field.key in choices:
            strategies[field.key] = choices[field.key]
        elif field.key in switches:
            strategies[field.key] = st.booleans()
        elif isinstance(field.default, int):
            strategies[field.key] = st.integers(*number_bounds(field))
        else:
            strategies[field.key] = st.floats(*number_bounds(field))
    return st.fixed_dictionaries(strategies)


def test_the_schema_covers_every_control_of_both_races():
    schema = controls.race_schema("booth")
    keys = {field.key for field in schema.fields}
    for name in ALL_OPTIMIZERS:
        assert {f"{name}_lr", f"net_{name}_lr"} <= keys
        assert {field.key for field in pickers.hyper_fields(f"{name}_", name)} <= keys
    assert {field.key for field in pickers.schedule_fields("")} <= keys
    assert {"surface", "x0", "y0", "steps", "opt", "tol"} <= keys
    assert {"net_data", "net_noise", "net_epochs", "net_batch", "net_opt"} <= keys
    # Start, steps and rates default to the surface's preset and stay inside its map.
    assert (schema["x0"].default, schema["y0"].default) == (-8.0, 8.0)
    assert schema["steps"].default == presets.PRESETS["booth"].steps
    assert schema["adagrad_lr"].default == presets.PRESETS["booth"].learning_rates["adagrad"]
    assert number_bounds(schema["x0"]) == (-10.0, 10.0)
    assert number_bounds(controls.race_schema("rosenbrock")["y0"]) == (-1.0, 3.0)


@pytest.mark.parametrize("surface_name", sorted(surfaces.SURFACES))
def test_any_valid_state_round_trips_through_the_url(surface_name):
    schema = controls.race_schema(surface_name)

    @given(valid_states(surface_name))
    def round_trip(state):
        parsed, notes = schema.parse(schema.encode(state))
        assert notes == []
        assert parsed == state

    round_trip()


query_keys = st.sampled_from([field.key for field in controls.race_schema("quadratic").fields])


@given(st.dictionaries(query_keys | st.text(max_size=8), st.text(max_size=20), max_size=12))
def test_any_garbage_query_gives_a_valid_state(query):
    # As the page does it: the link's surface picks the schema.
    surface_name = controls.SURFACE_FIELD.parse(query.get("surface"))[0]
    schema = controls.race_schema(surface_name)
    state, notes = schema.parse(query)
    assert state["surface"] == surface_name
    again, second_notes = schema.parse(schema.encode(state))
    assert again == state and second_notes == []
    assert all(isinstance(note, str) and note for note in notes)


# ---------------------------------------------------------------------------------------------
# The surface race
# ---------------------------------------------------------------------------------------------


def test_default_race_fills_table_and_url():
    at = open_page()
    no_exception(at)
    assert not at.warning
    table = results(at)
    assert list(table["Optimizer"]) == ["SGD", "Momentum", "Adagrad", "RMSprop", "Adam"]
    assert list(table["η"]) == [0.09, 0.09, 0.5, 0.05, 0.1]
    assert (table["Diverged at step"] == "").all()
    # SGD on x² + 10y² from (1, 1): x_k = (1 - 2η)^k, y_k = (1 - 20η)^k with η = 0.09.
    k = np.arange(121)
    gap = (0.82**k) ** 2 + 10 * ((-0.8) ** k) ** 2
    assert table["Steps to arrive"].iloc[0] == str(np.flatnonzero(gap <= 1e-4)[0])
    assert at.query_params["surface"] == "quadratic"
    assert at.query_params["opt"] == "sgd,momentum,adagrad,rmsprop,adam"
    # Every control is in the link, the hidden network race's too.
    assert at.query_params["sgd_lr"] == "0.09" and at.query_params["net_sgd_lr"] == "0.1"
    assert at.query_params["adam_beta2"] == "0.999" and at.query_params["sched"] == "constant"


def test_every_surface_with_every_optimizer_loads_its_preset():
    at = open_page()
    at.multiselect(key=key("opt")).set_value(ALL_OPTIMIZERS).run()
    finals = set()
    for name in surfaces.SURFACES:
        at.selectbox(key=key("surface")).set_value(name).run()
        no_exception(at)
        table = results(at).set_index("Optimizer")
        preset = presets.PRESETS[name]
        assert len(table) == len(ALL_OPTIMIZERS), name
        assert table.loc["SGD", "η"] == preset.learning_rates["sgd"]
        assert at.slider(key=key("steps")).value == preset.steps
        start = next(iter(preset.starts.values()))
        assert (at.number_input(key=key("x0")).value, at.number_input(key=key("y0")).value) == start
        assert at.query_params["surface"] == name
        finals.add(table["Final (x, y)"].iloc[0])
    assert len(finals) == len(surfaces.SURFACES)  # every surface gives its own race


def test_sgd_with_lr_one_on_rosenbrock_is_reported_not_raised():
    at = open_page(surface="rosenbrock")
    at.number_input(key=key("sgd_lr")).set_value(1.0).run()
    no_exception(at)
    table = results(at).set_index("Optimizer")
    assert int(table.loc["SGD", "Diverged at step"]) >= 1
    assert (table.drop(index="SGD")["Diverged at step"] == "").all()
    assert any("SGD diverged at step" in warning.value for warning in at.warning)


def test_learning_rate_and_schedule_change_the_race():
    at = open_page()
    before = results(at).set_index("Optimizer").loc["SGD"]
    at.number_input(key=key("sgd_lr")).set_value(0.01).run()
    slower = results(at).set_index("Optimizer").loc["SGD"]
    # With a tenth of the rate SGD is far from the minimum after the same 120 steps.
    assert float(slower["Final f"]) > 1e6 * float(before["Final f"])
    assert at.query_params["sgd_lr"] == "0.01"
    at.selectbox(key=key("sched")).set_value("exponential").run()
    decayed = results(at).set_index("Optimizer").loc["SGD"]
    assert float(decayed["Final f"]) > float(slower["Final f"])
    assert at.query_params["sched"] == "exponential"


def test_hyper_parameters_change_the_race_and_reach_the_url():
    at = open_page(opt="momentum", steps="10")
    x_before = results(at)["Final (x, y)"].iloc[0]
    at.slider(key=key("momentum_momentum")).set_value(0.0).run()
    no_exception(at)
    # β = 0 is plain gradient descent: x_k = (1 - 2η)^k with η = 0.09.
    x_plain = float(results(at)["Final (x, y)"].iloc[0].strip("()").split(",")[0])
    assert x_plain == pytest.approx(0.82**10, rel=1e-3)
    assert results(at)["Final (x, y)"].iloc[0] != x_before
    assert at.query_params["momentum_momentum"] == "0.0"


def test_url_sets_up_the_race():
    at = open_page(
        surface="booth", opt="sgd,adam", sgd_lr="0.02", adam_lr="0.5", x0="5", y0="-8", steps="30"
    )
    no_exception(at)
    assert not at.warning
    table = results(at)
    assert list(table["Optimizer"]) == ["SGD", "Adam"]
    assert list(table["η"]) == [0.02, 0.5]
    assert at.number_input(key=key("x0")).value == 5.0
    assert at.number_input(key=key("y0")).value == -8.0
    assert at.slider(key=key("steps")).value == 30
    assert at.selectbox(key=controls.START_KEY).value == "Below (5, -8)"


def test_garbage_link_opens_with_defaults_and_a_note():
    at = open_page(
        surface="moon", x0="100", steps="abc", opt="sgd,lion", sgd_lr="-5", tol="7", nonsense="1"
    )
    no_exception(at)
    note = at.warning[0].value
    assert "`surface=moon` ignored" in note and "`steps=abc` ignored" in note
    assert "`opt=sgd,lion` ignored" in note and "`tol=7` ignored" in note
    assert "`x0=100`: above the largest allowed value, 1.5" in note
    assert "`sgd_lr=-5`: below the smallest allowed value" in note and "`nonsense`" in note
    assert at.number_input(key=key("x0")).value == 1.5  # clamped into the bowl's map
    assert at.slider(key=key("steps")).value == presets.PRESETS["quadratic"].steps
    assert len(results(at)) == len(presets.DEFAULT_OPTIMIZERS)
    assert at.query_params["surface"] == "quadratic"
    at.run()  # the note belongs to the link: it is shown once
    assert not at.warning


def test_start_preset_moves_the_start():
    at = open_page()
    at.selectbox(key=controls.START_KEY).set_value("Shallow side (-1.4, 0.1)").run()
    assert at.number_input(key=key("x0")).value == -1.4
    assert (at.query_params["x0"], at.query_params["y0"]) == ("-1.4", "0.1")
    at.number_input(key=key("y0")).set_value(0.5).run()
    assert at.selectbox(key=controls.START_KEY).value == presets.CUSTOM_START


def test_empty_selection_gives_a_clear_message():
    at = open_page()
    at.multiselect(key=key("opt")).set_value([]).run()
    no_exception(at)
    assert not at.dataframe
    assert any("Choose at least one optimizer" in warning.value for warning in at.warning)
    assert at.query_params["opt"] == ""


def test_update_rules_come_from_the_optimizers():
    at = open_page(opt="adam,nesterov")
    latex = [element.value.strip("$\n") for element in at.latex]
    assert latex == [optimizers.update_rule("adam"), optimizers.update_rule("nesterov")]


# ---------------------------------------------------------------------------------------------
# The network race
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def network_page():
    at = open_page(tab="Network")
    at.slider(key=key("net_epochs")).set_value(3).run()
    at.button(key="run_network_race").click().run()
    return at


def test_network_race_produces_the_seed_table(network_page):
    at = network_page
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["Optimizer"]) == ["SGD", "Momentum", "RMSprop", "Adam"]
    assert list(table["η"]) == [0.1, 0.01, 0.001, 0.001]
    assert list(table.columns[:6]) == [
        "Optimizer",
        "η",
        "Final loss",
        "Final val accuracy",
        "Epochs to 90%",
        "Seconds",
    ]
    assert table["Final val accuracy"].between(0, 1).all()
    assert at.query_params["net_epochs"] == "3"


def test_network_race_reruns_only_on_request(network_page):
    at = network_page
    at.number_input(key=key("net_sgd_lr")).set_value(0.5).run()
    assert list(at.dataframe[0].value["η"])[0] == 0.1  # still the last run
    assert any("settings changed" in info.value for info in at.info)
    at.button(key="run_network_race").click().run()
    assert list(at.dataframe[0].value["η"])[0] == 0.5
    assert at.query_params["net_sgd_lr"] == "0.5"


def test_network_race_on_a_playground_set_with_mini_batches():
    at = open_page(tab="Network", net_noise="0.2")
    at.selectbox(key=key("net_data")).set_value("gauss").run()
    assert at.slider(key=key("net_noise")).value == 0.2
    at.selectbox(key=key("net_batch")).set_value(32).run()
    at.multiselect(key=key("net_opt")).set_value(["sgd", "adam"]).run()
    at.slider(key=key("net_epochs")).set_value(5).run()
    at.button(key="run_network_race").click().run()
    no_exception(at)
    assert list(at.dataframe[0].value["Optimizer"]) == ["SGD", "Adam"]
    assert any("mini-batches of 32" in caption.value for caption in at.caption)
    assert at.query_params["net_batch"] == "32" and at.query_params["net_data"] == "gauss"


def test_network_race_with_no_optimizer_says_so():
    at = open_page(tab="Network")
    at.multiselect(key=key("net_opt")).set_value([]).run()
    no_exception(at)
    assert any("Choose at least one optimizer" in warning.value for warning in at.warning)


def test_surface_settings_survive_the_network_tab():
    at = open_page(surface="booth", adam_lr="0.7")
    at.session_state["tab"] = "Network"  # as a click on the tab does
    at.run()
    at.run()  # the surface widgets are not drawn now; the link keeps their settings
    no_exception(at)
    assert not at.dataframe and at.query_params["adam_lr"] == "0.7"
    at.session_state["tab"] = "Surfaces"
    at.run()
    assert results(at).set_index("Optimizer").loc["Adam", "η"] == 0.7
    assert at.selectbox(key=key("surface")).value == "booth"


def test_page_runs_under_navigation():
    at = AppTest.from_file(str(APP_ROOT / "app.py"), default_timeout=RUN_TIMEOUT).run()
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.title[0].value == "Optimizer race"
