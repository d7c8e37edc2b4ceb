r"""The optimizer race on 2-D surfaces, packaged for a page: presets, a run, a results table.

:func:`lessons.race.surfaces.race` does the racing. This module adds what a page needs around it:

* :data:`PRESETS` — per surface, a learning rate for every optimizer, a step count and
  named start points, chosen so the default race teaches something (momentum overshooting
  in the bowl, Adagrad's steps shrinking, SGD crawling along Rosenbrock's valley).
* :class:`OptimizerSpec` and :func:`run_race` — build the optimizers and an optional
  learning-rate schedule from plain values and run the race.
* :func:`summarize` — one row per optimizer: final loss, the gap :math:`f - f^*` to the
  global minimum value, the distance to the nearest listed minimum, the first step at
  which :math:`f - f^* \le \text{tol}`, and the step at which it diverged.
* :func:`surface_grid` — ``f`` over a regular grid of the surface's bounds, for contours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from core import optimizers, schedules
from core.validation import lookup
from lessons.race import surfaces
from lessons.race.surfaces import RaceResult, Surface


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer described by plain values: ``optimizers.make(name, lr=lr, **hyper)``.

    Attributes
    ----------
    name : str
        A key of ``core.optimizers.OPTIMIZERS``.
    lr : float
        Learning rate (the schedule's starting value when a schedule is used).
    hyper : mapping
        Other hyper-parameters in PyTorch's names, e.g. ``{"momentum": 0.5}``.
    """

    name: str
    lr: float
    hyper: Mapping = field(default_factory=dict)

    def make(self) -> optimizers.Optimizer:
        """A fresh optimizer; unknown names or bad values raise ValueError."""
        if "lr" in self.hyper:
            raise ValueError(f"{self.name}: give the learning rate as lr, not inside hyper")
        return optimizers.make(self.name, lr=self.lr, **dict(self.hyper))


def make_optimizers(specs: Mapping[str, OptimizerSpec]) -> dict[str, optimizers.Optimizer]:
    """Label -> fresh optimizer for every spec (each label gets its own state)."""
    return {label: spec.make() for label, spec in specs.items()}


@dataclass(frozen=True)
class RacePreset:
    """Defaults for racing on one surface.

    Attributes
    ----------
    steps : int
        Number of steps of the default race.
    learning_rates : dict of str -> float
        A learning rate for every optimizer in ``core.optimizers.OPTIMIZERS``.
    starts : dict of str -> (x, y)
        Named start points; the first one is the surface's default start.
    lesson : str
        One or two sentences (Markdown) on what the default race shows.
    """

    steps: int
    learning_rates: dict[str, float]
    starts: dict[str, tuple[float, float]]
    lesson: str


