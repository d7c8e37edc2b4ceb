"""Widget groups shared by several pages: the optimizer picker and the schedule picker.

Each group comes as two halves that use the same names:

* ``*_fields(prefix, ...)`` — the :class:`ui.urlstate.Field` declarations a page adds to
  its URL schema (``prefix`` keeps several groups apart, e.g. one per racing optimizer);
* ``*_controls(schema, prefix, ...)`` — the widgets, bound to those fields, returning
  plain values: a :class:`core.optimizers.OptimizerSpec`, or a schedule name and the
  keyword arguments of ``core.schedules.make``.

Slider ranges and URL bounds come from one table (:data:`HYPER_RANGES`), so a link can
never put a widget out of range.
"""

from __future__ import annotations

import math

import streamlit as st

from core.optimizers import OPTIMIZERS, OptimizerSpec
from ui import urlstate as url

#: The TensorFlow Playground's learning rates, plus the steps in between.
LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

# Hyper-parameter -> (widget label, low, high, step, default); defaults are PyTorch's.
HYPER_RANGES = {
    "momentum": ("Momentum μ (β)", 0.0, 0.99, 0.01, None),
    "alpha": ("Decay α", 0.5, 0.999, 0.001, 0.99),
    "beta1": ("β₁", 0.0, 0.999, 0.001, 0.9),
    "beta2": ("β₂", 0.5, 0.9999, 0.0001, 0.999),
    "weight_decay": ("Weight decay λ", 0.0, 1.0, 0.001, None),
}
SWITCHES = {"centered": "Centered", "amsgrad": "AMSGrad"}

SCHEDULE_LABELS = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential decay",
    "cosine": "Cosine annealing",
    "warmup_cosine": "Linear warm-up + cosine",
}


def nearest_rate(value: float) -> float:
    """The entry of ``LEARNING_RATES`` closest to ``value`` on a log scale."""
    value = max(float(value), 1e-12)
    return min(LEARNING_RATES, key=lambda rate: abs(math.log(rate / value)))


def _hyper_default(key: str, name: str) -> float:
    if key in ("beta1", "beta2", "alpha"):
        return HYPER_RANGES[key][4]
    return float(OPTIMIZERS[name].defaults.get(key, 0.0))


def _hyper_keys(name: str) -> list[str]:
    """The hyper-parameter controls optimizer ``name`` shows, in widget order."""
    defaults = OPTIMIZERS[name].defaults
    keys = ["momentum"] if "momentum" in defaults else []
    if name == "rmsprop":
        keys += ["alpha", "centered"]
    if "betas" in defaults:
        keys += ["beta1", "beta2", "amsgrad"]
    if "weight_decay" in defaults:
        keys.append("weight_decay")
    return keys


def hyper_fields(prefix: str, name: str) -> tuple[url.Field, ...]:
    """URL fields of optimizer ``name``'s hyper-parameters other than ``lr``."""
    fields = []
    for key in _hyper_keys(name):
        if key in SWITCHES:
            fields.append(url.boolean(f"{prefix}{key}", False))
        else:
            _, low, high, _, _ = HYPER_RANGES[key]
            fields.append(url.number(f"{prefix}{key}", _hyper_default(key, name), low, high))
    return tuple(fields)


def optimizer_fields(
    prefix: str, name: str = "adam", lr: float = 0.03, names=tuple(OPTIMIZERS)
) -> tuple[url.Field, ...]:
    """URL fields of an optimizer picker: ``<prefix>opt``, ``<prefix>lr`` and the
    hyper-parameters of every optimizer in ``names`` (prefixed by the optimizer's name, so
    switching optimizers never loses a setting)."""
    fields = [
        url.choice(f"{prefix}opt", name, list(names)),
        url.choice(f"{prefix}lr", nearest_rate(lr), LEARNING_RATES),
    ]
    for option in names:
        fields.extend(hyper_fields(f"{prefix}{option}_", option))
    return tuple(fields)


