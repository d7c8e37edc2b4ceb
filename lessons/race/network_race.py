r"""The optimizer race on a real network: same MLP, same initial weights, several optimizers.

This is the seed notebook's comparison. The semiconductor yield data (5000 dies, 20
parametric tests, 80/20 stratified split, features standardised with the training rows'
mean and standard deviation) trains a 20→64→32→1 ReLU network with a sigmoid output for
100 full-batch epochs with each of

=========  =====================================================
SGD        :math:`\eta = 0.1`
Momentum   :math:`\eta = 0.01`, the EMA form :math:`v \leftarrow \beta v + (1-\beta) g`
RMSprop    :math:`\eta = 0.001`
Adam       :math:`\eta = 0.001`
=========  =====================================================

and records, per optimizer, the training loss and validation accuracy after every epoch,
the wall time, the first epoch at which validation accuracy reaches 90 % and whether the
run diverged. A TensorFlow-Playground 2-D dataset and mini-batches can replace the seed's
data and full batches. Every optimizer starts from a copy of one network and shuffles its
mini-batches in the same order, so the optimizer is the only difference between runs.
The data come from :mod:`lessons.race.network_tasks`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from core.mlp import MLP
from core.optimizers import OptimizerSpec
from core.training import Trainer
from core.validation import as_rng
from lessons.race.network_tasks import NetworkTask
from lessons.race.racing import labelled

SEED_OPTIMIZERS: dict[str, OptimizerSpec] = {
    spec.label: spec
    for spec in (
        OptimizerSpec("sgd", 0.1),
        OptimizerSpec("momentum", 0.01),
        OptimizerSpec("rmsprop", 0.001),
        OptimizerSpec("adam", 0.001),
    )
}
"""The seed notebook's four optimizers and learning rates, by display label."""

DEFAULT_LEARNING_RATES: dict[str, float] = {
    "sgd": 0.1,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adagrad": 0.01,
    "rmsprop": 0.001,
    "adam": 0.001,
    "adamw": 0.001,
}
"""Starting learning rate per optimizer name (the seed's where it has one)."""
DEFAULT_OPTIMIZERS = tuple(spec.name for spec in SEED_OPTIMIZERS.values())
"""Optimizer names of the seed's race, in its order."""

TARGET_ACCURACY = 0.9
"""Validation accuracy whose first epoch the race reports (the seed's 90 %)."""
BATCH_SIZES = (8, 16, 32, 64, 128, 256)
"""Mini-batch sizes a page offers besides the seed's full batch."""
MAX_EPOCHS, DEFAULT_EPOCHS = 300, 100


class NetworkSetup(NamedTuple):
    """A network race in plain, hashable values: what a page chooses and caches on.

    ``noise`` only matters for Playground datasets; ``batch_size`` None is the full batch;
    ``specs`` race under their display labels.
    """

    dataset: str
    noise: float
    epochs: int
    batch_size: int | None
    specs: tuple[OptimizerSpec, ...]


@dataclass(frozen=True)
class OptimizerRun:
    """How one optimizer's training went.

    Attributes
    ----------
    label : str
    spec : OptimizerSpec
    loss : ndarray of shape (epochs_done,)
        Mean training loss of each epoch (the loss of the batches as they were trained).
    val_loss : ndarray of shape (epochs_done,)
    val_accuracy : ndarray of shape (epochs_done,)
        Validation accuracy after each epoch.
    seconds : float
        Wall time spent training (excluding validation passes).
    epochs_to_target : int or None
        First epoch (1-based) with validation accuracy >= the target; None if never.
    diverged : bool
        Whether training stopped on a non-finite or exploding loss.
    diverged_at : dict or None
        ``Trainer.diverged_at``: epoch, step and reason.
    """

    label: str
    spec: OptimizerSpec
    loss: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    seconds: float
    epochs_to_target: int | None
    diverged: bool
    diverged_at: dict | None


@dataclass(frozen=True)
class NetworkRaceResult:
    """All runs of a network race, in race order.

    Attributes
    ----------
    runs : dict of str -> OptimizerRun
    task : str
        Task name.
    sizes : list of int
        Layer widths of the network.
    epochs : int
        Epochs requested.
    batch_size : int
        Rows per update actually used (the training-set size for full batch).
    target_accuracy : float
    full_batch : bool
        Whether the race trained full-batch (``batch_size=None``), like the seed.
    """

    runs: dict[str, OptimizerRun]
    task: str
    sizes: list[int]
    epochs: int
    batch_size: int
    target_accuracy: float
    full_batch: bool = False

    def setting(self) -> str:
        """The network and how it trained, e.g. "Network 2 → 8 → 8 → 1, 5 epochs, full batch"."""
        sizes = " → ".join(map(str, self.sizes))
        batches = "full batch" if self.full_batch else f"mini-batches of {self.batch_size}"
        return f"Network {sizes}, {self.epochs} epochs, {batches}"

    def table(self) -> list[dict]:
        """One row per optimizer, like the seed's comparison table.

        Keys: ``optimizer``, ``lr``, ``final_loss``, ``final_val_accuracy``,
        ``epochs_to_target`` (None if never), ``seconds``, ``diverged`` (bool), ``epochs``
        (completed).
        """
        rows = []
        for label, run in self.runs.items():
            rows.append(
                {
                    "optimizer": label,
                    "lr": run.spec.lr,
                    "final_loss": float(run.loss[-1]) if run.loss.size else math.nan,
                    "final_val_accuracy": (
                        float(run.val_accuracy[-1]) if run.val_accuracy.size else math.nan
                    ),
                    "epochs_to_target": run.epochs_to_target,
                    "seconds": run.seconds,
                    "diverged": run.diverged,
                    "epochs": int(run.loss.size),
                }
            )
        return rows


