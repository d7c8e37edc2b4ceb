r"""How a race ended, as numbers and as the tables a page shows.

* :func:`summarize` — one row per optimizer of a surface race: final loss, the gap
  :math:`f - f^*` to the global minimum value, the distance to the nearest listed minimum,
  the first step at which :math:`f - f^* \le \text{tol}`, and the step at which it diverged.
* :func:`results_table` — those rows as display text; :func:`network_table` — the network
  race's comparison with readable column names.
* :func:`surface_grid` — ``f`` over a regular grid of the surface's bounds, for contours.
"""

from __future__ import annotations

import math

import numpy as np

from lessons.race import surfaces
from lessons.race.network_race import NetworkRaceResult
from lessons.race.racing import RaceResult, labelled, nearest_minimum_distance


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
    surface = surfaces.as_surface(surface)
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
                    float(nearest_minimum_distance(surface, final)) if surface.minima else None
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
    surface = surfaces.as_surface(surface)
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, surface.f(grid_x, grid_y)


def results_table(surface, result: RaceResult, tolerance: float, specs) -> list[dict]:
    """The :func:`summarize` rows as display text, one dict per optimizer, in race order.

    Numbers span 1e-95 to 1e+200, so each gets its own short format. The gap f − f* has a
    column only where it differs from f (f* ≠ 0); "—" marks what a surface without
    minima cannot have, "never" an arrival that did not happen.

    Parameters
    ----------
    surface : Surface or str
    result : RaceResult
    tolerance : float
        Gap that counts as arrived.
    specs : mapping of str -> OptimizerSpec, or sequence of OptimizerSpec
        The racers (see ``racing.labelled``); their learning rates fill the "η" column.
    """
    rates = {label: spec.lr for label, spec in labelled(specs).items()}
    surface = surfaces.as_surface(surface)
    show_gap = surface.min_value not in (None, 0.0)
    never = "never" if surface.min_value is not None else "—"
    table = []
    for row in summarize(surface, result, tolerance):
        entry = {
            "Optimizer": row["label"],
            "η": rates[row["label"]],
            "Final (x, y)": f"({row['x']:.4g}, {row['y']:.4g})",
            "Final f": f"{row['loss']:.4g}",
        }
        if show_gap:
            entry["f − f*"] = f"{row['gap']:.3g}"
        entry["Distance to minimum"] = "—" if row["distance"] is None else f"{row['distance']:.3g}"
        arrived, failed = row["steps_to_tolerance"], row["diverged_at"]
        entry["Steps to arrive"] = never if arrived is None else str(arrived)
        entry["Diverged at step"] = "" if failed is None else str(failed)
        table.append(entry)
    return table


def results_help(tolerance: float) -> dict[str, str]:
    """Hover help of the :func:`results_table` columns that need one."""
    return {
        "Final f": "f at the last point.",
        "Distance to minimum": "Euclidean distance to the nearest global minimum (★).",
        "Steps to arrive": f"First step with f − f* ≤ {tolerance:g}.",
        "Diverged at step": "Step whose result was not finite; empty if the run stayed finite.",
    }


def network_table(result: NetworkRaceResult) -> list[dict]:
    """The seed-style comparison of a network race with readable column names."""
    target = f"Epochs to {result.target_accuracy:.0%}"
    return [
        {
            "Optimizer": row["optimizer"],
            "η": row["lr"],
            "Final loss": row["final_loss"],
            "Final val accuracy": row["final_val_accuracy"],
            target: "never" if row["epochs_to_target"] is None else str(row["epochs_to_target"]),
            "Seconds": row["seconds"],
            "Note": f"diverged after {row['epochs']} epochs" if row["diverged"] else "",
        }
        for row in result.table()
    ]
