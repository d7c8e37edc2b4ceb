"""Rosenblatt's perceptron and the experiments of the Perceptron page.

* :mod:`~lessons.perceptron.model` — the perceptron, its learning rule and the full record
  of a run (:class:`Perceptron`, :class:`PerceptronHistory`, :func:`step`);
* :mod:`~lessons.perceptron.separability` — :func:`is_linearly_separable`;
* :mod:`~lessons.perceptron.points` — the learner's own points: presets, table, URL text;
* :mod:`~lessons.perceptron.lab` — the page's run, its step position and the XOR fixes;
* :mod:`~lessons.perceptron.explain` — the page's words and tables.
"""

from lessons.perceptron.model import (
    INITS,
    EpochSummary,
    Perceptron,
    PerceptronHistory,
    SampleUpdate,
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
