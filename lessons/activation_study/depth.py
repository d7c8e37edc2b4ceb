"""Vanishing gradients: what the activation alone multiplies into a gradient through depth."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from core.validation import lookup
from lessons.activation_study.checks import resolve
from lessons.activation_study.properties import normal_expectation


def _factor_normal(activation, z0: float) -> float:
    return normal_expectation(lambda z: np.abs(activation.derivative(z)))


def _factor_fixed(activation, z0: float) -> float:
    return float(np.abs(activation.derivative(np.array([float(z0)]))[0]))


GRADIENT_MODELS: dict[str, Callable] = {"normal": _factor_normal, "fixed": _factor_fixed}
r"""How the per-layer factor of :func:`gradient_products` is chosen.

* ``normal`` (the page's default): :math:`E|f'(z)|` with :math:`z \sim N(0, 1)`. A
  well-initialised layer (Xavier/He) keeps its pre-activations near unit variance, so this is
  what a typical unit sees. If the layers' pre-activations are independent, the expected
  product over ``d`` layers is exactly :math:`(E|f'(z)|)^d`.
* ``fixed``: :math:`|f'(z_0)|` at one representative pre-activation ``z0`` — every layer
  sitting at the same operating point, e.g. deep in saturation (``z0 = 4``).
"""


def gradient_products(activation, depth: int = 50, model: str = "normal", z0: float = 0.0):
    r"""The chain-rule factor :math:`\prod_{l=1}^{d} |f'(z_l)|` for depths 1..``depth``.

    This is the activation's share of how much a gradient shrinks (or grows) on its way back
    through ``d`` layers; the weights' share is left out (set it aside as "ideal" weights
    that preserve the norm), so the plot isolates what the activation alone does. Which
    :math:`z_l` to use is a modelling choice, see :data:`GRADIENT_MODELS`.

    Parameters
    ----------
    activation : Activation or str
    depth : int, default 50
        Largest depth, >= 1.
    model : {"normal", "fixed"}, default "normal"
    z0 : float, default 0.0
        Pre-activation for ``model="fixed"``.

    Returns
    -------
    ndarray of shape (depth,)
        Entry ``d - 1`` is the factor after ``d`` layers: ``factor ** d``.
    """
    activation = resolve(activation)
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    if not math.isfinite(float(z0)):
        raise ValueError(f"z0 must be finite, got {z0}")
    factor = lookup("gradient model", model, GRADIENT_MODELS)(activation, z0)
    return factor ** np.arange(1, int(depth) + 1, dtype=np.float64)
