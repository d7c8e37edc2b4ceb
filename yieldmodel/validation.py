"""Check a new table against a fitted preprocessor before anything is scored.

:func:`validate_for_scoring` lists every problem with column names and row numbers: missing
feature columns (with near matches), text in numeric columns, infinite values, empty
columns, rows without a usable value. :func:`prepare_for_scoring` builds the model's input
in the same pass. Row numbers count data rows from 1, the first row below the header.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.validation import row_list
from yieldmodel.coercion import check_frame, numeric
from yieldmodel.messages import MAX_EXAMPLES, closest, counted, name_list
from yieldmodel.preprocessing import Preprocessor


@dataclass
class CellProblem:
    """Cells of one column that needed attention.

    Attributes
    ----------
    count : int
        How many cells.
    rows : list of int
        The first few of them, as 1-based data-row numbers.
    examples : list of str
        Distinct contents of those cells (up to five), for text cells.
    """

    count: int
    rows: list[int]
    examples: list[str] = field(default_factory=list)


def _cell_problem(mask: np.ndarray, first_row: int, column: pd.Series | None = None) -> CellProblem:
    """Count, first row numbers and (for text) distinct contents of the cells in ``mask``."""
    rows = np.flatnonzero(mask)
    examples = []
    if column is not None:
        examples = column.iloc[rows[:1000]].astype(str).unique()[:MAX_EXAMPLES].tolist()
    return CellProblem(int(rows.size), (rows[:MAX_EXAMPLES] + first_row).tolist(), examples)


def _merge_problems(first: dict, later: dict) -> dict:
    merged = dict(first)
    for name, problem in later.items():
        if name not in merged:
            merged[name] = problem
            continue
        earlier = merged[name]
        merged[name] = CellProblem(
            earlier.count + problem.count,
            (earlier.rows + problem.rows)[:MAX_EXAMPLES],
            list(dict.fromkeys(earlier.examples + problem.examples))[:MAX_EXAMPLES],
        )
    return merged


@dataclass
class ValidationReport:
    """What :func:`validate_for_scoring` found in a table, before any scoring.

    Attributes
    ----------
    n_rows : int
    feature_columns : list of str
        Columns the model reads, in its order.
    missing_columns : list of str
        Feature columns the table lacks (then nothing can be scored).
    suggestions : dict
        Missing column -> a present column that looks like what was meant.
    passthrough_columns : list of str
        Every other column of the table, copied to the output untouched.
    non_numeric : dict
        Column -> :class:`CellProblem` of text in a numeric column (scored as missing).
    nan_counts : dict
        Column -> number of empty cells (imputed), only columns that have some.
    inf_counts : dict
        Column -> :class:`CellProblem` of ±inf cells (scored as missing).
    empty_columns : list of str
        Feature columns without a single usable value.
    unscorable_rows : ndarray of int
        1-based rows without any usable feature value; their probability is NaN.
    mostly_missing_rows : int
        Rows with more than half of their features imputed (scored, but weakly).
    """

    n_rows: int
    feature_columns: list[str]
    missing_columns: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)
    passthrough_columns: list[str] = field(default_factory=list)
    non_numeric: dict[str, CellProblem] = field(default_factory=dict)
    nan_counts: dict[str, int] = field(default_factory=dict)
    inf_counts: dict[str, CellProblem] = field(default_factory=dict)
    empty_columns: list[str] = field(default_factory=list)
    unscorable_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mostly_missing_rows: int = 0

    @property
    def can_score(self) -> bool:
        """True when every feature column is present (rows can then be scored)."""
        return not self.missing_columns

    @property
    def ok(self) -> bool:
        """True when nothing needs attention: empty cells alone still count as ok."""
        return (
            self.can_score
            and not self.non_numeric
            and not self.inf_counts
            and not self.empty_columns
            and self.unscorable_rows.size == 0
        )

    @property
    def severity(self) -> str:
        """'error' (nothing scored), 'warning' (scored with problems or gaps) or 'ok'."""
        if not self.can_score:
            return "error"
        return "warning" if not self.ok or self.nan_counts else "ok"

    def _missing_line(self) -> str:
        named = ", ".join(
            repr(name)
            + (f" (did you mean {hint!r}?)" if (hint := self.suggestions.get(name)) else "")
            for name in self.missing_columns[:20]
        )
        more = len(self.missing_columns) - 20
        return (
            f"Cannot score: {len(self.missing_columns)} of {len(self.feature_columns)} "
            f"feature columns are missing: {named}"
            + (f" and {more} more" if more > 0 else "")
            + ". Column names must match the training data exactly (any order)."
        )

    def _cell_lines(self) -> list[str]:
        lines = [
            f"Column {name!r} has no usable value in any row; every row is scored with its "
            "training median."
            for name in self.empty_columns
        ]
        for name, problem in self.non_numeric.items():
            examples = ", ".join(repr(e) for e in problem.examples)
            lines.append(
                f"Column {name!r}: {counted(problem.count, 'non-numeric cell')} "
                f"({row_list(problem.rows, problem.count)}: {examples}), scored as missing."
            )
        for name, problem in self.inf_counts.items():
            lines.append(
                f"Column {name!r}: {counted(problem.count, 'infinite value')} "
                f"({row_list(problem.rows, problem.count)}), scored as missing."
            )
        if self.unscorable_rows.size:
            lines.append(
                f"{counted(self.unscorable_rows.size, 'row')} cannot be scored, no feature "
                f"value is usable ({row_list(self.unscorable_rows)}); the probability is left "
                "empty."
            )
        return lines

    def _gap_lines(self) -> list[str]:
        lines = []
        if self.nan_counts:
            worst = sorted(self.nan_counts.items(), key=lambda item: -item[1])
            shown = ", ".join(f"{name!r} ({count:,})" for name, count in worst[:10])
            more = f" and {len(worst) - 10} more columns" if len(worst) > 10 else ""
            lines.append(f"Empty cells, filled with the training median: {shown}{more}.")
        if self.mostly_missing_rows:
            lines.append(
                f"{self.mostly_missing_rows:,} rows have more than half of their features "
                "missing; their scores rest mostly on training medians."
            )
        if self.passthrough_columns:
            lines.append(
                f"Passed through unchanged: "
                f"{counted(len(self.passthrough_columns), 'other column')} "
                f"({name_list(self.passthrough_columns)})."
            )
        return lines

    def lines(self) -> list[str]:
        """The findings as sentences for a person, most serious first."""
        lines = [self._missing_line()] if self.missing_columns else []
        lines += self._cell_lines() + self._gap_lines()
        if self.can_score:
            scorable = self.n_rows - self.unscorable_rows.size
            lines.append(f"Ready to score {scorable:,} of {self.n_rows:,} rows.")
        lines.append("Row numbers count data rows from 1 (the row below the header).")
        return lines

    def merged(self, later: ValidationReport) -> ValidationReport:
        """One report for two consecutive batches of the same file (``self`` first).

        Counts add up, row lists keep the first few rows, a column is empty only if it is
        empty in both batches.
        """
        if later.feature_columns != self.feature_columns:
            raise ValueError("reports of different models cannot be merged")
        return ValidationReport(
            n_rows=self.n_rows + later.n_rows,
            feature_columns=list(self.feature_columns),
            missing_columns=list(dict.fromkeys(self.missing_columns + later.missing_columns)),
            suggestions={**later.suggestions, **self.suggestions},
            passthrough_columns=list(self.passthrough_columns),
            non_numeric=_merge_problems(self.non_numeric, later.non_numeric),
            nan_counts={
                name: self.nan_counts.get(name, 0) + later.nan_counts.get(name, 0)
                for name in dict.fromkeys([*self.nan_counts, *later.nan_counts])
            },
            inf_counts=_merge_problems(self.inf_counts, later.inf_counts),
            empty_columns=[name for name in self.empty_columns if name in later.empty_columns],
            unscorable_rows=np.concatenate([self.unscorable_rows, later.unscorable_rows]),
            mostly_missing_rows=self.mostly_missing_rows + later.mostly_missing_rows,
        )

    def to_dict(self) -> dict:
        """JSON-able summary (for the command line's machine-readable output)."""
        return {
            "ok": self.ok,
            "can_score": self.can_score,
            "n_rows": self.n_rows,
            "missing_columns": list(self.missing_columns),
            "passthrough_columns": list(self.passthrough_columns),
            "non_numeric": {k: vars(v) for k, v in self.non_numeric.items()},
            "nan_counts": dict(self.nan_counts),
            "inf_counts": {k: vars(v) for k, v in self.inf_counts.items()},
            "empty_columns": list(self.empty_columns),
            "unscorable_rows": self.unscorable_rows.tolist(),
            "mostly_missing_rows": self.mostly_missing_rows,
        }


def _column_problems(report: ValidationReport, df: pd.DataFrame, raw, text, first_row) -> None:
    """Fill ``report`` from the coerced feature matrix ``raw`` and its text masks."""
    features = report.feature_columns
    finite = np.isfinite(raw)
    infinite = np.isinf(raw)
    nan_counts = np.isnan(raw).sum(axis=0)
    for j, name in enumerate(features):
        text_mask = text.get(name)
        n_text = 0 if text_mask is None else int(text_mask.sum())
        if n_text:
            report.non_numeric[name] = _cell_problem(text_mask, first_row, df[name])
        if nan_counts[j] > n_text:
            report.nan_counts[name] = int(nan_counts[j] - n_text)
    for j in np.flatnonzero(infinite.any(axis=0)):
        report.inf_counts[features[j]] = _cell_problem(infinite[:, j], first_row)
    report.empty_columns = [features[j] for j in np.flatnonzero(finite.sum(axis=0) == 0)]
    usable_per_row = finite.sum(axis=1)
    report.unscorable_rows = np.flatnonzero(usable_per_row == 0) + first_row
    report.mostly_missing_rows = int(
        ((usable_per_row > 0) & (usable_per_row < len(features) / 2)).sum()
    )


def _validate(df: pd.DataFrame, preprocessor: Preprocessor, first_row: int = 1):
    """(raw feature matrix or None, ValidationReport) -- one coercion pass over ``df``."""
    preprocessor._require_fitted()
    df = check_frame(df)
    features = preprocessor.feature_names
    feature_set = set(features)
    report = ValidationReport(
        n_rows=int(df.shape[0]),
        feature_columns=list(features),
        passthrough_columns=[name for name in df.columns if name not in feature_set],
        missing_columns=preprocessor.missing_columns(df),
    )
    for name in report.missing_columns:
        close = closest(name, report.passthrough_columns)
        if close is not None:
            report.suggestions[name] = close
    if report.missing_columns:
        return None, report
    found = numeric(df, features)
    _column_problems(report, df, found.values, found.text, first_row)
    return found.values, report


def prepare_for_scoring(
    df: pd.DataFrame, preprocessor: Preprocessor, dtype=np.float64, first_row: int = 1
) -> tuple[np.ndarray | None, ValidationReport]:
    """Validate ``df`` and, if it can be scored, build the model's input in the same pass.

    Parameters
    ----------
    df : DataFrame of shape (n_rows, n_columns)
    preprocessor : Preprocessor
        Fitted.
    dtype : numpy dtype, default float64
        Of the returned matrix.
    first_row : int, default 1
        Row number of ``df``'s first row in messages -- for a file read in batches, pass
        the batch's offset + 1 and combine the reports with :meth:`ValidationReport.merged`.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features), or None when feature columns are missing
        Rows listed in ``report.unscorable_rows`` are filled with medians; give them no
        score.
    report : ValidationReport
    """
    raw, report = _validate(df, preprocessor, first_row)
    return (None if raw is None else preprocessor.finish(raw, dtype=dtype)), report


def validate_for_scoring(
    df: pd.DataFrame, preprocessor: Preprocessor, first_row: int = 1
) -> ValidationReport:
    """Check a table against a fitted preprocessor before scoring it.

    Parameters
    ----------
    df : DataFrame of shape (n_rows, n_columns)
    preprocessor : Preprocessor
        Fitted.
    first_row : int, default 1
        Row number of ``df``'s first row in messages (see :func:`prepare_for_scoring`).

    Returns
    -------
    ValidationReport
        ``.ok``, ``.can_score`` and ``.lines()``; see the class for the fields.

    Raises
    ------
    DataError
        Only for a table that is not a table at all: no rows or duplicate column names.
    """
    return _validate(df, preprocessor, first_row)[1]
