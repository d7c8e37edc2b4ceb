r"""Has the data moved? Population stability index of new rows against the training rows.

For each feature the training values are cut into (about) ten equally full bins at their
deciles; the share of new rows falling in each bin is compared with the training share:

.. math:: \mathrm{PSI} = \sum_{i=1}^{B} (a_i - e_i)\,\ln\frac{a_i}{e_i}

with :math:`e_i` the training share and :math:`a_i` the new share of bin :math:`i`. The
outer bins are open-ended, so values beyond anything seen in training still count. An
empty bin would make the logarithm infinite, so shares are floored at :data:`EPSILON`.
The usual reading: below 0.1 the feature is stable, 0.1 to 0.25 is a moderate shift worth a
look, 0.25 and above is a major shift -- the model is scoring data unlike its training data.

Those bands assume large samples. Sampling alone makes the PSI of an unmoved feature behave
like :math:`(1/n + 1/N)\,\chi^2_{B-1}` (``n`` new and ``N`` training values, ``B`` bins), so
a file of 60 rows scores about 0.15 by chance. A feature is therefore flagged only when its
PSI reaches the moderate band **and** exceeds what chance gives 99 % of the time
(:func:`noise_limit`; the chi-square law is a large-sample approximation, and for files of a
few dozen rows chance exceeds the limit closer to 4 % of the time).

The bin edges and training shares are a small JSON-able dictionary
(:func:`reference`), saved with a model so that an uploaded model file can still check
drift without its training data. Missing and infinite values are left out of the shares
and reported separately.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

#: Number of quantile bins per feature.
N_BINS = 10

#: Smallest share a bin is given, so an empty bin does not make the PSI infinite.
EPSILON = 1e-4

#: Upper limit of each band (exclusive) -> its name; read from the top, first match wins.
DRIFT_BANDS: tuple[tuple[float, str], ...] = (
    (0.1, "stable"),
    (0.25, "moderate shift"),
    (math.inf, "major shift"),
)

#: Fewer usable new values than this and the PSI of a feature is mostly sampling noise
#: (with ten bins, several stay empty and each empty bin alone adds about 0.7).
MIN_ROWS = 50

#: Share of unmoved samples whose PSI stays below :func:`noise_limit`.
NOISE_CONFIDENCE = 0.99

#: Version of the dictionary written by :func:`reference`.
REFERENCE_VERSION = 1


def band(psi: float) -> str:
    """Name of the drift band of ``psi`` (see :data:`DRIFT_BANDS`); 'no data' for NaN."""
    if not math.isfinite(psi):
        return "no data"
    return next(name for limit, name in DRIFT_BANDS if psi < limit)


def psi_from_shares(expected, actual, epsilon: float = EPSILON) -> float:
    """Population stability index of two binned distributions.

    Parameters
    ----------
    expected, actual : array_like of shape (n_bins,)
        Shares (or counts) per bin of the reference and the new data; each is normalised
        to sum to 1.
    epsilon : float
        Floor applied to each share after normalising.

    Returns
    -------
    float
        :math:`\\sum_i (a_i - e_i) \\ln(a_i / e_i)`, zero for identical shares.
    """
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    if expected.shape != actual.shape or expected.ndim != 1 or expected.size == 0:
        raise ValueError(
            f"expected and actual must be 1-D of equal length, got {expected.shape} and "
            f"{actual.shape}"
        )
    for name, shares in (("expected", expected), ("actual", actual)):
        if not np.isfinite(shares).all() or (shares < 0).any() or shares.sum() <= 0:
            raise ValueError(f"{name} shares must be finite, non-negative and not all zero")
    e = np.maximum(expected / expected.sum(), epsilon)
    a = np.maximum(actual / actual.sum(), epsilon)
    return float(np.sum((a - e) * np.log(a / e)))


def _edges(values: np.ndarray, n_bins: int) -> np.ndarray:
    """Interior bin edges: the distinct inner quantiles of the finite ``values``."""
    quantiles = np.quantile(values, np.linspace(0.0, 1.0, n_bins + 1)[1:-1])
    return np.unique(quantiles)


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of ``values`` in each bin; bin i holds edges[i-1] <= x < edges[i]."""
    counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=edges.size + 1)
    return counts / max(values.size, 1)


