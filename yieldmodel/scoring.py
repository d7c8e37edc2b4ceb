"""Scoring a table in memory: validate it first, then score it, every other column untouched.

* :func:`score_frame` / :func:`score_csv` -- the page's upload: a
  :class:`~yieldmodel.validation.ValidationReport` first, then fail probabilities, a drift
  check against the training rows, and the scored table at any threshold
  (:class:`ScoreResult`);
* :func:`output_names` -- the columns a scored table gains, shared with
  :mod:`yieldmodel.streaming`;
* :func:`inference_latency` -- seconds per row and per 1,000 rows;
* :func:`template_frame` and :func:`example_scoring_frame` -- files to try scoring with.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.validation import as_rng
from yieldmodel import drift
from yieldmodel.csv_reading import read_csv
from yieldmodel.pipeline import Pipeline
from yieldmodel.validation import ValidationReport, validate_for_scoring

#: Columns appended to a scored table (renamed with a suffix if the table has them already).
PROBABILITY_COLUMN = "fail_probability"
PREDICTION_COLUMN = "prediction"
#: Text of the prediction column; a row that cannot be scored gets UNSCORED_TEXT.
FAIL_TEXT, PASS_TEXT, UNSCORED_TEXT = "FAIL", "PASS", ""
#: Example identifier columns of a template (passed through when scoring).
TEMPLATE_ID_COLUMNS = ("lot", "wafer", "die_x", "die_y", "part_id")


def free_name(name: str, taken) -> str:
    """``name``, or ``name_model``, ``name_model2``, ... -- the first not in ``taken``."""
    taken = set(map(str, taken))
    candidate, suffix = name, 1
    while candidate in taken:
        candidate = f"{name}_model" if suffix == 1 else f"{name}_model{suffix}"
        suffix += 1
    return candidate


def output_names(columns) -> tuple[str, str]:
    """Names of the probability and prediction columns added to a table with ``columns``."""
    probability = free_name(PROBABILITY_COLUMN, columns)
    return probability, free_name(PREDICTION_COLUMN, [*columns, probability])


def pass_fail(proba, threshold: float) -> np.ndarray:
    """'FAIL' where ``proba >= threshold``, 'PASS' below, '' where ``proba`` is NaN."""
    proba = np.asarray(proba, dtype=np.float64)
    labels = np.where(proba >= threshold, FAIL_TEXT, PASS_TEXT).astype(object)
    labels[np.isnan(proba)] = UNSCORED_TEXT
    return labels


@dataclass
class ScoreResult:
    """An uploaded table after validation and (when possible) scoring.

    Attributes
    ----------
    frame : DataFrame
        The table as read, every column untouched.
    report : ValidationReport
        Problems found before scoring.
    proba : ndarray of shape (n_rows,) or None
        Fail probability per row, NaN for unscorable rows; None when nothing could be
        scored (feature columns missing).
    notes : list of str
        What the CSV reader decided (encoding, delimiter, decimal comma).
    drift : DataFrame or None
        ``yieldmodel.drift.check`` of the features against the training rows.
    """

    frame: pd.DataFrame
    report: ValidationReport
    proba: np.ndarray | None
    notes: list[str] = field(default_factory=list)
    drift: pd.DataFrame | None = None

    @property
    def scored(self) -> bool:
        return self.proba is not None

    @property
    def output_columns(self) -> tuple[str, str]:
        """Names of the probability and prediction columns in :meth:`table`."""
        return output_names(self.frame.columns)

    def table(self, threshold: float) -> pd.DataFrame:
        """The uploaded columns in their order plus fail probability and PASS/FAIL."""
        if self.proba is None:
            raise ValueError("nothing was scored: " + self.report.lines()[0])
        probability, prediction = self.output_columns
        out = self.frame.copy()
        out[probability] = self.proba
        out[prediction] = pass_fail(self.proba, threshold)
        return out

    def preview(self, threshold: float, rows: int, columns: int) -> tuple[pd.DataFrame, str]:
        """The first ``rows`` rows of :meth:`table`, probability and prediction first, at
        most ``columns`` columns; and a sentence saying what was left out ('' if nothing)."""
        table = self.table(threshold)
        added = list(self.output_columns)
        shown = added + [c for c in table.columns if c not in added][: columns - 2]
        note = ""
        if table.shape[0] > rows or table.shape[1] > columns:
            note = (
                f"Showing {min(rows, table.shape[0]):,} of {table.shape[0]:,} rows and "
                f"{len(shown)} of {table.shape[1]:,} columns; the download holds everything."
            )
        return table.iloc[:rows][shown], note

    def summary(self, threshold: float) -> dict:
        """Counts at ``threshold``: ``rows``, ``scored``, ``fail``, ``pass``, ``fail_share``,
        ``mean_probability`` (NaN-free means over scored rows)."""
        if self.proba is None:
            raise ValueError("nothing was scored")
        scored = self.proba[~np.isnan(self.proba)]
        n_fail = int(np.count_nonzero(scored >= threshold))
        return {
            "rows": int(self.proba.size),
            "scored": int(scored.size),
            "fail": n_fail,
            "pass": int(scored.size - n_fail),
            "fail_share": n_fail / scored.size if scored.size else math.nan,
            "mean_probability": float(scored.mean()) if scored.size else math.nan,
        }


def score_frame(pipeline: Pipeline, df: pd.DataFrame, notes=()) -> ScoreResult:
    """Validate ``df`` against the pipeline's features, then score it if possible.

    Nothing is scored when feature columns are missing; the report says which. Drift is
    checked when the pipeline's metrics carry a ``drift_reference``.
    """
    report = validate_for_scoring(df, pipeline.preprocessor)
    if not report.can_score:
        return ScoreResult(df, report, None, list(notes))
    proba, report = pipeline.score(df)
    reference = pipeline.metrics.get("drift_reference")
    drift_table = None
    if reference:
        raw = pipeline.preprocessor.raw_matrix(df)
        drift_table = drift.check(reference, raw, pipeline.feature_names)
    return ScoreResult(df, report, proba, list(notes), drift_table)


def score_csv(source, pipeline: Pipeline, max_bytes: int | None = None) -> ScoreResult:
    """Read a CSV (bytes, path or upload), validate it, and score it if possible.

    Raises
    ------
    DataError
        When the file cannot be read as a table at all (empty, header only, duplicate
        column names, binary, too large); see :func:`yieldmodel.csv_reading.read_csv`.
    """
    data = read_csv(source, max_bytes=max_bytes)
    return score_frame(pipeline, data.frame, data.notes)


def inference_latency(pipeline: Pipeline, df: pd.DataFrame, batch_rows: int = 1000, repeats=5):
    """Wall time of :meth:`Pipeline.score` for one row and for ``batch_rows`` rows.

    Rows of ``df`` are repeated up to ``batch_rows``. Each timing is the best of
    ``repeats`` runs (the least disturbed by other work on the machine).

    Returns
    -------
    dict
        ``per_row_ms`` (one row scored alone: validation, standardisation and forward
        pass), ``per_batch_ms`` (``batch_rows`` rows at once), ``per_row_in_batch_us``
        and ``batch_rows``.
    """
    if df.shape[0] == 0:
        raise ValueError("need at least one row to time")

    def best(frame: pd.DataFrame) -> float:
        times = []
        for _ in range(max(int(repeats), 1)):
            start = time.perf_counter()
            pipeline.score(frame)
            times.append(time.perf_counter() - start)
        return min(times)

    per_row = best(df.iloc[:1])
    per_batch = best(df.iloc[np.arange(batch_rows) % df.shape[0]])
    return {
        "per_row_ms": 1e3 * per_row,
        "per_batch_ms": 1e3 * per_batch,
        "per_row_in_batch_us": 1e6 * per_batch / batch_rows,
        "batch_rows": int(batch_rows),
    }


def _ids(lot: str, n_rows: int, per_wafer: int | None = None) -> pd.DataFrame:
    """Identifier columns :data:`TEMPLATE_ID_COLUMNS` for ``n_rows`` dies."""
    position = np.arange(n_rows)
    if per_wafer is None:
        wafer, die_x, die_y = np.ones(n_rows, dtype=int), position, np.zeros(n_rows, dtype=int)
    else:
        wafer, die_x, die_y = 1 + position // per_wafer, position % 10, (position // 10) % 10
    columns = (lot, wafer, die_x, die_y, [f"P{i:05d}" for i in range(1, n_rows + 1)])
    return pd.DataFrame(dict(zip(TEMPLATE_ID_COLUMNS, columns, strict=True)))


def template_frame(pipeline: Pipeline, n_rows: int = 3) -> pd.DataFrame:
    """A CSV template: identifier columns and every feature, filled with training medians."""
    pre = pipeline.preprocessor
    features = pd.DataFrame(np.tile(pre.medians, (n_rows, 1)), columns=pre.feature_names)
    return pd.concat([_ids("LOT001", n_rows), features], axis=1)


def example_scoring_frame(
    df: pd.DataFrame, label: str | None = None, n: int = 200, rng=7, shift=None
) -> pd.DataFrame:
    """New dies to score, drawn from ``df``: identifier columns first, features reversed.

    The label column is dropped, and two realistic problems are planted to show the
    validation report at work: one empty cell and one cell holding the text ``ERR``.

    Parameters
    ----------
    df : DataFrame
        Rows to draw from (for a fair example, rows the model did not train on).
    label : str, optional
        Column to drop.
    n : int
        Number of rows (at most ``len(df)``).
    rng : int or Generator
        Which rows are drawn.
    shift : dict, optional
        Feature name -> shift in units of that column's standard deviation, to simulate
        a process that has drifted.

    Returns
    -------
    DataFrame of shape (n, 5 + n_features)
    """
    generator = as_rng(rng)
    n = min(int(n), df.shape[0])
    rows = np.sort(generator.choice(df.shape[0], size=n, replace=False))
    features = df.iloc[rows].drop(columns=[label] if label in df.columns else [])
    features = features[features.columns[::-1]].reset_index(drop=True)
    for name, amount in (shift or {}).items():
        column = features[name].to_numpy(dtype=np.float64)
        features[name] = column + float(amount) * df[name].std()
    features = features.astype(object)
    features.iloc[min(3, n - 1), 0] = np.nan
    features.iloc[min(5, n - 1), min(1, features.shape[1] - 1)] = "ERR"
    return pd.concat([_ids("LOT042", n, per_wafer=100), features], axis=1)