def epochs_to_reach(accuracy, target: float) -> int | None:
    """First epoch (1-based) whose accuracy is at least ``target``; None if none is.

    Parameters
    ----------
    accuracy : array_like of shape (epochs,)
    target : float in (0, 1]
    """
    if not 0 < target <= 1:
        raise ValueError(f"target accuracy must be in (0, 1], got {target}")
    reached = np.flatnonzero(np.asarray(accuracy, dtype=np.float64) >= target)
    return int(reached[0]) + 1 if reached.size else None


def _check_epochs(epochs) -> int:
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    return int(epochs)


def _record(label: str, spec: OptimizerSpec, trainer: Trainer, target: float) -> OptimizerRun:
    """What one optimizer's finished trainer has to tell, as an :class:`OptimizerRun`."""
    history = trainer.history
    val_accuracy = np.asarray(history["val_accuracy"], dtype=np.float64)
    return OptimizerRun(
        label=label,
        spec=spec,
        loss=np.asarray(history["loss"], dtype=np.float64),
        val_loss=np.asarray(history["val_loss"], dtype=np.float64),
        val_accuracy=val_accuracy,
        seconds=float(history["seconds"][-1]) if history["seconds"] else 0.0,
        epochs_to_target=epochs_to_reach(val_accuracy, target),
        diverged=trainer.diverged,
        diverged_at=trainer.diverged_at,
    )


def _train(task: NetworkTask, model: MLP, optimizer, batch: int, seed: int, epochs: int, on_epoch):
    """Train ``model`` on the task's rows; ``on_epoch(epoch)`` runs after every epoch."""
    trainer = Trainer(
        model,
        optimizer,
        task.X_train,
        task.y_train,
        task.X_val,
        task.y_val,
        batch_size=batch,
        rng=seed,
    )
    trainer.run_epochs(epochs, callback=lambda trainer: on_epoch(trainer.epoch) or False)
    return trainer


def network_race(
    task: NetworkTask,
    specs: Mapping[str, OptimizerSpec] | Sequence[OptimizerSpec] | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    rng=0,
    target_accuracy: float = TARGET_ACCURACY,
    progress: Callable[[float, str], None] | None = None,
) -> NetworkRaceResult:
    """Train the task's network once per optimizer from identical initial weights.

    Parameters
    ----------
    task : NetworkTask
        From ``network_tasks.make_task``, ``tabular_task`` or ``playground_task``.
    specs : mapping of str -> OptimizerSpec, or sequence of OptimizerSpec, optional
        Label -> optimizer, or specs raced under their display labels; defaults to
        :data:`SEED_OPTIMIZERS`.
    epochs : int, default 100
    batch_size : int, optional
        Rows per update; None (default) trains full-batch like the seed.
    rng : int or Generator, default 0
        Seed of the initial weights and of the mini-batch order (the same for every run).
    target_accuracy : float, default 0.9
        Validation accuracy whose first epoch is reported.
    progress : callable(fraction, message), optional
        Called after every epoch of every run with the overall fraction done in [0, 1].

    Returns
    -------
    NetworkRaceResult
    """
    specs = SEED_OPTIMIZERS if specs is None else labelled(specs)
    if not specs:
        raise ValueError("choose at least one optimizer to race")
    epochs = _check_epochs(epochs)
    if not 0 < target_accuracy <= 1:
        raise ValueError(f"target accuracy must be in (0, 1], got {target_accuracy}")
    n_train = task.X_train.shape[0]
    batch = n_train if batch_size is None else batch_size
    # Build every optimizer first: a bad hyper-parameter fails before any training.
    optimizer_objects = {label: spec.build() for label, spec in specs.items()}
    # One integer seed, so every run draws the same initial weights and batch order.
    seed = int(rng) if isinstance(rng, (int, np.integer)) else int(as_rng(rng).integers(2**31))
    initial = MLP(task.sizes, hidden=task.hidden_activation, output="sigmoid", rng=seed)

    runs: dict[str, OptimizerRun] = {}
    total = epochs * len(specs)
    for index, (label, optimizer) in enumerate(optimizer_objects.items()):

        def on_epoch(epoch, index=index, label=label):
            if progress is not None:
                progress((index * epochs + epoch) / total, f"{label}: epoch {epoch} of {epochs}")

        trainer = _train(task, initial.copy(), optimizer, batch, seed, epochs, on_epoch)
        runs[label] = _record(label, specs[label], trainer, target_accuracy)
        if progress is not None and trainer.diverged:
            progress((index + 1) * epochs / total, f"{label}: diverged")
    return NetworkRaceResult(
        runs=runs,
        task=task.name,
        sizes=task.sizes,
        epochs=epochs,
        batch_size=min(batch, n_train),
        target_accuracy=target_accuracy,
        full_batch=batch_size is None,
    )