def hyper_controls(schema: url.UrlSchema, prefix: str, name: str, container=None) -> dict:
    """Widgets for optimizer ``name``'s hyper-parameters (fields from :func:`hyper_fields`).

    Returns the values in PyTorch's names (``betas`` as a pair) for
    ``core.optimizers.make``.
    """
    container = container or st
    chosen = {}
    for key in _hyper_keys(name):
        widget_key = schema.widget_key(f"{prefix}{key}")
        if key in SWITCHES:
            chosen[key] = container.checkbox(SWITCHES[key], key=widget_key)
            continue
        label, low, high, step, _ = HYPER_RANGES[key]
        digits = max(0, -math.floor(math.log10(step)))
        chosen[key] = container.slider(
            label, low, high, step=step, format=f"%.{digits}f", key=widget_key
        )
    if name == "nesterov" and chosen.get("momentum") == 0.0:
        chosen["momentum"] = 0.01  # Nesterov needs some momentum
    if "beta1" in chosen:
        chosen["betas"] = (chosen.pop("beta1"), chosen.pop("beta2"))
    return chosen


def optimizer_controls(
    schema: url.UrlSchema, prefix: str, container=None, show_hyper: bool = True
) -> OptimizerSpec:
    """Optimizer select box, learning-rate slider and (in an expander) its settings."""
    container = container or st.sidebar
    name = container.selectbox(
        "Optimizer",
        [option for option in OPTIMIZERS if _offered(schema, prefix, option)],
        format_func=lambda option: OPTIMIZERS[option].label,
        key=schema.widget_key(f"{prefix}opt"),
    )
    lr = container.select_slider(
        "Learning rate η",
        options=LEARNING_RATES,
        format_func=lambda rate: f"{rate:g}",
        key=schema.widget_key(f"{prefix}lr"),
        help="Step size of every update. Try 3 or 10 to watch training diverge.",
    )
    hyper = {}
    if show_hyper:
        with container.expander(f"{OPTIMIZERS[name].label} settings"):
            hyper = hyper_controls(schema, f"{prefix}{name}_", name)
    return OptimizerSpec.of(name, lr, **hyper)


def _offered(schema: url.UrlSchema, prefix: str, name: str) -> bool:
    try:
        schema[f"{prefix}opt"].read(name)
    except ValueError:
        return False
    return True


def schedule_fields(prefix: str) -> tuple[url.Field, ...]:
    """URL fields of a schedule picker (the step size is clamped to the horizon later)."""
    return (
        url.choice(f"{prefix}sched", "constant", list(SCHEDULE_LABELS)),
        url.integer(f"{prefix}step_size", 10, low=1, high=100_000),
        url.number(f"{prefix}step_gamma", 0.5, low=0.05, high=1.0),
        url.number(f"{prefix}exp_gamma", 0.99, low=0.9, high=1.0),
        url.integer(f"{prefix}warmup", 5, low=1, high=100_000),
    )


def _keep_below(schema: url.UrlSchema, key: str, high: int) -> None:
    widget_key = schema.widget_key(key)
    if st.session_state.get(widget_key, 1) > high:
        st.session_state[widget_key] = high


def schedule_controls(
    schema: url.UrlSchema, prefix: str, horizon: int, container=None
) -> tuple[str, dict]:
    """Schedule picker; ``horizon`` is the number of epochs (or steps) it should span.

    Returns ``(name, kwargs)`` for ``core.schedules.make(name, lr0, **kwargs)``.
    """
    container = container or st.sidebar
    name = container.selectbox(
        "Learning-rate schedule",
        list(SCHEDULE_LABELS),
        format_func=SCHEDULE_LABELS.get,
        key=schema.widget_key(f"{prefix}sched"),
    )
    horizon = max(int(horizon), 2)
    kwargs = {}
    if name == "step":
        _keep_below(schema, f"{prefix}step_size", horizon)
        kwargs["step_size"] = container.slider(
            "Step every", 1, horizon, key=schema.widget_key(f"{prefix}step_size")
        )
        kwargs["gamma"] = container.slider(
            "Multiply by γ", 0.05, 1.0, step=0.05, key=schema.widget_key(f"{prefix}step_gamma")
        )
    elif name == "exponential":
        kwargs["gamma"] = container.slider(
            "Decay γ per step",
            0.9,
            1.0,
            step=0.001,
            format="%.3f",
            key=schema.widget_key(f"{prefix}exp_gamma"),
        )
    elif name == "cosine":
        kwargs["T_max"] = horizon
    elif name == "warmup_cosine":
        longest = max(1, horizon // 2)
        _keep_below(schema, f"{prefix}warmup", longest)
        warmup = container.slider(
            "Warm-up length", 1, max(2, longest), key=schema.widget_key(f"{prefix}warmup")
        )
        kwargs.update(warmup_epochs=warmup, T_max=max(1, horizon - warmup))
    return name, kwargs
