r"""Learning-rate schedules: ``make(name, lr0, **kw)`` returns a pure function epoch → lr.

Epochs count from 0, and ``schedule(k)`` is the rate used during epoch ``k``; the numbers
equal PyTorch's StepLR, ExponentialLR, CosineAnnealingLR and LinearLR→CosineAnnealingLR
(SequentialLR) read before each ``scheduler.step()``.

=================  =====================================================================
``constant``       :math:`\eta_k = \eta_0`
``step``           :math:`\eta_k = \eta_0\,\gamma^{\lfloor k / s\rfloor}`
``exponential``    :math:`\eta_k = \eta_0\,\gamma^{k}`
``cosine``         :math:`\eta_k = \eta_{min} + \tfrac12(\eta_0-\eta_{min})(1+\cos(\pi k/T))`
``warmup_cosine``  linear ramp from :math:`f\eta_0` to :math:`\eta_0` over :math:`w` epochs,
                   then cosine over :math:`T` epochs
=================  =====================================================================
"""

from __future__ import annotations

import math
from functools import partial

from core.validation import check_options, lookup


def _constant(epoch, lr0):
    return lr0


def _step(epoch, lr0, step_size, gamma):
    return lr0 * gamma ** (epoch // step_size)


def _exponential(epoch, lr0, gamma):
    return lr0 * gamma**epoch


def _cosine(epoch, lr0, T_max, eta_min):
    return eta_min + (lr0 - eta_min) * (1.0 + math.cos(math.pi * epoch / T_max)) / 2.0


def _warmup_cosine(epoch, lr0, warmup_epochs, start_factor, T_max, eta_min):
    if epoch < warmup_epochs:
        return lr0 * (start_factor + (1.0 - start_factor) * epoch / warmup_epochs)
    return _cosine(epoch - warmup_epochs, lr0, T_max, eta_min)


SCHEDULES = {
    "constant": (_constant, {}),
    "step": (_step, {"step_size": 30, "gamma": 0.1}),
    "exponential": (_exponential, {"gamma": 0.95}),
    "cosine": (_cosine, {"T_max": 100, "eta_min": 0.0}),
    "warmup_cosine": (
        _warmup_cosine,
        {"warmup_epochs": 10, "start_factor": 0.1, "T_max": 90, "eta_min": 0.0},
    ),
}


def make(name: str, lr0: float, **kw):
    """Return ``epoch -> learning rate`` for the schedule ``name`` starting at ``lr0``."""
    function, defaults = lookup("schedule", name, SCHEDULES)
    options = check_options(f"schedule {name!r}", kw, defaults)
    if not (math.isfinite(lr0) and lr0 > 0):
        raise ValueError(f"lr0 must be a positive finite number, got {lr0}")
    for key in ("step_size", "T_max", "warmup_epochs"):
        if key in options and not options[key] >= 1:
            raise ValueError(f"{key} must be at least 1, got {options[key]}")
    if "gamma" in options and not 0 < options["gamma"] <= 1:
        raise ValueError(f"gamma must be in (0, 1], got {options['gamma']}")
    if "start_factor" in options and not 0 < options["start_factor"] <= 1:
        raise ValueError(f"start_factor must be in (0, 1], got {options['start_factor']}")
    if "eta_min" in options and not 0 <= options["eta_min"] <= lr0:
        raise ValueError(f"eta_min must be in [0, lr0], got {options['eta_min']}")
    return partial(function, lr0=float(lr0), **options)
