"""The backprop trainer's model, data and training loop, kept per browser session.

A :class:`LiveTrainer` holds everything one student's live run needs: the sampled data
and its train/test split, the network, the optimizer and the
:class:`core.training.Trainer`, plus the grid of the input plane that the pictures are
drawn on. The page describes what it wants with four small frozen specs; calling
:meth:`LiveTrainer.configure` with new specs rebuilds only what changed, as in the
TensorFlow Playground:

* new data (dataset, noise, split, seed, own points) or a new network shape → fresh
  weights, epoch 0;
* a new optimizer → fresh optimizer state, the weights keep training;
* learning rate, batch size, regularisation, dropout, clipping, schedule → applied on the
  next step without losing anything.

``ui.live_session`` keeps one :class:`LiveTrainer` per browser session, so two tabs never
share a model. Nothing here imports Streamlit; the numbers come from ``core``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import ThreadpoolController

from core import data, metrics, optimizers, schedules
from core.mlp import MLP
from core.training import Trainer
from lessons import datasets
from lessons.live import grids

CUSTOM = "custom"
"""Dataset name for the user's own points."""

PROBLEM_DATASETS = {
    "classification": ("circle", "xor", "gauss", "spiral", "blobs3", CUSTOM),
    "regression": ("plane", "multi_gauss", CUSTOM),
}
"""Datasets offered for each problem type, in menu order."""

N_POINTS = 500
"""Points per generated dataset, as in the Playground."""

DIVERGENCE_FACTOR = 5.0
"""A batch loss above this multiple of the first batch's loss (floored at 1) stops training.

With tanh or sigmoid hidden units and a cross-entropy computed from logits the loss can
never become NaN or infinite, so a run at learning rate 10 would otherwise keep going
while being confidently wrong; a mean batch cross-entropy of 5 means the true class gets
e^-5 < 1 % probability on average, which no sensible learning rate produces.
"""


@dataclass(frozen=True)
class DataSpec:
    """Which points to learn from.

    Attributes
    ----------
    problem : {"classification", "regression"}
    dataset : str
        A name from ``PROBLEM_DATASETS[problem]``.
    noise : float
        Fraction in [0, 0.5].
    train_ratio : float
        Fraction of points used for training, in [0.1, 0.9].
    seed : int
        Drives sampling and the split; the page's "regenerate" increments it.
    n_classes : int or None
        Number of blobs for ``blobs3``.
    custom : tuple of (x1, x2, label) rows, or None
        The user's own points when ``dataset == "custom"``.
    """

    problem: str = "classification"
    dataset: str = "circle"
    noise: float = 0.0
    train_ratio: float = 0.5
    seed: int = 0
    n_classes: int | None = None
    custom: tuple | None = None

    def __post_init__(self):
        if self.problem not in PROBLEM_DATASETS:
            raise ValueError(f"problem must be classification or regression, got {self.problem!r}")
        if self.dataset not in PROBLEM_DATASETS[self.problem]:
            raise ValueError(f"dataset {self.dataset!r} is not a {self.problem} dataset")
        if self.dataset == CUSTOM and not self.custom:
            raise ValueError("add some points of your own first")


@dataclass(frozen=True)
class NetSpec:
    """The network's shape.

    Attributes
    ----------
    features : tuple of str
        Input transforms from ``lessons.datasets.FEATURES``.
    hidden : tuple of int
        Neurons per hidden layer (may be empty: logistic/linear regression).
    activations : tuple of str
        One activation name per hidden layer.
    init : str
        A ``core.initializers`` name.
    """

    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    init: str = "xavier"

    def __post_init__(self):
        if not self.features:
            raise ValueError("choose at least one input feature")
        if len(self.activations) != len(self.hidden):
            raise ValueError(
                f"{len(self.activations)} activations for {len(self.hidden)} hidden layers"
            )


@dataclass(frozen=True)
class OptimizerSpec:
    """Optimizer name and its hyper-parameters other than ``lr`` (sorted items)."""

    name: str = "sgd"
    hyper: tuple = ()

    @classmethod
    def of(cls, name: str, hyper: dict) -> OptimizerSpec:
        return cls(name, tuple(sorted(hyper.items())))


@dataclass(frozen=True)
class Knobs:
    """Settings applied on the fly, without resetting anything.

    Attributes
    ----------
    lr : float
        Learning rate (the schedule's starting rate when there is one).
    batch_size : int
    l1, l2 : float
        Penalty rates.
    dropout : float
        Drop probability of every hidden layer.
    clip_norm : float or None
        Largest global gradient norm.
    schedule : tuple or None
        ``(name, sorted kwargs items)`` for ``core.schedules.make``; None keeps ``lr``.
    """

    lr: float = 0.03
    batch_size: int = 10
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    clip_norm: float | None = None
    schedule: tuple | None = None


@dataclass
class Frame:
    """Everything one live frame draws.

    Attributes
    ----------
    decision : ndarray of shape (resolution, resolution)
        ``lessons.live.grids.decision_values`` of the output map.
    packed : ndarray
        All node thumbnails in one array (``layout.pack``).
    layout : lessons.live.grids.NetworkLayout
    weights : list of ndarray
        Copies of the weight matrices.
    biases : list of ndarray
    """

    decision: np.ndarray
    packed: np.ndarray
    layout: grids.NetworkLayout
    weights: list[np.ndarray]
    biases: list[np.ndarray]


