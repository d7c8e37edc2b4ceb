"""The race on a surface: paths against PyTorch and closed forms, divergence, schedules."""

import numpy as np
import pytest

from core import optimizers, schedules
from core.optimizers import OptimizerSpec
from lessons.race.racing import RaceResult, RaceSetup, labelled, nearest_minimum_distance, race
from lessons.race.surfaces import get
from tests.core._reference import reference, rel_error

REFERENCE = reference()
TORCH_TO_OURS = {"SGD": "sgd", "Adagrad": "adagrad", "RMSprop": "rmsprop", "Adam": "adam",
                 "AdamW": "adamw"}  # fmt: skip


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


def test_specs_race_under_their_labels_and_a_setup_runs_them():
    specs = (OptimizerSpec("sgd", 0.04), OptimizerSpec.of("rmsprop", 0.01, centered=True))
    assert list(labelled(specs)) == ["SGD", "RMSprop"]
    assert labelled({"mine": specs[0]}) == {"mine": specs[0]}
    schedule = ("step", (("gamma", 0.5), ("step_size", 3)))
    result = RaceSetup("quadratic", specs, (1.0, 1.0), 7, schedule).run()
    assert list(result) == ["SGD", "RMSprop"]
    np.testing.assert_allclose(result.lrs["SGD"], 0.04 * 0.5 ** (np.arange(7) // 3))
    # SGD's x shrinks by (1 - 2 lr_k) each step.
    np.testing.assert_allclose(result["SGD"][-1, 0], np.prod(1 - 2 * result.lrs["SGD"]))
    # Equal settings make equal, hashable setups, so a page can key a cache on them.
    again = RaceSetup("quadratic", tuple(specs), (1.0, 1.0), 7, schedule)
    assert again == RaceSetup("quadratic", specs, (1.0, 1.0), 7, schedule)
    assert hash(again) == hash(RaceSetup("quadratic", specs, (1.0, 1.0), 7, schedule))