def reference(raw: np.ndarray, feature_names, n_bins: int = N_BINS) -> dict:
    """Bin edges and training shares of every feature, as plain lists (JSON-able).

    Parameters
    ----------
    raw : ndarray of shape (n_rows, n_features)
        Training values before imputation and scaling (NaN / ±inf for missing cells).
    feature_names : sequence of str, length n_features
    n_bins : int
        Wanted number of bins; fewer when the values have many ties.

    Returns
    -------
    dict
        ``{"version", "n_bins", "features": {name: {"edges": [...], "expected": [...],
        "missing": share}}}``.
    """
    raw = np.asarray(raw, dtype=np.float64)
    names = [str(name) for name in feature_names]
    if raw.ndim != 2 or raw.shape[1] != len(names):
        raise ValueError(f"raw has shape {raw.shape} but {len(names)} feature names were given")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 2:
        raise ValueError(f"n_bins must be an integer >= 2, got {n_bins!r}")
    features = {}
    for j, name in enumerate(names):
        column = raw[:, j]
        finite = column[np.isfinite(column)]
        if finite.size == 0:
            continue  # nothing to compare against; check() reports it as 'no data'
        edges = _edges(finite, n_bins)
        features[name] = {
            "edges": edges.tolist(),
            "expected": _shares(finite, edges).tolist(),
            "missing": float(1.0 - finite.size / column.size),
            "n": int(finite.size),
        }
    return {"version": REFERENCE_VERSION, "n_bins": int(n_bins), "features": features}


def noise_level(n_new: int, n_train: int, n_bins: int = N_BINS) -> float:
    """PSI expected from sampling alone, nothing moved: ``(n_bins - 1)(1/n_new + 1/n_train)``.

    For small shifts the PSI behaves like a chi-square statistic with ``n_bins - 1`` degrees
    of freedom scaled by ``1/n_new + 1/n_train``, whose mean this is. 200 new rows against
    4,000 training rows already give about 0.05 -- half the 'moderate' threshold.
    """
    if n_new < 1 or n_train < 1:
        raise ValueError(f"row counts must be positive, got {n_new} and {n_train}")
    return (n_bins - 1) * (1.0 / n_new + 1.0 / n_train)


def noise_limit(
    n_new: int, n_train: int, n_bins: int = N_BINS, confidence: float = NOISE_CONFIDENCE
) -> float:
    """PSI that sampling alone stays below with probability ``confidence``.

    ``chi2.ppf(confidence, n_bins - 1) * (1/n_new + 1/n_train)``: the quantile of the
    chi-square law behind :func:`noise_level`.
    """
    if n_new < 1 or n_train < 1:
        raise ValueError(f"row counts must be positive, got {n_new} and {n_train}")
    return float(chi2.ppf(confidence, n_bins - 1)) * (1.0 / n_new + 1.0 / n_train)


DRIFT_COLUMNS = (
    "feature",
    "PSI",
    "status",
    "flag",
    "noise limit",
    "rows used",
    "missing (training)",
    "missing",
)