@dataclass
class Data:
    """Sampled points and the network inputs built from them."""

    kind: str
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    classes: list = field(default_factory=list)

    @property
    def n_outputs(self) -> int:
        return len(self.classes) if self.kind == "multiclass" else 1


OUTPUT_FOR_KIND = {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread():
    """Context in which NumPy's BLAS uses a single thread.

    The live trainer multiplies small matrices (a batch of 10 by 8 neurons, 10,000 grid
    points by 8): splitting such products over threads costs more than it saves, and on a
    busy 2-core server a two-thread OpenBLAS product of a (10000, 8) by (8, 8) matrix was
    measured 20-70 times slower than the single-thread one.
    """
    return _blas_controller().limit(limits=1, user_api="blas")


def load_data(spec: DataSpec) -> Data:
    """Sample (or read) the points of ``spec`` and split them into train and test."""
    if spec.dataset == CUSTOM:
        rows = np.asarray(spec.custom, dtype=object).reshape(-1, 3)
        X, y, classes = grids.custom_points(rows[:, 0], rows[:, 1], rows[:, 2], spec.problem)
        if spec.problem == "regression":
            kind = "regression"
        else:
            kind = "binary" if len(classes) == 2 else "multiclass"
    else:
        kind = datasets.dataset_kind(spec.dataset)
        n_classes = spec.n_classes if kind == "multiclass" else None
        X, y = datasets.playground(spec.dataset, N_POINTS, spec.noise, spec.seed, n_classes)
        if kind == "multiclass":
            classes = list(range(int(y.max()) + 1))
        elif kind == "binary":
            classes = [0, 1]
        else:
            classes = []
    X_train, X_test, y_train, y_test = data.train_test_split(
        X, y, spec.train_ratio, rng=spec.seed, stratify=kind != "regression"
    )
    return Data(kind, X_train, X_test, y_train, y_test, classes)


class LiveTrainer:
    """Data, network, optimizer and trainer of one live session.

    Parameters
    ----------
    data, net, optimizer, knobs : DataSpec, NetSpec, OptimizerSpec, Knobs
    resolution : int
        Side of the output grid (>= 100 for the page).
    """

    def __init__(
        self,
        data: DataSpec,
        net: NetSpec,
        optimizer: OptimizerSpec,
        knobs: Knobs,
        resolution: int = grids.OUTPUT_RESOLUTION,
    ):
        self.resolution = resolution
        self.data_spec = self.net_spec = self.optimizer_spec = self.knobs = None
        self.configure(data, net, optimizer, knobs)

    # ------------------------------------------------------------------ building
    def configure(self, data: DataSpec, net: NetSpec, optimizer: OptimizerSpec, knobs: Knobs):
        """Adopt new settings, rebuilding only what they change.

        Returns
        -------
        str or None
            ``"data"``, ``"network"`` or ``"optimizer"`` for the deepest rebuild, None when
            only live knobs changed. Raises ValueError for bad settings, leaving the
            current run as it was.
        """
        rebuilt = None
        if data != self.data_spec:
            new_data = load_data(data)
            rebuilt = "data"
        else:
            new_data = self.data
        if rebuilt or net != self.net_spec:
            model, inputs, grid = self._build_model(new_data, net, data.seed)
            rebuilt = rebuilt or "network"
        if rebuilt or optimizer != self.optimizer_spec:
            new_optimizer = optimizers.make(optimizer.name, lr=knobs.lr, **dict(optimizer.hyper))
            rebuilt = rebuilt or "optimizer"
        schedule = self._schedule(knobs)
        # Everything above may raise; only now is the running state replaced.
        if rebuilt in ("data", "network"):
            self.data, self.model, self.inputs, self.grid = new_data, model, inputs, grid
            self.data_spec, self.net_spec = data, net
            self.optimizer = new_optimizer
            self._new_trainer(knobs)
        elif rebuilt == "optimizer":
            self.optimizer = self.trainer.optimizer = new_optimizer
        self.optimizer_spec = optimizer
        self._apply(knobs, schedule)
        return rebuilt

    def _build_model(self, data: Data, net: NetSpec, seed: int):
        output = OUTPUT_FOR_KIND[data.kind]
        names = list(net.features)
        inputs = {
            "train": datasets.features(data.X_train, names),
            "test": datasets.features(data.X_test, names),
        }
        farthest = max(float(np.abs(data.X_train).max()), float(np.abs(data.X_test).max()))
        extent = max(grids.PLANE_EXTENT, 1.05 * farthest)
        grid = grids.plane_grid(self.resolution, extent)
        inputs["grid"] = grids.grid_inputs(grid, names)
        model = MLP(
            [len(names), *net.hidden, data.n_outputs],
            hidden=list(net.activations),
            output=output,
            init=net.init,
            rng=seed,
        )
        return model, inputs, grid

    def _new_trainer(self, knobs: Knobs):
        self.trainer = Trainer(
            self.model,
            self.optimizer,
            self.inputs["train"],
            self.data.y_train,
            self.inputs["test"],
            self.data.y_test,
            batch_size=knobs.batch_size,
            rng=self.data_spec.seed,
            divergence_factor=DIVERGENCE_FACTOR,
        )

    @staticmethod
    def _schedule(knobs: Knobs):
        if knobs.schedule is None:
            return None
        name, kwargs = knobs.schedule
        return schedules.make(name, knobs.lr, **dict(kwargs))

    def _apply(self, knobs: Knobs, schedule):
        model, trainer = self.model, self.trainer
        if knobs.batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {knobs.batch_size}")
        model.l1, model.l2 = float(knobs.l1), float(knobs.l2)
        model.dropout = [float(knobs.dropout)] * (model.n_layers - 1)
        trainer.batch_size = min(int(knobs.batch_size), trainer.X.shape[0])
        trainer.clip_norm = knobs.clip_norm
        trainer.schedule = schedule
        self.optimizer.lr = schedule(trainer.epoch) if schedule else knobs.lr
        self.knobs = knobs

    def reset(self) -> None:
        """Fresh weights (same seed), fresh optimizer, epoch 0; data and settings stay."""
        data_spec, net_spec, optimizer_spec, knobs = (
            self.data_spec,
            self.net_spec,
            self.optimizer_spec,
            self.knobs,
        )
        self.data_spec = None
        self.configure(data_spec, net_spec, optimizer_spec, knobs)

    def load_weights(self, model: MLP) -> None:
        """Continue from the weights of ``model`` (e.g. read back from a JSON export).

        The network shape must match the current settings; training restarts at epoch 0
        with a fresh optimizer state.
        """
        mine = self.model
        if model.sizes != mine.sizes:
            raise ValueError(
                f"the file holds a {' → '.join(map(str, model.sizes))} network but the page is "
                f"set to {' → '.join(map(str, mine.sizes))}: choose the same features, hidden "
                "layers and dataset first"
            )
        if model.hidden != mine.hidden or model.output != mine.output:
            raise ValueError(
                f"the file's activations are {model.hidden} with a {model.output} output; the "
                f"page uses {mine.hidden} with a {mine.output} output"
            )
        mine.set_params(model.params)
        self.optimizer.reset()
        self._new_trainer(self.knobs)
        self._apply(self.knobs, self._schedule(self.knobs))

    # ------------------------------------------------------------------ training
    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    @property
    def history(self) -> dict:
        return self.trainer.history

    @property
    def diverged(self) -> bool:
        return self.trainer.diverged

    def train(self, epochs: int, stop_rule: grids.StopRule | None = None) -> str | None:
        """Train up to ``epochs`` epochs; return why it stopped early (rule met) or None."""
        if self.trainer.diverged:
            return None
        reason = [None]

        def check(trainer):
            if stop_rule is not None:
                reason[0] = stop_rule.reason(trainer.history)
            return reason[0] is not None

        with one_blas_thread():
            self.trainer.run_epochs(int(epochs), callback=check)
        return reason[0]

    def stop_reason(self, stop_rule: grids.StopRule | None) -> str | None:
        """Whether ``stop_rule`` already holds for the current history."""
        return None if stop_rule is None else stop_rule.reason(self.history)

    # ------------------------------------------------------------------ what is shown
    @property
    def layout(self) -> grids.NetworkLayout:
        thumb = grids.THUMBNAIL_SIZE if max(self.model.sizes) <= 8 else 12
        return grids.NetworkLayout.for_model(self.model, thumb=thumb)

    def frame(self, discretize: bool = False) -> Frame:
        """The arrays of one live frame: output map and packed thumbnails."""
        layout = self.layout
        with one_blas_thread():
            maps = grids.network_maps(
                self.model, self.inputs["grid"], self.resolution, layout.thumb
            )
        decision = grids.decision_values(maps.output, self.data.kind, discretize)
        packed = layout.pack(grids.display_thumbnails(maps, self.model.output))
        return Frame(
            decision=decision.astype(np.float32),
            packed=packed,
            layout=layout,
            weights=[W.copy() for W in self.model.weights],
            biases=[b.copy() for b in self.model.biases],
        )

    def evaluation(self) -> dict:
        """Test-set report from ``core.metrics`` (binary, multi-class or regression)."""
        data, X_test = self.data, self.inputs["test"]
        if data.kind == "binary":
            return metrics.binary_report(data.y_test, self.model.predict_proba(X_test))
        if data.kind == "multiclass":
            return metrics.multiclass_report(
                data.y_test, self.model.predict_proba(X_test), labels=list(range(data.n_outputs))
            )
        return metrics.regression_report(data.y_test, self.model.predict(X_test))

    def inspect(self, row: int) -> grids.StepInspection:
        """Forward and backward pass of training sample ``row``."""
        if not 0 <= row < self.data.y_train.shape[0]:
            raise ValueError(f"sample must lie in 0..{self.data.y_train.shape[0] - 1}, got {row}")
        return grids.inspect_step(self.model, self.inputs["train"][row], self.data.y_train[row])
