"""Race presets: every surface and optimizer covered, each default race teaches something."""

import numpy as np
import pytest

from core import optimizers
from core.optimizers import OptimizerSpec
from lessons.race import presets, surfaces
from lessons.race.presets import PRESETS, preset
from lessons.race.racing import run_race

ALL_OPTIMIZERS = sorted(optimizers.OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(surfaces.SURFACES))
def test_presets_cover_every_surface_and_optimizer(name):
    surface = surfaces.get(name)
    chosen = preset(name)
    assert sorted(chosen.learning_rates) == ALL_OPTIMIZERS
    assert next(iter(chosen.starts.values())) == surface.start
    (x0, x1), (y0, y1) = surface.bounds
    for x, y in chosen.starts.values():
        assert x0 <= x <= x1 and y0 <= y <= y1
    assert chosen.lesson and 10 <= chosen.steps <= 1000
    # The default race of every optimizer stays finite from every preset start.
    specs = {opt: OptimizerSpec(opt, lr) for opt, lr in chosen.learning_rates.items()}
    for start in chosen.starts.values():
        result = run_race(name, specs, start, chosen.steps)
        assert result.diverged == [], (name, start)


def test_the_bowl_preset_shows_momentum_overshooting():
    rates = PRESETS["quadratic"].learning_rates
    specs = {opt: OptimizerSpec(opt, rates[opt]) for opt in ("sgd", "momentum", "adagrad")}
    result = run_race("quadratic", specs, (1.0, 1.0), PRESETS["quadratic"].steps)
    # SGD's x shrinks by (1 - 2 lr) > 0 each step, so it never crosses x = 0 ...
    assert np.all(result["sgd"][:, 0] > 0)
    # ... while momentum carries the point past the minimum.
    assert result["momentum"][:, 0].min() < -0.1
    # Adagrad's step lengths shrink.
    steps = np.linalg.norm(np.diff(result["adagrad"], axis=0), axis=1)
    assert steps[20] < steps[0] / 5


def test_start_names_follow_the_preset_points():
    assert presets.start_name("quadratic", (0.2, 1.3)) == "Steep side (0.2, 1.3)"
    assert presets.start_name(surfaces.get("quadratic"), (1, 1)) == "Corner (1, 1)"
    assert presets.start_name("quadratic", (0.2, 1.31)) == presets.CUSTOM_START


def test_page_defaults_are_offered_choices():
    assert set(presets.DEFAULT_OPTIMIZERS) <= set(optimizers.OPTIMIZERS)
    assert presets.DEFAULT_SURFACE in surfaces.SURFACES
    assert presets.DEFAULT_TOLERANCE in presets.TOLERANCES
    assert presets.MIN_STEPS <= min(p.steps for p in PRESETS.values())
    assert max(p.steps for p in PRESETS.values()) <= presets.MAX_STEPS
