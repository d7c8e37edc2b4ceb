"""lessons.live.session: one student's live run, rebuilt only as far as new settings require."""

from __future__ import annotations

import time

import numpy as np
import pytest

from core import metrics, serialization
from core.mlp import MLP
from core.optimizers import OptimizerSpec
from lessons.live import specs
from lessons.live.session import LiveTrainer
from lessons.live.stop import StopRule

SGD = OptimizerSpec("sgd", 0.03)


def default_trainer(lr: float = 0.03, **knobs) -> LiveTrainer:
    return LiveTrainer(
        specs.DataSpec(), specs.NetSpec(), OptimizerSpec("sgd", lr), specs.Knobs(**knobs)
    )


def test_live_knobs_apply_without_losing_progress():
    live = default_trainer()
    live.train(2)
    weights = live.model.flat.copy()
    rebuilt = live.configure(
        live.data_spec,
        live.net_spec,
        OptimizerSpec("sgd", 0.3),
        specs.Knobs(batch_size=25, l2=0.01),
    )
    assert rebuilt is None and live.epoch == 2
    np.testing.assert_array_equal(live.model.flat, weights)
    assert live.optimizer.lr == 0.3 and live.trainer.batch_size == 25 and live.model.l2 == 0.01


def test_a_new_learning_rate_keeps_the_optimizer_state():
    momentum = OptimizerSpec.of("sgd", 0.03, momentum=0.9)
    live = LiveTrainer(specs.DataSpec(), specs.NetSpec(), momentum, specs.Knobs())
    live.train(2)
    optimizer = live.optimizer
    buffers = [state["momentum_buffer"].copy() for state in optimizer.state]
    assert (
        live.configure(
            live.data_spec, live.net_spec, OptimizerSpec.of("sgd", 0.1, momentum=0.9), live.knobs
        )
        is None
    )
    assert live.optimizer is optimizer and optimizer.lr == 0.1
    np.testing.assert_array_equal(optimizer.state[0]["momentum_buffer"], buffers[0])
    # any other optimizer setting starts the optimizer afresh
    slower = OptimizerSpec.of("sgd", 0.1, momentum=0.5)
    assert live.configure(live.data_spec, live.net_spec, slower, live.knobs) == "optimizer"
    assert live.optimizer is not optimizer and live.optimizer.hyper["momentum"] == 0.5


def test_a_schedule_starts_from_the_optimizer_learning_rate():
    live = default_trainer(lr=0.1, schedule=("step", (("gamma", 0.5), ("step_size", 1))))
    assert live.optimizer.lr == pytest.approx(0.1)
    live.train(2)
    assert live.history["lr"] == pytest.approx([0.1, 0.05])


def test_new_optimizer_keeps_the_weights_new_network_starts_over():
    live = default_trainer()
    live.train(2)
    weights = live.model.flat.copy()
    adam = OptimizerSpec("adam", 0.03)
    assert live.configure(live.data_spec, live.net_spec, adam, live.knobs) == "optimizer"
    assert live.epoch == 2 and type(live.trainer.optimizer).__name__ == "Adam"
    np.testing.assert_array_equal(live.model.flat, weights)
    bigger = specs.NetSpec(hidden=(4, 4), activations=("tanh", "tanh"))
    assert live.configure(live.data_spec, bigger, adam, live.knobs) == "network"
    assert live.epoch == 0 and live.model.sizes == [2, 4, 4, 1]
    noisy = specs.DataSpec(noise=0.2)
    assert live.configure(noisy, bigger, adam, live.knobs) == "data"


def test_bad_settings_leave_the_running_model_alone():
    live = default_trainer()
    live.train(1)
    with pytest.raises(ValueError):
        live.configure(live.data_spec, specs.NetSpec(init="nonsense"), SGD, live.knobs)
    with pytest.raises(ValueError):
        live.configure(live.data_spec, live.net_spec, OptimizerSpec("sgd", -1.0), live.knobs)
    assert live.epoch == 1 and live.net_spec == specs.NetSpec()


