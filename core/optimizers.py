r"""Optimizers with PyTorch's update rules, defaults and hyper-parameter names.

``make(name, **hyper)`` returns an optimizer whose ``step(params, grads)`` updates a list of
arrays in place. State (momentum buffers, moment estimates) is kept per position in the
list; ``reset()`` forgets it. ``lr`` is a plain attribute, so a schedule can set it before
any step. In the formulas :math:`g` is the gradient, :math:`\theta` the parameters,
:math:`\eta` the learning rate and :math:`t` the step count starting at 1.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

import numpy as np

from core.validation import check_options, lookup


class Optimizer:
    """Shared bookkeeping: validated hyper-parameters, per-array state, reset."""

    name = ""
    label = ""
    """Display name, the same in every control, legend and table."""
    defaults: dict = {}

    def __init__(self, **hyper):
        options = check_options(f"optimizer {self.name!r}", hyper, self.defaults)
        self._validate(options)
        self.hyper = options
        self.lr = float(options["lr"])
        self.reset()

    def _validate(self, options):
        lr = options["lr"]
        if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
            raise ValueError(f"{self.name}: lr must be a positive finite number, got {lr!r}")
        for key in ("weight_decay", "momentum", "eps", "dampening", "lr_decay"):
            if key in options and not (np.isfinite(options[key]) and options[key] >= 0):
                raise ValueError(f"{self.name}: {key} must be >= 0, got {options[key]!r}")
        for key in ("momentum", "alpha", "dampening"):
            if key in options and not 0 <= options[key] <= 1:
                raise ValueError(f"{self.name}: {key} must be in [0, 1], got {options[key]!r}")
        if "betas" in options:
            betas = tuple(options["betas"])
            if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
                raise ValueError(f"{self.name}: betas must be two numbers in [0, 1), got {betas}")

    def reset(self) -> None:
        """Forget all state (as if the optimizer had just been made)."""
        self.t = 0
        self.state: list[dict] = []

    def step(self, params, grads) -> None:
        """Update every array in ``params`` in place from the matching ``grads``."""
        if len(self.state) != len(params):
            self.state = [{} for _ in params]
        self.t += 1
        for param, grad, state in zip(params, grads, self.state):
            self._update(param, grad, state)

    def _update(self, param, grad, state):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self.hyper.items() if k != "lr")
        return f"{type(self).__name__}(lr={self.lr}{', ' if args else ''}{args})"


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum (PyTorch ``SGD``).

    .. math::
        g \leftarrow g + \lambda\theta,\quad
        b \leftarrow \mu b + (1-\tau) g \;(b_1 = g),\quad
        g \leftarrow g + \mu b \text{ (Nesterov) or } b,\quad
        \theta \leftarrow \theta - \eta g
    """

    name = "sgd"
    label = "SGD"
    defaults = {
        "lr": 0.01,
        "momentum": 0.0,
        "dampening": 0.0,
        "nesterov": False,
        "weight_decay": 0.0,
    }

    def _validate(self, options):
        super()._validate(options)
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError("sgd: Nesterov momentum requires momentum > 0 and dampening = 0")

    def _update(self, param, grad, state):
        h = self.hyper
        if h["weight_decay"]:
            grad = grad + h["weight_decay"] * param
        momentum = h["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, copy=True)
            else:
                buf *= momentum
                buf += (1.0 - h["dampening"]) * grad
            grad = grad + momentum * buf if h["nesterov"] else buf
        param -= self.lr * grad


class Momentum(Optimizer):
    r"""The seed notebook's momentum: an exponential moving average of gradients.

    .. math::
        v \leftarrow \beta v + (1-\beta) g,\qquad \theta \leftarrow \theta - \eta v

    It equals PyTorch SGD with ``momentum = β`` and learning rate ``η(1−β)``.
    """

    name = "momentum"
    label = "Momentum"
    defaults = {"lr": 0.01, "momentum": 0.9}

    def _update(self, param, grad, state):
        beta = self.hyper["momentum"]
        velocity = state.get("velocity")
        if velocity is None:
            velocity = state["velocity"] = np.zeros_like(param)
        velocity *= beta
        velocity += (1.0 - beta) * grad
        param -= self.lr * velocity


class Nesterov(SGD):
    r"""SGD with Nesterov momentum (``momentum=0.9`` by default).

    .. math::
        b \leftarrow \mu b + g,\quad \theta \leftarrow \theta - \eta\,(g + \mu b)
    """

    name = "nesterov"
    label = "Nesterov"
    defaults = dict(SGD.defaults, momentum=0.9, nesterov=True)


class Adagrad(Optimizer):
    r"""Adagrad: per-coordinate steps shrink with the sum of squared gradients.

    .. math::
        s \leftarrow s + g^2,\qquad
        \theta \leftarrow \theta - \frac{\eta}{1 + (t-1)\,\text{lr\_decay}}
        \frac{g}{\sqrt{s} + \epsilon}
    """

    name = "adagrad"
    label = "Adagrad"
    defaults = {
        "lr": 0.01,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    }

    def _update(self, param, grad, state):
        h = self.hyper
        if h["weight_decay"]:
            grad = grad + h["weight_decay"] * param
        total = state.get("sum")
        if total is None:
            total = state["sum"] = np.full_like(param, h["initial_accumulator_value"])
        clr = self.lr / (1.0 + (self.t - 1) * h["lr_decay"])
        total += grad * grad
        param -= clr * (grad / (np.sqrt(total) + h["eps"]))


class RMSprop(Optimizer):
    r"""RMSprop: divide by a running root-mean-square of the gradient.

    .. math::
        s \leftarrow \alpha s + (1-\alpha) g^2,\quad
        \bar g \leftarrow \alpha \bar g + (1-\alpha) g \text{ (centered)},\quad
        d = \sqrt{s - \bar g^2} + \epsilon,\quad
        b \leftarrow \mu b + g/d,\quad \theta \leftarrow \theta - \eta b

    Without centering :math:`d = \sqrt{s}+\epsilon`; without momentum the step is
    :math:`\eta g / d`.
    """

    name = "rmsprop"
    label = "RMSprop"
    defaults = {
        "lr": 0.01,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
    }

    def _update(self, param, grad, state):
        h = self.hyper
        if h["weight_decay"]:
            grad = grad + h["weight_decay"] * param
        alpha = h["alpha"]
        square_avg = state.get("square_avg")
        if square_avg is None:
            square_avg = state["square_avg"] = np.zeros_like(param)
            if h["centered"]:
                state["grad_avg"] = np.zeros_like(param)
            if h["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(param)
        square_avg *= alpha
        square_avg += (1.0 - alpha) * grad * grad
        if h["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += (1.0 - alpha) * grad
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + h["eps"]
        else:
            denom = np.sqrt(square_avg) + h["eps"]
        if h["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= h["momentum"]
            buf += grad / denom
            param -= self.lr * buf
        else:
            param -= self.lr * (grad / denom)


class Adam(Optimizer):
    r"""Adam with bias-corrected moment estimates (PyTorch ``Adam``; L2 via weight_decay).

    .. math::
        g \leftarrow g + \lambda\theta,\quad
        m \leftarrow \beta_1 m + (1-\beta_1) g,\quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
        \theta \leftarrow \theta - \frac{\eta}{1-\beta_1^t}
        \frac{m}{\sqrt{v}/\sqrt{1-\beta_2^t} + \epsilon}

    With ``amsgrad`` the running maximum of :math:`v` replaces :math:`v` in the denominator.
    """

    name = "adam"
    label = "Adam"
    defaults = {
        "lr": 0.001,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": False,
    }
    decoupled = False

    def _update(self, param, grad, state):
        h = self.hyper
        beta1, beta2 = h["betas"]
        if h["weight_decay"]:
            if self.decoupled:
                param *= 1.0 - self.lr * h["weight_decay"]
            else:
                grad = grad + h["weight_decay"] * param
        m = state.get("exp_avg")
        if m is None:
            m = state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            state["scratch"] = np.empty_like(param)
            if h["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        v, scratch = state["exp_avg_sq"], state["scratch"]
        m *= beta1
        np.multiply(grad, 1.0 - beta1, out=scratch)
        m += scratch
        v *= beta2
        np.multiply(grad, grad, out=scratch)
        scratch *= 1.0 - beta2
        v += scratch
        if h["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        step_size = self.lr / (1.0 - beta1**self.t)
        np.sqrt(v, out=scratch)
        scratch *= 1.0 / math.sqrt(1.0 - beta2**self.t)
        scratch += h["eps"]
        np.divide(m, scratch, out=scratch)
        scratch *= step_size
        param -= scratch


class AdamW(Adam):
    r"""Adam with decoupled weight decay (PyTorch ``AdamW``).

    .. math::
        \theta \leftarrow \theta(1 - \eta\lambda),\ \text{then the Adam step without } \lambda
    """

    name = "adamw"
    label = "AdamW"
    defaults = dict(Adam.defaults, weight_decay=0.01)
    decoupled = True


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, AdamW)
}


def make(name: str, **hyper) -> Optimizer:
    """Build the optimizer called ``name``; an unknown hyper-parameter name is an error."""
    return lookup("optimizer", name, OPTIMIZERS)(**hyper)


def update_rule(name: str) -> str:
    r"""The LaTeX update rule of optimizer ``name``, read from its class docstring.

    The ``.. math::`` block of each class's docstring is the one statement of its rule;
    pages show it from here, so the code's documentation and the screen cannot disagree.
    """
    doc = inspect.getdoc(lookup("optimizer", name, OPTIMIZERS)) or ""
    lines = doc.splitlines()
    start = lines.index(".. math::") + 1
    block = []
    for line in lines[start:]:
        if line and not line.startswith(" "):
            break
        block.append(line.strip())
    return " ".join(part for part in block if part)


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer described by plain, hashable values: ``make(name, lr=lr, **hyper)``.

    The one description of an optimizer setting, shared by the race, the live trainer and
    the yield model (it can key a cache, and it compares equal for equal settings).

    Attributes
    ----------
    name : str
        A key of :data:`OPTIMIZERS`.
    lr : float
        Learning rate (a schedule's starting value when a schedule is used).
    hyper : tuple of (str, value) pairs
        Other hyper-parameters in PyTorch's names, sorted, e.g. ``(("momentum", 0.5),)``.
    """

    name: str = "sgd"
    lr: float = 0.01
    hyper: tuple = ()

    @classmethod
    def of(cls, name: str, lr: float, **hyper) -> OptimizerSpec:
        """A spec from keyword hyper-parameters (lists become tuples, so it stays hashable)."""
        items = tuple(
            sorted(
                (key, tuple(value) if isinstance(value, list) else value)
                for key, value in hyper.items()
            )
        )
        return cls(name, float(lr), items)

    @property
    def label(self) -> str:
        """Display name of the optimizer, e.g. ``"RMSprop"``."""
        return lookup("optimizer", self.name, OPTIMIZERS).label

    def build(self) -> Optimizer:
        """A fresh optimizer; unknown names or bad values raise ValueError."""
        hyper = dict(self.hyper)
        if "lr" in hyper:
            raise ValueError(f"{self.name}: give the learning rate as lr, not inside hyper")
        return make(self.name, lr=self.lr, **hyper)
