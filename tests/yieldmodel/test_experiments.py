"""The seed's two experiments: one row per setting, the lessons they show."""

import numpy as np
import pytest

from core.initializers import INIT_LABELS
from yieldmodel import seed_data
from yieldmodel.experiments import EXPERIMENT_COLUMNS, run_experiment

# ---------------------------------------------------------------------------- experiments


def test_initialisation_experiment_shows_tiny_weights_stalling():
    table = run_experiment("initialisation", epochs=4)
    assert table.columns.tolist() == list(EXPERIMENT_COLUMNS)
    by_setting = table.set_index("setting")
    assert by_setting.loc[INIT_LABELS["random"], "validation accuracy"] < 0.6
    assert by_setting.loc["He (Kaiming) normal", "validation accuracy"] > 0.8
    np.testing.assert_allclose(
        table["gap"], table["train accuracy"] - table["validation accuracy"], atol=1e-12
    )


def test_regularisation_experiment_has_one_row_per_variant():
    small = seed_data.semiconductor_overfit(300, rng=42)
    calls = []
    table = run_experiment(
        "regularisation", df=small, epochs=2, progress=lambda d, t: calls.append((d, t))
    )
    assert table["setting"].tolist() == ["None", "L2 (λ = 0.01)", "Dropout 0.5", "L2 + dropout"]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    with pytest.raises(ValueError, match="unknown experiment 'pruning'"):
        run_experiment("pruning")
