"""The backprop trainer's model, data and training loop, kept per browser session.

A :class:`LiveTrainer` holds everything one student's live run needs: the sampled data
and its train/test split, the network, the optimizer and the
:class:`core.training.Trainer`, plus the grid of the input plane that the pictures are
drawn on. The page describes what it wants with four small frozen specs
(:mod:`lessons.live.specs` and :class:`core.optimizers.OptimizerSpec`); calling
:meth:`LiveTrainer.configure` with new specs rebuilds only what changed, as in the
TensorFlow Playground:

* new data (dataset, noise, split, seed, own points) or a new network shape → fresh
  weights, epoch 0;
* a new optimizer or new optimizer settings → fresh optimizer state, the weights keep
  training;
* learning rate, batch size, regularisation, dropout, clipping, schedule → applied on the
  next step without losing anything.

``ui.live_session`` keeps one :class:`LiveTrainer` per browser session, so two tabs never
share a model. Nothing here imports Streamlit; the numbers come from ``core``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from core import metrics, schedules
from core.mlp import MLP
from core.optimizers import OptimizerSpec
from core.training import Trainer
from lessons import datasets
from lessons.live import plane
from lessons.live.inspection import StepInspection, inspect_step
from lessons.live.layout import NetworkLayout
from lessons.live.specs import OUTPUT_FOR_KIND, Data, DataSpec, Knobs, NetSpec, shared_data
from lessons.live.stop import StopRule

DIVERGENCE_FACTOR = 5.0
"""A batch loss above this multiple of the first batch's loss (floored at 1) stops training.

