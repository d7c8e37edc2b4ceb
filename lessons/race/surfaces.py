r"""Two-dimensional test surfaces for the optimizer race, and the race itself.

Each :class:`Surface` carries its function ``f(x, y)`` and the analytic gradient
``grad(x, y) -> (gx, gy)`` written side by side; both accept scalars or NumPy arrays of any
(matching) shape, so ``f(*np.meshgrid(xs, ys))`` evaluates a whole contour grid.

:func:`race` runs several optimizers from :mod:`core.optimizers` from the same start and
records their paths. The point is treated exactly like a PyTorch parameter of shape (2,),
so a path matches ``torch.optim`` step for step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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


SURFACES: dict[str, Surface] = {
    surface.name: surface
    for surface in (
        Surface(
            "rosenbrock",
            _rosenbrock,
            _rosenbrock_grad,
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


def _as_surface(surface) -> Surface:
    return surface if isinstance(surface, Surface) else get(surface)


# ---------------------------------------------------------------------------------------------
# The race
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RaceResult(Mapping):
    """Paths of a race; reads like the dict ``label -> path`` and carries more detail.

    ``result[label]`` is the path, an array of shape (k + 1, 2) whose row ``i`` is the
    position after ``i`` steps; ``k`` is the number of steps taken, ``steps`` unless the
    optimizer diverged.

    Attributes
    ----------
    paths : dict of str -> ndarray of shape (k + 1, 2)
    losses : dict of str -> ndarray of shape (k + 1,)
        ``f`` along each path (the loss-vs-step curve). Named ``losses`` because a Mapping
        already has a ``values()`` method.
    lrs : dict of str -> ndarray of shape (k_taken,)
        Learning rate used at each step attempted (``k`` steps, one more if it diverged).
    diverged_at : dict of str -> int or None
        Step ``s`` whose result was not finite (a coordinate or ``f`` is inf/NaN): the
        path then holds the ``s`` finite rows 0..s-1. None if all steps stayed finite.
    steps : int
        Steps requested.
    """

    paths: dict[str, np.ndarray]
    losses: dict[str, np.ndarray]
    lrs: dict[str, np.ndarray]
    diverged_at: dict[str, int | None]
    steps: int

    def __getitem__(self, label: str) -> np.ndarray:
        return self.paths[label]

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def diverged(self) -> list[str]:
        """Labels of the optimizers that diverged, in race order."""
        return [label for label, step in self.diverged_at.items() if step is not None]


def race(
    surface,
    optimizers: Mapping,
    start=None,
    steps: int = 100,
    schedule: Mapping[str, Callable[[int], float]] | None = None,
) -> RaceResult:
    """Run several optimizers on a surface from the same start.

    Each optimizer updates its own point ``p`` (an array of shape (2,), like a PyTorch
    parameter) with ``optimizer.step([p], [grad f(p)])``. Every optimizer is ``reset()``
    first; learning rates changed by ``schedule`` are restored afterwards.

    Parameters
    ----------
    surface : Surface or str
    optimizers : mapping of str -> optimizer
        Label -> object from ``core.optimizers.make`` (``step``, ``reset``, settable ``lr``).
    start : (x, y), optional
        Starting point; defaults to ``surface.start``.
    steps : int, default 100
        Number of steps, >= 0.
    schedule : mapping of str -> callable, optional
        Label -> function ``step -> lr``: before step ``i`` (0-based) ``optimizer.lr`` is set
        to ``schedule[label](i)``. Labels left out keep their learning rate.

    Returns
    -------
    RaceResult
        ``result[label]`` is the path of shape (k + 1, 2), ``k = steps`` unless the run
        diverged; ``result.diverged_at[label]`` is the failing step or None.
    """
    surface = _as_surface(surface)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    steps = int(steps)
    start = np.asarray(surface.start if start is None else start, dtype=np.float64)
    if start.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got shape {start.shape}")
    if not (np.isfinite(start).all() and np.isfinite(surface.f(*start))):
        raise ValueError(f"start {tuple(start)} is not a finite point of {surface.name!r}")
    schedule = dict(schedule or {})
    unknown = sorted(set(schedule) - set(optimizers))
    if unknown:
        raise ValueError(f"schedule names {unknown[0]!r}, which is not among the optimizers")

    paths, losses, lrs, diverged_at = {}, {}, {}, {}
    for label, optimizer in optimizers.items():
        path, loss, used_lrs, failed = _run_one(
            surface, optimizer, start, steps, schedule.get(label)
        )
        paths[label], losses[label], lrs[label], diverged_at[label] = path, loss, used_lrs, failed
    return RaceResult(paths=paths, losses=losses, lrs=lrs, diverged_at=diverged_at, steps=steps)


def _run_one(surface: Surface, optimizer, start: np.ndarray, steps: int, lr_at):
    """Path, f along it, learning rates and divergence step of one optimizer."""
    initial_lr = optimizer.lr
    optimizer.reset()
    point = start.copy()
    path = np.empty((steps + 1, 2))
    loss = np.empty(steps + 1)
    used_lrs = np.empty(steps)
    path[0], loss[0] = point, surface.f(*point)
    failed = None
    try:
        # Divergence is detected below, so overflow on the way there is expected.
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(steps):
                if lr_at is not None:
                    optimizer.lr = float(lr_at(i))
                used_lrs[i] = optimizer.lr
                gx, gy = surface.grad(point[0], point[1])
                optimizer.step([point], [np.array([gx, gy], dtype=np.float64)])
                f_point = surface.f(point[0], point[1])
                if not (np.isfinite(point).all() and np.isfinite(f_point)):
                    failed = i + 1
                    break
                path[i + 1], loss[i + 1] = point, f_point
    finally:
        optimizer.lr = initial_lr
    taken = steps if failed is None else failed - 1
    return path[: taken + 1], loss[: taken + 1], used_lrs[: taken + (failed is not None)], failed


def nearest_minimum_distance(surface, points) -> np.ndarray:
    """Euclidean distance from each point to the closest listed global minimum.

    Parameters
    ----------
    surface : Surface or str
    points : array_like of shape (..., 2)

    Returns
    -------
    ndarray of shape (...)
        ``inf`` everywhere for a surface without minima (the saddle).
    """
    surface = _as_surface(surface)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {points.shape}")
    if not surface.minima:
        return np.full(points.shape[:-1], np.inf)
    minima = np.asarray(surface.minima, dtype=np.float64)
    gaps = points[..., None, :] - minima  # (..., n_minima, 2)
    return np.sqrt((gaps**2).sum(axis=-1)).min(axis=-1)
