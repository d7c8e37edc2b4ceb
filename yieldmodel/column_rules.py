"""Which columns of a training table are features, and why the others are not.

A column is left out when (checked in this order) it is the label; it is named in
``exclude``; its name says identifier, position or time stamp (``lot``, ``wafer_id``,
``die_x``, ``PartID``, ``timestamp``, ...) unless named in ``include``; it holds dates or
text (fewer than half of its filled cells are numbers); it is empty in every training row;
it is constant; or it is a running integer row index. :func:`choose_features` applies the
rules and keeps the reason for every column it drops.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from yieldmodel.coercion import Numeric, numeric
from yieldmodel.column_names import is_id_name

#: A column with at least this fraction of numeric non-empty cells is a numeric column;
#: its remaining text cells are treated as missing (and reported).
NUMERIC_FRACTION = 0.5

#: Fewest training rows for which a column counting 1, 2, 3, ... is taken for a row index.
MIN_ROWS_FOR_INDEX_RULE = 10


def looks_like_dates(column: pd.Series) -> bool:
    """Whether at least 80 % of the first 20 filled cells parse as dates or times."""
    sample = column.dropna().astype(str).head(20)
    if sample.empty:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
        except (ValueError, TypeError, OverflowError):
            return False
    return parsed.notna().mean() >= 0.8


def text_reason(column: pd.Series, n_filled: int) -> str:
    """Why a text column is not a feature: dates, an identifier, or just text."""
    if looks_like_dates(column):
        return "dates/times"
    if n_filled > 1 and column.nunique(dropna=True) == n_filled:
        return "text that differs in every row (an identifier)"
    return "text, not numbers"


def row_index_columns(values: np.ndarray, index: pd.Index) -> np.ndarray:
    """Which columns of ``values`` (n_rows, k) number the rows instead of measuring them.

    A column qualifies when it equals the row labels plus a whole-number constant: a
    1-based counter next to pandas' 0-based index, also after the rows were shuffled or
    split. When the labels are not numbers, the row positions stand in for them. Checked
    only from :data:`MIN_ROWS_FOR_INDEX_RULE` rows on -- in a handful of rows any run of
    integers looks like a counter.
    """
    result = np.zeros(values.shape[1], dtype=bool)
    if values.shape[0] < MIN_ROWS_FOR_INDEX_RULE or not index.is_unique:
        return result
    labels = index.to_numpy()
    if labels.dtype.kind not in "iuf":
        labels = np.arange(values.shape[0])
    with np.errstate(invalid="ignore"):
        offsets = values - labels.astype(np.float64)[:, None]
        first = offsets[0]
        return (
            np.isfinite(offsets).all(axis=0)
            & (offsets == first).all(axis=0)
            & (first == np.round(first))
        )


@dataclass
class FeatureChoice:
    """What :func:`choose_features` decided.

    Attributes
    ----------
    features : list of str
        The feature columns, in table order.
    dropped : dict
        Column -> reason it is not a feature (the label is not listed).
    values : ndarray of shape (n_rows, n_features)
        The features as floats, NaN where empty, text or ±inf.
    inf_counts : ndarray of int, shape (n_features,)
        ±inf cells per feature (counted as missing).
    numeric : Numeric
        The coercion of every candidate column (its ``text`` masks name text cells).
    """

    features: list[str]
    dropped: dict[str, str]
    values: np.ndarray
    inf_counts: np.ndarray
    numeric: Numeric


def _name_reason(df: pd.DataFrame, name: str, include, exclude) -> str | None:
    if name in exclude:
        return "excluded on request"
    if is_id_name(name) and name not in include:
        return "the name marks an identifier, position or time stamp"
    if pd.api.types.is_datetime64_any_dtype(df[name].dtype):
        return "dates/times"
    return None


def _value_reasons(df: pd.DataFrame, candidates: list[str], found: Numeric) -> dict[int, str]:
    """Position -> reason for candidates dropped by their values (text, empty, constant)."""
    values = found.values
    reasons = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        numeric_share = (~np.isnan(values)).sum(axis=0) / found.nonempty
    for j, name in enumerate(candidates):
        if found.nonempty[j] and numeric_share[j] < NUMERIC_FRACTION:
            reasons[j] = text_reason(df[name], found.nonempty[j])
    finite = np.isfinite(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        masked = np.where(finite, values, np.nan)
        constant = np.nanmin(masked, axis=0) == np.nanmax(masked, axis=0)
    for j in np.flatnonzero(~finite.any(axis=0)):
        reasons.setdefault(j, "empty in every training row")
    for j in np.flatnonzero(constant):
        reasons.setdefault(j, "constant in the training rows")
    kept = np.array([j not in reasons for j in range(len(candidates))], dtype=bool)
    positions = np.flatnonzero(kept)
    for j in positions[row_index_columns(values[:, positions], df.index)]:
        reasons[j] = "a running integer row index"
    return reasons


def choose_features(df: pd.DataFrame, label: str | None, include=(), exclude=()) -> FeatureChoice:
    """Apply the column rules (module docstring) to the training rows ``df``.

    Returns
    -------
    FeatureChoice
        ``features`` may be empty; the caller decides whether that is an error.
    """
    dropped: dict[str, str] = {}
    candidates = []
    for name in df.columns:
        if name == label:
            continue
        reason = _name_reason(df, name, include, exclude)
        if reason is None:
            candidates.append(name)
        else:
            dropped[name] = reason
    found = numeric(df, candidates)
    reasons = _value_reasons(df, candidates, found)
    for j, reason in reasons.items():
        dropped[candidates[j]] = reason
    chosen = [j for j in range(len(candidates)) if j not in reasons]
    values = found.values[:, chosen]
    return FeatureChoice(
        features=[candidates[j] for j in chosen],
        dropped=dropped,
        values=np.where(np.isfinite(values), values, np.nan),
        inf_counts=np.isinf(values).sum(axis=0),
        numeric=found,
    )
