r"""Two-dimensional test surfaces for the optimizer race.

Each :class:`Surface` carries its function ``f(x, y)`` and the analytic gradient
``grad(x, y) -> (gx, gy)`` written side by side; both accept scalars or NumPy arrays of any
(matching) shape, so ``f(*np.meshgrid(xs, ys))`` evaluates a whole contour grid. The race
itself is in :mod:`lessons.race.racing`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.validation import lookup

# ---------------------------------------------------------------------------------------------
# Surfaces: f and its gradient, side by side
# ---------------------------------------------------------------------------------------------


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3


def _beale(x, y):
    t1, t2, t3 = _beale_terms(x, y)
    return t1**2 + t2**2 + t3**2


def _beale_grad(x, y):
    t1, t2, t3 = _beale_terms(x, y)
    gx = 2 * t1 * (y - 1) + 2 * t2 * (y**2 - 1) + 2 * t3 * (y**3 - 1)
    gy = 2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y**2
    return gx, gy


def _himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_grad(x, y):
    u, v = x**2 + y - 11, x + y**2 - 7
    return 4 * x * u + 2 * v, 2 * u + 4 * y * v


def _booth(x, y):
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def _booth_grad(x, y):
    u, v = x + 2 * y - 7, 2 * x + y - 5
    return 2 * u + 4 * v, 4 * u + 2 * v


def _saddle(x, y):
    return x**2 - y**2


def _saddle_grad(x, y):
    return 2 * x, -2 * y


def _quadratic(x, y):
    return x**2 + 10 * y**2


def _quadratic_grad(x, y):
    return 2 * x, 20 * y


def _rastrigin(x, y):
    return 20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y)


def _rastrigin_grad(x, y):
    return (
        2 * x + 20 * np.pi * np.sin(2 * np.pi * x),
        2 * y + 20 * np.pi * np.sin(2 * np.pi * y),
    )


def _ackley(x, y):
    r = np.sqrt(0.5 * (x**2 + y**2))
    ripple = np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)))
    return -20 * np.exp(-0.2 * r) - ripple + np.e + 20


def _ackley_grad(x, y):
    # The cone term -20 exp(-0.2 r) has no gradient at r = 0 (a kink at the minimum);
    # we return 0 there, the subgradient that makes the minimum a stationary point.
    r = np.sqrt(0.5 * (x**2 + y**2))
    safe_r = np.where(r > 0, r, 1.0)
    cone = np.where(r > 0, 2 * np.exp(-0.2 * r) / safe_r, 0.0)
    ripple = np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)))
    return (
        cone * x + np.pi * np.sin(2 * np.pi * x) * ripple,
        cone * y + np.pi * np.sin(2 * np.pi * y) * ripple,
    )


def _six_hump_camel(x, y):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def _six_hump_camel_grad(x, y):
    return 8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3


@dataclass(frozen=True)
class Surface:
    """A 2-D function to minimise.

    Attributes
    ----------
    name : str
        Registry key.
    f : callable
        ``f(x, y)``, elementwise over arrays of matching shape.
    grad : callable
        ``grad(x, y) -> (df/dx, df/dy)``, analytic, same shapes as ``f``.
    bounds : ((xmin, xmax), (ymin, ymax))
        Plotting window that shows the interesting region.
    start : (x, y)
        Default starting point of a race.
    minima : list of (x, y)
        All global minimisers (empty when ``f`` is unbounded below).
    min_value : float or None
        ``f`` at the global minima; None when unbounded below.
    log_scale : bool
        Whether contour colours read better on a log scale (values span decades).
    formula : str
        LaTeX of ``f``, without ``$`` delimiters.
    title : str
        Display name, the same in every control and heading.
    """

    name: str
    f: Callable
    grad: Callable
    bounds: tuple[tuple[float, float], tuple[float, float]]
    start: tuple[float, float]
    minima: list[tuple[float, float]] = field(default_factory=list)
    min_value: float | None = None
    log_scale: bool = False
    formula: str = ""
    title: str = ""


SURFACES: dict[str, Surface] = {
    surface.name: surface
    for surface in (
        Surface(
            "rosenbrock",
            _rosenbrock,
            _rosenbrock_grad,
            title="Rosenbrock (banana valley)",
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            start=(-1.5, 2.0),
            minima=[(1.0, 1.0)],
            min_value=0.0,
            log_scale=True,
            formula=r"(1 - x)^2 + 100\,(y - x^2)^2",
        ),
        Surface(
            "beale",
            _beale,
            _beale_grad,
            title="Beale",
            bounds=((-4.5, 4.5), (-4.5, 4.5)),
            start=(1.0, 1.5),
            minima=[(3.0, 0.5)],
            min_value=0.0,
            log_scale=True,
            formula=r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        ),
        Surface(
            "himmelblau",
            _himmelblau,
            _himmelblau_grad,
            title="Himmelblau (four minima)",
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            start=(0.0, 0.0),
            # Roots of the gradient to 17 significant digits (Newton in 40-digit arithmetic).
            minima=[
                (3.0, 2.0),
                (-2.8051180869527449, 3.1313125182505730),
                (-3.7793102533777469, -3.2831859912861694),
                (3.5844283403304917, -1.8481265269644036),
            ],
            min_value=0.0,
            log_scale=True,
            formula=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        ),
        Surface(
            "booth",
            _booth,
            _booth_grad,
            title="Booth",
            bounds=((-10.0, 10.0), (-10.0, 10.0)),
            start=(-8.0, 8.0),
            minima=[(1.0, 3.0)],
            min_value=0.0,
            log_scale=True,
            formula=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
        ),
        Surface(
            "saddle",
            _saddle,
            _saddle_grad,
            title="Saddle x² − y²",
            bounds=((-2.0, 2.0), (-2.0, 2.0)),
            start=(1.5, 0.01),
            minima=[],
            min_value=None,
            log_scale=False,
            formula=r"x^2 - y^2",
        ),
        Surface(
            "quadratic",
            _quadratic,
            _quadratic_grad,
            title="Ill-conditioned bowl x² + 10y²",
            bounds=((-1.5, 1.5), (-1.5, 1.5)),
            start=(1.0, 1.0),
            minima=[(0.0, 0.0)],
            min_value=0.0,
            log_scale=True,
            formula=r"x^2 + 10\,y^2",
        ),
        Surface(
            "rastrigin",
            _rastrigin,
            _rastrigin_grad,
            title="Rastrigin (many local minima)",
            bounds=((-5.12, 5.12), (-5.12, 5.12)),
            start=(-3.3, 2.7),
            minima=[(0.0, 0.0)],
            min_value=0.0,
            log_scale=False,
            formula=r"20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
        ),
        Surface(
            "ackley",
            _ackley,
            _ackley_grad,
            title="Ackley (rippled funnel)",
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            start=(-3.2, 2.6),
            minima=[(0.0, 0.0)],
            min_value=0.0,
            log_scale=False,
            formula=(
                r"-20\,e^{-0.2\sqrt{(x^2 + y^2)/2}}"
                r" - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20"
            ),
        ),
        Surface(
            "six_hump_camel",
            _six_hump_camel,
            _six_hump_camel_grad,
            title="Six-hump camel",
            bounds=((-2.0, 2.0), (-1.0, 1.0)),
            start=(-1.5, 0.8),
            minima=[
                (0.089842013100318062, -0.71265640302073963),
                (-0.089842013100318062, 0.71265640302073963),
            ],
            min_value=-1.0316284534898774,
            log_scale=False,
            formula=r"\left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
        ),
    )
}
"""Registry: name -> :class:`Surface`."""


def get(name: str) -> Surface:
    """Return the surface called ``name`` (see :data:`SURFACES`)."""
    return lookup("surface", name, SURFACES)


def as_surface(surface) -> Surface:
    """``surface`` itself if it is a :class:`Surface`, else the surface of that name."""
    return surface if isinstance(surface, Surface) else get(surface)
