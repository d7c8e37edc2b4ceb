"""Surfaces: analytic gradients, known minima, display names."""

import numpy as np
import pytest

from lessons.race.racing import nearest_minimum_distance
from lessons.race.surfaces import SURFACES, as_surface, get

NAMES = ["rosenbrock", "beale", "himmelblau", "booth", "saddle", "quadratic", "rastrigin",
         "ackley", "six_hump_camel"]  # fmt: skip


def test_registry_holds_every_surface():
    assert sorted(SURFACES) == sorted(NAMES)
    with pytest.raises(ValueError, match="rosenbrock"):
        get("banana")
    assert get("Six-Hump Camel").name == "six_hump_camel"
    assert as_surface("booth") is get("booth") and as_surface(get("booth")) is get("booth")


def test_every_surface_has_its_own_title():
    titles = [surface.title for surface in SURFACES.values()]
    assert all(titles) and len(set(titles)) == len(titles)
    assert get("quadratic").title == "Ill-conditioned bowl x² + 10y²"


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
