"""The seed notebook's synthetic semiconductor parametric-test table.

:func:`semiconductor` builds it like the seed does (``make_classification`` with 20 features,
15 informative, 3 redundant) and maps each column onto a plausible unit (V, mA, MHz, °C, ...);
:func:`semiconductor_overfit` is the small, noisy variant the regularisation experiment uses.
All randomness comes from the ``rng`` argument (an int seed or a ``numpy.random.Generator``).
"""

from __future__ import annotations

import numpy as np

from core.validation import check_count

# ---------------------------------------------------------------------------------------------
# Semiconductor parametric tests
# ---------------------------------------------------------------------------------------------
# Each column is nominal + spread * z, with z a make_classification feature (typical standard
# deviation 1-6). Spreads are about 2 % of the nominal value, so even |z| = 25 keeps
# quantities that must be positive (currents, frequencies, times) positive.

_SEMICONDUCTOR_COLUMNS: dict[str, tuple[float, float, str]] = {
    # name: (nominal, spread per unit of z, unit)
    "Vdd_min": (0.72, 0.012, "V"),
    "Vdd_max": (1.32, 0.015, "V"),
    "Vdd_typ": (1.00, 0.010, "V"),
    "Idd_active": (45.0, 1.2, "mA"),
    "Idd_standby": (2.5, 0.06, "mA"),
    "Idd_sleep": (12.0, 0.3, "µA"),
    "freq_min": (800.0, 15.0, "MHz"),
    "freq_max": (2400.0, 40.0, "MHz"),
    "freq_typ": (1600.0, 25.0, "MHz"),
    "power": (55.0, 1.4, "mW"),
    "temperature": (45.0, 1.5, "°C"),
    "leakage": (150.0, 4.0, "nA"),
    "Vth_n": (0.42, 0.008, "V"),
    "Vth_p": (-0.45, 0.008, "V"),
    "ring_osc": (520.0, 10.0, "MHz"),
    "iddq": (35.0, 0.9, "µA"),
    "contact_res": (12.0, 0.25, "Ω"),
    "gate_ox": (1.8, 0.03, "nm"),
    "setup_time": (85.0, 2.0, "ps"),
    "hold_time": (25.0, 0.6, "ps"),
}

SEMICONDUCTOR_FEATURES: list[str] = list(_SEMICONDUCTOR_COLUMNS)
"""The 20 parametric-test column names, in DataFrame order."""

SEMICONDUCTOR_UNITS: dict[str, str] = {
    name: unit for name, (_, _, unit) in _SEMICONDUCTOR_COLUMNS.items()
}
"""Unit of each parametric-test column."""

SEMICONDUCTOR_LABEL = "fail"
"""Name of the label column: 1 = the die fails, 0 = it passes."""


def _sklearn_seed(rng) -> int:
    """scikit-learn wants an int seed; a Generator contributes one draw."""
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**32 - 1))
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)):
        raise ValueError(f"rng must be an int seed or a numpy.random.Generator, got {rng!r}")
    return int(rng)


def semiconductor(
    n: int = 5000,
    rng=42,
    fail_rate: float | None = None,
    class_sep: float = 1.5,
    flip_y: float = 0.1,
):
    """Synthetic wafer-test table in the style of the seed notebook.

    ``sklearn.datasets.make_classification(n_samples=n, n_features=20, n_informative=15,
    n_redundant=3, class_sep=class_sep, flip_y=flip_y, random_state=rng)`` is mapped column
    by column through a fixed affine transform onto realistic units
    (:data:`SEMICONDUCTOR_UNITS`).

    Parameters
    ----------
    n : int, default 5000
        Number of dies (rows).
    rng : int or numpy.random.Generator, default 42
        An int is passed to scikit-learn as ``random_state`` (42 reproduces the seed).
    fail_rate : float, optional
        Share of failing dies before label noise, in (0, 1), passed as
        ``weights=[1 - fail_rate, fail_rate]``. ``None`` keeps the 50/50 balance. With
        ``flip_y > 0`` the observed rate drifts towards 0.5:
        ``(1 - flip_y) * fail_rate + flip_y / 2`` on average.
    class_sep : float, default 1.5
        Distance between the class clusters (larger is easier), >= 0.
    flip_y : float, default 0.1
        Fraction of labels re-drawn at random, in [0, 1].

    Returns
    -------
    pandas.DataFrame of shape (n, 21)
        The float64 columns :data:`SEMICONDUCTOR_FEATURES` and the int64 column ``fail``.
    """
    import pandas as pd
    from sklearn.datasets import make_classification

    n = check_count(n, "n", 10)
    if fail_rate is not None:
        fail_rate = float(fail_rate)
        if not (0.0 < fail_rate < 1.0):
            raise ValueError(f"fail_rate must lie strictly between 0 and 1, got {fail_rate}")
    class_sep = float(class_sep)
    if not (np.isfinite(class_sep) and class_sep >= 0.0):
        raise ValueError(f"class_sep must be finite and >= 0, got {class_sep}")
    flip_y = float(flip_y)
    if not (0.0 <= flip_y <= 1.0):
        raise ValueError(f"flip_y must lie in [0, 1], got {flip_y}")

    Z, y = make_classification(
        n_samples=n,
        n_features=20,
        n_informative=15,
        n_redundant=3,
        class_sep=class_sep,
        flip_y=flip_y,
        weights=None if fail_rate is None else [1.0 - fail_rate, fail_rate],
        random_state=_sklearn_seed(rng),
    )
    nominal = np.array([spec[0] for spec in _SEMICONDUCTOR_COLUMNS.values()])
    spread = np.array([spec[1] for spec in _SEMICONDUCTOR_COLUMNS.values()])
    frame = pd.DataFrame(nominal + spread * Z, columns=SEMICONDUCTOR_FEATURES)
    frame[SEMICONDUCTOR_LABEL] = y.astype(np.int64)
    return frame


def semiconductor_overfit(n: int = 2000, rng=42):
    """Harder, smaller variant used for the regularisation experiments.

    Same as :func:`semiconductor` with ``class_sep=1.2`` and ``flip_y=0.15``.

    Returns
    -------
    pandas.DataFrame of shape (n, 21)
    """
    return semiconductor(n=n, rng=rng, class_sep=1.2, flip_y=0.15)


def semiconductor_arrays(n: int = 5000, rng=42) -> tuple[np.ndarray, np.ndarray]:
    """:func:`semiconductor` as arrays: X of shape (n, 20) in column order, y of 0/1 fails."""
    frame = semiconductor(n, rng=rng)
    X = frame[SEMICONDUCTOR_FEATURES].to_numpy(dtype=np.float64)
    return X, frame[SEMICONDUCTOR_LABEL].to_numpy()
