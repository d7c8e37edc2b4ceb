"""The seed's synthetic semiconductor table: layout, labels, units, class balance."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from yieldmodel.seed_data import (
    SEMICONDUCTOR_FEATURES,
    SEMICONDUCTOR_UNITS,
    semiconductor,
    semiconductor_overfit,
)

# ------------------------------------------------------------------------------ semiconductor

SEED_KWARGS = dict(n_features=20, n_informative=15, n_redundant=3)


def test_semiconductor_layout_and_the_seed_labels():
    frame = semiconductor()
    assert frame.shape == (5000, 21)
    assert list(frame.columns) == SEMICONDUCTOR_FEATURES + ["fail"]
    assert len(SEMICONDUCTOR_FEATURES) == 20 == len(set(SEMICONDUCTOR_FEATURES))
    required = ["Vdd_min", "Vdd_max", "Vdd_typ", "Idd_active", "Idd_standby", "Idd_sleep",
                "freq_min", "freq_max", "freq_typ", "power", "temperature", "leakage"]  # fmt: skip
    assert SEMICONDUCTOR_FEATURES[:12] == required
    assert set(SEMICONDUCTOR_UNITS) == set(SEMICONDUCTOR_FEATURES)
    assert frame["fail"].dtype == np.int64 and set(frame["fail"]) == {0, 1}
    assert all(frame[c].dtype == np.float64 for c in SEMICONDUCTOR_FEATURES)
    # The seed's call, made here directly: labels equal, each column an affine map of Z.
    Z, y = make_classification(
        n_samples=5000, class_sep=1.5, flip_y=0.1, random_state=42, **SEED_KWARGS
    )
    np.testing.assert_array_equal(frame["fail"].to_numpy(), y)
    for column, name in enumerate(SEMICONDUCTOR_FEATURES):
        values = frame[name].to_numpy()
        slope, intercept = np.polyfit(Z[:, column], values, 1)
        np.testing.assert_allclose(values, slope * Z[:, column] + intercept, atol=1e-9)
        assert slope > 0


def test_semiconductor_values_look_physical():
    frame = semiconductor(n=5000, rng=0)
    for name in ("Vdd_min", "Vdd_max", "Vdd_typ", "Vth_n"):
        assert frame[name].between(0.05, 2.0).all(), name
    assert frame["Vth_p"].between(-2.0, -0.05).all()
    for name in ("Idd_active", "Idd_standby", "Idd_sleep", "freq_min", "freq_max", "freq_typ",
                 "power", "leakage", "ring_osc", "iddq", "contact_res", "gate_ox", "setup_time",
                 "hold_time"):  # fmt: skip
        assert (frame[name] > 0).all(), name
    assert frame["freq_max"].median() > frame["freq_typ"].median() > frame["freq_min"].median()
    assert frame["Vdd_max"].median() > frame["Vdd_typ"].median() > frame["Vdd_min"].median()
    assert frame["temperature"].between(-40, 150).all()


def test_semiconductor_fail_rate_control():
    assert semiconductor(n=4000, rng=1)["fail"].mean() == pytest.approx(0.5, abs=0.03)
    exact = semiconductor(n=4000, rng=1, fail_rate=0.2, flip_y=0.0)["fail"].mean()
    assert exact == pytest.approx(0.2, abs=0.005)
    # make_classification re-draws a share flip_y of labels uniformly over both classes.
    noisy = semiconductor(n=20000, rng=1, fail_rate=0.2, flip_y=0.1)["fail"].mean()
    assert noisy == pytest.approx(0.9 * 0.2 + 0.1 * 0.5, abs=0.01)


def test_semiconductor_generator_rng_and_reproducibility():
    a = semiconductor(n=300, rng=np.random.default_rng(9))
    b = semiconductor(n=300, rng=np.random.default_rng(9))
    assert a.equals(b)
    assert not a.equals(semiconductor(n=300, rng=np.random.default_rng(10)))


def test_semiconductor_overfit_variant():
    frame = semiconductor_overfit()
    assert frame.shape == (2000, 21)
    _, y = make_classification(
        n_samples=2000, class_sep=1.2, flip_y=0.15, random_state=42, **SEED_KWARGS
    )
    np.testing.assert_array_equal(frame["fail"].to_numpy(), y)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"fail_rate": 0.0}, "fail_rate"),
        ({"fail_rate": 1.0}, "fail_rate"),
        ({"flip_y": 1.5}, "flip_y"),
        ({"class_sep": -1.0}, "class_sep"),
        ({"n": 5}, "n"),
        ({"rng": "seed"}, "rng"),
    ],
)
def test_semiconductor_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        semiconductor(**kwargs)
