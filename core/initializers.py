r"""Weight initialisers: each returns a (fan_in, fan_out) matrix drawn from ``rng``.

=================  ==========================================================
``zeros``          all zeros (symmetric: every neuron in a layer stays equal)
``random``         :math:`\mathcal N(0, \text{scale}^2)`, scale 0.01 by default
``xavier``         :math:`\mathcal U(-a, a)`, :math:`a = \sqrt{6/(n_{in}+n_{out})}`
``xavier_normal``  :math:`\mathcal N(0, 2/(n_{in}+n_{out}))`
``he``             :math:`\mathcal N(0, 2/n_{in})` (Kaiming normal, for ReLU)
``he_uniform``     :math:`\mathcal U(-a, a)`, :math:`a = \sqrt{6/n_{in}}`
=================  ==========================================================
"""

from __future__ import annotations

import math

import numpy as np

from core.validation import as_rng, lookup


def zeros(fan_in, fan_out, rng, scale=None):
    return np.zeros((fan_in, fan_out))


def random_normal(fan_in, fan_out, rng, scale=0.01):
    return rng.normal(0.0, scale, size=(fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng, scale=None):
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out, rng, scale=None):
    return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng, scale=None):
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng, scale=None):
    limit = math.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


INITIALIZERS = {
    "zeros": zeros,
    "random": random_normal,
    "xavier": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he": he_normal,
    "he_uniform": he_uniform,
}

INIT_LABELS = {
    "xavier": "Xavier (Glorot) uniform",
    "xavier_normal": "Xavier (Glorot) normal",
    "he": "He (Kaiming) normal",
    "he_uniform": "He (Kaiming) uniform",
    "random": "Random small, N(0, 0.01²)",
    "zeros": "Zeros (watch symmetry)",
}
"""Display name of every initialiser (the same in every control), in menu order."""


def initialize(name, fan_in: int, fan_out: int, rng=None, scale: float = 0.01) -> np.ndarray:
    """Draw a (fan_in, fan_out) weight matrix with the initialiser called ``name``."""
    function = lookup("initializer", name, INITIALIZERS)
    if name == "random" and not (scale > 0 and np.isfinite(scale)):
        raise ValueError(f"random init scale must be a positive number, got {scale}")
    return function(fan_in, fan_out, as_rng(rng), scale=scale)
