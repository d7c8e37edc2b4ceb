r"""Learn feature columns, imputation and scaling from training rows only.

:class:`Preprocessor` ``.fit(train_df, label)`` decides which columns are features
(:mod:`yieldmodel.column_names` and :mod:`yieldmodel.column_rules`), in which order, and
learns per feature the training median (for missing cells), mean and standard deviation;
``transform(df)`` applies exactly that to any frame whose columns carry the same names, in
any order:

.. math:: x' = \frac{\operatorname{impute}(x) - \mu_\text{train}}{\sigma_\text{train}}

Its :attr:`~Preprocessor.report` says what it did and why, in sentences for a person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yieldmodel.coercion import check_frame, numeric
from yieldmodel.column_rules import FeatureChoice, choose_features
from yieldmodel.labels import describe_label, label_column
from yieldmodel.messages import DataError, closest, name_list

#: Version of the dictionary written by :meth:`Preprocessor.to_dict`.
STATE_VERSION = 1

#: Minority-class share below which the report suggests class weights.
IMBALANCE_FRACTION = 0.2

#: Standardised values are clipped to ±MAX_Z, so that an absurd but finite cell (1e300)
#: cannot overflow the network; real data never comes near.
MAX_Z = 1e6

_ARRAYS = ("medians", "means", "scales")


def _statistics(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Medians, means (after imputation) and scales (std, 0 guarded to 1) per column.

    Statistics of x / max|x| are scaled back, so values near 1e308 cannot overflow.
    """
    magnitude = np.nanmax(np.abs(values), axis=0)
    magnitude[magnitude == 0] = 1.0
    unit = values / magnitude
    unit_medians = np.nanmedian(unit, axis=0)
    unit = np.where(np.isnan(unit), unit_medians, unit)
    stds = unit.std(axis=0) * magnitude
    return unit_medians * magnitude, unit.mean(axis=0) * magnitude, np.where(stds > 0, stds, 1.0)


def _balance_lines(class_counts: list[int], class_weights: list[float]) -> list[str]:
    n_pass, n_fail = class_counts
    total = n_pass + n_fail
    lines = [
        f"Class balance: {n_pass:,} pass ({100 * n_pass / total:.1f} %), "
        f"{n_fail:,} fail ({100 * n_fail / total:.1f} %)."
    ]
    minority = min(class_counts) / total
    if minority < IMBALANCE_FRACTION:
        lines.append(
            f"The minority class is only {100 * minority:.1f} % of the rows: consider class "
            f"weights pass {class_weights[0]:.3g}, fail {class_weights[1]:.3g} "
            "(n / (2 · n_class), so both classes weigh the same in the loss), and judge the "
            "model by recall, precision and PR-AUC rather than accuracy."
        )
    return lines


def _feature_lines(choice: FeatureChoice, n_rows: int) -> list[str]:
    """Report lines on the features: what was left out, what was cleaned and how."""
    features = choice.features
    by_reason: dict[str, list[str]] = {}
    for name, reason in choice.dropped.items():
        by_reason.setdefault(reason, []).append(name)
    lines = [f"Features: {len(features):,} numeric columns."]
    lines += [f"Left out ({reason}): {name_list(names)}." for reason, names in by_reason.items()]
    text_masks = choice.numeric.text
    text = [(name, int(text_masks[name].sum())) for name in features if name in text_masks]
    if text:
        shown = ", ".join(f"{name!r} ({count})" for name, count in text[:10])
        more = f" and {len(text) - 10} more columns" if len(text) > 10 else ""
        lines.append(f"Non-numeric cells, treated as missing: {shown}{more}.")
    infinite = [(name, int(c)) for name, c in zip(features, choice.inf_counts, strict=True) if c]
    if infinite:
        shown = ", ".join(f"{name!r} ({count})" for name, count in infinite[:10])
        lines.append(f"Infinite values, treated as missing: {shown}.")
    lines.append(_missing_line(features, np.isnan(choice.values).sum(axis=0), n_rows))
    lines.append(
        "Each feature is standardised with the training mean and standard deviation, "
        "(x - mean) / std."
    )
    return lines


def _missing_line(features: list[str], missing: np.ndarray, n_rows: int) -> str:
    if not missing.any():
        return "No missing values in the feature columns."
    total = int(missing.sum())
    worst = np.argsort(-missing, kind="stable")[:5]
    shown = ", ".join(
        f"{features[j]!r} ({100 * missing[j] / n_rows:.0f} %)" for j in worst if missing[j]
    )
    return (
        f"Missing values imputed with the training median: {total:,} cells in "
        f"{int((missing > 0).sum()):,} columns ({100 * total / missing.size / n_rows:.1f} % "
        f"of all feature cells); most missing: {shown}."
    )


