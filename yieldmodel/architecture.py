"""The network and how it is trained: one hashable description, shared by page and CLI.

:class:`Architecture` holds the hidden layer widths, activation, initialiser, optimizer
(a :class:`core.optimizers.OptimizerSpec`), batch size, epochs and regularisation. Its
defaults are the seed notebook's network (20 -> 64 -> 32 -> 1, ReLU, He, Adam 1e-3) and
the one statement of the defaults, with the validation share and the recall target:
the command line reads its own from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.activations import ACTIVATIONS
from core.initializers import INIT_LABELS, INITIALIZERS
from core.mlp import MLP
from core.optimizers import OptimizerSpec

#: Share of rows held out for validation.
VALIDATION_FRACTION = 0.2
#: Recall on FAIL that the suggested threshold aims for (the seed asks for > 85 %).
DEFAULT_TARGET_RECALL = 0.85


#: Display names of the initialisers the page and the seed's experiment name.
def init_label(name: str) -> str:
    """Display name of initialiser ``name`` (``core.initializers.INIT_LABELS``)."""
    return INIT_LABELS.get(name, name)


def activation_label(name: str) -> str:
    """Display name of activation ``name``: its class's ``label`` ('relu' -> 'ReLU')."""
    return ACTIVATIONS[name].label


def parse_hidden(text: str, max_layers: int | None = None, max_width: int | None = None):
    """Hidden layer widths from text: '64, 32' -> (64, 32); '' -> () (no hidden layer).

    Raises
    ------
    ValueError
        When a part is not a positive whole number, or there are more than ``max_layers``
        widths or one above ``max_width``.
    """
    parts = [part.strip() for part in str(text).split(",") if part.strip()]
    try:
        widths = tuple(int(part) for part in parts)
    except ValueError:
        widths = (0,)
    if any(width < 1 for width in widths):
        raise ValueError(
            f"expected comma-separated positive layer widths such as 64,32, got {text!r}"
        )
    if max_layers is not None and len(widths) > max_layers:
        raise ValueError(f"at most {max_layers} hidden layers, got {len(widths)}")
    if max_width is not None and max(widths, default=0) > max_width:
        raise ValueError(f"at most {max_width} units per layer, got {max(widths)}")
    return widths


def format_hidden(widths) -> str:
    """The text :func:`parse_hidden` reads back: (64, 32) -> '64,32'."""
    return ",".join(str(int(width)) for width in widths)


def _positive_integer(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and value >= 1


@dataclass(frozen=True)
class Architecture:
    """Network shape and training settings; hashable, so it can key a cache.

    Parameters
    ----------
    hidden : tuple of int
        Hidden layer widths; the input width comes from the data, the output is 1 sigmoid.
    activation : str
        Hidden activation name from ``core.activations.ACTIVATIONS``.
    init : str
        Weight initialiser from ``core.initializers.INITIALIZERS``.
    init_scale : float
        Standard deviation for ``init="random"``.
    optimizer : core.optimizers.OptimizerSpec
        Optimizer name, learning rate and further hyper-parameters in PyTorch's names.
    batch_size, epochs : int
    l2 : float
        Penalty :math:`\\tfrac{\\lambda}{2}\\sum W^2` on the weights.
    dropout : float
        Inverted-dropout probability in every hidden layer, in [0, 1).
    class_weights : bool
        Weight each row by :math:`n / (2 n_c)` of its class, so both classes weigh the same.
    """

    hidden: tuple[int, ...] = (64, 32)
    activation: str = "relu"
    init: str = "he"
    init_scale: float = 0.01
    optimizer: OptimizerSpec = OptimizerSpec("adam", 1e-3)
    batch_size: int = 32
    epochs: int = 50
    l2: float = 0.0
    dropout: float = 0.0
    class_weights: bool = False

    def __post_init__(self):
        hidden = tuple(self.hidden)
        if not all(_positive_integer(width) for width in hidden):
            raise ValueError(f"hidden layer widths must be positive integers, got {hidden}")
        object.__setattr__(self, "hidden", tuple(int(w) for w in hidden))
        for kind, name, registry in (
            ("activation", self.activation, ACTIVATIONS),
            ("initializer", self.init, INITIALIZERS),
        ):
            if name not in registry:
                raise ValueError(f"unknown {kind} {name!r}; choose one of: {', '.join(registry)}")
        if not isinstance(self.optimizer, OptimizerSpec):
            raise TypeError(f"optimizer must be an OptimizerSpec, got {self.optimizer!r}")
        scale = self.init_scale
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise ValueError(f"init_scale must be a positive finite number, got {scale!r}")
        for name in ("batch_size", "epochs"):
            if not _positive_integer(getattr(self, name)):
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)!r}")
        if not (math.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"l2 must be a finite number >= 0, got {self.l2!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout!r}")
        self.optimizer.build()  # unknown or invalid optimizer settings fail here, by name

    def sizes(self, n_features: int) -> list[int]:
        """Layer widths from ``n_features`` inputs to the single output."""
        return [int(n_features), *self.hidden, 1]

    def build(self, n_features: int, rng=0) -> MLP:
        """A fresh network for ``n_features`` inputs."""
        return MLP(
            self.sizes(n_features),
            hidden=self.activation,
            output="sigmoid",
            init=self.init,
            init_scale=self.init_scale,
            rng=rng,
            l2=self.l2,
            dropout=self.dropout,
        )

    def make_optimizer(self):
        """A fresh optimizer for one training run."""
        return self.optimizer.build()

    def describe(self, n_features: int) -> str:
        """E.g. '20→64→32→1, ReLU, He (Kaiming) normal init, Adam lr 0.001, batch 32, 50 epochs'.

        Activation, initialiser and optimizer appear by their display names.
        """
        extras = [f"L2 {self.l2:g}"] if self.l2 else []
        extras += [f"dropout {self.dropout:g}"] if self.dropout else []
        extras += ["class weights"] if self.class_weights else []
        return ", ".join(
            [
                "→".join(map(str, self.sizes(n_features))),
                activation_label(self.activation),
                f"{init_label(self.init)} init",
                f"{self.optimizer.label} lr {self.optimizer.lr:g}",
                f"batch {self.batch_size}",
                f"{self.epochs} epochs",
                *extras,
            ]
        )

    def to_dict(self) -> dict:
        """JSON-able settings (saved in the model's metrics)."""
        return {
            "hidden": list(self.hidden),
            "activation": self.activation,
            "init": self.init,
            "init_scale": self.init_scale,
            "optimizer": self.optimizer.name,
            "lr": self.optimizer.lr,
            "optimizer_options": dict(self.optimizer.hyper),
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "l2": self.l2,
            "dropout": self.dropout,
            "class_weights": self.class_weights,
        }