def test_learning_rate_10_diverges_at_a_named_step_and_reset_recovers():
    live = default_trainer(lr=10.0)
    live.train(5)
    assert live.diverged
    where = live.trainer.diverged_at
    assert where["step"] >= 1 and str(where["step"]) in where["reason"]
    assert np.isfinite(live.model.flat).all()
    assert all(np.isfinite(live.history[key]).all() for key in ("loss", "val_loss"))
    live.reset()
    assert not live.diverged and live.epoch == 0


def test_training_stops_at_the_rule_or_when_its_cpu_time_is_spent():
    live = default_trainer()
    assert live.train(50, StopRule(max_epochs=3)) == "reached the maximum of 3 epochs"
    assert live.epoch == 3
    start = time.thread_time()
    live.train(10_000, cpu_seconds=0.02)
    spent = time.thread_time() - start
    # stops after the epoch that crosses the limit: far fewer than 10,000 epochs
    assert 4 <= live.epoch < 3 + 1000 and spent < 1.0


def test_frame_has_a_100_by_100_output_and_one_packed_thumbnail_array():
    live = default_trainer()
    frame = live.frame()
    assert frame.decision.shape == (100, 100)
    assert frame.packed.shape == frame.layout.packed_shape
    assert np.all((frame.decision >= 0) & (frame.decision <= 1))
    # the output map is the network's output at the grid points (independent forward pass)
    expected = live.model.predict_proba(live.inputs["grid"]).reshape(100, 100)
    np.testing.assert_allclose(frame.decision, expected, rtol=1e-6)


def test_a_frame_is_drawn_again_only_when_the_weights_changed():
    live = default_trainer()
    first = live.frame()
    assert live.frame() is first
    assert live.frame(discretize=True) is not first
    live.train(1)
    second = live.frame()
    assert second is not first and not np.array_equal(second.decision, first.decision)
    live.load_weights(live.model.copy())
    assert live.frame() is not second


def test_equal_settings_share_read_only_data_and_grids():
    one, two = default_trainer(), default_trainer()
    assert one.data is two.data and one.inputs["grid"] is two.inputs["grid"]
    with pytest.raises(ValueError):
        one.data.X_train[0, 0] = 1.0
    one.train(3)  # training never writes into the shared arrays
    np.testing.assert_array_equal(one.data.X_train, two.data.X_train)


def test_weights_reload_from_json_and_mismatches_are_explained():
    live = default_trainer()
    live.train(3)
    text = serialization.model_to_json(live.model)
    fresh = default_trainer()
    fresh.load_weights(serialization.model_from_json(text))
    np.testing.assert_array_equal(fresh.model.flat, live.model.flat)
    assert fresh.epoch == 0
    with pytest.raises(ValueError, match="2 → 3 → 1"):
        fresh.load_weights(MLP([2, 3, 1], hidden="tanh"))


def test_custom_points_become_a_dataset():
    rows = tuple((float(x), float(x % 3), "red" if x % 2 else "blue") for x in range(12))
    data = specs.load_data(specs.DataSpec(dataset=specs.CUSTOM, custom=rows))
    assert data.kind == "binary" and data.classes == ["blue", "red"]
    assert data.y_train.size + data.y_test.size == 12
    with pytest.raises(ValueError, match="points of your own"):
        specs.DataSpec(dataset=specs.CUSTOM)


@pytest.mark.parametrize(
    ("data", "net"),
    [
        (specs.DataSpec(), specs.NetSpec()),
        (specs.DataSpec(dataset="blobs3", n_classes=4, noise=0.3), specs.NetSpec()),
    ],
)
def test_the_quick_evaluation_matches_core_metrics(data, net):
    live = LiveTrainer(data, net, SGD, specs.Knobs())
    live.train(3)
    report = live.evaluation()
    proba = live.model.predict_proba(live.inputs["test"])
    if live.data.kind == "binary":
        expected = metrics.binary_report(live.data.y_test, proba)
    else:
        expected = metrics.multiclass_report(live.data.y_test, proba, labels=list(range(4)))
    assert report["confusion"] == expected["confusion"]
    assert report["accuracy"] == pytest.approx(expected["accuracy"])


def test_inspect_checks_the_sample_number():
    live = default_trainer()
    assert live.inspect(0).output.shape == (1,)
    with pytest.raises(ValueError, match="sample"):
        live.inspect(live.data.y_train.shape[0])
