"""Mini-batch training loop shared by every page, the CLI and the benchmarks.

A :class:`Trainer` owns the data, the shuffling ``rng`` and the history; the model and
the optimizer stay separate objects. Training can advance a few batches at a time
(``step``) for live pages or whole epochs (``run_epochs``). A non-finite loss stops it:
``diverged`` becomes True, ``diverged_at`` records where, the parameters go back to the
last finite state, and the history never receives a NaN.
"""

from __future__ import annotations

import math
import time

import numpy as np

from core.validation import as_rng

HISTORY_KEYS = (
    "epoch",
    "loss",
    "accuracy",
    "val_loss",
    "val_accuracy",
    "lr",
    "grad_norms",
    "seconds",
)
"""What :attr:`Trainer.history` records, one entry per epoch."""


class Trainer:
    """Train ``model`` with ``optimizer`` on (X, y).

    Parameters
    ----------
    model : core.mlp.MLP
    optimizer : core.optimizers.Optimizer
    X : array of shape (n, n_features)
    y : array of shape (n,)
        0/1 labels (sigmoid output), integer labels (softmax) or values (linear).
    X_val, y_val : optional validation set, evaluated once per epoch.
    batch_size : int
        Rows per update; a value >= n gives full-batch gradient descent.
    schedule : callable epoch -> lr, optional
    rng : int or Generator
        Shuffling order.
    sample_weight : array of shape (n,), optional
        Per-row weights (class weighting is sample weighting).
    clip_norm : float, optional
        Rescale the gradient so its global L2 norm is at most this value.
    divergence_factor : float or None
        Also stop as diverged when a batch loss exceeds this multiple of the first batch's
        loss (floored at 1): with logits-based losses a runaway network can keep a finite
        but meaningless loss for a long time. None checks only for non-finite values.

    Attributes
    ----------
    history : dict of lists, one entry per completed epoch
        ``epoch``, ``loss`` (mean mini-batch loss), ``accuracy`` (on the mini-batches, for
        classifiers), ``val_loss``, ``val_accuracy`` (when a validation set is given),
        ``lr``, ``grad_norms`` (L2 norm of each layer's weight gradient on the epoch's
        last batch), ``seconds`` (cumulative training time).
    """

    def __init__(
        self,
        model,
        optimizer,
        X,
        y,
        X_val=None,
        y_val=None,
        batch_size=32,
        schedule=None,
        rng=0,
        sample_weight=None,
        clip_norm=None,
        divergence_factor=1e4,
    ):
        self.model, self.optimizer = model, optimizer
        self.X = model.check_X(X)
        self.y = model.check_targets(y, self.X.shape[0])
        self.sample_weight = model.check_weights(sample_weight, self.X.shape[0])
        self.has_val = X_val is not None
        if self.has_val:
            if y_val is None:
                raise ValueError("X_val was given without y_val")
            self.X_val = model.check_X(X_val)
            self.y_val = model.check_targets(y_val, self.X_val.shape[0])
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
        self.batch_size = min(int(batch_size), self.X.shape[0])
        if clip_norm is not None and not (math.isfinite(clip_norm) and clip_norm > 0):
            raise ValueError(f"clip_norm must be a positive number, got {clip_norm}")
        self.clip_norm = clip_norm
        if divergence_factor is not None and not divergence_factor > 1:
            raise ValueError(f"divergence_factor must be > 1 or None, got {divergence_factor}")
        self.divergence_factor = divergence_factor
        self._loss_limit = math.inf
        self.schedule = schedule
        self.rng = as_rng(rng)
        self.is_classifier = model.output != "linear"
        self.history = {key: [] for key in HISTORY_KEYS}
        self.epoch = 0
        self.steps = 0
        self.diverged = False
        self.diverged_at: dict | None = None
        self._order = None
        self._cursor = 0
        self._seconds = 0.0
        self._begin_epoch()

    # ------------------------------------------------------------------ epoch bookkeeping
    def _begin_epoch(self):
        self._order = self.rng.permutation(self.X.shape[0])
        self._cursor = 0
        self._loss_sum = 0.0
        self._correct = 0
        self._seen = 0
        self._snapshot = self.model.flat.copy()
        if self.schedule is not None:
            lr = float(self.schedule(self.epoch))
            if not (math.isfinite(lr) and lr > 0):
                raise ValueError(f"schedule gave a learning rate of {lr} at epoch {self.epoch}")
            self.optimizer.lr = lr

    def _end_epoch(self):
        model, history = self.model, self.history
        history["epoch"].append(self.epoch + 1)
        history["loss"].append(self._loss_sum / self._seen)
        if self.is_classifier:
            history["accuracy"].append(self._correct / self._seen)
        if self.has_val:
            val_loss, val_accuracy = self.evaluate(self.X_val, self.y_val)
            history["val_loss"].append(val_loss)
            if self.is_classifier:
                history["val_accuracy"].append(val_accuracy)
        history["lr"].append(self.optimizer.lr)
        history["grad_norms"].append([float(np.linalg.norm(g)) for g in model._grad_weights])
        history["seconds"].append(self._seconds)
        self.epoch += 1
        self._begin_epoch()

    def _diverge(self, reason: str):
        self.diverged = True
        self.diverged_at = {"epoch": self.epoch + 1, "step": self.steps, "reason": reason}
        self.model.flat[:] = self._snapshot
        self.optimizer.reset()

    # ------------------------------------------------------------------ training
    def _train_batch(self, rows) -> bool:
        model = self.model
        y = self.y[rows]
        w = None if self.sample_weight is None else self.sample_weight[rows]
        loss, output, _ = model._loss_and_grads(self.X[rows], y, w)
        self.steps += 1
        if not math.isfinite(loss):
            self._diverge(f"the loss became {loss} at step {self.steps}")
            return False
        if loss > self._loss_limit:
            self._diverge(
                f"the loss exploded to {loss:.3g} at step {self.steps} "
                f"(more than {self.divergence_factor:g} times its starting value)"
            )
            return False
        if self.steps == 1 and self.divergence_factor is not None:
            self._loss_limit = self.divergence_factor * max(loss, 1.0)
        if self.clip_norm is not None:
            norm = math.sqrt(float(np.dot(model.flat_grad, model.flat_grad)))
            if norm > self.clip_norm:
                model.flat_grad *= self.clip_norm / norm
        self.optimizer.step((model.flat,), (model.flat_grad,))
        n = rows.shape[0]
        self._loss_sum += loss * n
        self._seen += n
        if self.is_classifier:
            if model.output == "sigmoid":
                self._correct += int(np.count_nonzero((output >= 0.5) == (y >= 0.5)))
            else:
                self._correct += int(np.count_nonzero(output.argmax(axis=1) == y))
        return True

    def step(self, n_batches: int = 1) -> int:
        """Run up to ``n_batches`` updates (crossing epoch boundaries); return how many ran."""
        # overflow on the way to divergence is detected and reported, not warned about
        with np.errstate(over="ignore", invalid="ignore"):
            return self._step(n_batches)

    def _step(self, n_batches):
        done = 0
        if self.diverged:
            return done
        start = time.perf_counter()
        n, size = self.X.shape[0], self.batch_size
        while done < n_batches:
            rows = self._order[self._cursor : self._cursor + size]
            if not self._train_batch(rows):
                break
            done += 1
            self._cursor += size
            if self._cursor >= n:
                self._seconds += time.perf_counter() - start
                start = time.perf_counter()
                self._end_epoch()
        self._seconds += time.perf_counter() - start
        return done

    def run_epochs(self, n_epochs: int = 1, callback=None) -> None:
        """Train ``n_epochs`` full epochs (fewer if training diverges).

        ``callback(trainer)`` is called after each epoch; returning True stops early.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            self._run_epochs(n_epochs, callback)

    def _run_epochs(self, n_epochs, callback):
        n, size = self.X.shape[0], self.batch_size
        for _ in range(n_epochs):
            if self.diverged:
                return
            start = time.perf_counter()
            order = self._order
            for begin in range(self._cursor, n, size):
                if not self._train_batch(order[begin : begin + size]):
                    self._seconds += time.perf_counter() - start
                    return
            self._seconds += time.perf_counter() - start
            self._end_epoch()
            if callback is not None and callback(self):
                return

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, X, y):
        """(loss, accuracy) of the current model on checked arrays; accuracy None for regression."""
        model = self.model
        logits = model._logits(X)
        loss = model.loss_spec.function(logits, y, None)[0]
        if not self.is_classifier:
            return loss, None
        if model.output == "sigmoid":
            return loss, float(np.mean((logits >= 0) == (y >= 0.5)))
        return loss, float(np.mean(logits.argmax(axis=1) == y))
