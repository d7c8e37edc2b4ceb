"""Rosenblatt's perceptron and the experiments of the Perceptron page.

* :mod:`~lessons.perceptron.model` — the perceptron and its learning rule
  (:class:`Perceptron`, :func:`step`);
* :mod:`~lessons.perceptron.history` — the full record of a run (:class:`PerceptronHistory`);
* :mod:`~lessons.perceptron.separability` — :func:`is_linearly_separable`;
* :mod:`~lessons.perceptron.points` — the learner's own points: presets, table, URL text;
* :mod:`~lessons.perceptron.lab` — the page's run, its step position and the XOR fixes;
* :mod:`~lessons.perceptron.explain` — the page's words and tables.
"""

from lessons.perceptron.history import PerceptronHistory, SampleUpdate
from lessons.perceptron.model import (
    INITS,
    EpochSummary,
    Perceptron,
    check_binary_labels,
    step,
)
from lessons.perceptron.separability import is_linearly_separable

__all__ = [
    "INITS",
    "EpochSummary",
    "Perceptron",
    "PerceptronHistory",
    "SampleUpdate",
    "check_binary_labels",
    "is_linearly_separable",
    "step",
]