def check(ref: dict, raw: np.ndarray, feature_names) -> pd.DataFrame:
    """PSI of each feature of new rows against a :func:`reference`.

    Parameters
    ----------
    ref : dict
        From :func:`reference` (possibly read back from a model file's JSON).
    raw : ndarray of shape (n_rows, n_features)
        New values before imputation and scaling.
    feature_names : sequence of str, length n_features

    Returns
    -------
    pandas.DataFrame
        One row per feature, largest PSI first, columns :data:`DRIFT_COLUMNS`:
        ``PSI`` (NaN when either side has no values), ``status`` (the band name; 'within
        sampling noise' when the PSI does not exceed ``noise limit``; 'too few values'
        below :data:`MIN_ROWS`), ``flag`` (True when the PSI reaches the moderate band and
        exceeds the noise limit, and for a feature without values), ``noise limit``
        (:func:`noise_limit`), ``rows used`` (finite new values), and the missing shares in
        training and in the new rows.
    """
    if not isinstance(ref, dict) or ref.get("version") != REFERENCE_VERSION:
        raise ValueError(
            "not a drift reference of a known version (see yieldmodel.drift.reference)"
        )
    raw = np.asarray(raw, dtype=np.float64)
    names = [str(name) for name in feature_names]
    if raw.ndim != 2 or raw.shape[1] != len(names):
        raise ValueError(f"raw has shape {raw.shape} but {len(names)} feature names were given")
    rows = []
    for j, name in enumerate(names):
        column = raw[:, j]
        finite = column[np.isfinite(column)]
        entry = ref["features"].get(name)
        psi = limit = math.nan
        if entry is not None and finite.size:
            edges = np.asarray(entry["edges"], dtype=np.float64)
            psi = psi_from_shares(entry["expected"], _shares(finite, edges))
            limit = noise_limit(finite.size, entry["n"], edges.size + 1)
        status, flag = band(psi), not psi < DRIFT_BANDS[0][0]  # NaN (no data) is flagged
        if 0 < finite.size < MIN_ROWS:
            status, flag = f"too few values ({finite.size}) to judge", False
        elif flag and psi <= limit:
            status, flag = "within sampling noise", False
        rows.append(
            {
                "feature": name,
                "PSI": psi,
                "status": status,
                "flag": flag,
                "noise limit": limit,
                "rows used": int(finite.size),
                "missing (training)": math.nan if entry is None else float(entry["missing"]),
                "missing": float(1.0 - finite.size / max(column.size, 1)),
            }
        )
    table = pd.DataFrame(rows, columns=list(DRIFT_COLUMNS))
    table = table.sort_values("PSI", ascending=False, na_position="first", kind="stable")
    return table.reset_index(drop=True)


#: Flagged features a summary names before "and N more".
NAMED_FEATURES = 8


@dataclass(frozen=True)
class DriftSummary:
    """What a drift table means, in words (see :func:`summarise`).

    Attributes
    ----------
    level : {"unknown", "too few", "stable", "drifted"}
        No reference to compare with; too few rows to judge; nothing moved; features moved.
    message : str
    caption : str
        How to read the chart of the table ('' when there is nothing to chart).
    """

    level: str
    message: str
    caption: str = ""


def summarise(table: pd.DataFrame | None, n_train: int) -> DriftSummary:
    """Summarise a :func:`check` table of new rows against ``n_train`` training rows.

    ``table`` None means the model carries no drift reference.
    """
    if table is None:
        return DriftSummary(
            "unknown",
            "This model file carries no training distribution, so drift cannot be checked.",
        )
    n_new = int(table["rows used"].max())
    if n_new < MIN_ROWS:
        return DriftSummary(
            "too few",
            f"Drift is judged from {MIN_ROWS} values per feature on; this file has {n_new}, "
            "too few to tell a real shift from chance.",
        )
    moderate, major = DRIFT_BANDS[0][0], DRIFT_BANDS[1][0]
    caption = (
        f"Dotted lines at {moderate:g} (moderate) and {major:g} (major shift). Sampling alone "
        f"moves the PSI too: with {n_new:,} rows against {n_train:,} training rows it stays "
        f"below {noise_limit(n_new, max(n_train, 1)):.3f} in 99 files out of 100, so only "
        "features above both are flagged."
    )
    flagged = table[table["flag"]]
    if flagged.empty:
        return DriftSummary(
            "stable",
            f"No feature has moved: every population stability index is below {moderate:g}.",
            caption,
        )
    named = ", ".join(
        f"{row.feature} ({row.status})" for row in flagged.head(NAMED_FEATURES).itertuples()
    )
    more = len(flagged) - NAMED_FEATURES
    return DriftSummary(
        "drifted",
        f"{len(flagged)} feature(s) flagged: {named}{f' and {more} more' if more > 0 else ''}. "
        "The model is scoring data unlike its training data; treat these scores with care.",
        caption,
    )