With tanh or sigmoid hidden units and a cross-entropy computed from logits the loss can
never become NaN or infinite, so a run at learning rate 10 would otherwise keep going
while being confidently wrong; a mean batch cross-entropy of 5 means the true class gets
e^-5 < 1 % probability on average, which no sensible learning rate produces.
"""

SMALL_NETWORK_WIDTH = 8
"""Networks up to this many nodes per layer get full-size thumbnails; wider ones smaller."""


@dataclass
class Frame:
    """Everything one live frame draws.

    Attributes
    ----------
    decision : ndarray of shape (resolution, resolution)
        ``lessons.live.plane.decision_values`` of the output map.
    packed : ndarray
        All node thumbnails in one array (``layout.pack``).
    layout : lessons.live.layout.NetworkLayout
    weights : list of ndarray
        Copies of the weight matrices.
    biases : list of ndarray
    """

    decision: np.ndarray
    packed: np.ndarray
    layout: NetworkLayout
    weights: list[np.ndarray]
    biases: list[np.ndarray]


@functools.cache
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


@functools.cache
def _blas_already_single() -> bool:
    """Whether BLAS ran on one thread when first asked (the app limits it at start-up)."""
    libraries = _blas_controller().select(user_api="blas").lib_controllers
    return all(library.num_threads == 1 for library in libraries)


def one_blas_thread():
    """Context in which NumPy's BLAS uses a single thread.

    The live trainer multiplies small matrices (a batch of 10 by 8 neurons, 10,000 grid
    points by 8): splitting such products over threads costs more than it saves, and on a
    busy 2-core server a two-thread OpenBLAS product of a (10000, 8) by (8, 8) matrix was
    measured 20-70 times slower than the single-thread one. When the process already
    runs BLAS on one thread (``ui.frame`` sets that up), this costs nothing.
    """
    if _blas_already_single():
        return contextlib.nullcontext()
    return _blas_controller().limit(limits=1, user_api="blas")


def _without_lr(spec: OptimizerSpec) -> OptimizerSpec:
    """``spec`` with its learning rate blanked: what needs a fresh optimizer to change."""
    return dataclasses.replace(spec, lr=0.0)


class LiveTrainer:
    """Data, network, optimizer and trainer of one live session.

    Parameters
    ----------
    data, net : DataSpec, NetSpec
    optimizer : core.optimizers.OptimizerSpec
        Its ``lr`` is applied on the fly; any other change builds a fresh optimizer.
    knobs : Knobs
    resolution : int
        Side of the output grid (>= 100 for the page).
    """

    def __init__(
        self,
        data: DataSpec,
        net: NetSpec,
        optimizer: OptimizerSpec,
        knobs: Knobs,
        resolution: int = plane.OUTPUT_RESOLUTION,
    ):
        self.resolution = resolution
        self.data_spec = self.net_spec = self.optimizer_spec = self.knobs = None
        self._weights_revision = 0  # bumped whenever the weights change other than by training
        self._last_frame: tuple | None = None
        self.configure(data, net, optimizer, knobs)

    # ------------------------------------------------------------------ building
    def configure(self, data: DataSpec, net: NetSpec, optimizer: OptimizerSpec, knobs: Knobs):
        """Adopt new settings, rebuilding only what they change.

        Returns
        -------
        str or None
            ``"data"``, ``"network"`` or ``"optimizer"`` for the deepest rebuild, None when
            only live knobs (learning rate included) changed. Raises ValueError for bad
            settings, leaving the current run as it was.
        """
        if not (math.isfinite(optimizer.lr) and optimizer.lr > 0):
            raise ValueError(f"the learning rate must be a positive number, got {optimizer.lr}")
        rebuilt = None
        new_data = self.data if data == self.data_spec else None
        if new_data is None:
            new_data, rebuilt = shared_data(data), "data"
        if rebuilt or net != self.net_spec:
            model, inputs, grid = self._build_model(new_data, net, data.seed)
            rebuilt = rebuilt or "network"
        if rebuilt or _without_lr(optimizer) != _without_lr(self.optimizer_spec):
            new_optimizer = optimizer.build()
            rebuilt = rebuilt or "optimizer"
        schedule = self._schedule(knobs, optimizer.lr)
        # Everything above may raise; only now is the running state replaced.
        if rebuilt in ("data", "network"):
            self._weights_revision += 1
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
        names = list(net.features)
        inputs = {
            "train": datasets.features(data.X_train, names),
            "test": datasets.features(data.X_test, names),
        }
        farthest = max(float(np.abs(data.X_train).max()), float(np.abs(data.X_test).max()))
        extent = max(plane.PLANE_EXTENT, 1.05 * farthest)
        grid, inputs["grid"] = plane.shared_grid_inputs(self.resolution, extent, tuple(names))
        model = MLP(
            [len(names), *net.hidden, data.n_outputs],
            hidden=list(net.activations),
            output=OUTPUT_FOR_KIND[data.kind],
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
    def _schedule(knobs: Knobs, lr: float):
        if knobs.schedule is None:
            return None
        name, kwargs = knobs.schedule
        return schedules.make(name, lr, **dict(kwargs))

    def _apply(self, knobs: Knobs, schedule):
        model, trainer = self.model, self.trainer
        if knobs.batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {knobs.batch_size}")
        model.l1, model.l2 = float(knobs.l1), float(knobs.l2)
        model.dropout = [float(knobs.dropout)] * (model.n_layers - 1)
        trainer.batch_size = min(int(knobs.batch_size), trainer.X.shape[0])
        trainer.clip_norm = knobs.clip_norm
        trainer.schedule = schedule
        lr = self.optimizer_spec.lr
        self.optimizer.lr = schedule(trainer.epoch) if schedule else lr
        self.knobs = knobs

    def reset(self) -> None:
        """Fresh weights (same seed), fresh optimizer, epoch 0; data and settings stay."""
        specs = (self.data_spec, self.net_spec, self.optimizer_spec, self.knobs)
        self.data_spec = None
        self.configure(*specs)

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
        self._weights_revision += 1
        self.optimizer.reset()
        self._new_trainer(self.knobs)
        self._apply(self.knobs, self._schedule(self.knobs, self.optimizer_spec.lr))

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

    def train(
        self, epochs: int, stop_rule: StopRule | None = None, cpu_seconds: float | None = None
    ) -> str | None:
        """Train up to ``epochs`` epochs; return why it stopped early (rule met) or None.

        ``cpu_seconds`` ends training after the first epoch that takes this thread's CPU
        time past the limit (a frame's fair share of a busy server, ``lessons.live.pace``).
        """
        if self.trainer.diverged or epochs < 1:
            return None
        reason = [None]
        deadline = None if cpu_seconds is None else time.thread_time() + cpu_seconds

        def check(trainer):
            if stop_rule is not None:
                reason[0] = stop_rule.reason(trainer.history)
            if reason[0] is not None:
                return True
            return deadline is not None and time.thread_time() >= deadline

        with one_blas_thread():
            self.trainer.run_epochs(int(epochs), callback=check)
        return reason[0]

    def stop_reason(self, stop_rule: StopRule | None) -> str | None:
        """Whether ``stop_rule`` already holds for the current history."""
        return None if stop_rule is None else stop_rule.reason(self.history)

    # ------------------------------------------------------------------ what is shown
    @property
    def layout(self) -> NetworkLayout:
        small = max(self.model.sizes) <= SMALL_NETWORK_WIDTH
        return NetworkLayout.for_model(self.model, thumb=plane.THUMBNAIL_SIZE if small else 12)

    def frame(self, discretize: bool = False) -> Frame:
        """The arrays of one live frame: output map and packed thumbnails.

        A frame whose network has not changed since the last one (nothing trained, e.g.
        while this player waits for its share of a busy server) is the same object again.
        """
        key = (self._weights_revision, self.trainer.steps, bool(discretize))
        if self._last_frame is not None and self._last_frame[0] == key:
            return self._last_frame[1]
        frame = self._draw(discretize)
        self._last_frame = (key, frame)
        return frame

    def _draw(self, discretize: bool) -> Frame:
        layout = self.layout
        with one_blas_thread():
            maps = plane.network_maps(
                self.model, self.inputs["grid"], self.resolution, layout.thumb
            )
        decision = plane.decision_values(maps.output, self.data.kind, discretize)
        packed = layout.pack(plane.display_thumbnails(maps, self.model.output))
        return Frame(
            decision=decision.astype(np.float32),
            packed=packed,
            layout=layout,
            weights=[W.copy() for W in self.model.weights],
            biases=[b.copy() for b in self.model.biases],
        )

    def evaluation(self) -> dict:
        """Test-set accuracy and confusion matrix, or ``core.metrics``' regression report.

        The page redraws the confusion matrix every few seconds while playing, so it is
        counted here directly (the same numbers as ``core.metrics.binary_report`` and
        ``multiclass_report``, which compute much more through scikit-learn).
        """
        data, X_test = self.data, self.inputs["test"]
        if data.kind == "regression":
            return metrics.regression_report(data.y_test, self.model.predict(X_test))
        k = max(data.n_outputs, 2)
        truth = np.asarray(data.y_test, dtype=np.int64)
        predicted = np.asarray(self.model.predict(X_test), dtype=np.int64)
        confusion = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k)
        accuracy = float(np.trace(confusion)) / truth.shape[0]
        return {"accuracy": accuracy, "confusion": confusion.tolist()}

    def inspect(self, row: int) -> StepInspection:
        """Forward and backward pass of training sample ``row``."""
        if not 0 <= row < self.data.y_train.shape[0]:
            raise ValueError(f"sample must lie in 0..{self.data.y_train.shape[0] - 1}, got {row}")
        return inspect_step(self.model, self.inputs["train"][row], self.data.y_train[row])
