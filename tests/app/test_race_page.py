"""The optimizer race page under streamlit.testing: every surface and optimizer, divergence,
the URL, the empty selection and the network race."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import optimizers
from lessons.race import surfaces
from tests.app import pages
from ui.home import APP_ROOT

PAGE = "pages/4_optimizers.py"
RUN_TIMEOUT = 60
ALL_OPTIMIZERS = list(optimizers.OPTIMIZERS)


def open_page(**query) -> AppTest:
    return pages.open_page(PAGE, query)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [exception.value for exception in at.exception]


def results(at: AppTest):
    """The results table of the surface race as a DataFrame."""
    assert len(at.dataframe) == 1, "expected exactly one results table"
    return at.dataframe[0].value


def test_default_race_fills_table_and_url():
    at = open_page()
    no_exception(at)
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


def test_every_surface_with_every_optimizer():
    at = open_page()
    at.multiselect(key="race_optimizers").set_value(ALL_OPTIMIZERS).run()
    finals = set()
    for name in surfaces.SURFACES:
        at.selectbox(key="race_surface").set_value(name).run()
        no_exception(at)
        table = results(at)
        assert len(table) == len(ALL_OPTIMIZERS), name
        assert at.query_params["surface"] == name
        finals.add(table["Final (x, y)"].iloc[0])
    assert len(finals) == len(surfaces.SURFACES)  # every surface gives its own race


def test_sgd_with_lr_one_on_rosenbrock_is_reported_not_raised():
    at = open_page(surface="rosenbrock")
    at.number_input(key="race_lr_rosenbrock_sgd").set_value(1.0).run()
    no_exception(at)
    table = results(at).set_index("Optimizer")
    assert int(table.loc["SGD", "Diverged at step"]) >= 1
    assert (table.drop(index="SGD")["Diverged at step"] == "").all()
    assert any("SGD diverged at step" in warning.value for warning in at.warning)


def test_learning_rate_and_schedule_change_the_race():
    at = open_page()
    before = results(at).set_index("Optimizer").loc["SGD"]
    at.number_input(key="race_lr_quadratic_sgd").set_value(0.01).run()
    slower = results(at).set_index("Optimizer").loc["SGD"]
    # With a tenth of the rate SGD is far from the minimum after the same 120 steps.
    assert float(slower["Final f"]) > 1e6 * float(before["Final f"])
    assert at.query_params["lr"].startswith("0.01,")
    at.selectbox(key="race_schedule").set_value("exponential").run()
    decayed = results(at).set_index("Optimizer").loc["SGD"]
    assert float(decayed["Final f"]) > float(slower["Final f"])
    assert at.query_params["schedule"] == "exponential"


def test_url_sets_up_the_race():
    at = open_page(surface="booth", opt="sgd,adam", lr="0.02,0.5", start="5.0,-8.0", steps="30")
    no_exception(at)
    table = results(at)
    assert list(table["Optimizer"]) == ["SGD", "Adam"]
    assert list(table["η"]) == [0.02, 0.5]
    assert at.number_input(key="race_x_booth").value == 5.0
    assert at.number_input(key="race_y_booth").value == -8.0
    assert at.slider(key="race_steps_booth").value == 30
    assert at.selectbox(key="race_start_booth").value == "Below (5, -8)"


def test_bad_url_values_fall_back_to_defaults():
    at = open_page(surface="quadratic", start="100,100", steps="99999", lr="x", opt="sgd,bogus")
    no_exception(at)
    assert at.number_input(key="race_x_quadratic").value == 1.0
    assert at.slider(key="race_steps_quadratic").value == 1000
    assert len(results(at)) == 5  # the unknown optimizer voids the list: defaults


def test_start_preset_moves_the_start():
    at = open_page()
    at.selectbox(key="race_start_quadratic").set_value("Shallow side (-1.4, 0.1)").run()
    assert at.number_input(key="race_x_quadratic").value == -1.4
    assert at.query_params["start"] == "-1.4,0.1"


def test_empty_selection_gives_a_clear_message():
    at = open_page()
    at.multiselect(key="race_optimizers").set_value([]).run()
    no_exception(at)
    assert not at.dataframe
    assert any("Choose at least one optimizer" in warning.value for warning in at.warning)


@pytest.fixture(scope="module")
def network_page():
    at = open_page(tab="Network")
    at.slider(key="race_net_epochs").set_value(3).run()
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
    at.number_input(key="race_net_lr_sgd").set_value(0.5).run()
    assert list(at.dataframe[0].value["η"])[0] == 0.1  # still the last run
    assert any("settings changed" in info.value for info in at.info)
    at.button(key="run_network_race").click().run()
    assert list(at.dataframe[0].value["η"])[0] == 0.5


def test_network_race_on_a_playground_set_with_mini_batches():
    at = open_page(tab="Network")
    at.selectbox(key="race_net_data").set_value("gauss").run()
    at.selectbox(key="race_net_batch").set_value(32).run()
    at.multiselect(key="race_net_optimizers").set_value(["sgd", "adam"]).run()
    at.slider(key="race_net_epochs").set_value(5).run()
    at.button(key="run_network_race").click().run()
    no_exception(at)
    assert list(at.dataframe[0].value["Optimizer"]) == ["SGD", "Adam"]
    assert any("mini-batches of 32" in caption.value for caption in at.caption)


def test_network_race_with_no_optimizer_says_so():
    at = open_page(tab="Network")
    at.multiselect(key="race_net_optimizers").set_value([]).run()
    no_exception(at)
    assert any("Choose at least one optimizer" in warning.value for warning in at.warning)


def test_page_runs_under_navigation():
    at = AppTest.from_file(str(APP_ROOT / "app.py"), default_timeout=RUN_TIMEOUT).run()
    at.switch_page("pages/4_optimizers.py").run()
    no_exception(at)
    assert at.title[0].value == "Optimizer race"
