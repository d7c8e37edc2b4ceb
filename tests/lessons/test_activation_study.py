"""lessons.activation_study against closed forms, PyTorch reference numbers and scipy."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize
from scipy.special import expit
from scipy.stats import norm

from core.activations import ACTIVATIONS, SMOOTH, Activation, get
from lessons import activation_study as analysis

H = analysis.DEFAULT_STEP
GRID = np.linspace(-6.0, 6.0, 801)  # contains z = 0


class WrongSigmoid(Activation):
    """A sigmoid whose 'derivative' forgot the factor (1 - sigma): the check must notice."""

    name = "wrong_sigmoid"

    def forward(self, z):
        return expit(z)

    def derivative(self, z):
        return expit(z)


class CountingLinear(Activation):
    """Counts forward calls, to see how often the benchmark calls an activation."""

    name = "counting"

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, z):
        self.calls += 1
        return z

    def derivative(self, z):
        return np.ones_like(z)


# ------------------------------------------------------------------ numerical derivative


def test_central_difference_of_a_cube_has_the_textbook_error():
    # ((z+h)^3 - (z-h)^3) / 2h = 3 z^2 + h^2 exactly.
    z = np.array([-2.0, 0.0, 0.5, 3.0])
    h = 1e-3
    numerical = analysis.numerical_derivative(lambda t: t**3, z, h=h)
    np.testing.assert_allclose(numerical, 3 * z**2 + h**2, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", [name for name in ACTIVATIONS if name in SMOOTH])
def test_numerical_derivative_matches_pytorch_autograd(name, reference):
    table = reference["activations"]
    z = np.array(table["z"])
    kinks = analysis.NON_SMOOTH_POINTS.get(name, lambda params: ())(get(name).params)
    keep = np.abs(z) <= 5.0
    for kink in kinks:  # ELU's second derivative jumps at 0: O(h) error there, by design
        keep &= np.abs(z - kink) > H
    numerical = analysis.numerical_derivative(name, z[keep])
    expected = np.array(table[name]["derivative"])[keep]
    np.testing.assert_allclose(numerical, expected, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_registered_derivative_passes_the_check(name):
    check = analysis.derivative_check(name, GRID)
    assert check.max_error < 1e-8
    assert check.value.shape == check.analytic.shape == check.numerical.shape == GRID.shape


def test_a_wrong_derivative_is_caught():
    check = analysis.derivative_check(WrongSigmoid(), GRID)
    # At z = 0 the true slope is 0.25 but the wrong formula says 0.5.
    assert check.max_error > 0.2
    assert check.skipped == ()


def test_relu_kink_is_reported_and_left_out():
    check = analysis.derivative_check("relu", GRID)
    zero = int(np.flatnonzero(GRID == 0.0)[0])
    assert check.skipped == (0.0,)
    assert not check.smooth[zero] and check.smooth.sum() == GRID.size - 1
    # (relu(h) - relu(-h)) / 2h = h / 2h: the average of the slopes 0 and 1.
    assert check.numerical[zero] == pytest.approx(0.5)
    assert check.analytic[zero] == 0.0  # PyTorch's convention


def test_leaky_relu_at_its_kink_averages_the_two_slopes():
    numerical = analysis.numerical_derivative(get("leaky_relu", alpha=0.2), np.array([0.0]))
    assert numerical[0] == pytest.approx(0.6)


def test_leaky_relu_with_alpha_one_is_linear_and_has_no_kink():
    check = analysis.derivative_check(get("leaky_relu", alpha=1.0), GRID)
    assert check.skipped == () and check.smooth.all()


def test_kinks_outside_the_grid_are_not_reported():
    check = analysis.derivative_check("relu", np.linspace(1.0, 3.0, 11))
    assert check.skipped == ()


@pytest.mark.parametrize(
    ("z", "h", "message"),
    [
        (np.array([]), H, "non-empty"),
        (np.ones((2, 2)), H, "1-D"),
        (np.array([0.0, np.nan]), H, "NaN"),
        (GRID, 0.0, "h must be"),
        (GRID, -1e-5, "h must be"),
    ],
)
def test_bad_grids_and_steps_are_rejected(z, h, message):
    with pytest.raises(ValueError, match=message):
        analysis.derivative_check("tanh", z, h=h)


def test_unknown_activation_is_rejected():
    with pytest.raises(ValueError, match="unknown activation"):
        analysis.numerical_derivative("sigmoidal", GRID)


# ------------------------------------------------------------------ saturation zones

WIDE = np.linspace(-10.0, 10.0, 20_001)  # spacing 0.001


def test_sigmoid_saturation_zones_match_the_inverse_formula():
    threshold = 0.01
    # sigma(1 - sigma) = t  =>  sigma = (1 - sqrt(1 - 4t)) / 2, z = logit(sigma).
    s = (1 - math.sqrt(1 - 4 * threshold)) / 2
    edge = -math.log(s / (1 - s))
    zones = analysis.saturation_zones("sigmoid", WIDE, threshold)
    assert zones.shape == (2, 2)
    np.testing.assert_allclose(zones, [[-10, -edge], [edge, 10]], atol=1e-3)


def test_tanh_saturation_zones_match_the_inverse_formula():
    threshold = 0.05
    edge = math.atanh(math.sqrt(1 - threshold))  # 1 - tanh^2 = t
    zones = analysis.saturation_zones("tanh", WIDE, threshold)
    np.testing.assert_allclose(zones, [[-10, -edge], [edge, 10]], atol=1e-3)


def test_relu_is_saturated_on_the_whole_negative_side_including_zero():
    zones = analysis.saturation_zones("relu", WIDE, 0.01)
    np.testing.assert_array_equal(zones, [[-10.0, 0.0]])


def test_linear_never_saturates():
    assert analysis.saturation_zones("linear", WIDE, 0.5).shape == (0, 2)


def test_saturation_zones_need_a_positive_threshold_and_sorted_grid():
    with pytest.raises(ValueError, match="threshold"):
        analysis.saturation_zones("sigmoid", WIDE, 0.0)
    with pytest.raises(ValueError, match="increasing"):
        analysis.saturation_zones("sigmoid", WIDE[::-1], 0.1)


# ------------------------------------------------------------------ properties

EXPECTED_RANGES = {
    "sigmoid": "(0, 1)",
    "tanh": "(−1, 1)",
    "relu": "[0, ∞)",
    "leaky_relu": "(−∞, ∞)",
    "elu": "(−1, ∞)",
    "swish": "[−0.278, ∞)",
    "gelu": "[−0.17, ∞)",
    "softplus": "(0, ∞)",
    "linear": "(−∞, ∞)",
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED_RANGES.items())
def test_ranges_in_interval_notation(name, expected):
    assert analysis.properties(name).range_text == expected


def test_ranges_follow_alpha():
    assert analysis.properties(get("elu", alpha=2.0)).range_text == "(−2, ∞)"
    assert analysis.properties(get("leaky_relu", alpha=0.0)).range_text == "[0, ∞)"


def test_swish_and_gelu_minima_match_scipy():
    swish = optimize.minimize_scalar(lambda x: x * expit(x), bounds=(-5, 0), method="bounded")
    gelu = optimize.minimize_scalar(lambda x: x * norm.cdf(x), bounds=(-5, 0), method="bounded")
    assert analysis.properties("swish").lower == pytest.approx(swish.fun, abs=1e-6)
    assert analysis.properties("gelu").lower == pytest.approx(gelu.fun, abs=1e-6)
    assert analysis.properties("swish").max_slope == pytest.approx(1.0998, abs=1e-4)


def test_mean_outputs_match_closed_forms():
    phi_minus_one = norm.cdf(-1.0)
    expected = {
        "sigmoid": 0.5,  # sigma(z) - 1/2 is odd
        "tanh": 0.0,
        "linear": 0.0,
        "relu": 1 / math.sqrt(2 * math.pi),
        "gelu": 1 / (2 * math.sqrt(math.pi)),  # E[z Phi(z)] = E[phi(z)] (Stein)
        "elu": 1 / math.sqrt(2 * math.pi) + math.exp(0.5) * phi_minus_one - 0.5,
    }
    for name, value in expected.items():
        assert analysis.properties(name).mean_output == pytest.approx(value, abs=1e-7), name


def test_mean_slopes_match_closed_forms_and_quadrature():
    alpha = 0.3
    sigmoid_slope = integrate.quad(lambda z: expit(z) * (1 - expit(z)) * norm.pdf(z), -40, 40)[0]
    expected = {
        get("relu"): 0.5,
        get("leaky_relu", alpha=alpha): (1 + alpha) / 2,
        get("elu", alpha=alpha): 0.5 + alpha * math.exp(0.5) * norm.cdf(-1.0),
        get("linear"): 1.0,
        get("softplus"): 0.5,
        get("sigmoid"): sigmoid_slope,
    }
    for activation, value in expected.items():
        assert analysis.properties(activation).mean_slope == pytest.approx(value, abs=1e-7)


def test_qualitative_properties():
    table = {name: analysis.properties(name) for name in ACTIVATIONS}
    assert {n for n, p in table.items() if p.zero_centred} == {"tanh", "linear"}
    assert {n for n, p in table.items() if not p.monotonic} == {"swish", "gelu"}
    assert {n for n, p in table.items() if p.saturates_text == "both tails"} == {
        "sigmoid",
        "tanh",
    }
    assert {n for n, p in table.items() if p.saturates_text == "no"} == {"leaky_relu", "linear"}
    assert {n for n, p in table.items() if p.dead_zone is not None} == {"relu"}
    assert table["relu"].dead_zone_text == "z ≤ 0"
    assert table["sigmoid"].max_slope == pytest.approx(0.25)
    assert table["relu"].slope_at_zero == 0.0 and table["elu"].slope_at_zero == 1.0


def test_leaky_relu_with_alpha_zero_has_relus_dead_zone():
    properties = analysis.properties(get("leaky_relu", alpha=0.0))
    assert properties.dead_zone_text == "z ≤ 0"
    assert properties.as_row()["dead zone (f′ = 0)"] == "z ≤ 0"


# ------------------------------------------------------------------ vanishing gradients


def test_fixed_model_is_a_power_of_the_slope():
    products = analysis.gradient_products("sigmoid", depth=50, model="fixed", z0=0.0)
    np.testing.assert_allclose(products, 0.25 ** np.arange(1, 51), rtol=1e-12)
    saturated = analysis.gradient_products("tanh", depth=3, model="fixed", z0=-3.0)
    slope = 1 - math.tanh(3.0) ** 2
    np.testing.assert_allclose(saturated, [slope, slope**2, slope**3], rtol=1e-12)


def test_normal_model_uses_the_expected_absolute_slope():
    np.testing.assert_allclose(
        analysis.gradient_products("relu", depth=20), 0.5 ** np.arange(1, 21), rtol=1e-7
    )
    np.testing.assert_allclose(
        analysis.gradient_products("linear", depth=5), np.ones(5), rtol=1e-12
    )


def test_gradient_products_use_magnitudes():
    # swish'(-2) is negative; the product of magnitudes stays positive.
    products = analysis.gradient_products("swish", depth=2, model="fixed", z0=-2.0)
    s = expit(-2.0)
    slope = abs(s * (1 + -2.0 * (1 - s)))
    np.testing.assert_allclose(products, [slope, slope**2], rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 0}, "depth"),
        ({"depth": 2.5}, "depth"),
        ({"model": "median"}, "gradient model"),
        ({"model": "fixed", "z0": float("nan")}, "z0"),
    ],
)
def test_gradient_products_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        analysis.gradient_products("tanh", **kwargs)


# ------------------------------------------------------------------ benchmark


def test_benchmark_times_each_activation_and_reports_progress():
    seen = []
    counting = CountingLinear()
    timings = analysis.benchmark(
        [counting, "relu"],
        n_values=1000,
        repetitions=3,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert list(timings) == ["counting", "relu"]
    assert all(math.isfinite(value) and value >= 0 for value in timings.values())
    assert seen == [(k, 6) for k in range(1, 7)]
    assert counting.calls == 1 + 3  # one untimed warm-up, then the timed repetitions


@pytest.mark.parametrize(
    ("activations", "kwargs", "message"),
    [
        ([], {}, "at least one"),
        (["relu", "relu"], {}, "distinct"),
        (["relu"], {"repetitions": 0}, "repetitions"),
        (["relu"], {"n_values": 0}, "n_values"),
        (["swishy"], {}, "unknown activation"),
    ],
)
def test_benchmark_rejects_bad_requests(activations, kwargs, message):
    with pytest.raises(ValueError, match=message):
        analysis.benchmark(activations, **{"n_values": 10, "repetitions": 1, **kwargs})
