r"""A multilayer perceptron of any depth, with the backward pass written out layer by layer.

Layer :math:`l` computes :math:`z_l = a_{l-1} W_l + b_l` and :math:`a_l = f_l(z_l)`, with
``W_l`` of shape (fan_in, fan_out) as in scikit-learn. Backpropagation runs

.. math::
    \delta_L = \hat y - y, \qquad
    \frac{\partial L}{\partial W_l} = a_{l-1}^\top \delta_l, \qquad
    \frac{\partial L}{\partial b_l} = \textstyle\sum_i \delta_{l,i}, \qquad
    \delta_{l-1} = (\delta_l W_l^\top) \odot f'_{l-1}(z_{l-1})

All parameters live in one flat buffer ``flat``; ``params`` are per-layer views into it
(``[W0, b0, W1, b1, ...]``) and ``grads`` are views into ``flat_grad``. An optimizer can
therefore update the whole network with a handful of vector operations on the flat arrays.
"""

from __future__ import annotations

import numpy as np

from core import activations as act_module
from core import mlp_checks as checks
from core.initializers import initialize
from core.losses import LOSS_FOR_OUTPUT
from core.validation import as_rng, check_matrix, lookup

OUTPUTS = tuple(LOSS_FOR_OUTPUT)


def _activation_spec(spec):
    """Accept 'tanh', ('elu', {'alpha': 0.5}), {'name': ..., 'params': ...} or an Activation."""
    if isinstance(spec, act_module.Activation):
        return spec
    if isinstance(spec, str):
        return act_module.get(spec)
    if isinstance(spec, dict):
        return act_module.get(spec["name"], **spec.get("params", {}))
    if isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[0], str):
        return act_module.get(spec[0], **spec[1])
    raise ValueError(f"cannot read an activation from {spec!r}")


def _non_negative(name, value):
    value = float(value)
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


