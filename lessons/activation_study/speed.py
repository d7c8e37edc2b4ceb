"""Speed: milliseconds per ``forward`` call on a million values, as in the seed notebook."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from core.validation import as_rng
from lessons.activation_study.checks import resolve


def benchmark(
    activations: Sequence,
    n_values: int = 1_000_000,
    repetitions: int = 100,
    rng=0,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, float]:
    """Time ``forward`` on ``n_values`` standard-normal inputs, as in the seed notebook.

    Each activation is called once untimed (warming caches and allocations), then
    ``repetitions`` times under :func:`time.perf_counter`.

    Parameters
    ----------
    activations : sequence of Activation or str
        Non-empty; names must be distinct.
    n_values : int, default 1_000_000
    repetitions : int, default 100
    rng : int or numpy.random.Generator, default 0
        Source of the input values.
    progress : callable ``(done, total) -> None``, optional
        Called after every timed call; ``total = len(activations) * repetitions``.

    Returns
    -------
    dict
        Activation name -> mean milliseconds per call, in the given order.
    """
    resolved = [resolve(activation) for activation in activations]
    if not resolved:
        raise ValueError("choose at least one activation to benchmark")
    names = [activation.name for activation in resolved]
    if len(set(names)) != len(names):
        raise ValueError(f"activations must be distinct, got {names}")
    for value, label in ((n_values, "n_values"), (repetitions, "repetitions")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    z = as_rng(rng).standard_normal(int(n_values))
    total, done = len(resolved) * int(repetitions), 0
    timings = {}
    for activation in resolved:
        activation.forward(z)
        elapsed = 0.0
        for _ in range(int(repetitions)):
            start = time.perf_counter()
            activation.forward(z)
            elapsed += time.perf_counter() - start
            done += 1
            if progress is not None:
                progress(done, total)
        timings[activation.name] = 1000.0 * elapsed / int(repetitions)
    return timings
