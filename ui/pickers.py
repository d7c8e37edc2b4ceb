"""Widget groups shared by several pages: optimizer, learning rate and schedule pickers.

Each returns plain values (names and hyper-parameter dicts in PyTorch's names) that go
straight into ``core.optimizers.make`` and ``core.schedules.make``; URL defaults come in
through the ``defaults`` argument so each page keeps its own query-string keys.
"""

from __future__ import annotations

import streamlit as st

from core import optimizers, schedules

OPTIMIZER_LABELS = {
    "sgd": "SGD",
    "momentum": "Momentum (EMA, as in the seed)",
    "nesterov": "Nesterov momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}
SCHEDULE_LABELS = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential decay",
    "cosine": "Cosine annealing",
    "warmup_cosine": "Linear warm-up + cosine",
}
#: The TensorFlow Playground's learning rates, plus the steps in between.
LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def nearest_rate(value: float) -> float:
    """The entry of ``LEARNING_RATES`` closest to ``value`` on a log scale."""
    import math

    value = max(float(value), 1e-12)
    return min(LEARNING_RATES, key=lambda rate: abs(math.log(rate / value)))


def learning_rate_slider(
    key: str, default: float, label: str = "Learning rate η", container=None
) -> float:
    """A log-spaced select slider from 0.00001 to 10."""
    container = container or st.sidebar
    return container.select_slider(
        label,
        options=LEARNING_RATES,
        value=nearest_rate(default),
        key=key,
        format_func=lambda rate: f"{rate:g}",
        help="Step size of every update. Try 3 or 10 to watch training diverge.",
    )


def hyper_parameter_inputs(name: str, key: str, container=None) -> dict:
    """Inputs for the hyper-parameters of optimizer ``name`` other than ``lr``.

    Returns only the values that differ from the optimizer's defaults, so the result can
    be mirrored in a URL and passed to ``core.optimizers.make`` as it is.
    """
    container = container or st.sidebar
    defaults = optimizers.OPTIMIZERS[name].defaults
    chosen = {}
    if "momentum" in defaults:
        chosen["momentum"] = container.slider(
            "Momentum μ (β)", 0.0, 0.99, float(defaults["momentum"]), 0.01, key=f"{key}_momentum"
        )
        if name == "nesterov" and chosen["momentum"] == 0.0:
            chosen["momentum"] = 0.01  # Nesterov needs some momentum
    if name == "rmsprop":
        chosen["alpha"] = container.slider("Decay α", 0.5, 0.999, 0.99, 0.001, key=f"{key}_alpha")
        chosen["centered"] = container.checkbox("Centered", False, key=f"{key}_centered")
    if "betas" in defaults:
        beta1 = container.slider("β₁", 0.0, 0.999, 0.9, 0.001, key=f"{key}_beta1")
        beta2 = container.slider(
            "β₂", 0.5, 0.9999, 0.999, 0.0001, format="%.4f", key=f"{key}_beta2"
        )
        chosen["betas"] = (beta1, beta2)
        chosen["amsgrad"] = container.checkbox("AMSGrad", False, key=f"{key}_amsgrad")
    if "weight_decay" in defaults:
        chosen["weight_decay"] = container.number_input(
            "Weight decay λ",
            0.0,
            1.0,
            float(defaults["weight_decay"]),
            0.001,
            format="%.4f",
            key=f"{key}_weight_decay",
        )
    return {k: v for k, v in chosen.items() if defaults.get(k) != v}


def optimizer_controls(
    key: str,
    default: str = "adam",
    lr_default: float = 0.03,
    container=None,
    show_hyper: bool = True,
) -> tuple[str, float, dict]:
    """Optimizer picker: returns ``(name, learning_rate, hyper_parameters)``."""
    container = container or st.sidebar
    names = list(OPTIMIZER_LABELS)
    name = container.selectbox(
        "Optimizer",
        names,
        index=names.index(default) if default in names else 0,
        format_func=OPTIMIZER_LABELS.get,
        key=f"{key}_name",
    )
    lr = learning_rate_slider(f"{key}_lr", lr_default, container=container)
    hyper = {}
    if show_hyper:
        with container.expander(f"{OPTIMIZER_LABELS[name]} settings"):
            hyper = hyper_parameter_inputs(name, key, container=st)
    return name, lr, hyper


def schedule_controls(
    key: str, horizon: int, default: str = "constant", container=None
) -> tuple[str, dict]:
    """Schedule picker; ``horizon`` is the number of epochs (or steps) it should span.

    Returns ``(name, kwargs)`` for ``core.schedules.make(name, lr0, **kwargs)``.
    """
    container = container or st.sidebar
    names = list(SCHEDULE_LABELS)
    name = container.selectbox(
        "Learning-rate schedule",
        names,
        index=names.index(default) if default in names else 0,
        format_func=SCHEDULE_LABELS.get,
        key=f"{key}_schedule",
    )
    horizon = max(int(horizon), 2)
    kwargs = {}
    if name == "step":
        kwargs["step_size"] = container.slider(
            "Step every", 1, horizon, max(1, horizon // 3), key=f"{key}_step_size"
        )
        kwargs["gamma"] = container.slider(
            "Multiply by γ", 0.05, 1.0, 0.5, 0.05, key=f"{key}_gamma"
        )
    elif name == "exponential":
        kwargs["gamma"] = container.slider(
            "Decay γ per step", 0.9, 1.0, 0.99, 0.001, format="%.3f", key=f"{key}_gamma"
        )
    elif name == "cosine":
        kwargs["T_max"] = horizon
    elif name == "warmup_cosine":
        warmup = container.slider(
            "Warm-up length", 1, max(1, horizon // 2), max(1, horizon // 10), key=f"{key}_warmup"
        )
        kwargs.update(warmup_epochs=warmup, T_max=max(1, horizon - warmup))
    return name, kwargs


def make_schedule(name: str, lr0: float, kwargs: dict):
    """``core.schedules.make`` or None for a constant rate (no per-epoch override)."""
    return None if name == "constant" else schedules.make(name, lr0, **kwargs)
