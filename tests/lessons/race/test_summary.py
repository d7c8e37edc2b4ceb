"""How races ended: summary rows from closed-form paths, and the tables a page shows."""

import math

import numpy as np
import pytest

from core.optimizers import OptimizerSpec
from lessons.race import network_race, network_tasks, surfaces
from lessons.race.racing import run_race
from lessons.race.summary import (
    network_table,
    results_help,
    results_table,
    steps_to_tolerance,
    summarize,
    surface_grid,
)


def test_steps_to_tolerance_worked_example():
    losses = [5.0, 1.0, 0.01, 0.001, 0.0001]
    assert steps_to_tolerance(losses, 0.0, 1e-3) == 3
    assert steps_to_tolerance(losses, 0.0, 10.0) == 0
    assert steps_to_tolerance(losses, 0.0, 1e-6) is None
    assert steps_to_tolerance([-1.0, -1.03], -1.0316, 0.01) == 1
    assert steps_to_tolerance(losses, None, 1e-3) is None
    with pytest.raises(ValueError, match="tolerance"):
        steps_to_tolerance(losses, 0.0, 0.0)


def test_sgd_on_the_bowl_follows_the_closed_form():
    # On x^2 + 10 y^2 one SGD step multiplies x by (1 - 2 lr) and y by (1 - 20 lr).
    lr, steps = 0.04, 30
    result = run_race("quadratic", {"SGD": OptimizerSpec("sgd", lr)}, (1.0, 1.0), steps)
    k = np.arange(steps + 1)
    expected = np.column_stack([(1 - 2 * lr) ** k, (1 - 20 * lr) ** k])
    np.testing.assert_allclose(result["SGD"], expected, rtol=1e-12, atol=1e-300)

    (row,) = summarize("quadratic", result, tolerance=1e-2)
    x, y = expected[-1]
    assert row["label"] == "SGD"
    assert (row["x"], row["y"]) == pytest.approx((x, y), rel=1e-12)
    assert row["loss"] == pytest.approx(x**2 + 10 * y**2, rel=1e-12)
    assert row["gap"] == pytest.approx(x**2 + 10 * y**2, rel=1e-12)
    assert row["distance"] == pytest.approx(math.hypot(x, y), rel=1e-12)
    gaps = expected[:, 0] ** 2 + 10 * expected[:, 1] ** 2
    assert gaps[-1] <= 1e-2 < gaps[0]
    assert row["steps_to_tolerance"] == np.flatnonzero(gaps <= 1e-2)[0]
    assert row["steps_taken"] == steps and row["diverged_at"] is None


