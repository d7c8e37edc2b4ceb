r"""The optimizer race on a 2-D surface: several optimizers, one start, their paths.

:func:`race` runs optimizers from :mod:`core.optimizers` on a
:class:`lessons.race.surfaces.Surface`. The point is treated exactly like a PyTorch
parameter of shape (2,), so a path matches ``torch.optim`` step for step.
:func:`run_race` does the same from plain, hashable descriptions
(:class:`core.optimizers.OptimizerSpec` and a ``core.schedules`` schedule), which is what a
page caches on; :class:`RaceSetup` bundles those values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from core import schedules
from core.optimizers import OptimizerSpec
from lessons.race.surfaces import Surface, as_surface


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
    surface = as_surface(surface)
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
    surface = as_surface(surface)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {points.shape}")
    if not surface.minima:
        return np.full(points.shape[:-1], np.inf)
    minima = np.asarray(surface.minima, dtype=np.float64)
    gaps = points[..., None, :] - minima  # (..., n_minima, 2)
    return np.sqrt((gaps**2).sum(axis=-1)).min(axis=-1)


def labelled(specs: Mapping[str, OptimizerSpec] | Sequence[OptimizerSpec]) -> dict:
    """Label -> spec: a mapping as it is, a sequence under each optimizer's display label."""
    if isinstance(specs, Mapping):
        return dict(specs)
    return {spec.label: spec for spec in specs}


def run_race(
    surface,
    specs: Mapping[str, OptimizerSpec] | Sequence[OptimizerSpec],
    start=None,
    steps: int = 100,
    schedule: tuple[str, Mapping] | None = None,
) -> RaceResult:
    """Race the optimizers described by ``specs`` on ``surface``.

    Parameters
    ----------
    surface : Surface or str
    specs : mapping of str -> OptimizerSpec, or sequence of OptimizerSpec
        Label -> optimizer (the labels name the paths in the result); a sequence races
        under the optimizers' display labels (see :func:`labelled`).
    start : (x, y), optional
        Start point; the surface's default start when omitted.
    steps : int, default 100
    schedule : (name, kwargs), optional
        A ``core.schedules`` schedule applied to every optimizer, each starting from its
        own ``lr``; ``None`` or ``"constant"`` keeps every learning rate fixed. ``kwargs``
        is a mapping or a sequence of (key, value) pairs.

    Returns
    -------
    RaceResult
        See :func:`race`: paths of shape (k + 1, 2), losses, learning rates used, and the
        step at which each optimizer diverged.
    """
    specs = labelled(specs)
    if not specs:
        raise ValueError("choose at least one optimizer to race")
    optimizer_objects = {label: spec.build() for label, spec in specs.items()}
    lr_at = None
    if schedule is not None and schedule[0] != "constant":
        name, kwargs = schedule[0], dict(schedule[1])
        lr_at = {label: schedules.make(name, spec.lr, **kwargs) for label, spec in specs.items()}
    return race(as_surface(surface), optimizer_objects, start, steps, schedule=lr_at)


class RaceSetup(NamedTuple):
    """A surface race in plain, hashable values: what a page chooses and caches on.

    Attributes
    ----------
    surface : str
        Surface name.
    specs : tuple of OptimizerSpec
        The racing optimizers, labelled by their display labels.
    start : (x, y)
    steps : int
    schedule : (name, ((key, value), ...))
        A ``core.schedules`` schedule and its keyword arguments as sorted pairs.
    """

    surface: str
    specs: tuple[OptimizerSpec, ...]
    start: tuple[float, float]
    steps: int
    schedule: tuple[str, tuple] = ("constant", ())

    def run(self) -> RaceResult:
        """The race (see :func:`run_race`)."""
        return run_race(self.surface, self.specs, self.start, self.steps, self.schedule)