class MLP:
    r"""Fully connected network trained by backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[20, 64, 32, 1]``; every width >= 1.
    hidden : str, Activation or list of them
        Hidden activation, or one per hidden layer (``len(sizes) - 2`` entries).
    output : {"sigmoid", "softmax", "linear"}
        Output activation; it fixes the loss (bce, softmax cross-entropy, half MSE).
    init : str
        Weight initialiser name from :mod:`core.initializers`; biases start at zero.
    rng : int or numpy.random.Generator
        Source of the initial weights and of dropout masks.
    l2, l1 : float
        Penalties :math:`\tfrac{l_2}{2}\sum W^2` and :math:`l_1 \sum |W|` on weights (not biases).
    dropout : float or list of float
        Inverted-dropout drop probability for each hidden layer, applied in training only.
    dtype : numpy dtype
        float64 (default, exact gradients) or float32 (faster inference).
    init_scale : float
        Standard deviation for ``init="random"``.
    """

    def __init__(
        self,
        sizes,
        hidden="relu",
        output="sigmoid",
        init="he",
        rng=0,
        l2=0.0,
        l1=0.0,
        dropout=0.0,
        dtype=np.float64,
        init_scale=0.01,
    ):
        self.sizes = checks.layer_sizes(sizes)
        n_hidden = len(self.sizes) - 2
        self.activations = [_activation_spec(h) for h in checks.per_hidden_layer(hidden, n_hidden)]

        self.output = lookup("output activation", output, {o: o for o in OUTPUTS})
        self.loss_spec = LOSS_FOR_OUTPUT[self.output]
        if self.output == "sigmoid" and self.sizes[-1] != 1:
            raise ValueError("a sigmoid output has exactly 1 unit; use softmax for several classes")
        if self.output == "softmax" and self.sizes[-1] < 2:
            raise ValueError("a softmax output needs at least 2 units (one per class)")

        self.l2 = _non_negative("l2", l2)
        self.l1 = _non_negative("l1", l1)
        self.dropout = checks.dropout_rates(dropout, n_hidden)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.init = init
        self.init_scale = float(init_scale)
        self._rng = as_rng(rng)
        self._allocate()
        for W in self.weights:
            W[...] = initialize(init, W.shape[0], W.shape[1], self._rng, scale=init_scale)
        self.flat_grad[:] = 0.0

    # ------------------------------------------------------------------ storage
    def _shapes(self) -> list[tuple]:
        shapes = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            shapes += [(fan_in, fan_out), (fan_out,)]
        return shapes

    def _allocate(self):
        total = sum(int(np.prod(s)) for s in self._shapes())
        self.flat = np.zeros(total, dtype=self.dtype)
        self.flat_grad = np.zeros(total, dtype=self.dtype)
        self._make_views()

    def _make_views(self):
        """Per-layer views into ``flat`` and ``flat_grad`` (rebuilt after unpickling)."""
        self.params, self.grads = [], []
        offset = 0
        for shape in self._shapes():
            size = int(np.prod(shape))
            self.params.append(self.flat[offset : offset + size].reshape(shape))
            self.grads.append(self.flat_grad[offset : offset + size].reshape(shape))
            offset += size
        self.weights, self.biases = self.params[0::2], self.params[1::2]
        self._grad_weights, self._grad_biases = self.grads[0::2], self.grads[1::2]

    _VIEWS = ("params", "grads", "weights", "biases", "_grad_weights", "_grad_biases")

    def __getstate__(self):
        # Views would be pickled as independent copies; keep only the flat buffers.
        return {k: v for k, v in self.__dict__.items() if k not in self._VIEWS}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._make_views()

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + output layer)."""
        return len(self.sizes) - 1

    @property
    def n_params(self) -> int:
        return self.flat.size

    @property
    def hidden(self) -> list[str]:
        """Hidden activation names, one per hidden layer."""
        return [a.name for a in self.activations]

    def set_params(self, arrays) -> None:
        """Copy ``[W0, b0, W1, b1, ...]`` into the model (shapes must match)."""
        arrays = list(arrays)
        if len(arrays) != len(self.params):
            raise ValueError(f"expected {len(self.params)} arrays, got {len(arrays)}")
        for index, (target, source) in enumerate(zip(self.params, arrays)):
            source = np.asarray(source, dtype=float)
            if source.shape != target.shape:
                raise ValueError(f"param {index}: shape {source.shape}, expected {target.shape}")
            if not np.isfinite(source).all():
                raise ValueError(f"param {index} contains NaN or infinite values")
            target[...] = source

    def copy(self) -> MLP:
        clone = MLP.from_config(self.get_config())
        clone.flat[:] = self.flat
        return clone

    def get_config(self) -> dict:
        """A JSON-serialisable description (without weights) that rebuilds the architecture."""
        return {
            "sizes": self.sizes,
            "hidden": [{"name": a.name, "params": dict(a.params)} for a in self.activations],
            "output": self.output,
            "init": self.init,
            "init_scale": self.init_scale,
            "l2": self.l2,
            "l1": self.l1,
            "dropout": self.dropout,
            "dtype": self.dtype.name,
        }

    @classmethod
    def from_config(cls, config: dict, rng=0) -> MLP:
        config = dict(config)
        config["dtype"] = np.dtype(config.get("dtype", "float64"))
        return cls(rng=rng, **config)

    def astype(self, dtype) -> MLP:
        """A copy of this network whose parameters (and arithmetic) use ``dtype``."""
        config = self.get_config()
        config["dtype"] = np.dtype(dtype).name
        clone = MLP.from_config(config)
        clone.flat[:] = self.flat
        return clone

    # ------------------------------------------------------------------ validation
    def check_X(self, X) -> np.ndarray:
        return check_matrix(X, "X", self.sizes[0], self.dtype)

    def check_targets(self, y, n_samples: int) -> np.ndarray:
        """Return ``y`` in the internal layout: (n, 1) for sigmoid, (n,) int for softmax,
        (n, k) for linear."""
        return checks.targets(y, n_samples, self.output, self.sizes[-1], self.dtype)

    def check_weights(self, sample_weight, n_samples: int):
        return checks.sample_weights(sample_weight, n_samples, self.dtype)

    # ------------------------------------------------------------------ forward
    def _output_activation(self, z):
        if self.output == "sigmoid":
            return act_module._sigmoid(z)
        if self.output == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return z

    def _logits(self, X):
        a = X
        for W, b, f in zip(self.weights, self.biases, self.activations):
            z = a @ W
            z += b
            a = f.forward_inplace(z)
        z = a @ self.weights[-1]
        z += self.biases[-1]
        return z

    def forward(self, X, chunk_size: int = 65536) -> np.ndarray:
        """Network output for ``X`` (n, n_features): probabilities or values, shape (n, n_out).

        Rows are processed ``chunk_size`` at a time so memory stays bounded.
        """
        X = self.check_X(X)
        if X.shape[0] <= chunk_size:
            return self._output_activation(self._logits(X))
        out = np.empty((X.shape[0], self.sizes[-1]), dtype=self.dtype)
        for start in range(0, X.shape[0], chunk_size):
            stop = start + chunk_size
            out[start:stop] = self._output_activation(self._logits(X[start:stop]))
        return out

    def predict_proba(self, X) -> np.ndarray:
        """P(y = 1) as shape (n,) for a sigmoid output; (n, k) class probabilities for softmax."""
        if self.output == "linear":
            raise ValueError("a regression network (linear output) has no probabilities")
        out = self.forward(X)
        return out[:, 0] if self.output == "sigmoid" else out

    def predict(self, X, threshold: float = 0.5) -> np.ndarray:
        """Class labels (n,) for classifiers, values (n,) or (n, k) for regression."""
        out = self.forward(X)
        if self.output == "sigmoid":
            return (out[:, 0] >= threshold).astype(int)
        if self.output == "softmax":
            return out.argmax(axis=1)
        return out[:, 0] if out.shape[1] == 1 else out

    def forward_trace(self, X) -> list[dict]:
        """Every layer's pre-activation ``z`` and activation ``a`` for teaching views.

        Returns a list with one dict per layer, ``{"z": (n, width), "a": (n, width)}``; the
        last entry's ``a`` is the network output. Dropout is not applied.
        """
        X = self.check_X(X)
        trace, a = [], X
        for layer in range(self.n_layers):
            z = a @ self.weights[layer] + self.biases[layer]
            if layer < self.n_layers - 1:
                a = self.activations[layer].forward(z)
            else:
                a = self._output_activation(z)
            trace.append({"z": z, "a": a})
        return trace

    # ------------------------------------------------------------------ backward
    def loss_and_grads(self, X, y, sample_weight=None, training: bool = True):
        """Loss (with penalties) and its gradient with respect to every parameter.

        Parameters
        ----------
        X : array of shape (n, n_features)
        y : array of shape (n,) (labels or values) or (n, n_out)
        sample_weight : array of shape (n,), optional
        training : bool
            Apply dropout (inverted) when True.

        Returns
        -------
        loss : float
        grads : list of ndarray
            Parallel to ``params``. They are views into ``flat_grad`` and are overwritten by
            the next call: copy them to keep them.
        """
        X = self.check_X(X)
        y = self.check_targets(y, X.shape[0])
        w = self.check_weights(sample_weight, X.shape[0])
        return self._loss_and_grads(X, y, w, training)[0], self.grads

    def _loss_and_grads(self, X, y, w, training=True, keep_deltas=False):
        """Unchecked core of :meth:`loss_and_grads`; returns (loss, output, deltas)."""
        n_layers = self.n_layers
        inputs, zs, masks = [X], [], []
        a = X
        for layer in range(n_layers - 1):
            z = a @ self.weights[layer]
            z += self.biases[layer]
            a = self.activations[layer].forward(z)
            zs.append(z)
            p = self.dropout[layer]
            if training and p > 0.0:
                mask = (self._rng.random(a.shape) >= p) * (1.0 / (1.0 - p))
                mask = mask.astype(self.dtype, copy=False)
                masks.append((a, mask))
                a = a * mask
            else:
                masks.append(None)
            inputs.append(a)
        z = a @ self.weights[-1]
        z += self.biases[-1]
        loss, output, delta = self.loss_spec.function(z, y, w)
        deltas = [None] * n_layers if keep_deltas else None

        for layer in range(n_layers - 1, -1, -1):
            if keep_deltas:
                deltas[layer] = delta.copy()
            np.matmul(inputs[layer].T, delta, out=self._grad_weights[layer])
            np.add.reduce(delta, axis=0, out=self._grad_biases[layer])
            if layer > 0:
                delta = delta @ self.weights[layer].T
                dropped = masks[layer - 1]
                if dropped is None:
                    self.activations[layer - 1].backprop(delta, zs[layer - 1], inputs[layer])
                else:
                    pre_dropout, mask = dropped
                    delta *= mask
                    self.activations[layer - 1].backprop(delta, zs[layer - 1], pre_dropout)

        if self.l2 > 0.0:
            for W, gW in zip(self.weights, self._grad_weights):
                loss += 0.5 * self.l2 * float(np.vdot(W, W))
                gW += self.l2 * W
        if self.l1 > 0.0:
            for W, gW in zip(self.weights, self._grad_weights):
                loss += self.l1 * float(np.abs(W).sum())
                gW += self.l1 * np.sign(W)
        return loss, output, deltas

    def backward_trace(self, X, y, sample_weight=None) -> dict:
        """One full forward and backward pass with every intermediate kept (no dropout).

        Returns a dict with ``loss``, per-layer lists ``z``, ``a`` (the layer outputs),
        ``delta`` (dL/dz), ``grad_W`` and ``grad_b`` (copies), and ``output``.
        """
        X = self.check_X(X)
        y_checked = self.check_targets(y, X.shape[0])
        w = self.check_weights(sample_weight, X.shape[0])
        trace = self.forward_trace(X)
        loss, output, deltas = self._loss_and_grads(X, y_checked, w, False, keep_deltas=True)
        return {
            "loss": loss,
            "output": output,
            "z": [t["z"] for t in trace],
            "a": [t["a"] for t in trace],
            "delta": deltas,
            "grad_W": [g.copy() for g in self._grad_weights],
            "grad_b": [g.copy() for g in self._grad_biases],
        }

    def loss(self, X, y, sample_weight=None) -> float:
        """Loss with penalties on (X, y), no dropout, without touching the gradients."""
        X = self.check_X(X)
        y = self.check_targets(y, X.shape[0])
        w = self.check_weights(sample_weight, X.shape[0])
        return self._loss(X, y, w)

    def _loss(self, X, y, w) -> float:
        value = self.loss_spec.function(self._logits(X), y, w)[0]
        if self.l2 > 0.0:
            value += 0.5 * self.l2 * sum(float(np.vdot(W, W)) for W in self.weights)
        if self.l1 > 0.0:
            value += self.l1 * sum(float(np.abs(W).sum()) for W in self.weights)
        return value

    def __repr__(self):
        arrows = "→".join(map(str, self.sizes))
        return f"MLP({arrows}, hidden={self.hidden}, output={self.output!r})"
