r"""Rosenblatt's perceptron, with a full record of every update for the teaching page.

Model and learning rule, for one sample :math:`(x, y)` with :math:`y \in \{0, 1\}`:

.. math::

    \hat y = \operatorname{step}(w \cdot x + b), \qquad
    \operatorname{step}(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}

    w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y)

Convention: ``step(0) = 1``, so a point exactly on the boundary counts as class 1. With
zero initial weights the very first sample is therefore predicted 1.

Samples are visited in the order given (no shuffling), which makes every run reproducible
and lets a class work the first updates out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.validation import as_rng, check_matrix, lookup
from lessons.perceptron.history import PerceptronHistory, RunRecorder, SampleUpdate


def step(z):
    """Heaviside step with ``step(0) = 1``; returns int64 0/1 of the same shape as ``z``."""
    return (np.asarray(z) >= 0).astype(np.int64)


def _zeros(n_inputs: int, rng: np.random.Generator | None):
    return np.zeros(n_inputs), 0.0


def _uniform(n_inputs: int, rng: np.random.Generator | None):
    if rng is None:
        rng = np.random.default_rng()
    values = rng.uniform(-0.5, 0.5, size=n_inputs + 1)
    return values[:-1], float(values[-1])


INITS = {"zeros": _zeros, "random": _uniform}
"""Initial weights: ``zeros`` (w = 0, b = 0) or ``random`` (w and b uniform in [-0.5, 0.5])."""


@dataclass(frozen=True)
class EpochSummary:
    """Result of :meth:`Perceptron.step_epoch`.

    Attributes
    ----------
    epoch : int
        1-based number of the epoch that just ended.
    errors : int
        Misclassified presentations in this epoch (including any made through
        :meth:`Perceptron.step_sample` before the epoch was finished).
    weights : ndarray of shape (n_inputs,)
    bias : float
    updates : list of SampleUpdate
        The presentations this call made.
    """

    epoch: int
    errors: int
    weights: np.ndarray
    bias: float
    updates: list[SampleUpdate]


class Perceptron:
    """Single-layer perceptron trained with Rosenblatt's rule (see the module docstring).

    Parameters
    ----------
    n_inputs : int
        Number of input features, >= 1.
    lr : float, default 1.0
        Learning rate :math:`\\eta > 0`.
    rng : int or numpy.random.Generator, optional
        Used only by ``init="random"``; None draws fresh entropy (not reproducible).
    init : {"zeros", "random"}, default "zeros"

    Attributes
    ----------
    weights : ndarray of shape (n_inputs,)
    bias : float
    initial_weights, initial_bias
        The starting point that :meth:`fit` and :meth:`reset` return to.
    epochs_completed : int
        Epochs finished through the stepping API.
    cursor : int
        Index of the next sample :meth:`step_sample` will present.
    """

    def __init__(self, n_inputs: int, lr: float = 1.0, rng=None, init: str = "zeros"):
        if isinstance(n_inputs, bool) or not isinstance(n_inputs, (int, np.integer)):
            raise ValueError(f"n_inputs must be an integer, got {n_inputs!r}")
        if n_inputs < 1:
            raise ValueError(f"n_inputs must be at least 1, got {n_inputs}")
        lr = float(lr)
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive finite number, got {lr}")
        make_initial = lookup("perceptron init", init, INITS)
        self.n_inputs = int(n_inputs)
        self.lr = lr
        self.init = str(init).lower()
        weights, bias = make_initial(self.n_inputs, None if rng is None else as_rng(rng))
        self.initial_weights = np.array(weights, dtype=np.float64)
        self.initial_bias = float(bias)
        self.reset()

    # -- state ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Return to the initial weights and the first sample of epoch 1."""
        self.weights = self.initial_weights.copy()
        self.bias = self.initial_bias
        self.epochs_completed = 0
        self.cursor = 0
        self._epoch_errors = 0
        self._last_epoch_errors = 0

    def restore(self, history: PerceptronHistory, steps: int) -> None:
        """Jump to the state after the first ``steps`` presentations of ``history``.

        ``history`` is a :meth:`fit` run of this perceptron on the same data; afterwards the
        stepping API continues exactly as if those presentations had been made one by one
        with :meth:`step_sample` (which would cost a Python loop over all of them).
        """
        n_steps = len(history.epoch)
        if not 0 <= steps <= n_steps:
            raise ValueError(f"steps must lie in [0, {n_steps}], got {steps}")
        n_samples = n_steps // history.n_epochs
        self.weights = history.weights[steps].copy()
        self.bias = float(history.bias[steps])
        self.epochs_completed, self.cursor = divmod(int(steps), n_samples)
        self._epoch_errors = int(np.count_nonzero(history.error[steps - self.cursor : steps]))
        done = self.epochs_completed
        self._last_epoch_errors = int(history.errors_per_epoch[done - 1]) if done else 0

    def decision_function(self, X) -> np.ndarray:
        """Pre-activation :math:`z = Xw + b`.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_inputs)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = check_matrix(X, "X", n_features=self.n_inputs)
        return X @ self.weights + self.bias

    def predict(self, X) -> np.ndarray:
        """Class predictions ``step(Xw + b)``, int64 0/1 of shape (n_samples,)."""
        return step(self.decision_function(X))

    # -- one sample at a time ------------------------------------------------------------------

    def _update(self, x: np.ndarray, target: int):
        """Apply the rule to one sample; return (prediction, error, delta_w, delta_b)."""
        prediction = int(x @ self.weights + self.bias >= 0)
        error = int(target) - prediction
        delta_w = self.lr * error * x
        delta_b = self.lr * error
        self.weights = self.weights + delta_w
        self.bias = self.bias + delta_b
        return prediction, error, delta_w, delta_b

    def step_sample(self, X, y) -> SampleUpdate:
        """Present the sample under the cursor and advance the cursor.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_inputs)
        y : array_like of shape (n_samples,), labels 0/1

        Returns
        -------
        SampleUpdate
        """
        return self._present(*self._check_data(X, y))

    def step_epoch(self, X, y) -> EpochSummary:
        """Present samples from the cursor to the end of the current epoch.

        ``X`` and ``y`` are as for :meth:`step_sample`.

        Returns
        -------
        EpochSummary
        """
        X, y = self._check_data(X, y)
        updates = [self._present(X, y)]
        while not updates[-1].end_of_epoch:
            updates.append(self._present(X, y))
        return EpochSummary(
            epoch=updates[-1].epoch,
            errors=int(self._last_epoch_errors),
            weights=self.weights.copy(),
            bias=float(self.bias),
            updates=updates,
        )

    def _present(self, X: np.ndarray, y: np.ndarray) -> SampleUpdate:
        """One step of the stepping API on validated data."""
        if self.cursor >= len(y):  # the data shrank since the last step: start a new epoch
            self.cursor, self._epoch_errors = 0, 0
        index = self.cursor
        prediction, error, delta_w, delta_b = self._update(X[index], y[index])
        self._epoch_errors += error != 0
        epoch = self.epochs_completed + 1
        self.cursor += 1
        end_of_epoch = self.cursor == len(y)
        if end_of_epoch:
            self.epochs_completed += 1
            self.cursor = 0
            self._last_epoch_errors = self._epoch_errors
            self._epoch_errors = 0
        return SampleUpdate(
            epoch=epoch,
            sample_index=index,
            prediction=prediction,
            error=error,
            delta_w=delta_w,
            delta_b=float(delta_b),
            weights=self.weights.copy(),
            bias=float(self.bias),
            end_of_epoch=end_of_epoch,
        )

    # -- whole training run --------------------------------------------------------------------

    def fit(self, X, y, epochs: int = 100) -> PerceptronHistory:
        """Train from the initial weights for up to ``epochs`` epochs.

        Training stops after the first epoch without a single error (the weights can no
        longer change). ``fit`` always restarts from ``initial_weights``, so calling it twice
        gives the same history; afterwards the stepping API continues from the result.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_inputs)
        y : array_like of shape (n_samples,), labels 0/1
        epochs : int, default 100
            Maximum number of passes over the data, >= 1.

        Returns
        -------
        PerceptronHistory
        """
        X, y = self._check_data(X, y)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        self.reset()
        recorder = RunRecorder(self.weights, self.bias)
        for epoch in range(1, int(epochs) + 1):
            for index in range(len(y)):
                update = self._update(X[index], y[index])
                recorder.presented(epoch, index, *update, self.weights, self.bias)
            if recorder.epoch_ended(self.weights, self.bias) == 0:
                break
        self.epochs_completed = recorder.n_epochs
        return recorder.history()

    # -- validation ----------------------------------------------------------------------------

    def _check_data(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X = check_matrix(X, "X", n_features=self.n_inputs)
        return X, check_binary_labels(y, X.shape[0])

    def __repr__(self) -> str:
        return f"Perceptron(n_inputs={self.n_inputs}, lr={self.lr}, init={self.init!r})"


def check_binary_labels(y, n_samples: int) -> np.ndarray:
    """Return ``y`` as int64 0/1 of shape (n_samples,); anything else is a ValueError.

    A single class is accepted: the rule is well defined, the page explains the result.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n_samples,), got shape {y.shape}")
    if y.shape[0] != n_samples:
        raise ValueError(f"X has {n_samples} rows but y has {y.shape[0]} labels")
    if not (np.issubdtype(y.dtype, np.number) or np.issubdtype(y.dtype, np.bool_)):
        raise ValueError(f"y must hold the labels 0 and 1, got dtype {y.dtype}")
    if not np.isin(y, (0, 1)).all():
        bad = y[~np.isin(y, (0, 1))][0]
        raise ValueError(f"y must hold only the labels 0 and 1, found {bad!r}")
    return y.astype(np.int64)
