"""The record of a perceptron's training: one presentation, a whole run, and its recorder."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SampleUpdate:
    """One sample presented to the perceptron (returned by :meth:`Perceptron.step_sample`).

    Attributes
    ----------
    epoch : int
        1-based epoch this presentation belongs to.
    sample_index : int
        Row of ``X`` that was presented.
    prediction : int
        :math:`\\hat y` before the update.
    error : int
        :math:`y - \\hat y`, one of -1, 0, 1.
    delta_w : ndarray of shape (n_inputs,)
        :math:`\\eta (y - \\hat y) x` (zeros when the prediction was right).
    delta_b : float
    weights : ndarray of shape (n_inputs,)
        Weights after the update.
    bias : float
        Bias after the update.
    end_of_epoch : bool
        True when this was the last sample of its epoch.
    """

    epoch: int
    sample_index: int
    prediction: int
    error: int
    delta_w: np.ndarray
    delta_b: float
    weights: np.ndarray
    bias: float
    end_of_epoch: bool


@dataclass(frozen=True)
class PerceptronHistory:
    """Everything that happened during :meth:`Perceptron.fit`.

    With ``n_steps = n_epochs * n_samples`` presentations (every sample of every epoch,
    whether or not it changed the weights):

    Attributes
    ----------
    weights : ndarray of shape (n_steps + 1, n_inputs)
        Row 0 the initial weights, row ``k`` the weights after the ``k``-th presentation.
    bias : ndarray of shape (n_steps + 1,)
    epoch : ndarray of shape (n_steps,), int
        1-based epoch of each presentation.
    sample_index : ndarray of shape (n_steps,), int
    prediction : ndarray of shape (n_steps,), int
    error : ndarray of shape (n_steps,), int
        :math:`y - \\hat y` in {-1, 0, 1}.
    delta_w : ndarray of shape (n_steps, n_inputs)
    delta_b : ndarray of shape (n_steps,)
    epoch_weights : ndarray of shape (n_epochs + 1, n_inputs)
        Row 0 initial, row ``e`` after epoch ``e``.
    epoch_bias : ndarray of shape (n_epochs + 1,)
    errors_per_epoch : ndarray of shape (n_epochs,), int
        Misclassified presentations in each epoch.
    converged : bool
        An epoch passed with no error (training stopped there).
    convergence_epoch : int or None
        1-based number of the first error-free epoch.
    """

    weights: np.ndarray
    bias: np.ndarray
    epoch: np.ndarray
    sample_index: np.ndarray
    prediction: np.ndarray
    error: np.ndarray
    delta_w: np.ndarray
    delta_b: np.ndarray
    epoch_weights: np.ndarray
    epoch_bias: np.ndarray
    errors_per_epoch: np.ndarray
    converged: bool
    convergence_epoch: int | None

    @property
    def n_epochs(self) -> int:
        """Epochs actually run."""
        return len(self.errors_per_epoch)

    def update(self, step: int) -> SampleUpdate:
        """The ``step``-th presentation (1-based), as :meth:`Perceptron.step_sample` returns it."""
        if not 1 <= step <= len(self.epoch):
            raise ValueError(f"step must lie in [1, {len(self.epoch)}], got {step}")
        k = step - 1
        n_samples = len(self.epoch) // self.n_epochs
        return SampleUpdate(
            epoch=int(self.epoch[k]),
            sample_index=int(self.sample_index[k]),
            prediction=int(self.prediction[k]),
            error=int(self.error[k]),
            delta_w=self.delta_w[k].copy(),
            delta_b=float(self.delta_b[k]),
            weights=self.weights[step].copy(),
            bias=float(self.bias[step]),
            end_of_epoch=step % n_samples == 0,
        )


class RunRecorder:
    """Collects every presentation of :meth:`Perceptron.fit` into a :class:`PerceptronHistory`.

    Parameters
    ----------
    weights : ndarray of shape (n_inputs,)
    bias : float
        The initial state (row 0 of the history).
    """

    def __init__(self, weights: np.ndarray, bias: float):
        self.n_inputs = len(weights)
        self.weights, self.bias = [np.array(weights, copy=True)], [float(bias)]
        self.epoch, self.sample_index, self.prediction, self.error = [], [], [], []
        self.delta_w, self.delta_b = [], []
        self.epoch_weights, self.epoch_bias = [np.array(weights, copy=True)], [float(bias)]
        self.errors_per_epoch, self._mistakes = [], 0

    def presented(self, epoch, index, prediction, error, delta_w, delta_b, weights, bias):
        """One sample was shown and the rule applied; ``weights``/``bias`` are after it."""
        self._mistakes += error != 0
        self.weights.append(weights)
        self.bias.append(bias)
        self.epoch.append(epoch)
        self.sample_index.append(index)
        self.prediction.append(prediction)
        self.error.append(error)
        self.delta_w.append(delta_w)
        self.delta_b.append(delta_b)

    def epoch_ended(self, weights, bias) -> int:
        """Close the epoch; returns its number of mistakes."""
        self.epoch_weights.append(weights)
        self.epoch_bias.append(bias)
        self.errors_per_epoch.append(int(self._mistakes))
        self._mistakes = 0
        return self.errors_per_epoch[-1]

    @property
    def n_epochs(self) -> int:
        return len(self.errors_per_epoch)

    def history(self) -> PerceptronHistory:
        """Everything recorded so far; converged if the last epoch had no mistake."""
        converged = bool(self.errors_per_epoch) and self.errors_per_epoch[-1] == 0
        return PerceptronHistory(
            weights=np.array(self.weights),
            bias=np.array(self.bias, dtype=np.float64),
            epoch=np.array(self.epoch, dtype=np.int64),
            sample_index=np.array(self.sample_index, dtype=np.int64),
            prediction=np.array(self.prediction, dtype=np.int64),
            error=np.array(self.error, dtype=np.int64),
            delta_w=np.array(self.delta_w).reshape(-1, self.n_inputs),
            delta_b=np.array(self.delta_b, dtype=np.float64),
            epoch_weights=np.array(self.epoch_weights),
            epoch_bias=np.array(self.epoch_bias, dtype=np.float64),
            errors_per_epoch=np.array(self.errors_per_epoch, dtype=np.int64),
            converged=converged,
            convergence_epoch=self.n_epochs if converged else None,
        )