class Preprocessor:
    r"""Learn feature columns, imputation and scaling from training rows only.

    The column rules are those of :mod:`yieldmodel.column_rules`. Text cells and ±inf in
    a numeric column count as missing. Missing cells get the training median.

    Parameters
    ----------
    include : sequence of str, optional
        Columns to keep even though their name looks like an identifier.
    exclude : sequence of str, optional
        Columns to leave out in any case.

    Attributes
    ----------
    feature_names : list of str
        The features, in the order of the matrix columns.
    medians, means, scales : ndarray of shape (n_features,)
        Training median, mean (after imputation) and standard deviation (0 guarded to 1).
    dropped : dict
        Column name -> reason it is not a feature (label excluded).
    label_name, label_coding : str or None
        The label column given to ``fit`` and how its values were read.
    class_counts : list of int or None
        ``[n_pass, n_fail]`` in the training rows.
    class_weights : list of float or None
        ``[w_pass, w_fail]`` with :math:`w_c = n / (2 n_c)`, which makes both classes weigh
        the same in the loss; suggested in the report when fails are under 20 %.
    report : list of str
        Human-readable account of every decision.
    """

    def __init__(self, include=(), exclude=()):
        for kind, names in (("include", include), ("exclude", exclude)):
            if isinstance(names, str):
                raise TypeError(f"{kind} must be a list of column names, not one string")
        self.include = [str(name) for name in include]
        self.exclude = [str(name) for name in exclude]
        self.feature_names: list[str] = []
        self.medians = self.means = self.scales = None
        self.dropped: dict[str, str] = {}
        self.label_name: str | None = None
        self.label_coding: str | None = None
        self.class_counts: list[int] | None = None
        self.class_weights: list[float] | None = None
        self.n_train_rows = 0
        self.report: list[str] = []

    @property
    def fitted(self) -> bool:
        return self.medians is not None

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    @property
    def minority_share(self) -> float | None:
        """Share of the smaller class in the training label (None without a label)."""
        if not self.class_counts:
            return None
        return min(self.class_counts) / sum(self.class_counts)

    @property
    def imbalanced(self) -> bool:
        """True when the smaller class of the training label is under IMBALANCE_FRACTION."""
        return self.class_counts is not None and self.minority_share < IMBALANCE_FRACTION

    def fit(self, df: pd.DataFrame, label: str | None = None) -> Preprocessor:
        """Learn features, medians, means and scales from the training rows ``df``.

        Parameters
        ----------
        df : DataFrame of shape (n_rows, n_columns)
            Training rows only (split off validation rows first).
        label : str, optional
            Name of the pass/fail column; it is never a feature, and the report gains
            its coding, the class balance and suggested class weights.

        Returns
        -------
        self
        """
        df = check_frame(df)
        n_rows = df.shape[0]
        if n_rows < 2:
            raise DataError(f"Training needs at least 2 rows; the table has {n_rows}.")
        label_state, label_lines = self._label_state(df, label)
        choice = choose_features(df, label_state["label_name"], self.include, self.exclude)
        if not choice.features:
            reasons = list(choice.dropped.items())[:12]
            raise DataError(
                "No usable numeric feature columns are left. "
                + " ".join(f"{name!r}: {reason}." for name, reason in reasons)
            )
        self.medians, self.means, self.scales = _statistics(choice.values)
        vars(self).update(label_state)
        self.feature_names, self.dropped = choice.features, choice.dropped
        self.n_train_rows = n_rows
        self.report = [
            f"Training rows: {n_rows:,}; columns: {df.shape[1]:,}.",
            *label_lines,
            *_feature_lines(choice, n_rows),
        ]
        return self

    @staticmethod
    def _label_state(df: pd.DataFrame, label: str | None) -> tuple[dict, list[str]]:
        """Label attributes for ``fit`` and their report lines."""
        state = dict.fromkeys(("label_name", "label_coding", "class_counts", "class_weights"))
        if label is None:
            return state, []
        y, coding = describe_label(label_column(df, str(label)))
        counts = np.bincount(y, minlength=2).tolist()
        weights = [y.size / (2.0 * count) for count in counts]
        state.update(
            label_name=str(label), label_coding=coding, class_counts=counts, class_weights=weights
        )
        return state, [coding, *_balance_lines(counts, weights)]

    def _require_fitted(self):
        if not self.fitted:
            raise RuntimeError("this Preprocessor is not fitted yet; call fit(df) first")

    def missing_columns(self, df: pd.DataFrame) -> list[str]:
        """Feature columns of the fit that ``df`` lacks."""
        self._require_fitted()
        present = {str(c) for c in df.columns}
        return [name for name in self.feature_names if name not in present]

    def _missing_error(self, missing, df) -> DataError:
        hints = []
        for name in missing[:10]:
            close = closest(name, df.columns)
            hints.append(f"{name!r}" + (f" (did you mean {close!r}?)" if close else ""))
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        return DataError(
            f"{len(missing)} of the model's {self.n_features} feature columns are missing: "
            f"{', '.join(hints)}{more}. Column names must match the training data exactly "
            "(any order)."
        )

    def raw_matrix(self, df: pd.DataFrame) -> np.ndarray:
        """Feature columns of ``df`` by name as floats, before imputation and scaling.

        Returns
        -------
        ndarray of shape (n_rows, n_features)
            NaN for empty or text cells; ±inf as given.
        """
        self._require_fitted()
        df = check_frame(df)
        missing = self.missing_columns(df)
        if missing:
            raise self._missing_error(missing, df)
        return numeric(df, self.feature_names).values

    def finish(self, raw: np.ndarray, dtype=np.float64) -> np.ndarray:
        """Impute and standardise a raw matrix from :meth:`raw_matrix`.

        Parameters
        ----------
        raw : ndarray of shape (n_rows, n_features)
        dtype : numpy dtype, default float64

        Returns
        -------
        ndarray of shape (n_rows, n_features) and the given dtype
            Missing and ±inf cells take the training median; values are then
            standardised and clipped to ±``MAX_Z``.
        """
        self._require_fitted()
        if raw.ndim != 2 or raw.shape[1] != self.n_features:
            raise ValueError(f"expected shape (n_rows, {self.n_features}), got {raw.shape}")
        X = np.where(np.isfinite(raw), raw, self.medians)
        with np.errstate(over="ignore"):
            X -= self.means
            X /= self.scales
        np.clip(X, -MAX_Z, MAX_Z, out=X)
        return X.astype(dtype, copy=False)

    def transform(self, df: pd.DataFrame, dtype=np.float64) -> np.ndarray:
        """The model's input matrix for ``df`` (columns matched by name, any order).

        Parameters
        ----------
        df : DataFrame of shape (n_rows, n_columns)
            Must contain every feature column; other columns are ignored.
        dtype : numpy dtype, default float64

        Returns
        -------
        ndarray of shape (n_rows, n_features)
            Imputed with the training medians and standardised. Text and ±inf cells
            count as missing.

        Raises
        ------
        DataError
            When feature columns are missing (all of them are listed).
        """
        return self.finish(self.raw_matrix(df), dtype=dtype)

    def fit_transform(self, df: pd.DataFrame, label: str | None = None, dtype=np.float64):
        """``fit(df, label)`` then ``transform(df)``."""
        return self.fit(df, label=label).transform(df, dtype=dtype)

    def to_dict(self) -> dict:
        """JSON-able state (plain lists and numbers) for saving with a model."""
        self._require_fitted()
        return {
            "kind": "preprocessor",
            "version": STATE_VERSION,
            "feature_names": list(self.feature_names),
            "medians": self.medians.tolist(),
            "means": self.means.tolist(),
            "scales": self.scales.tolist(),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "dropped": dict(self.dropped),
            "label_name": self.label_name,
            "label_coding": self.label_coding,
            "class_counts": self.class_counts,
            "class_weights": self.class_weights,
            "n_train_rows": self.n_train_rows,
            "report": list(self.report),
        }

    @classmethod
    def from_dict(cls, state: dict) -> Preprocessor:
        """Rebuild a fitted preprocessor from :meth:`to_dict` output.

        Raises
        ------
        ValueError
            When the dictionary is not a preprocessor state of a known version or its
            arrays disagree in length or hold non-finite numbers.
        """
        if not isinstance(state, dict) or state.get("kind") != "preprocessor":
            raise ValueError("not a preprocessor state (missing kind='preprocessor')")
        if state.get("version") != STATE_VERSION:
            raise ValueError(
                f"preprocessor state version {state.get('version')!r} is not supported "
                f"(this code reads version {STATE_VERSION})"
            )
        try:
            names = [str(name) for name in state["feature_names"]]
            arrays = [np.asarray(state[key], dtype=np.float64) for key in _ARRAYS]
            pre = cls(include=state.get("include", ()), exclude=state.get("exclude", ()))
            pre.dropped = {str(k): str(v) for k, v in dict(state.get("dropped", {})).items()}
            pre.label_name = state.get("label_name")
            pre.label_coding = state.get("label_coding")
            pre.class_counts = state.get("class_counts")
            pre.class_weights = state.get("class_weights")
            pre.n_train_rows = int(state.get("n_train_rows", 0))
            pre.report = [str(line) for line in state.get("report", [])]
        except (KeyError, TypeError) as error:
            raise ValueError(f"preprocessor state is incomplete or malformed: {error!r}") from error
        if not names or len(set(names)) != len(names):
            raise ValueError("preprocessor state needs unique, non-empty feature names")
        for key, array in zip(_ARRAYS, arrays, strict=True):
            if array.shape != (len(names),) or not np.isfinite(array).all():
                raise ValueError(
                    f"preprocessor state: {key!r} must hold {len(names)} finite numbers"
                )
        if (arrays[2] <= 0).any():
            raise ValueError("preprocessor state: scales must be positive")
        pre.feature_names = names
        pre.medians, pre.means, pre.scales = arrays
        return pre
