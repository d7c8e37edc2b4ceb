r"""Activation functions, each with its derivative written right beside it.

``get(name, **params)`` returns an :class:`Activation`; ``ACTIVATIONS`` lists them.
Every function is safe for any finite input (``±1000`` gives no overflow warning), and
derivatives at 0 follow PyTorch's autograd: relu'(0) = 0, leaky_relu'(0) = alpha,
elu'(0) = alpha.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erf  # scipy ships with scikit-learn; NumPy has no erf

from core.validation import check_options, lookup


def _sigmoid(z):
    """Overflow-free logistic function: never exponentiates a positive number."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


class Activation:
    """Base class: ``forward(z)`` and ``derivative(z)`` act elementwise on arrays.

    ``backprop(delta, z, a)`` multiplies an upstream gradient ``delta`` by f'(z) in
    place; subclasses override it where f' is cheaper from the output ``a = f(z)``.
    """

    name = ""
    label = ""
    """Display name for people (controls, legends, tables), e.g. "Leaky ReLU"."""
    formula = ""
    derivative_formula = ""
    defaults: dict = {}

    def __init__(self, **params):
        self.params = check_options(f"activation {self.name!r}", params, self.defaults)
        for key, value in self.params.items():
            if not np.isfinite(value):
                raise ValueError(f"{self.name}: parameter {key} must be finite, got {value}")

    def forward(self, z):
        raise NotImplementedError

    def derivative(self, z):
        raise NotImplementedError

    def backprop(self, delta, z, a):
        delta *= self.derivative(z)
        return delta

    def forward_inplace(self, z):
        """``forward(z)``, allowed to overwrite ``z`` (used where z is a temporary)."""
        return self.forward(z)

    def __call__(self, z):
        return self.forward(z)

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"


class Sigmoid(Activation):
    name = "sigmoid"
    label = "sigmoid"
    formula = r"\sigma(z) = \frac{1}{1 + e^{-z}}"
    derivative_formula = r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))"

    def forward(self, z):
        return _sigmoid(z)

    def derivative(self, z):
        s = _sigmoid(z)
        return s * (1.0 - s)

    def backprop(self, delta, z, a):
        delta *= a * (1.0 - a)
        return delta


class Tanh(Activation):
    name = "tanh"
    label = "tanh"
    formula = r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}"
    derivative_formula = r"\tanh'(z) = 1 - \tanh^2(z)"

    def forward(self, z):
        return np.tanh(z)

    def forward_inplace(self, z):
        return np.tanh(z, out=z)

    def derivative(self, z):
        t = np.tanh(z)
        return 1.0 - t * t

    def backprop(self, delta, z, a):
        delta *= 1.0 - a * a
        return delta


class ReLU(Activation):
    name = "relu"
    label = "ReLU"
    formula = r"\mathrm{ReLU}(z) = \max(0, z)"
    derivative_formula = r"\mathrm{ReLU}'(z) = [z > 0]"

    def forward(self, z):
        return np.maximum(z, 0.0)

    def forward_inplace(self, z):
        return np.maximum(z, 0.0, out=z)

    def derivative(self, z):
        return (z > 0).astype(np.result_type(z, np.float32))

    def backprop(self, delta, z, a):
        delta *= z > 0
        return delta


class LeakyReLU(Activation):
    name = "leaky_relu"
    label = "Leaky ReLU"
    formula = r"\mathrm{LeakyReLU}(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}"
    derivative_formula = (
        r"\mathrm{LeakyReLU}'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}"
    )
    defaults = {"alpha": 0.01}

    def forward(self, z):
        return np.where(z > 0, z, self.params["alpha"] * z)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.params["alpha"])


class ELU(Activation):
    name = "elu"
    label = "ELU"
    formula = (
        r"\mathrm{ELU}(z) = \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}"
    )
    derivative_formula = (
        r"\mathrm{ELU}'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^{z} & z \le 0 \end{cases}"
    )
    defaults = {"alpha": 1.0}

    def forward(self, z):
        return np.where(z > 0, z, self.params["alpha"] * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.params["alpha"] * np.exp(np.minimum(z, 0.0)))


class Swish(Activation):
    name = "swish"
    label = "swish (SiLU)"
    formula = r"\mathrm{swish}(z) = z\,\sigma(z)"
    derivative_formula = r"\mathrm{swish}'(z) = \sigma(z) + z\,\sigma(z)(1 - \sigma(z))"

    def forward(self, z):
        return z * _sigmoid(z)

    def derivative(self, z):
        s = _sigmoid(z)
        return s * (1.0 + z * (1.0 - s))


class GELU(Activation):
    """Exact GELU with the Gaussian CDF, as ``torch.nn.functional.gelu`` (no tanh form)."""

    name = "gelu"
    label = "GELU"
    formula = (
        r"\mathrm{GELU}(z) = z\,\Phi(z) = \tfrac{z}{2}\left(1 + \mathrm{erf}(z/\sqrt{2})\right)"
    )
    derivative_formula = r"\mathrm{GELU}'(z) = \Phi(z) + z\,\varphi(z)"

    def forward(self, z):
        return z * (0.5 * (1.0 + erf(z * math.sqrt(0.5))))

    def derivative(self, z):
        cdf = 0.5 * (1.0 + erf(z * math.sqrt(0.5)))
        pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        return cdf + z * pdf


class Softplus(Activation):
    """``log(1 + e^z)``; like PyTorch (beta=1, threshold=20) it returns ``z`` for z > 20."""

    name = "softplus"
    label = "softplus"
    formula = r"\mathrm{softplus}(z) = \ln(1 + e^{z})"
    derivative_formula = r"\mathrm{softplus}'(z) = \sigma(z)"

    def forward(self, z):
        stable = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
        return np.where(z > 20.0, z, stable)

    def derivative(self, z):
        return np.where(z > 20.0, 1.0, _sigmoid(z))


class Linear(Activation):
    name = "linear"
    label = "linear"
    formula = r"f(z) = z"
    derivative_formula = r"f'(z) = 1"

    def forward(self, z):
        return z

    def derivative(self, z):
        return np.ones_like(z)

    def backprop(self, delta, z, a):
        return delta


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Swish, GELU, Softplus, Linear)
}

#: Activations whose derivative is continuous everywhere (gradient checks are exact there).
SMOOTH = ("sigmoid", "tanh", "elu", "swish", "gelu", "softplus", "linear")


def get(name, **params) -> Activation:
    """Return the activation called ``name`` with parameters ``params``.

    An :class:`Activation` instance is passed through unchanged.
    """
    if isinstance(name, Activation):
        if params:
            raise ValueError("parameters cannot be given together with an Activation instance")
        return name
    return lookup("activation", name, ACTIVATIONS)(**params)
