"""The Activations page under streamlit.testing: selection, α sliders, zones, depth, speed, URL."""

import base64
import json
import math
import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core.activations import ACTIVATIONS
from lessons.activation_study import explorer
from tests.app import pages
from tests.app.pages import assert_ok

PAGE = "pages/2_activations.py"


def open_page(query=None) -> AppTest:
    return pages.open_page(PAGE, query)


def charts(at: AppTest) -> dict[str, dict]:
    """Plotly figures on the page by their widget key."""
    return {
        chart.proto.id.rsplit("-", 1)[-1]: json.loads(chart.proto.spec)
        for chart in at.get("plotly_chart")
    }


def values(array) -> np.ndarray:
    """A trace array from figure JSON (Plotly writes NumPy arrays as base64 typed arrays)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def properties(at: AppTest):
    return at.dataframe[0].value.set_index("activation")


def all_markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_page_opens_with_sigmoid_tanh_relu():
    at = open_page()
    assert at.title[0].value == "Activations"
    assert at.multiselect(key="ac.act").value == ["sigmoid", "tanh", "relu"]
    table = properties(at)
    assert table.index.tolist() == ["sigmoid", "tanh", "ReLU"]
    assert table.loc["sigmoid", "range"] == "(0, 1)"
    assert table.loc["sigmoid", "max |f′|"] == 0.25
    assert set(charts(at)) == {"ac_compare", "ac_detail", "ac_vanishing"}
    text = all_markdown(at)
    for label in ("sigmoid", "tanh", "ReLU"):
        assert f"- **{label}**: max $|f'_{{num}} - f'| = " in text
    assert "kink at $z = 0$ left out" in text
    # Formulas come from the core objects.
    assert any(r"\sigma(z) = \frac{1}{1 + e^{-z}}" in latex.value for latex in at.latex)


def test_every_activation_is_selectable_alone_and_together():
    at = open_page()
    for name in ACTIVATIONS:
        at.multiselect(key="ac.act").set_value([name]).run()
        assert_ok(at)
        assert len(properties(at)) == 1
    at.multiselect(key="ac.act").set_value(list(ACTIVATIONS)).run()
    assert_ok(at)
    assert len(properties(at)) == len(ACTIVATIONS)
    detail = charts(at)["ac_detail"]
    assert len([a for a in detail["layout"]["annotations"] if ": f(z)" in a["text"]]) == 9


def test_alpha_sliders_change_the_computed_properties():
    at = open_page({"act": "leaky_relu,elu"})
    table = properties(at)
    assert table.loc["Leaky ReLU", "range"] == "(−∞, ∞)"
    assert table.loc["ELU", "range"] == "(−1, ∞)"
    at.slider(key="ac.alpha_leaky_relu").set_value(0.0).run()
    at.slider(key="ac.alpha_elu").set_value(2.0).run()
    table = properties(at)
    assert table.loc["Leaky ReLU", "range"] == "[0, ∞)"
    assert table.loc["Leaky ReLU", "dead zone (f′ = 0)"] == "z ≤ 0"
    assert table.loc["ELU", "range"] == "(−2, ∞)"
    assert table.loc["ELU", "f′(0)"] == 2.0
    assert at.query_params["alpha_elu"] in ("2.0", ["2.0"])


def test_threshold_and_range_move_the_saturation_zones():
    at = open_page({"act": "sigmoid"})
    at.select_slider(key="ac.threshold").set_value(0.01).run()
    # sigma'(z) = 0.01 at |z| = logit((1 + sqrt(0.96)) / 2) = 4.585
    edge = math.log((1 + math.sqrt(0.96)) / (1 - math.sqrt(0.96)))
    match = re.search(
        r"\*\*sigmoid\*\*: \$\|f'\| < 0.01\$ on \[-6.00, (-[\d.]+)\]", all_markdown(at)
    )
    assert match and abs(float(match.group(1)) + edge) < 0.02
    at.slider(key="ac.xrange").set_value((-2.0, 2.0)).run()
    assert "**sigmoid**: $|f'| < 0.01$ on none" in all_markdown(at)


def test_fixed_pre_activation_changes_the_depth_products():
    at = open_page({"act": "sigmoid"})
    assert "After 50 layers: sigmoid $" in all_markdown(at)
    at.radio(key="ac.grad").set_value("fixed").run()
    at.slider(key="ac.z0").set_value(2.0).run()
    s = 1 / (1 + math.exp(-2.0))
    expected = (s * (1 - s)) ** 50
    mantissa, exponent = f"{expected:.1e}".split("e")
    assert f"sigmoid ${mantissa} \\times 10^{{{int(exponent)}}}$" in all_markdown(at)
    figure = charts(at)["ac_vanishing"]
    assert figure["layout"]["yaxis"]["type"] == "log"
    assert "|f′(2)| per layer" in figure["layout"]["title"]["text"]


def test_empty_selection_asks_for_an_activation():
    at = open_page()
    at.multiselect(key="ac.act").set_value([]).run()
    assert_ok(at)
    assert "Choose at least one activation" in at.warning[0].value
    assert charts(at) == {}


def test_speed_benchmark_runs_on_demand_and_is_kept():
    at = open_page({"act": "relu,linear", "reps": "1"})
    assert "ac_speed" not in charts(at)
    at.button(key="ac_bench").click().run()
    assert_ok(at)
    bars = charts(at)["ac_speed"]["data"][0]
    assert bars["x"] == ["ReLU", "linear"]  # display labels, as in the controls
    assert np.all(values(bars["y"]) >= 0)
    at.select_slider(key="ac.threshold").set_value(0.1).run()  # unrelated change: still shown
    assert "ac_speed" in charts(at)
    at.multiselect(key="ac.act").set_value(["relu"]).run()  # new selection: run again
    assert "ac_speed" not in charts(at)


def test_url_sets_up_the_page():
    query = {
        "act": "elu,gelu",
        "alpha_elu": "0.5",
        "xrange": "-3.0,4.0",
        "threshold": "0.01",
        "grad": "fixed",
        "z0": "-1.5",
    }
    at = open_page(query)
    assert at.multiselect(key="ac.act").value == ["elu", "gelu"]
    assert at.slider(key="ac.alpha_elu").value == 0.5
    assert at.slider(key="ac.xrange").value == (-3.0, 4.0)
    assert at.select_slider(key="ac.threshold").value == 0.01
    assert at.radio(key="ac.grad").value == "fixed"
    assert at.slider(key="ac.z0").value == -1.5
    grid = values(charts(at)["ac_compare"]["data"][0]["x"])
    assert (grid[0], grid[-1]) == (-3.0, 4.0)


def test_bad_url_values_fall_back_to_defaults_with_a_note():
    query = {"act": "sigmoid,bogus", "xrange": "5,-5", "threshold": "7", "alpha_elu": "99"}
    at = open_page({**query, "reps": "3", "extra": "1"})
    assert at.multiselect(key="ac.act").value == ["sigmoid", "tanh", "relu"]
    assert at.slider(key="ac.xrange").value == (-6.0, 6.0)
    assert at.select_slider(key="ac.threshold").value == 0.05
    assert at.segmented_control(key="ac.reps").value == 100
    note = at.warning[0].value
    assert "`act=sigmoid,bogus` ignored (not one of sigmoid, tanh, relu" in note
    assert "`xrange=5,-5` ignored (expected -20 ≤ low < high ≤ 20)" in note
    assert "`threshold=7` ignored" in note and "`reps=3` ignored" in note
    assert "`alpha_elu=99`: above the largest allowed value, 3.0" in note
    assert "unknown settings ignored: `extra`" in note
    assert at.query_params["act"] in ("sigmoid,tanh,relu", ["sigmoid,tanh,relu"])


def test_names_in_the_url_ignore_case_and_labels_are_the_same_everywhere():
    at = open_page({"act": "ReLU,Leaky_ReLU", "reps": "1"})
    assert at.multiselect(key="ac.act").value == ["relu", "leaky_relu"]
    assert not at.warning
    labels = ["ReLU", "Leaky ReLU"]
    assert at.multiselect(key="ac.act").format_func("leaky_relu") == "Leaky ReLU"
    assert properties(at).index.tolist() == labels
    compare = charts(at)["ac_compare"]
    assert [t["name"] for t in compare["data"] if t.get("showlegend") is not False] == labels
    vanishing = charts(at)["ac_vanishing"]
    assert [trace["name"] for trace in vanishing["data"]] == labels
    assert "- **Leaky ReLU**: max" in all_markdown(at)


SCHEMA = pages.page_schema(PAGE)
SLIDERS = {slider.key: slider for slider in explorer.parameter_sliders()}
valid_ranges = st.tuples(
    st.floats(-explorer.Z_LIMIT, explorer.Z_LIMIT), st.floats(-explorer.Z_LIMIT, explorer.Z_LIMIT)
).filter(lambda pair: pair[0] < pair[1])
valid_states = st.fixed_dictionaries(
    {
        "act": st.lists(st.sampled_from(list(ACTIVATIONS)), unique=True),
        **{key: st.floats(s.low, s.high) for key, s in SLIDERS.items()},
        "xrange": valid_ranges,
        "threshold": st.sampled_from(explorer.THRESHOLDS),
        "grad": st.sampled_from(list(explorer.GRADIENT_MODEL_LABELS)),
        "z0": st.floats(-explorer.Z0_LIMIT, explorer.Z0_LIMIT),
        "reps": st.sampled_from(explorer.REPETITION_CHOICES),
    }
)


def test_the_schema_covers_every_control():
    assert list(SCHEMA.defaults) == [
        "act",
        "alpha_leaky_relu",
        "alpha_elu",
        "xrange",
        *("threshold", "grad", "z0", "reps"),
    ]


@given(valid_states)
def test_any_valid_state_round_trips_through_the_url(state):
    assert SCHEMA.parse(SCHEMA.encode(state)) == (state, [])


@given(pages.garbage_queries(SCHEMA, ["-3,4", "1e400,2", "nan,1", "RELU,tanh", "10"]))
def test_any_garbage_query_gives_a_valid_state(query):
    low, high = pages.repaired_state(SCHEMA, query)["xrange"]
    assert -explorer.Z_LIMIT <= low < high <= explorer.Z_LIMIT
