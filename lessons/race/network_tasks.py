"""The data of the network race: standardised train/validation splits and a network shape.

:func:`tabular_task` takes a table of numeric columns (the seed's semiconductor yield data,
which a page builds with ``yieldmodel.seed_data`` and passes in); :func:`make_task` builds a
binary TensorFlow-Playground dataset (:data:`TASKS`). Both standardise the features with the
training rows' mean and standard deviation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from core import data
from core.validation import as_rng, check_matrix, lookup
from lessons import datasets


@dataclass(frozen=True)
class NetworkTask:
    """Standardised training and validation data plus the network that suits them.

    Attributes
    ----------
    name : str
        ``"semiconductor"`` or a binary Playground dataset name.
    X_train : ndarray of shape (n_train, n_features)
    y_train : ndarray of shape (n_train,), labels 0/1
    X_val : ndarray of shape (n_val, n_features)
    y_val : ndarray of shape (n_val,), labels 0/1
    hidden_sizes : tuple of int
        Widths of the hidden layers.
    hidden_activation : str
        Activation of every hidden layer.
    description : str
        One line for the page.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    hidden_sizes: tuple[int, ...]
    hidden_activation: str
    description: str

    @property
    def sizes(self) -> list[int]:
        """Layer widths from input to the single sigmoid output, e.g. [20, 64, 32, 1]."""
        return [self.X_train.shape[1], *self.hidden_sizes, 1]


def _standardise(X_train: np.ndarray, X_val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale both parts with the training rows' mean and standard deviation."""
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_val - mean) / std


def tabular_task(name: str, X, y, rng=42, val_ratio: float = 0.2) -> NetworkTask:
    """A table of numeric columns -> pass (0) / fail (1), on the seed's 64-32 ReLU network.

    Parameters
    ----------
    name : str
        What the data is, e.g. ``"semiconductor"`` (the seed's yield data, from
        ``yieldmodel.seed_data.semiconductor_arrays``).
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,), labels 0/1
    rng : int or Generator, default 42
        Split seed (42 reproduces the seed).
    val_ratio : float, default 0.2
        Share of rows held out for validation (stratified).
    """
    X = check_matrix(X)
    description = name.capitalize() + ": {n_train} training and {n_val} validation rows, "
    description += f"{X.shape[1]} standardised columns, label fail = 1"
    return _split_task(name, X, y, val_ratio, rng, (64, 32), "relu", description)


def _split_task(name, X, y, val_ratio, rng, hidden_sizes, activation, description):
    """Split, standardise with the training rows' statistics, and describe the task."""
    X_train, X_val, y_train, y_val = data.train_test_split(X, y, 1.0 - val_ratio, rng=rng)
    X_train, X_val = _standardise(X_train, X_val)
    text = description.format(name=name, n_train=len(y_train), n_val=len(y_val))
    return NetworkTask(
        name, X_train, y_train, X_val, y_val, hidden_sizes, activation, description=text
    )


def playground_task(
    name: str = "circle", n: int = 400, noise: float = 0.1, rng=0, val_ratio: float = 0.5
) -> NetworkTask:
    """A binary TensorFlow-Playground dataset on a small tanh network 2→8→8→1.

    Parameters
    ----------
    name : str
        A binary dataset of ``lessons.datasets.PLAYGROUND``: circle, xor, gauss, spiral.
    n : int, default 400
        Points in total.
    noise : float, default 0.1
        The Playground's noise fraction, in [0, 0.5].
    rng : int or Generator, default 0
    val_ratio : float, default 0.5
        Share held out for validation (the Playground's default split).
    """
    if datasets.dataset_kind(name) != "binary":
        binary = [key for key, spec in datasets.PLAYGROUND.items() if spec.kind == "binary"]
        raise ValueError(
            f"the network race needs a binary dataset; {name!r} is "
            f"{datasets.dataset_kind(name)}. Choose one of: {', '.join(binary)}"
        )
    generator = as_rng(rng)
    X, y = datasets.playground(name, n=n, noise=noise, rng=generator)
    description = "Playground {name!r}: {n_train} training and {n_val} validation points "
    description += f"(noise {noise:.0%})"
    return _split_task(name, X, y, val_ratio, generator, (8, 8), "tanh", description)


TASKS: dict[str, Callable[..., NetworkTask]] = {
    key: partial(playground_task, key)
    for key, spec in datasets.PLAYGROUND.items()
    if spec.kind == "binary"
}
"""Registry: Playground task name -> function building it (keyword options of that function).
Tables (the seed's yield data) come in through :func:`tabular_task`."""

DATASET_TITLES: dict[str, str] = {
    "semiconductor": "Semiconductor yield (the seed's data)",
    **{key: f"Playground: {key}" for key in TASKS},
}
"""The datasets a page offers, with their display names; ``semiconductor`` is the seed's."""
DEFAULT_NOISE, MAX_NOISE = 0.1, 0.5
"""Noise of a Playground dataset: its default and largest value."""


def make_task(name: str, **options) -> NetworkTask:
    """Build the task called ``name`` (a key of :data:`TASKS`) with its own options."""
    return lookup("network task", name, TASKS)(**options)
