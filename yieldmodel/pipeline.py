"""A trained pass/fail scorer: preprocessing, network and decision threshold in one object.

A :class:`Pipeline` is everything needed to score a new table: the fitted
:class:`~yieldmodel.preprocessing.Preprocessor` (feature names and order, training medians,
means and standard deviations), the :class:`~core.mlp.MLP`, the decision threshold and the
training metrics. :mod:`yieldmodel.model_io` saves and loads it, :mod:`yieldmodel.onnx_export`
exports it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from core.mlp import MLP
from yieldmodel.messages import DataError
from yieldmodel.preprocessing import Preprocessor
from yieldmodel.validation import ValidationReport, prepare_for_scoring

#: Name written into every pipeline archive; files with another name are not ours.
FORMAT_NAME = "nn-playground-pipeline"
#: Version of the archive layout; :func:`yieldmodel.model_io.load` refuses newer versions.
FORMAT_VERSION = 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _jsonable(value, where: str = "metrics"):
    """``value`` as strict-JSON types: NumPy scalars/arrays to Python, NaN/inf to None."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item, f"{where}[{key!r}]") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, where) for item in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), where)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise TypeError(f"{where} holds a {type(value).__name__}, which cannot be saved as JSON")


@dataclass
class Pipeline:
    """A trained pass/fail scorer: preprocessing + network + threshold.

    Parameters
    ----------
    preprocessor : Preprocessor
        Fitted on the training rows.
    model : MLP
        Input width ``preprocessor.n_features``; a sigmoid output (1 unit) or a softmax
        output with 2 units (class 1 = fail).
    threshold : float in [0, 1]
        A row is predicted FAIL when its fail probability is ``>= threshold``.
    label_name : str, optional
        Name of the training label column.
    metrics : dict
        Training/validation metrics (JSON-able after NumPy values are converted).
    created : str
        ISO-8601 UTC time stamp.
    version : int
        Archive format version.
    """

    preprocessor: Preprocessor
    model: MLP
    threshold: float = 0.5
    label_name: str | None = None
    metrics: dict = field(default_factory=dict)
    created: str = field(default_factory=_now)
    version: int = FORMAT_VERSION

    def __post_init__(self):
        if not isinstance(self.preprocessor, Preprocessor) or not self.preprocessor.fitted:
            raise ValueError("preprocessor must be a fitted yieldmodel.preprocessing.Preprocessor")
        if not isinstance(self.model, MLP):
            raise ValueError(f"model must be a core.mlp.MLP, got {type(self.model).__name__}")
        if self.model.sizes[0] != self.preprocessor.n_features:
            raise ValueError(
                f"the model takes {self.model.sizes[0]} inputs but the preprocessor makes "
                f"{self.preprocessor.n_features} features"
            )
        binary = (self.model.output == "sigmoid") or (
            self.model.output == "softmax" and self.model.sizes[-1] == 2
        )
        if not binary:
            raise ValueError(
                "a pass/fail pipeline needs a sigmoid output or a 2-unit softmax output, got "
                f"{self.model.output!r} with {self.model.sizes[-1]} units"
            )
        self.threshold = float(self.threshold)
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must lie in [0, 1], got {self.threshold}")
        if self.label_name is None:
            self.label_name = self.preprocessor.label_name

    @property
    def feature_names(self) -> list[str]:
        """Input columns, in the model's order."""
        return list(self.preprocessor.feature_names)

    def _fail_probability(self, X: np.ndarray) -> np.ndarray:
        model = self.model if X.dtype == self.model.dtype else self.model.astype(X.dtype)
        proba = model.predict_proba(X)
        return proba if proba.ndim == 1 else proba[:, 1]

    def score(
        self, df: pd.DataFrame, dtype=np.float64, first_row: int = 1
    ) -> tuple[np.ndarray, ValidationReport]:
        """Validate ``df`` and score every row that can be scored.

        Parameters
        ----------
        df : DataFrame of shape (n_rows, n_columns)
            Feature columns by name, in any order; other columns are ignored.
        dtype : {numpy.float64, numpy.float32}
            Arithmetic precision of the forward pass (float32 is faster).
        first_row : int, default 1
            Number of ``df``'s first row in the report, for files scored in batches.

        Returns
        -------
        proba : ndarray of shape (n_rows,)
            Fail probability; NaN for rows listed in ``report.unscorable_rows``.
        report : ValidationReport

        Raises
        ------
        DataError
            When feature columns are missing (the message lists them).
        """
        X, report = prepare_for_scoring(df, self.preprocessor, dtype=dtype, first_row=first_row)
        if X is None:
            raise DataError(report.lines()[0])
        proba = self._fail_probability(X)
        proba[report.unscorable_rows - first_row] = np.nan
        return proba, report

    def predict_proba(self, df: pd.DataFrame, dtype=np.float64) -> np.ndarray:
        """Fail probability of each row of ``df``, shape (n_rows,); see :meth:`score`."""
        return self.score(df, dtype=dtype)[0]

    def predict(self, df: pd.DataFrame, dtype=np.float64) -> np.ndarray:
        """1 = fail, 0 = pass at :attr:`threshold`, -1 where a row cannot be scored."""
        proba = self.predict_proba(df, dtype=dtype)
        labels = (proba >= self.threshold).astype(np.int64)
        labels[np.isnan(proba)] = -1
        return labels

    def summary(self) -> str:
        """'20 features, label 'fail', threshold 0.50, saved <time>, validation ROC-AUC 0.93'."""
        auc = (self.metrics.get("validation") or {}).get("roc_auc")
        return (
            f"{self.preprocessor.n_features} features, label '{self.label_name}', threshold "
            f"{self.threshold:.2f}, saved {self.created or 'at an unknown time'}"
            + (f", validation ROC-AUC {auc:.3f}" if isinstance(auc, float) else "")
        )

    def metadata(self) -> dict:
        """Everything but the weights, as a JSON-able dict (the archive's ``metadata``)."""
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "created": self.created,
            "model": self.model.get_config(),
            "preprocessor": self.preprocessor.to_dict(),
            "threshold": self.threshold,
            "label_name": self.label_name,
            "metrics": _jsonable(self.metrics),
        }
