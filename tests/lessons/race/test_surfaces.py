"""Surfaces: analytic gradients, known minima, and the optimizer race against PyTorch."""

import numpy as np
import pytest

from core import optimizers, schedules
from lessons.race.surfaces import SURFACES, RaceResult, get, nearest_minimum_distance, race
from tests.core._reference import reference, rel_error

REFERENCE = reference()
TORCH_TO_OURS = {"SGD": "sgd", "Adagrad": "adagrad", "RMSprop": "rmsprop", "Adam": "adam",
                 "AdamW": "adamw"}  # fmt: skip
NAMES = ["rosenbrock", "beale", "himmelblau", "booth", "saddle", "quadratic", "rastrigin",
         "ackley", "six_hump_camel"]  # fmt: skip


def test_registry_holds_every_surface():
    assert sorted(SURFACES) == sorted(NAMES)
    with pytest.raises(ValueError, match="rosenbrock"):
        get("banana")
    assert get("Six-Hump Camel").name == "six_hump_camel"


def _grid(surface, count=9):
    """Points spread over the bounds, nudged off symmetric values such as 0."""
    (x0, x1), (y0, y1) = surface.bounds
    xs = np.linspace(x0, x1, count) + 0.0123 * (x1 - x0)
    ys = np.linspace(y0, y1, count) - 0.0171 * (y1 - y0)
    return np.meshgrid(xs, ys)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    surface = get(name)
    X, Y = _grid(surface)
    gx, gy = surface.grad(X, Y)
    assert gx.shape == gy.shape == X.shape == surface.f(X, Y).shape
    h = 1e-6
    num_x = (surface.f(X + h, Y) - surface.f(X - h, Y)) / (2 * h)
    num_y = (surface.f(X, Y + h) - surface.f(X, Y - h)) / (2 * h)
    # Round-off in the difference quotient is about eps * |f| / h.
    tol = 1e-6 * (1 + np.abs(surface.f(X, Y))) + 1e-6 * np.abs(gx)
    assert np.all(np.abs(gx - num_x) <= tol)
    tol = 1e-6 * (1 + np.abs(surface.f(X, Y))) + 1e-6 * np.abs(gy)
    assert np.all(np.abs(gy - num_y) <= tol)


@pytest.mark.parametrize("name", NAMES)
def test_scalars_and_start_inside_bounds(name):
    surface = get(name)
    (x0, x1), (y0, y1) = surface.bounds
    sx, sy = surface.start
    assert x0 < sx < x1 and y0 < sy < y1
    assert np.isfinite(surface.f(sx, sy))
    assert np.all(np.isfinite(surface.grad(sx, sy)))
    assert surface.formula


# Published values of the global minima (independent of our code).
KNOWN_MINIMUM_VALUES = {
    "rosenbrock": 0.0,
    "beale": 0.0,
    "himmelblau": 0.0,
    "booth": 0.0,
    "quadratic": 0.0,
    "rastrigin": 0.0,
    "ackley": 0.0,
    "six_hump_camel": -1.031628453489877,
}
KNOWN_MINIMUM_COUNTS = {"himmelblau": 4, "six_hump_camel": 2}


@pytest.mark.parametrize("name", sorted(KNOWN_MINIMUM_VALUES))
def test_listed_minima_are_stationary_with_known_values(name):
    surface = get(name)
    assert len(surface.minima) == KNOWN_MINIMUM_COUNTS.get(name, 1)
    assert surface.min_value == pytest.approx(KNOWN_MINIMUM_VALUES[name], abs=1e-12)
    for x, y in surface.minima:
        assert surface.f(x, y) == pytest.approx(KNOWN_MINIMUM_VALUES[name], abs=1e-12)
        gx, gy = surface.grad(x, y)
        assert abs(gx) < 1e-9 and abs(gy) < 1e-9
    # Global: no point of a dense grid over the bounds goes lower.
    (x0, x1), (y0, y1) = surface.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 401), np.linspace(y0, y1, 401))
    assert surface.f(X, Y).min() >= surface.min_value - 1e-9


def test_himmelblau_minima_are_distinct_and_curved_upward():
    surface = get("himmelblau")
    assert surface.minima[0] == (3.0, 2.0)
    known = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    np.testing.assert_allclose(surface.minima, known, atol=1e-6)
    h = 1e-5
    for x, y in surface.minima:
        hessian = np.array(
            [
                np.subtract(surface.grad(x + h, y), surface.grad(x - h, y)) / (2 * h),
                np.subtract(surface.grad(x, y + h), surface.grad(x, y - h)) / (2 * h),
            ]
        )
        assert np.all(np.linalg.eigvalsh((hessian + hessian.T) / 2) > 0)


def test_saddle_has_no_minimum():
    surface = get("saddle")
    assert surface.minima == [] and surface.min_value is None
    assert surface.grad(0.0, 0.0) == (0.0, -0.0)
    assert surface.f(0.0, 1.0) < surface.f(0.0, 0.0) < surface.f(1.0, 0.0)
    assert np.isinf(nearest_minimum_distance(surface, [[0.0, 0.0], [1.0, 1.0]])).all()


def test_nearest_minimum_distance():
    distance = nearest_minimum_distance("himmelblau", [[0.0, 0.0], [3.0, 2.0], [3.0, 1.0]])
    # From the origin the closest of the four minima is (3, 2): sqrt(13).
    np.testing.assert_allclose(distance, [np.sqrt(13.0), 0.0, 1.0])
    grid = np.zeros((3, 4, 2))
    assert nearest_minimum_distance("quadratic", grid).shape == (3, 4)
    with pytest.raises(ValueError, match="shape"):
        nearest_minimum_distance("quadratic", [1.0, 2.0, 3.0])


