"""The shared training loop: histories, divergence, clipping, schedules, stepping."""

import numpy as np
import pytest

from core import optimizers, schedules
from core.mlp import MLP
from core.training import Trainer


def linear_task(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 20))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def seed_network(**kw):
    return MLP([20, 64, 32, 1], hidden="relu", output="sigmoid", init="he", rng=0, **kw)


def test_history_has_one_finite_entry_per_epoch_and_loss_falls():
    X, y = linear_task()
    trainer = Trainer(
        seed_network(),
        optimizers.make("adam", lr=1e-2),
        X,
        y,
        X_val=X[:50],
        y_val=y[:50],
        batch_size=32,
    )
    trainer.run_epochs(5)
    history = trainer.history
    assert history["epoch"] == [1, 2, 3, 4, 5]
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"):
        assert len(history[key]) == 5 and np.all(np.isfinite(history[key])), key
    assert np.array(history["grad_norms"]).shape == (5, 3)
    assert history["loss"][-1] < history["loss"][0]
    assert history["accuracy"][-1] > 0.9


def test_learning_rate_100_diverges_at_a_reported_step_without_nan():
    X, y = linear_task()
    model = seed_network()
    trainer = Trainer(model, optimizers.make("sgd", lr=100.0), X, y, batch_size=32)
    trainer.run_epochs(10)
    assert trainer.diverged
    assert trainer.diverged_at["step"] >= 1 and "step" in trainer.diverged_at["reason"]
    assert all(np.all(np.isfinite(values)) for values in trainer.history.values())
    assert np.all(np.isfinite(model.flat))  # rolled back to the last finite state
    epochs_before = trainer.epoch
    trainer.run_epochs(3)  # a diverged trainer does nothing more until rebuilt
    assert trainer.epoch == epochs_before and trainer.step(5) == 0


def test_non_finite_loss_is_caught_too():
    X, y = linear_task(64)
    model = MLP([20, 4, 1], hidden="linear", output="linear", rng=0)
    trainer = Trainer(
        model,
        optimizers.make("sgd", lr=10.0),
        X,
        y.astype(float),
        batch_size=64,
        divergence_factor=None,
    )
    trainer.run_epochs(500)
    assert trainer.diverged and "the loss became" in trainer.diverged_at["reason"]
    assert np.all(np.isfinite(trainer.history["loss"]))


def test_gradient_clipping_bounds_every_update():
    X, y = linear_task()
    model = seed_network()
    trainer = Trainer(model, optimizers.make("sgd", lr=100.0), X, y, batch_size=32, clip_norm=1e-3)
    start = model.flat.copy()
    trainer.step(1)
    assert np.linalg.norm(model.flat - start) <= 100.0 * 1e-3 * (1 + 1e-12)
    trainer.run_epochs(5)
    assert not trainer.diverged
    assert np.all(np.isfinite(trainer.history["loss"]))


def test_step_and_run_epochs_follow_the_same_path():
    X, y = linear_task(200)
    a, b = seed_network(), seed_network()
    ta = Trainer(a, optimizers.make("adam", lr=1e-2), X, y, batch_size=30, rng=3)
    tb = Trainer(b, optimizers.make("adam", lr=1e-2), X, y, batch_size=30, rng=3)
    ta.run_epochs(3)
    for _ in range(3 * 7):  # 200 rows / 30 = 7 batches per epoch (last one has 20 rows)
        tb.step(1)
    np.testing.assert_array_equal(a.flat, b.flat)
    assert ta.history["loss"] == tb.history["loss"] and tb.epoch == 3


def test_schedule_sets_the_rate_of_each_epoch():
    X, y = linear_task(100)
    schedule = schedules.make("step", 0.1, step_size=2, gamma=0.5)
    trainer = Trainer(seed_network(), optimizers.make("sgd", lr=0.1), X, y, schedule=schedule)
    trainer.run_epochs(5)
    assert trainer.history["lr"] == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_sample_weights_change_the_balance():
    X, y = linear_task(300)
    weight = np.where(y == 1, 10.0, 1.0)
    plain, weighted = seed_network(), seed_network()
    Trainer(plain, optimizers.make("adam", lr=1e-2), X, y).run_epochs(3)
    Trainer(weighted, optimizers.make("adam", lr=1e-2), X, y, sample_weight=weight).run_epochs(3)
    assert weighted.predict_proba(X).mean() > plain.predict_proba(X).mean()


def test_callback_can_stop_training():
    X, y = linear_task(100)
    trainer = Trainer(seed_network(), optimizers.make("adam", lr=1e-2), X, y)
    trainer.run_epochs(50, callback=lambda t: t.history["loss"][-1] < 0.3)
    assert trainer.epoch < 50 and trainer.history["loss"][-1] < 0.3


def test_multiclass_and_regression_histories():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    labels = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)
    trainer = Trainer(
        MLP([2, 8, 3], hidden="tanh", output="softmax", rng=0),
        optimizers.make("adam", lr=0.05),
        X,
        labels,
        batch_size=16,
    )
    trainer.run_epochs(40)
    assert trainer.history["accuracy"][-1] > 0.9
    regression = Trainer(
        MLP([2, 8, 1], hidden="tanh", output="linear", rng=0),
        optimizers.make("adam", lr=0.05),
        X,
        X[:, 0] - X[:, 1],
        X_val=X,
        y_val=X[:, 0] - X[:, 1],
        batch_size=16,
    )
    regression.run_epochs(40)
    assert regression.history["accuracy"] == [] and regression.history["val_accuracy"] == []
    assert regression.history["val_loss"][-1] < 0.01


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"batch_size": 2.5}, "batch_size must be a positive integer"),
        ({"clip_norm": -1.0}, "clip_norm must be a positive number"),
        ({"X_val": np.zeros((2, 20))}, "X_val was given without y_val"),
    ],
)
def test_bad_trainer_arguments(kwargs, message):
    X, y = linear_task(10)
    with pytest.raises(ValueError, match=message):
        Trainer(seed_network(), optimizers.make("sgd"), X, y, **kwargs)
