r"""Measurements behind the Activations page: derivative checks, saturation, properties, depth.

Every function takes an activation from :mod:`core.activations` (an instance, or a name
resolved with :func:`core.activations.get`).

* :mod:`~lessons.activation_study.derivatives` — :func:`numerical_derivative`,
  :func:`derivative_check` (the formula against the central difference) and
  :func:`saturation_zones` (where :math:`|f'(z)| < \text{threshold}`);
* :mod:`~lessons.activation_study.properties` — :func:`properties`: range, zero-centred,
  monotonic, saturation, dead zone, computed from the function so they follow the α sliders;
* :mod:`~lessons.activation_study.depth` — :func:`gradient_products`, the factor
  :math:`\prod_{l=1}^{d} |f'(z_l)|` a gradient picks up crossing ``d`` layers;
* :mod:`~lessons.activation_study.speed` — :func:`benchmark`, milliseconds per ``forward``;
* :mod:`~lessons.activation_study.explorer` — the page's choices and its summaries in words.
"""

from lessons.activation_study.depth import GRADIENT_MODELS, gradient_products
from lessons.activation_study.derivatives import (
    DEFAULT_STEP,
    NON_SMOOTH_POINTS,
    DerivativeCheck,
    derivative_check,
    numerical_derivative,
    saturation_zones,
)
from lessons.activation_study.properties import (
    ActivationProperties,
    normal_expectation,
    properties,
)
from lessons.activation_study.speed import benchmark

__all__ = [
    "DEFAULT_STEP",
    "GRADIENT_MODELS",
    "NON_SMOOTH_POINTS",
    "ActivationProperties",
    "DerivativeCheck",
    "benchmark",
    "derivative_check",
    "gradient_products",
    "normal_expectation",
    "numerical_derivative",
    "properties",
    "saturation_zones",
]