@pytest.mark.parametrize("key", sorted(REFERENCE["optimizers"]))
def test_race_matches_pytorch_reference(key):
    entry = REFERENCE["optimizers"][key]
    optimizer = optimizers.make(TORCH_TO_OURS[entry["torch_class"]], **entry["kwargs"])
    result = race(entry["surface"], {"torch": optimizer}, start=entry["start"], steps=100)
    expected = np.array(entry["path"])
    assert expected.shape == (101, 2)
    assert result.diverged_at["torch"] is None
    path = result["torch"]
    assert path.shape == expected.shape
    assert rel_error(path, expected, floor=1e-12) <= 1e-9


@pytest.mark.parametrize("surface", ["rosenbrock", "quadratic"])
def test_seed_momentum_matches_reference_of_equivalent_torch_sgd(surface):
    # The reference runs torch SGD(lr = 1e-2 * (1 - 0.9), momentum = 0.9), which equals the
    # seed's EMA momentum v = 0.9 v + 0.1 g with lr = 1e-2.
    entry = REFERENCE["optimizers"][f"{surface}/momentum_ema"]
    ema = optimizers.make("momentum", lr=1e-2, momentum=0.9)
    path = race(surface, {"ema": ema}, start=entry["start"], steps=100)["ema"]
    assert rel_error(path, entry["path"], floor=1e-12) <= 1e-9


def test_race_closed_form_on_the_quadratic():
    # Plain gradient descent on x^2 + 10 y^2 multiplies x by (1 - 2 lr), y by (1 - 20 lr).
    lr = 0.01
    result = race("quadratic", {"gd": optimizers.make("sgd", lr=lr)}, start=(1.0, -2.0), steps=30)
    k = np.arange(31)
    np.testing.assert_allclose(result["gd"][:, 0], (1 - 2 * lr) ** k, rtol=1e-12)
    np.testing.assert_allclose(result["gd"][:, 1], -2 * (1 - 20 * lr) ** k, rtol=1e-12)
    np.testing.assert_allclose(
        result.losses["gd"], result["gd"][:, 0] ** 2 + 10 * result["gd"][:, 1] ** 2
    )


def test_race_cuts_a_diverging_optimizer_and_keeps_the_others():
    entries = {
        "sgd lr 1": optimizers.make("sgd", lr=1.0),
        "sgd": optimizers.make("sgd", lr=1e-3),
        "adam": optimizers.make("adam", lr=1e-2),
    }
    result = race("rosenbrock", entries, steps=100)
    assert isinstance(result, RaceResult) and set(result) == set(entries) and len(result) == 3
    assert result.diverged == ["sgd lr 1"]
    failed = result.diverged_at["sgd lr 1"]
    assert 1 < failed < 100
    path = result["sgd lr 1"]
    assert path.shape == (failed, 2) and np.isfinite(path).all()
    assert np.isfinite(result.losses["sgd lr 1"]).all()
    # First step by hand: grad f(-1.5, 2) = (-155, -50), so lr 1 jumps to (153.5, 52).
    np.testing.assert_allclose(path[1], [153.5, 52.0])
    for label in ("sgd", "adam"):
        assert result.diverged_at[label] is None
        assert result[label].shape == (101, 2) and np.isfinite(result[label]).all()


def test_race_schedule_sets_the_learning_rate_each_step():
    schedule = schedules.make("exponential", 0.02, gamma=0.5)
    optimizer = optimizers.make("sgd", lr=0.3)
    result = race(
        "quadratic", {"gd": optimizer}, start=(1.0, 1.0), steps=8, schedule={"gd": schedule}
    )
    rates = 0.02 * 0.5 ** np.arange(8)
    np.testing.assert_allclose(result.lrs["gd"], rates)
    expected_x = np.concatenate([[1.0], np.cumprod(1 - 2 * rates)])
    expected_y = np.concatenate([[1.0], np.cumprod(1 - 20 * rates)])
    np.testing.assert_allclose(result["gd"], np.column_stack([expected_x, expected_y]), rtol=1e-12)
    assert optimizer.lr == 0.3  # restored


def test_race_resets_optimizer_state_between_races():
    optimizer = optimizers.make("adam", lr=0.05)
    first = race("booth", {"adam": optimizer}, steps=20)["adam"]
    second = race("booth", {"adam": optimizer}, steps=20)["adam"]
    np.testing.assert_array_equal(first, second)


def test_race_edge_cases_and_validation():
    sgd = optimizers.make("sgd", lr=0.01)
    result = race(get("booth"), {"sgd": sgd}, steps=0)
    np.testing.assert_array_equal(result["sgd"], [get("booth").start])
    with pytest.raises(ValueError, match="steps"):
        race("booth", {"sgd": sgd}, steps=-1)
    with pytest.raises(ValueError, match="start"):
        race("booth", {"sgd": sgd}, start=(np.nan, 0.0))
    with pytest.raises(ValueError, match="start"):
        race("booth", {"sgd": sgd}, start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="schedule"):
        race("booth", {"sgd": sgd}, schedule={"adam": lambda k: 0.1})
    with pytest.raises(ValueError, match="surface"):
        race("nope", {"sgd": sgd})