PRESETS: dict[str, RacePreset] = {
    "quadratic": RacePreset(
        steps=120,
        learning_rates={
            "sgd": 0.09,
            "momentum": 0.09,
            "nesterov": 0.01,
            "adagrad": 0.5,
            "rmsprop": 0.05,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Corner (1, 1)": (1.0, 1.0),
            "Steep side (0.2, 1.3)": (0.2, 1.3),
            "Shallow side (-1.4, 0.1)": (-1.4, 0.1),
        },  # fmt: skip
        lesson=(
            "The bowl is 10 times steeper along $y$ than along $x$. A learning rate that is "
            "safe for $y$ is timid for $x$: SGD zigzags across the valley while it creeps "
            "along it. Momentum keeps the zigzag's energy and overshoots, then spirals in."
        ),
    ),
    "rosenbrock": RacePreset(
        steps=400,
        learning_rates={
            "sgd": 0.001,
            "momentum": 0.01,
            "nesterov": 0.0005,
            "adagrad": 0.5,
            "rmsprop": 0.01,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Classic (-1.5, 2)": (-1.5, 2.0),
            "On the rim (-1, -0.5)": (-1.0, -0.5),
            "Far side (1.8, 0.5)": (1.8, 0.5),
        },  # fmt: skip
        lesson=(
            "Getting into the curved valley is easy; travelling along its nearly flat floor "
            "to $(1, 1)$ is the hard part. Plain SGD needs a tiny step to survive the steep "
            "walls and then barely moves along the floor."
        ),
    ),
    "beale": RacePreset(
        steps=300,
        learning_rates={
            "sgd": 0.01,
            "momentum": 0.03,
            "nesterov": 0.001,
            "adagrad": 0.3,
            "rmsprop": 0.03,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Default (1, 1.5)": (1.0, 1.5),
            "Ridge (-1, 1)": (-1.0, 1.0),
            "Below (2, -1)": (2.0, -1.0),
        },  # fmt: skip
        lesson=(
            "Values range over five decades and the minimum $(3, 0.5)$ sits in a long flat "
            "channel. Scale-free steps (Adam, RMSprop) cross the flat part that SGD crawls."
        ),
    ),
    "himmelblau": RacePreset(
        steps=150,
        learning_rates={
            "sgd": 0.003,
            "momentum": 0.01,
            "nesterov": 0.001,
            "adagrad": 0.5,
            "rmsprop": 0.05,
            "adam": 0.1,
            "adamw": 0.1,
        },
        starts={
            "Centre (0, 0)": (0.0, 0.0),
            "Left (-0.5, 0)": (-0.5, 0.0),
            "Low (0, -1)": (0.0, -1.0),
        },  # fmt: skip
        lesson=(
            "Four global minima, all with $f = 0$. From the same start, optimizers can end "
            "in different minima: which valley you reach depends on how you step, not only "
            "on where you start."
        ),
    ),
    "booth": RacePreset(
        steps=150,
        learning_rates={
            "sgd": 0.01,
            "momentum": 0.05,
            "nesterov": 0.003,
            "adagrad": 2.0,
            "rmsprop": 0.1,
            "adam": 0.3,
            "adamw": 0.3,
        },
        starts={
            "Far corner (-8, 8)": (-8.0, 8.0),
            "Below (5, -8)": (5.0, -8.0),
            "Close (0, 0)": (0.0, 0.0),
        },  # fmt: skip
        lesson=(
            "A tilted quadratic bowl: every optimizer gets there, so the race is about "
            "speed. A gradient that is large far away makes SGD fast at first and slow at "
            "the end, while Adam's step stays about $\\eta$ whatever the gradient."
        ),
    ),
    "saddle": RacePreset(
        steps=60,
        learning_rates={
            "sgd": 0.05,
            "momentum": 0.1,
            "nesterov": 0.02,
            "adagrad": 0.2,
            "rmsprop": 0.02,
            "adam": 0.05,
            "adamw": 0.05,
        },
        starts={
            "Near the ridge (1.5, 0.01)": (1.5, 0.01),
            "On the ridge (1.5, 0)": (1.5, 0.0),
            "Off the ridge (1.5, 0.3)": (1.5, 0.3),
        },  # fmt: skip
        lesson=(
            "There is no minimum: $f$ falls forever along $y$. Starting almost on the ridge "
            "$y = 0$ the gradient along $y$ is tiny; methods that rescale each coordinate "
            "(Adam, RMSprop, Adagrad) escape at once, plain SGD takes its time. Start "
            "exactly on $y = 0$ and gradient descent never leaves the ridge."
        ),
    ),
    "rastrigin": RacePreset(
        steps=200,
        learning_rates={
            "sgd": 0.002,
            "momentum": 0.01,
            "nesterov": 0.001,
            "adagrad": 0.5,
            "rmsprop": 0.3,
            "adam": 0.3,
            "adamw": 0.3,
        },
        starts={
            "Default (-3.3, 2.7)": (-3.3, 2.7),
            "Near the centre (0.6, -0.4)": (0.6, -0.4),
            "Edge (4.5, 4.5)": (4.5, 4.5),
        },  # fmt: skip
        lesson=(
            "An egg box of local minima. Small steps stop in the nearest dimple; only "
            "large, noisy-looking steps hop between dimples, and then they rarely settle."
        ),
    ),
    "ackley": RacePreset(
        steps=200,
        learning_rates={
            "sgd": 0.1,
            "momentum": 0.3,
            "nesterov": 0.05,
            "adagrad": 1.0,
            "rmsprop": 0.3,
            "adam": 0.3,
            "adamw": 0.3,
        },
        starts={
            "Default (-3.2, 2.6)": (-3.2, 2.6),
            "Closer (1.3, -0.8)": (1.3, -0.8),
            "Far (4, 4)": (4.0, 4.0),
        },  # fmt: skip
        lesson=(
            "A funnel covered in ripples. The ripples trap small steps; only steps large "
            "enough to jump over them feel the funnel and slide to $(0, 0)$."
        ),
    ),
    "six_hump_camel": RacePreset(
        steps=200,
        learning_rates={
            "sgd": 0.01,
            "momentum": 0.03,
            "nesterov": 0.003,
            "adagrad": 0.3,
            "rmsprop": 0.03,
            "adam": 0.05,
            "adamw": 0.05,
        },
        starts={
            "Default (-1.5, 0.8)": (-1.5, 0.8),
            "Centre (0, 0.05)": (0.0, 0.05),
            "Right (1.6, -0.6)": (1.6, -0.6),
        },  # fmt: skip
        lesson=(
            "Six humps, two global minima and four local ones. Most optimizers settle in the "
            "local minimum next to the start; the global ones are near $(\\pm 0.09, \\mp 0.71)$."
        ),
    ),
}
"""Registry: surface name -> :class:`RacePreset`."""


