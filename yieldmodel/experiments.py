"""The pass/fail yield model end to end: train, judge honestly, time, and score new files.

The semiconductor page and the command line share this module:

* :func:`train_pipeline` -- stratified 80/20 split, a :class:`~yieldmodel.tabular.Preprocessor`
  fitted on the training rows only, optional class weights, a :class:`~core.mlp.MLP`
  trained by :class:`~core.training.Trainer`, validation metrics, a threshold suggested
  for a target fail recall, and a saveable :class:`~yieldmodel.model_io.Pipeline` that carries
  a drift reference (:mod:`yieldmodel.drift`) for later uploads;
* :func:`chance_check` -- is the validation ROC-AUC distinguishable from a coin flip?
* :func:`run_experiment` -- the seed notebook's initialisation and regularisation tables
  with the train-validation gap;
* :func:`inference_latency` -- seconds per row and per 1,000 rows;
* :func:`score_csv` / :func:`score_frame` -- validate an uploaded table first, then score
  it, keeping every other column untouched;
* small helpers for the page: :func:`feature_correlation`, :func:`template_frame`,
  :func:`example_scoring_frame`, :func:`guess_label_column`.

Class 1 is FAIL throughout; a row is predicted FAIL when its probability is
``>= threshold``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from core import metrics, optimizers
from core.activations import ACTIVATIONS
from core.initializers import INITIALIZERS
from core.mlp import MLP
from core.training import Trainer
from core.validation import as_rng
from yieldmodel import drift, seed_data
from yieldmodel.model_io import Pipeline

# One definition of the scored table's columns, shared with the CLI.
from yieldmodel.streaming import (
    FAIL_TEXT,
    PASS_TEXT,
    UNSCORED_TEXT,
    output_names,
)
from yieldmodel.tabular import (
    CsvData,
    DataError,
    Preprocessor,
    ValidationReport,
    encode_label,
    read_csv,
    validate_for_scoring,
)

#: Share of rows held out for validation.
VALIDATION_FRACTION = 0.2
#: Recall on FAIL that the suggested threshold aims for (the seed asks for > 85 %).
DEFAULT_TARGET_RECALL = 0.85
#: A ROC-AUC within this many standard errors of 0.5 is called "no better than chance".
CHANCE_Z = 2.0
#: Columns appended to a scored table (renamed with a suffix if the upload has them).


# --------------------------------------------------------------------------------------
# The network and how it is trained
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Architecture:
    """Network shape and training settings; hashable, so it can key a cache.

    Parameters
    ----------
    hidden : tuple of int
        Hidden layer widths; the input width comes from the data, the output is 1 sigmoid.
    activation : str
        Hidden activation name from ``core.activations.ACTIVATIONS``.
    init : str
        Weight initialiser from ``core.initializers.INITIALIZERS``.
    init_scale : float
        Standard deviation for ``init="random"``.
    optimizer : str
        Name for ``core.optimizers.make``.
    lr : float
        Learning rate.
    optimizer_options : dict or tuple of (name, value) pairs
        Further optimizer hyper-parameters in PyTorch's names, e.g. ``{"betas": (0.9,
        0.99)}``; kept as a sorted tuple of pairs so the settings stay hashable.
    batch_size, epochs : int
    l2 : float
        Penalty :math:`\\tfrac{\\lambda}{2}\\sum W^2` on the weights.
    dropout : float
        Inverted-dropout probability in every hidden layer, in [0, 1).
    class_weights : bool
        Weight each row by :math:`n / (2 n_c)` of its class, so both classes weigh the same.
    """

    hidden: tuple[int, ...] = (64, 32)
    activation: str = "relu"
    init: str = "he"
    init_scale: float = 0.01
    optimizer: str = "adam"
    lr: float = 1e-3
    optimizer_options: tuple = ()
    batch_size: int = 32
    epochs: int = 50
    l2: float = 0.0
    dropout: float = 0.0
    class_weights: bool = False

    def __post_init__(self):
        hidden = tuple(self.hidden)
        for width in hidden:
            if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
                raise ValueError(f"hidden layer widths must be positive integers, got {hidden}")
        object.__setattr__(self, "hidden", tuple(int(w) for w in hidden))
        for kind, name, registry in (
            ("activation", self.activation, ACTIVATIONS),
            ("initializer", self.init, INITIALIZERS),
            ("optimizer", self.optimizer, optimizers.OPTIMIZERS),
        ):
            if name not in registry:
                raise ValueError(f"unknown {kind} {name!r}; choose one of: {', '.join(registry)}")
        for name in ("lr", "init_scale"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive finite number, got {value!r}")
        for name in ("batch_size", "epochs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not (math.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"l2 must be a finite number >= 0, got {self.l2!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout!r}")
        options = tuple(sorted(dict(self.optimizer_options).items()))
        object.__setattr__(self, "optimizer_options", options)
        self.make_optimizer()  # unknown or invalid optimizer settings fail here, by name

    def sizes(self, n_features: int) -> list[int]:
        """Layer widths from ``n_features`` inputs to the single output."""
        return [int(n_features), *self.hidden, 1]

    def build(self, n_features: int, rng=0) -> MLP:
        """A fresh network for ``n_features`` inputs."""
        return MLP(
            self.sizes(n_features),
            hidden=self.activation,
            output="sigmoid",
            init=self.init,
            init_scale=self.init_scale,
            rng=rng,
            l2=self.l2,
            dropout=self.dropout,
        )

    def make_optimizer(self):
        return optimizers.make(self.optimizer, lr=self.lr, **dict(self.optimizer_options))

    def describe(self, n_features: int) -> str:
        """E.g. '20→64→32→1, relu, he init, adam lr 0.001, batch 32, 50 epochs'."""
        extras = [f"L2 {self.l2:g}"] if self.l2 else []
        extras += [f"dropout {self.dropout:g}"] if self.dropout else []
        extras += ["class weights"] if self.class_weights else []
        return ", ".join(
            [
                "→".join(map(str, self.sizes(n_features))),
                self.activation,
                f"{self.init} init",
                f"{self.optimizer} lr {self.lr:g}",
                f"batch {self.batch_size}",
                f"{self.epochs} epochs",
                *extras,
            ]
        )

    def to_dict(self) -> dict:
        """JSON-able settings (saved in the model's metrics)."""
        return {
            "hidden": list(self.hidden),
            "activation": self.activation,
            "init": self.init,
            "init_scale": self.init_scale,
            "optimizer": self.optimizer,
            "lr": self.lr,
            "optimizer_options": {k: v for k, v in self.optimizer_options},
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "l2": self.l2,
            "dropout": self.dropout,
            "class_weights": self.class_weights,
        }


# --------------------------------------------------------------------------------------
# Honest evaluation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChanceCheck:
    """Is the model better than guessing?

    Under the null hypothesis that scores are unrelated to the label, the ROC-AUC (the
    Mann-Whitney statistic divided by :math:`n_0 n_1`) has mean 0.5 and standard error

    .. math:: \\mathrm{SE}_0 = \\sqrt{\\frac{n_0 + n_1 + 1}{12\\, n_0 n_1}}

    The model is called no better than chance when ROC-AUC < 0.5 + :data:`CHANCE_Z` SE.

    Attributes
    ----------
    roc_auc, standard_error : float
    z : float
        (ROC-AUC - 0.5) / SE.
    no_better_than_chance : bool
    fail_share : float
        Share of FAIL rows: the PR-AUC a random scorer gets.
    majority_accuracy : float
        Accuracy of always predicting the more common class.
    """

    roc_auc: float
    standard_error: float
    z: float
    no_better_than_chance: bool
    fail_share: float
    majority_accuracy: float

    def message(self) -> str:
        """One honest sentence about what the validation numbers mean."""
        if self.no_better_than_chance:
            return (
                f"No better than chance: the validation ROC-AUC {self.roc_auc:.3f} lies within "
                f"{CHANCE_Z:g} standard errors (±{CHANCE_Z * self.standard_error:.3f}) of the "
                "0.5 a coin flip scores. The features as given do not predict the label; more "
                "rows, more fails or other measurements are needed before trusting any "
                "prediction."
            )
        return (
            f"Better than chance: ROC-AUC {self.roc_auc:.3f} is {self.z:.1f} standard errors "
            f"above 0.5. Baselines: always predicting the majority class scores "
            f"{self.majority_accuracy:.1%} accuracy, a random ranking a PR-AUC of "
            f"{self.fail_share:.3f}."
        )


def chance_check(y_true, proba) -> ChanceCheck:
    """Compare the ROC-AUC of ``proba`` on ``y_true`` with what chance gives.

    Parameters
    ----------
    y_true : array of shape (n,)
        0/1 labels with both classes present.
    proba : array of shape (n,)
        Fail probabilities.

    Returns
    -------
    ChanceCheck
    """
    y_true = np.asarray(y_true)
    n_fail = int(np.count_nonzero(y_true == 1))
    n_pass = int(y_true.size - n_fail)
    if n_fail == 0 or n_pass == 0:
        raise ValueError("the chance check needs both classes in y_true")
    roc_auc = metrics.binary_report(y_true, proba)["roc_auc"]
    standard_error = math.sqrt((n_pass + n_fail + 1) / (12.0 * n_pass * n_fail))
    z = (roc_auc - 0.5) / standard_error
    return ChanceCheck(
        roc_auc=roc_auc,
        standard_error=standard_error,
        z=z,
        no_better_than_chance=bool(z < CHANCE_Z),
        fail_share=n_fail / y_true.size,
        majority_accuracy=max(n_pass, n_fail) / y_true.size,
    )


# --------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------

#: ``progress(epoch, n_epochs, history)``; returning True stops training early.
Progress = Callable[[int, int, dict], "bool | None"]


@dataclass
class TrainingRun:
    """Everything one training produced, for the evaluation views.

    Attributes
    ----------
    pipeline : yieldmodel.model_io.Pipeline
        Ready to score and save; ``metrics`` holds the validation report at 0.5, the
        suggested threshold, the architecture and a ``drift_reference``.
    history : dict
        ``Trainer.history`` (loss, val_loss, accuracy, val_accuracy, grad_norms, ...).
    y_train, proba_train : arrays of shape (n_train,)
    y_val, proba_val : arrays of shape (n_val,)
        Labels and fail probabilities of the training and validation rows.
    val_rows : array of int, shape (n_val,)
        Positions of the validation rows in the training table.
    suggested_threshold : float or None
        Largest threshold whose validation recall reaches ``target_recall``.
    target_recall : float
    chance : ChanceCheck
    diverged_at : dict or None
        ``Trainer.diverged_at`` when training stopped on an exploding loss.
    report : list of str
        What was done to the data, for the user.
    architecture : Architecture
    seconds : float
        Training wall time.
    """

    pipeline: Pipeline
    history: dict
    y_train: np.ndarray
    proba_train: np.ndarray
    y_val: np.ndarray
    proba_val: np.ndarray
    val_rows: np.ndarray
    suggested_threshold: float | None
    target_recall: float
    chance: ChanceCheck
    diverged_at: dict | None
    report: list[str]
    architecture: Architecture
    seconds: float

    @property
    def train_accuracy(self) -> float:
        return float(np.mean((self.proba_train >= 0.5) == (self.y_train == 1)))

    @property
    def val_accuracy(self) -> float:
        return float(np.mean((self.proba_val >= 0.5) == (self.y_val == 1)))

    def evaluate(self, threshold: float) -> dict:
        """``core.metrics.binary_report`` of the validation rows at ``threshold``."""
        return metrics.binary_report(self.y_val, self.proba_val, threshold)


def _labels(df: pd.DataFrame, label: str) -> np.ndarray:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if label not in df.columns:
        shown = ", ".join(repr(str(c)) for c in list(df.columns)[:12])
        more = f" and {df.shape[1] - 12} more" if df.shape[1] > 12 else ""
        raise DataError(f"Label column {label!r} is not in the table; its columns: {shown}{more}.")
    y = encode_label(df[label])
    counts = np.bincount(y, minlength=2)
    if counts.min() < 2:
        rare = "fail" if counts[1] < counts[0] else "pass"
        raise DataError(
            f"Label column {label!r} has only {counts.min()} {rare} row(s) in {y.size} rows. "
            "Training and validation each need at least one example of both classes, so "
            "each class needs two rows or more."
        )
    return y


def split_rows(y, val_fraction: float = VALIDATION_FRACTION, rng=0):
    """Stratified split of row positions: each class keeps its share in both parts.

    Returns
    -------
    train_rows, val_rows : arrays of int
        Positions into ``y``, each part holding at least one row of every class.
    """
    y = np.asarray(y)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    generator = as_rng(rng)
    train_parts, val_parts = [], []
    for label in np.unique(y):
        rows = generator.permutation(np.flatnonzero(y == label))
        n_val = min(max(int(round(val_fraction * rows.size)), 1), rows.size - 1)
        val_parts.append(rows[:n_val])
        train_parts.append(rows[n_val:])
    return (
        generator.permutation(np.concatenate(train_parts)),
        generator.permutation(np.concatenate(val_parts)),
    )


def train_pipeline(
    df: pd.DataFrame,
    label: str,
    architecture: Architecture = Architecture(),
    *,
    rng=0,
    val_fraction: float = VALIDATION_FRACTION,
    target_recall: float = DEFAULT_TARGET_RECALL,
    include=(),
    exclude=(),
    progress: Progress | None = None,
) -> TrainingRun:
    """Train a pass/fail pipeline on a labelled table.

    Steps: encode the label (FAIL = 1); split the rows 80/20 keeping the fail share in
    both parts; fit the :class:`~yieldmodel.tabular.Preprocessor` on the training rows only
    (features chosen, medians, means and standard deviations learned there); weight the
    classes if asked; train; score both parts; pick the threshold for ``target_recall``.

    Parameters
    ----------
    df : DataFrame of shape (n_rows, n_columns)
        Features (any names) plus the label column; ID and time columns are left out.
    label : str
        Name of the pass/fail column (0/1, -1/1, pass/fail, booleans, ...).
    architecture : Architecture
    rng : int or numpy.random.Generator
        One seed for the split, the initial weights, dropout and the batch order.
    val_fraction : float
        Share of rows held out for validation.
    target_recall : float in (0, 1]
    include, exclude : sequences of str
        Passed to the Preprocessor.
    progress : callable, optional
        ``progress(epoch, n_epochs, history)`` after every epoch; True stops early.

    Returns
    -------
    TrainingRun

    Raises
    ------
    DataError
        A missing label column, an unreadable or one-class label, fewer than two rows of
        a class, or no usable feature column; the message says which.
    """
    if not 0.0 < target_recall <= 1.0:
        raise ValueError(f"target_recall must lie in (0, 1], got {target_recall}")
    y = _labels(df, label)
    split_rng, model_rng, order_rng = as_rng(rng).spawn(3)
    train_rows, val_rows = split_rows(y, val_fraction, split_rng)
    train_df, val_df = df.iloc[train_rows], df.iloc[val_rows]
    y_train, y_val = y[train_rows], y[val_rows]

    pre = Preprocessor(include=include, exclude=exclude).fit(train_df, label=label)
    raw_train = pre.raw_matrix(train_df)
    X_train = pre.finish(raw_train.copy())
    X_val = pre.transform(val_df)
    sample_weight = None
    if architecture.class_weights:
        sample_weight = np.asarray(pre.class_weights)[y_train]

    model = architecture.build(pre.n_features, rng=model_rng)
    trainer = Trainer(
        model,
        architecture.make_optimizer(),
        X_train,
        y_train,
        X_val=X_val,
        y_val=y_val,
        batch_size=architecture.batch_size,
        rng=order_rng,
        sample_weight=sample_weight,
    )
    callback = None
    if progress is not None:

        def callback(current: Trainer):
            return progress(current.epoch, architecture.epochs, current.history)

    start = time.perf_counter()
    trainer.run_epochs(architecture.epochs, callback)
    seconds = time.perf_counter() - start

    proba_train = model.predict_proba(X_train)
    proba_val = model.predict_proba(X_val)
    suggested = None
    if y_val.any():
        suggested = metrics.threshold_for_recall(y_val, proba_val, target_recall)
    chance = chance_check(y_val, proba_val)
    validation = metrics.binary_report(y_val, proba_val, 0.5)
    report = [
        f"Split: {train_rows.size:,} training rows, {val_rows.size:,} validation rows "
        f"(stratified; fail share {y_train.mean():.1%} and {y_val.mean():.1%}).",
        *pre.report,
        "Class weights used in training: pass "
        f"{pre.class_weights[0]:.3g}, fail {pre.class_weights[1]:.3g}."
        if architecture.class_weights
        else "No class weights: every row weighs the same in the loss.",
    ]
    run_metrics = {
        "validation": validation,
        "train_accuracy": float(np.mean((proba_train >= 0.5) == (y_train == 1))),
        "val_accuracy": validation["accuracy"],
        "suggested_threshold": suggested,
        "target_recall": float(target_recall),
        "no_better_than_chance": chance.no_better_than_chance,
        "architecture": architecture.to_dict(),
        "epochs_run": trainer.epoch,
        "diverged_at": trainer.diverged_at,
        "n_train": int(train_rows.size),
        "n_val": int(val_rows.size),
        "drift_reference": drift.reference(raw_train, pre.feature_names),
    }
    pipeline = Pipeline(pre, model, threshold=0.5, label_name=str(label), metrics=run_metrics)
    return TrainingRun(
        pipeline=pipeline,
        history=trainer.history,
        y_train=y_train,
        proba_train=proba_train,
        y_val=y_val,
        proba_val=proba_val,
        val_rows=val_rows,
        suggested_threshold=suggested,
        target_recall=float(target_recall),
        chance=chance,
        diverged_at=trainer.diverged_at,
        report=report,
        architecture=architecture,
        seconds=seconds,
    )


# --------------------------------------------------------------------------------------
# The seed's experiments
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Experiment:
    """A one-click comparison: the same data and network, one setting varied.

    Attributes
    ----------
    title : str
    question : str
        What the table answers.
    variants : dict
        Row label -> Architecture fields that differ from ``base``.
    base : Architecture
    data : callable
        ``data() -> DataFrame`` with the semiconductor columns and ``fail``.
    """

    title: str
    question: str
    variants: dict
    base: Architecture
    data: Callable[[], pd.DataFrame] = field(repr=False)


EXPERIMENTS: dict[str, Experiment] = {
    "initialisation": Experiment(
        title="Initialisation",
        question="Does the starting scale of the weights decide whether the network learns "
        "at all? (Plain SGD, lr 0.01: Adam rescales gradients and would hide the effect.)",
        variants={
            "Random N(0, 0.01²)": {"init": "random", "init_scale": 0.01},
            "Xavier (Glorot) uniform": {"init": "xavier"},
            "He (Kaiming) normal": {"init": "he"},
        },
        base=Architecture(optimizer="sgd", lr=0.01, epochs=20),
        data=lambda: seed_data.semiconductor(5000, rng=42),
    ),
    "regularisation": Experiment(
        title="Regularisation",
        question="On a small, noisy dataset a wide network memorises; do L2 and dropout "
        "close the gap between training and validation accuracy?",
        variants={
            "None": {},
            "L2 (λ = 0.01)": {"l2": 0.01},
            "Dropout 0.5": {"dropout": 0.5},
            "L2 + dropout": {"l2": 0.01, "dropout": 0.5},
        },
        base=Architecture(hidden=(128, 64), epochs=30),
        data=lambda: seed_data.semiconductor_overfit(2000, rng=42),
    ),
}

EXPERIMENT_COLUMNS = (
    "setting",
    "train accuracy",
    "validation accuracy",
    "gap",
    "validation accuracy after epoch 1",
    "validation ROC-AUC",
    "final training loss",
    "final validation loss",
)


def run_experiment(
    name: str,
    df: pd.DataFrame | None = None,
    epochs: int | None = None,
    rng=0,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Train every variant of experiment ``name`` and tabulate the results.

    Parameters
    ----------
    name : {"initialisation", "regularisation"}
    df : DataFrame, optional
        Labelled semiconductor table (label ``fail``); the experiment's own data by default.
    epochs : int, optional
        Override the experiment's number of epochs.
    rng : int
        The same seed for every variant, so only the varied setting differs.
    progress : callable, optional
        ``progress(done, total)`` after each variant.

    Returns
    -------
    pandas.DataFrame
        One row per variant, columns :data:`EXPERIMENT_COLUMNS`; ``gap`` is training minus
        validation accuracy (at threshold 0.5).
    """
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose one of: {', '.join(EXPERIMENTS)}")
    experiment = EXPERIMENTS[name]
    data = experiment.data() if df is None else df
    base = experiment.base if epochs is None else replace(experiment.base, epochs=int(epochs))
    rows = []
    for done, (label, changes) in enumerate(experiment.variants.items(), start=1):
        run = train_pipeline(data, seed_data.SEMICONDUCTOR_LABEL, replace(base, **changes), rng=rng)
        history = run.history
        rows.append(
            {
                "setting": label,
                "train accuracy": run.train_accuracy,
                "validation accuracy": run.val_accuracy,
                "gap": run.train_accuracy - run.val_accuracy,
                "validation accuracy after epoch 1": (history["val_accuracy"] or [math.nan])[0],
                "validation ROC-AUC": run.chance.roc_auc,
                "final training loss": (history["loss"] or [math.nan])[-1],
                "final validation loss": (history["val_loss"] or [math.nan])[-1],
            }
        )
        if progress is not None:
            progress(done, len(experiment.variants))
    return pd.DataFrame(rows, columns=list(EXPERIMENT_COLUMNS))


# --------------------------------------------------------------------------------------
# Speed of scoring
# --------------------------------------------------------------------------------------


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
    single = df.iloc[:1]
    batch = df.iloc[np.arange(batch_rows) % df.shape[0]]

    def best(frame: pd.DataFrame) -> float:
        times = []
        for _ in range(max(int(repeats), 1)):
            start = time.perf_counter()
            pipeline.score(frame)
            times.append(time.perf_counter() - start)
        return min(times)

    per_row, per_batch = best(single), best(batch)
    return {
        "per_row_ms": 1e3 * per_row,
        "per_batch_ms": 1e3 * per_batch,
        "per_row_in_batch_us": 1e6 * per_batch / batch_rows,
        "batch_rows": int(batch_rows),
    }


# --------------------------------------------------------------------------------------
# Scoring an uploaded table
# --------------------------------------------------------------------------------------


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
        column names, binary, too large); see :func:`yieldmodel.tabular.read_csv`.
    """
    data: CsvData = read_csv(source, max_bytes=max_bytes)
    return score_frame(pipeline, data.frame, data.notes)


# --------------------------------------------------------------------------------------
# Helpers for the page: overview, templates, examples, label guess
# --------------------------------------------------------------------------------------


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


#: Example identifier columns of a template (passed through when scoring).
TEMPLATE_ID_COLUMNS = ("lot", "wafer", "die_x", "die_y", "part_id")


def template_frame(pipeline: Pipeline, n_rows: int = 3) -> pd.DataFrame:
    """A CSV template: identifier columns and every feature, filled with training medians."""
    pre = pipeline.preprocessor
    frame = pd.DataFrame(
        {
            "lot": ["LOT001"] * n_rows,
            "wafer": [1] * n_rows,
            "die_x": list(range(n_rows)),
            "die_y": [0] * n_rows,
            "part_id": [f"P{i:05d}" for i in range(1, n_rows + 1)],
        }
    )
    features = pd.DataFrame(np.tile(pre.medians, (n_rows, 1)), columns=pre.feature_names)
    return pd.concat([frame, features], axis=1)


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
    ids = pd.DataFrame(
        {
            "lot": "LOT042",
            "wafer": 1 + np.arange(n) // 100,
            "die_x": np.arange(n) % 10,
            "die_y": (np.arange(n) // 10) % 10,
            "part_id": [f"P{i:05d}" for i in range(1, n + 1)],
        }
    )
    return pd.concat([ids, features], axis=1)


_LABEL_WORDS = ("fail", "pass", "label", "result", "target", "status", "class", "outcome")


def guess_label_column(df: pd.DataFrame) -> str:
    """The column that most likely holds pass/fail: by name, else the last column."""
    columns = [str(c) for c in df.columns]
    for word in _LABEL_WORDS:
        for name in columns:
            if word in name.lower():
                return name
    return columns[-1]
