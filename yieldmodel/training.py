"""Training a pass/fail pipeline on a labelled table, the same for the page and the CLI.

:func:`train_pipeline` encodes the label (FAIL = 1), splits the rows 80/20 keeping the
fail share in both parts (:func:`split_rows`), fits the
:class:`~yieldmodel.preprocessing.Preprocessor` on the training rows only, weights the
classes if asked, trains a :class:`~core.mlp.MLP` with :class:`~core.training.Trainer`,
scores both parts, and returns a :class:`TrainingRun` holding a saveable
:class:`~yieldmodel.pipeline.Pipeline` with a drift reference (:mod:`yieldmodel.drift`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core import metrics
from core.training import Trainer
from core.validation import as_rng
from yieldmodel import drift
from yieldmodel.architecture import DEFAULT_TARGET_RECALL, VALIDATION_FRACTION, Architecture
from yieldmodel.evaluation import ChanceCheck, chance_check
from yieldmodel.labels import training_labels
from yieldmodel.pipeline import Pipeline
from yieldmodel.preprocessing import Preprocessor

_SEED_NETWORK = Architecture()

#: ``progress(epoch, n_epochs, history)``; returning True stops training early.
Progress = Callable[[int, int, dict], "bool | None"]


def progress_line(epoch: int, n_epochs: int, history: dict) -> str:
    """'epoch 3/50: loss 0.4123, validation loss 0.4388' after an epoch of training."""
    line = f"epoch {epoch}/{n_epochs}: loss {history['loss'][-1]:.4f}"
    if history.get("val_loss"):
        line += f", validation loss {history['val_loss'][-1]:.4f}"
    return line


@dataclass
class TrainingRun:
    """Everything one training produced, for the evaluation views.

    Attributes
    ----------
    pipeline : yieldmodel.pipeline.Pipeline
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
    run_id : str
        Names this run (and its copies) in caches of views computed from it.
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
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def train_accuracy(self) -> float:
        return float(np.mean((self.proba_train >= 0.5) == (self.y_train == 1)))

    @property
    def val_accuracy(self) -> float:
        return float(np.mean((self.proba_val >= 0.5) == (self.y_val == 1)))

    def evaluate(self, threshold: float) -> dict:
        """``core.metrics.binary_report`` of the validation rows at ``threshold``."""
        return metrics.binary_report(self.y_val, self.proba_val, threshold)

    def describe(self) -> str:
        """The network, e.g. '20→64→32→1, ReLU, He (Kaiming) normal init, Adam lr 0.001, ...'."""
        return self.architecture.describe(self.pipeline.preprocessor.n_features)

    def divergence(self) -> str | None:
        """Why training stopped early, and what to do; None when it did not."""
        if not self.diverged_at:
            return None
        return (
            f"Training diverged at epoch {self.diverged_at['epoch']}: "
            f"{self.diverged_at['reason']}. The model keeps the last finite weights; lower "
            "the learning rate and train again."
        )

    def accuracy_line(self) -> str:
        """Training and validation accuracy at 0.5 and the gap between them."""
        gap = self.train_accuracy - self.val_accuracy
        return (
            f"training accuracy {self.train_accuracy:.1%}, validation "
            f"{self.val_accuracy:.1%} (gap {gap:+.1%})"
        )


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


@dataclass
class _Prepared:
    """A labelled table split and preprocessed for training."""

    pre: Preprocessor
    train_rows: np.ndarray
    val_rows: np.ndarray
    raw_train: np.ndarray
    X_train: np.ndarray
    X_val: np.ndarray
    y_train: np.ndarray
    y_val: np.ndarray


def _prepare(df, label, split_rng, val_fraction, include, exclude) -> _Prepared:
    y = training_labels(df, label)
    train_rows, val_rows = split_rows(y, val_fraction, split_rng)
    train_df, val_df = df.iloc[train_rows], df.iloc[val_rows]
    pre = Preprocessor(include=include, exclude=exclude).fit(train_df, label=label)
    raw_train = pre.raw_matrix(train_df)
    return _Prepared(
        pre=pre,
        train_rows=train_rows,
        val_rows=val_rows,
        raw_train=raw_train,
        X_train=pre.finish(raw_train.copy()),
        X_val=pre.transform(val_df),
        y_train=y[train_rows],
        y_val=y[val_rows],
    )


def _trained(data: _Prepared, architecture: Architecture, model_rng, order_rng, progress):
    """(model, trainer, seconds) after ``architecture.epochs`` epochs of training."""
    sample_weight = None
    if architecture.class_weights:
        sample_weight = np.asarray(data.pre.class_weights)[data.y_train]
    model = architecture.build(data.pre.n_features, rng=model_rng)
    trainer = Trainer(
        model,
        architecture.make_optimizer(),
        data.X_train,
        data.y_train,
        X_val=data.X_val,
        y_val=data.y_val,
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
    return model, trainer, time.perf_counter() - start


def _report(data: _Prepared, architecture: Architecture) -> list[str]:
    weights = data.pre.class_weights
    return [
        f"Split: {data.train_rows.size:,} training rows, {data.val_rows.size:,} validation "
        f"rows (stratified; fail share {data.y_train.mean():.1%} and {data.y_val.mean():.1%}).",
        *data.pre.report,
        f"Class weights used in training: pass {weights[0]:.3g}, fail {weights[1]:.3g}."
        if architecture.class_weights
        else "No class weights: every row weighs the same in the loss.",
    ]


def train_pipeline(
    df: pd.DataFrame,
    label: str,
    architecture: Architecture = _SEED_NETWORK,
    *,
    rng=0,
    val_fraction: float = VALIDATION_FRACTION,
    target_recall: float = DEFAULT_TARGET_RECALL,
    include=(),
    exclude=(),
    progress: Progress | None = None,
) -> TrainingRun:
    """Train a pass/fail pipeline on a labelled table (steps in the module docstring).

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
    split_rng, model_rng, order_rng = as_rng(rng).spawn(3)
    data = _prepare(df, label, split_rng, val_fraction, include, exclude)
    model, trainer, seconds = _trained(data, architecture, model_rng, order_rng, progress)
    proba_train = model.predict_proba(data.X_train)
    proba_val = model.predict_proba(data.X_val)
    suggested = None
    if data.y_val.any():
        suggested = metrics.threshold_for_recall(data.y_val, proba_val, target_recall)
    chance = chance_check(data.y_val, proba_val)
    validation = metrics.binary_report(data.y_val, proba_val, 0.5)
    run_metrics = {
        "validation": validation,
        "train_accuracy": float(np.mean((proba_train >= 0.5) == (data.y_train == 1))),
        "val_accuracy": validation["accuracy"],
        "suggested_threshold": suggested,
        "target_recall": float(target_recall),
        "no_better_than_chance": chance.no_better_than_chance,
        "architecture": architecture.to_dict(),
        "epochs_run": trainer.epoch,
        "diverged_at": trainer.diverged_at,
        "n_train": int(data.train_rows.size),
        "n_val": int(data.val_rows.size),
        "drift_reference": drift.reference(data.raw_train, data.pre.feature_names),
    }
    return TrainingRun(
        pipeline=Pipeline(data.pre, model, label_name=str(label), metrics=run_metrics),
        history=trainer.history,
        y_train=data.y_train,
        proba_train=proba_train,
        y_val=data.y_val,
        proba_val=proba_val,
        val_rows=data.val_rows,
        suggested_threshold=suggested,
        target_recall=float(target_recall),
        chance=chance,
        diverged_at=trainer.diverged_at,
        report=_report(data, architecture),
        architecture=architecture,
        seconds=seconds,
    )