def preset(surface) -> RacePreset:
    """The :class:`RacePreset` of a surface (a :class:`Surface` or its name)."""
    name = surface.name if isinstance(surface, Surface) else surface
    return lookup("surface", name, PRESETS)


def _surface(surface) -> Surface:
    return surface if isinstance(surface, Surface) else surfaces.get(surface)


def run_race(
    surface,
    specs: Mapping[str, OptimizerSpec],
    start=None,
    steps: int = 100,
    schedule: tuple[str, Mapping] | None = None,
) -> RaceResult:
    """Race the optimizers described by ``specs`` on ``surface``.

    Parameters
    ----------
    surface : Surface or str
    specs : mapping of str -> OptimizerSpec
        Label -> optimizer; the labels name the paths in the result.
    start : (x, y), optional
        Start point; the surface's default start when omitted.
    steps : int, default 100
    schedule : (name, kwargs), optional
        A ``core.schedules`` schedule applied to every optimizer, each starting from its
        own ``lr``; ``None`` or ``"constant"`` keeps every learning rate fixed.

    Returns
    -------
    RaceResult
        See ``lessons.race.surfaces.race``: paths of shape (k + 1, 2), losses, learning rates used,
        and the step at which each optimizer diverged.
    """
    if not specs:
        raise ValueError("choose at least one optimizer to race")
    optimizer_objects = make_optimizers(specs)
    lr_at = None
    if schedule is not None and schedule[0] != "constant":
        name, kwargs = schedule
        lr_at = {label: schedules.make(name, spec.lr, **kwargs) for label, spec in specs.items()}
    return surfaces.race(_surface(surface), optimizer_objects, start, steps, schedule=lr_at)


def steps_to_tolerance(losses, min_value: float | None, tolerance: float) -> int | None:
    r"""First step ``i`` at which ``losses[i] - min_value <= tolerance``.

    Parameters
    ----------
    losses : array_like of shape (k + 1,)
        ``f`` after 0, 1, ..., k steps.
    min_value : float or None
        The global minimum value :math:`f^*`; None (no minimum) gives None.
    tolerance : float
        Positive gap :math:`f - f^*` that counts as arrived.

    Returns
    -------
    int or None
        The step count, or None if the gap never got that small.
    """
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive number, got {tolerance}")
    if min_value is None:
        return None
    reached = np.flatnonzero(np.asarray(losses, dtype=np.float64) - min_value <= tolerance)
    return int(reached[0]) if reached.size else None


def summarize(surface, result: RaceResult, tolerance: float = 1e-4) -> list[dict]:
    r"""One row per optimizer describing how its race ended.

    Parameters
    ----------
    surface : Surface or str
    result : RaceResult
    tolerance : float, default 1e-4
        Gap :math:`f - f^*` that counts as having reached the minimum.

    Returns
    -------
    list of dict
        In race order, each with keys ``label``, ``x``, ``y`` (final point), ``loss``
        (final ``f``), ``gap`` (:math:`f - f^*`, None without a minimum), ``distance``
        (to the nearest listed minimum, None without minima), ``steps_to_tolerance``
        (int or None), ``steps_taken`` and ``diverged_at`` (step or None).
    """
    surface = _surface(surface)
    rows = []
    for label, path in result.paths.items():
        losses = result.losses[label]
        final = path[-1]
        rows.append(
            {
                "label": label,
                "x": float(final[0]),
                "y": float(final[1]),
                "loss": float(losses[-1]),
                "gap": None if surface.min_value is None else float(losses[-1] - surface.min_value),
                "distance": (
                    float(surfaces.nearest_minimum_distance(surface, final))
                    if surface.minima
                    else None
                ),
                "steps_to_tolerance": steps_to_tolerance(losses, surface.min_value, tolerance),
                "steps_taken": len(path) - 1,
                "diverged_at": result.diverged_at[label],
            }
        )
    return rows


def surface_grid(surface, n: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``f`` on an ``n`` x ``n`` grid spanning the surface's bounds.

    Returns
    -------
    xs : ndarray of shape (n,)
    ys : ndarray of shape (n,)
    values : ndarray of shape (n, n)
        ``values[i, j] = f(xs[j], ys[i])`` (rows follow y, as Plotly's contour expects).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    surface = _surface(surface)
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, surface.f(grid_x, grid_y)