def test_schedule_scales_each_optimizers_own_rate():
    specs = {"slow": OptimizerSpec("sgd", 0.02), "fast": OptimizerSpec("sgd", 0.04)}
    result = run_race("quadratic", specs, (1.0, 1.0), 12, ("step", {"step_size": 5, "gamma": 0.5}))
    k = np.arange(12)
    np.testing.assert_allclose(result.lrs["slow"], 0.02 * 0.5 ** (k // 5))
    np.testing.assert_allclose(result.lrs["fast"], 0.04 * 0.5 ** (k // 5))
    # x is multiplied by (1 - 2 lr_k) at every step.
    np.testing.assert_allclose(result["fast"][-1, 0], np.prod(1 - 2 * result.lrs["fast"]))
    constant = run_race("quadratic", specs, (1.0, 1.0), 12, ("constant", {}))
    np.testing.assert_allclose(constant.lrs["fast"], 0.04)


def test_diverging_sgd_is_cut_and_reported():
    specs = {"SGD": OptimizerSpec("sgd", 1.0), "Adam": OptimizerSpec("adam", 0.1)}
    result = run_race("rosenbrock", specs, (-1.5, 2.0), 50)
    rows = {row["label"]: row for row in summarize("rosenbrock", result)}
    failed = rows["SGD"]["diverged_at"]
    assert isinstance(failed, int) and 1 <= failed <= 50
    assert rows["SGD"]["steps_taken"] == failed - 1
    assert math.isfinite(rows["SGD"]["loss"])
    assert rows["Adam"]["diverged_at"] is None and rows["Adam"]["steps_taken"] == 50


def test_distance_uses_the_nearest_of_himmelblaus_minima():
    result = run_race("himmelblau", {"Adam": OptimizerSpec("adam", 0.1)}, (3.0, -1.0), 150)
    (row,) = summarize("himmelblau", result)
    minima = np.array(surfaces.get("himmelblau").minima)
    final = np.array([row["x"], row["y"]])
    assert row["distance"] == pytest.approx(np.min(np.linalg.norm(minima - final, axis=1)))
    assert row["distance"] < 0.05  # it settled in the minimum near (3.58, -1.85)


def test_saddle_has_no_gap_distance_or_arrival():
    result = run_race("saddle", {"SGD": OptimizerSpec("sgd", 0.1)}, (1.5, 0.01), 20)
    (row,) = summarize("saddle", result)
    assert row["gap"] is None and row["distance"] is None and row["steps_to_tolerance"] is None
    assert row["loss"] < 0  # it went down the open side


def test_adams_first_step_has_length_lr_in_every_coordinate():
    result = run_race("quadratic", {"Adam": OptimizerSpec("adam", 0.1)}, (1.0, 1.0), 1)
    np.testing.assert_allclose(result["Adam"][1], [0.9, 0.9], atol=1e-7)


def test_bad_specs_raise_clear_errors():
    with pytest.raises(ValueError, match="at least one optimizer"):
        run_race("quadratic", {}, None, 5)
    with pytest.raises(ValueError, match="as lr"):
        run_race("quadratic", {"a": OptimizerSpec("sgd", 0.1, (("lr", 0.2),))}, None, 5)
    with pytest.raises(ValueError, match="optimizer"):
        run_race("quadratic", {"a": OptimizerSpec("sgdd", 0.1)}, None, 5)
    with pytest.raises(ValueError, match="schedule"):
        run_race("quadratic", {"a": OptimizerSpec("sgd", 0.1)}, None, 5, ("cosinus", {}))


def test_surface_grid_rows_follow_y():
    xs, ys, values = surface_grid("rosenbrock", 21)
    assert xs.shape == ys.shape == (21,) and values.shape == (21, 21)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (-2.0, 2.0, -1.0, 3.0)
    i, j = 4, 15
    x, y = xs[j], ys[i]
    assert values[i, j] == pytest.approx((1 - x) ** 2 + 100 * (y - x**2) ** 2)
    with pytest.raises(ValueError, match="n"):
        surface_grid("rosenbrock", 1)


def test_results_table_formats_each_row_as_text():
    specs = {"SGD": OptimizerSpec("sgd", 0.001), "Wild": OptimizerSpec("sgd", 1.0)}
    result = run_race("rosenbrock", specs, (-1.5, 2.0), 30)
    rows = results_table("rosenbrock", result, 1e-3, specs)
    sgd, wild = rows
    path = result["SGD"]
    x, y = path[-1]
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    assert sgd["Optimizer"] == "SGD" and sgd["η"] == 0.001
    assert sgd["Final (x, y)"] == f"({x:.4g}, {y:.4g})"
    assert sgd["Final f"] == f"{f:.4g}"
    assert sgd["Distance to minimum"] == f"{np.hypot(x - 1, y - 1):.3g}"
    assert sgd["Steps to arrive"] == "never" and sgd["Diverged at step"] == ""
    assert "f − f*" not in sgd  # f* = 0, so the gap is f itself
    assert wild["Diverged at step"] == str(result.diverged_at["Wild"])


def test_results_table_shows_the_gap_and_dashes_where_they_mean_something():
    adam = [OptimizerSpec("adam", 0.05)]
    camel = run_race("six_hump_camel", adam, (0.1, -0.7), 200)
    (row,) = results_table("six_hump_camel", camel, 1e-2, adam)
    assert row["η"] == 0.05
    f_star = surfaces.get("six_hump_camel").min_value
    assert row["f − f*"] == f"{camel.losses['Adam'][-1] - f_star:.3g}"
    assert row["Steps to arrive"] == str(np.flatnonzero(camel.losses["Adam"] - f_star <= 1e-2)[0])
    sgd = [OptimizerSpec("sgd", 0.1)]
    saddle = run_race("saddle", sgd, None, 5)
    (row,) = results_table("saddle", saddle, 1e-2, sgd)
    assert row["Distance to minimum"] == "—" and row["Steps to arrive"] == "—"
    help_texts = results_help(1e-6)
    assert set(help_texts) <= set(row) | {"f − f*"}
    assert help_texts["Steps to arrive"] == "First step with f − f* ≤ 1e-06."


def test_network_table_names_the_target_and_marks_divergence():
    task = network_tasks.make_task("gauss", n=80)
    specs = {"wild": OptimizerSpec("sgd", 100.0), "calm": OptimizerSpec("adam", 0.05)}
    result = network_race.network_race(task, specs, epochs=6)
    wild, calm = network_table(result)
    assert list(calm) == [
        "Optimizer",
        "η",
        "Final loss",
        "Final val accuracy",
        "Epochs to 90%",
        "Seconds",
        "Note",
    ]
    run = result.runs["calm"]
    assert calm["Final loss"] == run.loss[-1] and calm["η"] == 0.05
    reached = np.flatnonzero(run.val_accuracy >= 0.9)
    assert calm["Epochs to 90%"] == (str(reached[0] + 1) if reached.size else "never")
    assert calm["Note"] == ""
    assert result.setting() == "Network 2 → 8 → 8 → 1, 6 epochs, full batch"
    mini = network_race.network_race(task, [OptimizerSpec("sgd", 0.1)], epochs=1, batch_size=16)
    assert mini.setting() == "Network 2 → 8 → 8 → 1, 1 epochs, mini-batches of 16"
    if result.runs["wild"].diverged:
        assert wild["Note"] == f"diverged after {result.runs['wild'].loss.size} epochs"
