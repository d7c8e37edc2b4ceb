"""Population stability index: worked examples, exact binned normals, flags and bad input."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from yieldmodel import drift


def test_psi_worked_example():
    # (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.25 (ln 2 + ln 1.5)
    assert drift.psi_from_shares([0.5, 0.5], [0.25, 0.75]) == pytest.approx(0.2746530722, 1e-9)


def test_psi_is_zero_for_identical_shares_and_reads_counts():
    assert drift.psi_from_shares([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == 0.0
    assert drift.psi_from_shares([20, 30, 50], [2, 3, 5]) == 0.0
    assert drift.psi_from_shares([10, 10], [5, 15]) == pytest.approx(0.2746530722, 1e-9)


def test_empty_bins_are_floored_at_epsilon():
    # expected becomes [1, 1e-4]: (0.5 - 1) ln(0.5) + (0.5 - 1e-4) ln(0.5 / 1e-4)
    by_hand = -0.5 * math.log(0.5) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert drift.psi_from_shares([1.0, 0.0], [0.5, 0.5]) == pytest.approx(by_hand, 1e-12)


@pytest.mark.parametrize(
    ("psi", "name"),
    [
        (0.0, "stable"),
        (0.0999, "stable"),
        (0.1, "moderate shift"),
        (0.2499, "moderate shift"),
        (0.25, "major shift"),
        (3.0, "major shift"),
        (math.nan, "no data"),
    ],
)
def test_bands_follow_the_usual_thresholds(psi, name):
    assert drift.band(psi) == name


def exact_decile_psi(shift: float) -> float:
    """PSI of N(shift, 1) against N(0, 1) in the deciles of N(0, 1), from the normal CDF."""
    inner = norm.ppf(np.linspace(0, 1, 11)[1:-1])
    cdf = np.concatenate([[0.0], norm.cdf(inner - shift), [1.0]])
    actual = np.diff(cdf)
    return float(np.sum((actual - 0.1) * np.log(actual / 0.1)))


def test_sample_psi_matches_the_exact_binned_value_of_a_shifted_normal():
    generator = np.random.default_rng(0)
    train = generator.normal(size=(100_000, 2))
    new = generator.normal(size=(100_000, 2)) + np.array([0.0, 0.5])
    table = drift.check(drift.reference(train, ["same", "moved"]), new, ["same", "moved"])
    psi = dict(zip(table["feature"], table["PSI"]))
    # Fine bins would give the symmetric KL divergence shift² = 0.25; ten bins lose a little.
    assert 0.2 < exact_decile_psi(0.5) < 0.25
    assert psi["moved"] == pytest.approx(exact_decile_psi(0.5), abs=0.01)
    assert psi["same"] < 0.002
    flags = dict(zip(table["feature"], table["flag"]))
    assert flags == {"same": False, "moved": True}
    assert table["feature"].tolist() == ["moved", "same"]  # largest PSI first


def test_values_beyond_the_training_range_land_in_the_outer_bins():
    train = np.arange(1000, dtype=float)[:, None]
    ref = drift.reference(train, ["x"])
    new = np.full((200, 1), 5000.0)
    expected = ref["features"]["x"]["expected"]
    all_in_last = [0.0] * (len(expected) - 1) + [1.0]
    table = drift.check(ref, new, ["x"])
    assert table.loc[0, "PSI"] == pytest.approx(drift.psi_from_shares(expected, all_in_last))
    assert table.loc[0, "status"] == "major shift"


def test_tied_values_give_fewer_bins_whose_shares_sum_to_one():
    train = np.repeat([1.0, 2.0, 3.0], [500, 300, 200])[:, None]
    entry = drift.reference(train, ["grade"])["features"]["grade"]
    assert len(entry["edges"]) < drift.N_BINS - 1
    assert sum(entry["expected"]) == pytest.approx(1.0)
    same = drift.check({"version": 1, "n_bins": 10, "features": {"grade": entry}}, train, ["grade"])
    assert same.loc[0, "PSI"] == pytest.approx(0.0, abs=1e-12)


def test_missing_values_are_left_out_and_reported():
    generator = np.random.default_rng(1)
    train = generator.normal(size=(1000, 2))
    train[:100, 0] = np.nan
    new = generator.normal(size=(400, 2))
    new[:, 1] = np.nan  # a column empty in the upload
    new[:40, 0] = np.inf
    table = drift.check(drift.reference(train, ["a", "b"]), new, ["a", "b"]).set_index("feature")
    assert table.loc["a", "missing (training)"] == pytest.approx(0.1)
    assert table.loc["a", "missing"] == pytest.approx(0.1)
    assert table.loc["a", "rows used"] == 360
    assert math.isnan(table.loc["b", "PSI"])
    assert table.loc["b", "status"] == "no data"
    assert table.loc["b", "flag"]


def test_few_rows_are_not_judged():
    generator = np.random.default_rng(2)
    ref = drift.reference(generator.normal(size=(1000, 1)), ["x"])
    table = drift.check(ref, generator.normal(size=(10, 1)), ["x"])
    assert table.loc[0, "PSI"] > drift.DRIFT_BANDS[1][0]  # sampling noise alone looks 'major'
    assert not table.loc[0, "flag"]
    assert table.loc[0, "status"] == "too few values (10) to judge"


def test_reference_survives_json():
    generator = np.random.default_rng(3)
    train = generator.normal(size=(500, 3))
    ref = json.loads(json.dumps(drift.reference(train, ["a", "b", "c"])))
    table = drift.check(ref, train, ["a", "b", "c"])
    np.testing.assert_allclose(table["PSI"], 0.0, atol=1e-12)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="equal length"):
        drift.psi_from_shares([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match="non-negative"):
        drift.psi_from_shares([0.5, 0.5], [-1.0, 2.0])
    with pytest.raises(ValueError, match="n_bins"):
        drift.reference(np.zeros((5, 1)), ["x"], n_bins=1)
    with pytest.raises(ValueError, match="feature names"):
        drift.reference(np.zeros((5, 2)), ["x"])
    with pytest.raises(ValueError, match="drift reference"):
        drift.check({"features": {}}, np.zeros((5, 1)), ["x"])


def test_noise_level_is_the_mean_psi_of_unmoved_samples():
    generator = np.random.default_rng(4)
    train = generator.normal(size=(4000, 1))
    ref = drift.reference(train, ["x"])
    values = [
        drift.check(ref, generator.normal(size=(400, 1)), ["x"]).loc[0, "PSI"] for _ in range(300)
    ]
    # 9 * (1/400 + 1/4000) = 0.02475
    assert drift.noise_level(400, 4000) == pytest.approx(0.02475)
    assert np.mean(values) == pytest.approx(drift.noise_level(400, 4000), rel=0.15)


def test_noise_limit_keeps_small_unmoved_files_quiet_and_catches_real_shifts():
    generator = np.random.default_rng(6)
    ref = drift.reference(generator.normal(size=(4000, 1)), ["x"])
    # chi2.ppf(0.99, 9) = 21.666 times (1/60 + 1/4000)
    assert drift.noise_limit(60, 4000) == pytest.approx(21.666 * (1 / 60 + 1 / 4000), rel=1e-4)
    unmoved = [drift.check(ref, generator.normal(size=(60, 1)), ["x"]) for _ in range(200)]
    assert np.mean([table.loc[0, "PSI"] >= 0.1 for table in unmoved]) > 0.5  # bands alone
    # The chi-square law is a large-sample approximation: about 4 % instead of 1 % at 60 rows.
    assert np.mean([table.loc[0, "flag"] for table in unmoved]) < 0.08
    larger = [drift.check(ref, generator.normal(size=(300, 1)), ["x"]) for _ in range(200)]
    assert np.mean([table.loc[0, "flag"] for table in larger]) < 0.03
    quiet = next(table for table in unmoved if 0.1 <= table.loc[0, "PSI"] < 0.3)
    assert quiet.loc[0, "status"] == "within sampling noise"
    assert not quiet.loc[0, "flag"]
    moved = [drift.check(ref, generator.normal(1.0, 1.0, (60, 1)), ["x"]) for _ in range(50)]
    assert np.mean([table.loc[0, "flag"] for table in moved]) > 0.9


def _table(rows: int, psi: list[float], flags: list[bool]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feature": [f"f{i}" for i in range(len(psi))],
            "PSI": psi,
            "status": [drift.band(value) for value in psi],
            "flag": flags,
            "rows used": rows,
        }
    )


def test_summaries_say_unknown_too_few_stable_or_drifted():
    assert drift.summarise(None, 800).level == "unknown"
    few = drift.summarise(_table(30, [0.5], [True]), 800)
    assert few.level == "too few" and "this file has 30" in few.message and few.caption == ""
    stable = drift.summarise(_table(200, [0.05, 0.02], [False, False]), 800)
    assert stable.level == "stable" and "below 0.1" in stable.message
    limit = drift.noise_limit(200, 800)
    assert f"it stays below {limit:.3f} in 99 files out of 100" in stable.caption
    drifted = drift.summarise(_table(200, [0.9, 0.3, 0.05], [True, True, False]), 800)
    assert drifted.level == "drifted"
    assert drifted.message.startswith(
        "2 feature(s) flagged: f0 (major shift), f1 (major shift). The model is scoring"
    )


def test_a_long_list_of_flagged_features_is_cut_short():
    many = drift.summarise(_table(200, [0.5] * 11, [True] * 11), 800)
    assert "f7 (major shift) and 3 more." in many.message and "f8" not in many.message
