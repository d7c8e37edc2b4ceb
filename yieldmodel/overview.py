"""The generated wafer-test data and what the page shows about a table before training.

:class:`GeneratedData` is the page's data setting (dies, fail rate, label noise, seed):
it builds the seed notebook's table (:func:`yieldmodel.seed_data.semiconductor`) and
describes it in words. :func:`feature_correlation` and :func:`majority_share` summarise a
labelled table for the data overview.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yieldmodel import seed_data

#: The fail rate (%) at which the seed's balanced generator is used.
BALANCED_PERCENT = 50


@dataclass(frozen=True)
class GeneratedData:
    """Settings of a generated wafer-test table (defaults: the seed notebook's).

    Attributes
    ----------
    rows : int
        Number of dies.
    fail_percent : int
        Share of failing dies before label noise, in percent; 50 is the seed's balanced set.
    noise_percent : int
        Share of labels re-drawn at random, in percent.
    seed : int
    """

    rows: int = 5000
    fail_percent: int = BALANCED_PERCENT
    noise_percent: int = 10
    seed: int = 42

    @property
    def key(self) -> tuple:
        """Names the table among training sources (``("generated", rows, ...)``)."""
        return ("generated", self.rows, self.fail_percent, self.noise_percent, self.seed)

    def table(self) -> pd.DataFrame:
        """The table: the 20 parametric tests and the label ``fail`` (1 = the die fails)."""
        balanced = self.fail_percent == BALANCED_PERCENT
        return seed_data.semiconductor(
            self.rows,
            rng=self.seed,
            fail_rate=None if balanced else self.fail_percent / 100.0,
            flip_y=self.noise_percent / 100.0,
        )

    def describe(self) -> str:
        """E.g. 'generated data: 5,000 dies, balanced (the seed), 10 % label noise, seed 42'."""
        if self.fail_percent == BALANCED_PERCENT:
            fail = "balanced (the seed)"
        else:
            fail = f"{self.fail_percent} % fail rate"
        return (
            f"generated data: {self.rows:,} dies, {fail}, {self.noise_percent} % label noise, "
            f"seed {self.seed}"
        )


def majority_share(y) -> float:
    """Accuracy of always answering the more common class: the baseline to beat."""
    share = float(np.mean(np.asarray(y) == 1))
    return max(share, 1.0 - share)


def feature_correlation(df: pd.DataFrame, columns) -> np.ndarray:
    """Pearson correlation matrix of ``columns`` over rows where all are finite.

    Returns
    -------
    ndarray of shape (k, k)
        1 on the diagonal; NaN for a column that does not vary.
    """
    values = df[list(columns)].to_numpy(dtype=np.float64)
    values = values[np.isfinite(values).all(axis=1)]
    if values.shape[0] < 2:
        raise ValueError("need at least two complete rows to correlate")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.corrcoef(values, rowvar=False)


@dataclass(frozen=True, eq=False)
class TrainingTable:
    """What the page trains on: a labelled table and how to name it.

    Attributes
    ----------
    frame : DataFrame
    label : str
        The pass/fail column.
    key : tuple
        Names the source (generated settings, or upload and label), to tell whether the
        shown model was trained on it.
    description : str
        E.g. 'generated data: 5,000 dies, ...' or 'wafer.csv (label 'Result')'.
    exclude : tuple of str
        Columns left out on request.
    examples : bool
        True when the validation rows may serve as example files to score (the generated
        data: it has the features and the label the seed's template expects).
    """

    frame: pd.DataFrame
    label: str
    key: tuple
    description: str
    exclude: tuple = ()
    examples: bool = False

    @classmethod
    def generated(cls, data: GeneratedData, frame: pd.DataFrame) -> TrainingTable:
        """The generated table ``frame`` built from ``data``."""
        return cls(frame, seed_data.SEMICONDUCTOR_LABEL, data.key, data.describe(), (), True)

    @classmethod
    def uploaded(cls, frame, name: str, file_id: str, label: str, exclude=()) -> TrainingTable:
        """An uploaded labelled file ``name``."""
        exclude = tuple(exclude)
        key = ("own", file_id, label, exclude)
        return cls(frame, label, key, f"{name} (label '{label}')", exclude)
