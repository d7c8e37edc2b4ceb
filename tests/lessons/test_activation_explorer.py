"""lessons.activation_study.explorer: the Activations page's choices and its summaries."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.activations import ACTIVATIONS
from lessons.activation_study import explorer


def test_specs_are_hashable_and_build_the_activation():
    spec = explorer.spec("elu", {"alpha": 0.5})
    assert spec == ("elu", (("alpha", 0.5),)) and hash(spec)
    activation = explorer.build(spec)
    assert activation.params == {"alpha": 0.5}
    assert activation.forward(np.array([-1.0]))[0] == pytest.approx(0.5 * (math.exp(-1) - 1))
    assert explorer.build(explorer.spec("relu")).name == "relu"


def test_every_parameter_gets_a_slider_around_its_default():
    sliders = {slider.key: slider for slider in explorer.parameter_sliders()}
    assert set(sliders) == {"alpha_leaky_relu", "alpha_elu"}
    elu = sliders["alpha_elu"]
    assert (elu.low, elu.high, elu.step, elu.default) == (0.05, 3.0, 0.05, 1.0)
    assert elu.label == "ELU: α"
    for slider in sliders.values():
        assert slider.low <= slider.default <= slider.high
        assert slider.default == ACTIVATIONS[slider.name].defaults[slider.param]


@given(st.floats(-20, 20), st.floats(-20, 20))
def test_ranges_round_trip_and_keep_their_order(low, high):
    if low < high:
        assert explorer.parse_range(explorer.format_range((low, high))) == (low, high)
    else:
        with pytest.raises(ValueError, match="low < high"):
            explorer.parse_range(explorer.format_range((low, high)))


@pytest.mark.parametrize("text", ["", "1", "1,2,3", "a,b", "-30,2", "nan,1", "-1,inf"])
def test_bad_ranges_are_rejected(text):
    with pytest.raises(ValueError):
        explorer.parse_range(text)


def test_latex_numbers():
    assert explorer.latex_number(0.25) == "0.25"
    assert explorer.latex_number(0.0) == "0"
    assert explorer.latex_number(1.5e-11) == r"1.5 \times 10^{-11}"
    assert explorer.latex_number(12345.0) == r"1.2 \times 10^{4}"


def test_check_and_zones_use_the_page_grid():
    check, zones = explorer.check_and_zones(explorer.spec("sigmoid"), -6.0, 6.0, 0.01)
    assert len(check.z) == explorer.GRID_POINTS and check.z[0] == -6.0 and check.z[-1] == 6.0
    # sigma'(z) < 0.01 beyond |z| = logit((1 + sqrt(0.96)) / 2) = 4.585, on both sides.
    edge = math.log((1 + math.sqrt(0.96)) / (1 - math.sqrt(0.96)))
    assert zones.shape == (2, 2)
    assert zones[0, 0] == -6.0 and abs(zones[0, 1] + edge) < 0.02
    assert zones[1, 1] == 6.0 and abs(zones[1, 0] - edge) < 0.02


def test_summaries_name_activations_by_their_labels():
    specs = [explorer.spec("relu"), explorer.spec("leaky_relu", {"alpha": 0.1})]
    results = {spec[0]: explorer.check_and_zones(spec, -2.0, 2.0, 0.05) for spec in specs}
    checks = {name: check for name, (check, _) in results.items()}
    text = explorer.derivative_summary(checks)
    assert text.startswith("- **ReLU**: max $|f'_{num} - f'| = ")
    assert "- **Leaky ReLU**:" in text and text.count("kink at $z = 0$ left out") == 2
    zones = {name: zone for name, (_, zone) in results.items()}
    assert explorer.zone_summary(zones, 0.05).splitlines() == [
        "- **ReLU**: $|f'| < 0.05$ on [-2.00, 0.00]",
        "- **Leaky ReLU**: $|f'| < 0.05$ on none",
    ]
    assert explorer.property_row(specs[1])["activation"] == "Leaky ReLU"


def test_depth_texts():
    chain = {"sigmoid": 0.25 ** np.arange(1, 51), "linear": np.ones(50)}
    text = explorer.depth_summary(chain)
    assert "After 50 layers: sigmoid $7.9 \\times 10^{-31}$, linear $1$." in text
    assert explorer.depth_model_label("fixed", 2.0) == "|f′(2)| per layer"
    assert explorer.depth_model_label("normal", 2.0).startswith("E|f′(z)|")
