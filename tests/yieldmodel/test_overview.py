"""yieldmodel.overview: the generated table's settings, and the data overview's numbers."""

import numpy as np
import pandas as pd
import pytest

from yieldmodel import seed_data
from yieldmodel.overview import (
    GeneratedData,
    TrainingTable,
    feature_correlation,
    majority_share,
)


def test_generated_data_defaults_are_the_seed_and_build_its_table():
    data = GeneratedData(rows=300)
    pd.testing.assert_frame_equal(data.table(), seed_data.semiconductor(300, rng=42))
    assert data.describe() == (
        "generated data: 300 dies, balanced (the seed), 10 % label noise, seed 42"
    )
    assert data.key == ("generated", 300, 50, 10, 42)


def test_a_fail_rate_other_than_fifty_percent_is_passed_on():
    data = GeneratedData(rows=2000, fail_percent=5, noise_percent=0, seed=1)
    expected = seed_data.semiconductor(2000, rng=1, fail_rate=0.05, flip_y=0.0)
    pd.testing.assert_frame_equal(data.table(), expected)
    assert "5 % fail rate, 0 % label noise, seed 1" in data.describe()


@pytest.mark.parametrize(("y", "share"), [([0, 0, 0, 1], 0.75), ([1, 1, 0, 1, 1], 0.8)])
def test_majority_share(y, share):
    assert majority_share(np.array(y)) == pytest.approx(share)


def test_feature_correlation_of_exact_linear_relations():
    x = np.array([1.0, 2.0, 4.0, 8.0, np.nan])
    frame = pd.DataFrame({"x": x, "double": 2 * x + 1, "minus": -x})
    np.testing.assert_allclose(
        feature_correlation(frame, ["x", "double", "minus"]),
        [[1, 1, -1], [1, 1, -1], [-1, -1, 1]],
        atol=1e-12,
    )
    with pytest.raises(ValueError, match="two complete rows"):
        feature_correlation(frame.iloc[3:], ["x", "double"])


def test_training_tables_name_their_source():
    data = GeneratedData(rows=200)
    generated = TrainingTable.generated(data, data.table())
    assert (generated.label, generated.key, generated.examples) == ("fail", data.key, True)
    assert generated.description == data.describe()
    frame = pd.DataFrame({"x": [1.0, 2.0], "Result": ["pass", "fail"]})
    own = TrainingTable.uploaded(frame, "wafer.csv", "f1", "Result", ["lot"])
    assert own.key == ("own", "f1", "Result", ("lot",)) and not own.examples
    assert own.description == "wafer.csv (label 'Result')" and own.exclude == ("lot",)
