"""The optimizer race on a network: same start, a hand-written loop, the seed's set-up."""

import numpy as np
import pytest

from core.mlp import MLP
from core.optimizers import OPTIMIZERS, OptimizerSpec
from lessons.race import network_race, network_tasks
from lessons.race.network_race import epochs_to_reach
from lessons.race.network_tasks import make_task
from yieldmodel import seed_data

SMALL = {"n": 200, "noise": 0.1}


@pytest.fixture(scope="module")
def gauss_task():
    return make_task("gauss", **SMALL)


@pytest.fixture(scope="module")
def small_semiconductor():
    return network_tasks.tabular_task("semiconductor", *seed_data.semiconductor_arrays(400))


def test_epochs_to_reach_worked_example():
    assert epochs_to_reach([0.5, 0.89, 0.9, 0.95], 0.9) == 3
    assert epochs_to_reach([0.91], 0.9) == 1
    assert epochs_to_reach([0.5, 0.89], 0.9) is None
    assert epochs_to_reach([], 0.9) is None
    with pytest.raises(ValueError, match="target"):
        epochs_to_reach([0.5], 1.5)


def test_seed_configuration():
    specs = network_race.SEED_OPTIMIZERS
    assert {label: (spec.name, spec.lr) for label, spec in specs.items()} == {
        "SGD": ("sgd", 0.1),
        "Momentum": ("momentum", 0.01),
        "RMSprop": ("rmsprop", 0.001),
        "Adam": ("adam", 0.001),
    }
    assert network_race.TARGET_ACCURACY == 0.9


def test_semiconductor_task_is_the_seeds_split():
    task = network_tasks.tabular_task("semiconductor", *seed_data.semiconductor_arrays())
    assert task.sizes == [20, 64, 32, 1]
    assert task.hidden_activation == "relu"
    assert task.X_train.shape == (4000, 20) and task.X_val.shape == (1000, 20)
    np.testing.assert_allclose(task.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(task.X_train.std(axis=0), 1.0, atol=1e-12)
    assert set(np.unique(task.y_train)) == {0, 1}
    assert abs(task.y_train.mean() - task.y_val.mean()) < 0.01  # stratified


def test_playground_task_needs_a_binary_dataset():
    task = make_task("spiral", n=100)
    assert task.sizes == [2, 8, 8, 1]
    assert task.X_train.shape[0] + task.X_val.shape[0] == 100
    with pytest.raises(ValueError, match="binary"):
        network_tasks.playground_task("plane")
    with pytest.raises(ValueError, match="unknown network task .moons.; choose one of: circle"):
        make_task("moons")


def test_every_optimizer_starts_from_the_same_weights(gauss_task):
    specs = {name: OptimizerSpec(name, 0.05) for name in ("sgd", "momentum", "adagrad", "adam")}
    result = network_race.network_race(gauss_task, specs, epochs=2)
    # In full-batch training the first epoch's loss is the loss of the initial weights.
    initial = MLP(gauss_task.sizes, hidden="tanh", output="sigmoid", rng=0)
    expected = initial.loss(gauss_task.X_train, gauss_task.y_train)
    for run in result.runs.values():
        assert run.loss[0] == pytest.approx(expected, rel=1e-12)


def test_full_batch_sgd_matches_a_hand_written_loop(gauss_task):
    lr, epochs = 0.3, 4
    result = network_race.network_race(
        gauss_task, {"plain": OptimizerSpec("sgd", lr)}, epochs=epochs, rng=7
    )
    model = MLP(gauss_task.sizes, hidden="tanh", output="sigmoid", rng=7)
    losses, accuracies = [], []
    for _ in range(epochs):
        loss, grads = model.loss_and_grads(gauss_task.X_train, gauss_task.y_train)
        for param, grad in zip(model.params, grads, strict=True):
            param -= lr * grad
        losses.append(loss)
        accuracies.append(np.mean(model.predict(gauss_task.X_val) == gauss_task.y_val))
    run = result.runs["plain"]
    np.testing.assert_allclose(run.loss, losses, rtol=1e-10)
    np.testing.assert_allclose(run.val_accuracy, accuracies)
    assert run.epochs_to_target == epochs_to_reach(accuracies, 0.9)
    assert result.batch_size == gauss_task.X_train.shape[0]


def test_mini_batches_make_more_updates_per_epoch(gauss_task):
    specs = {"SGD": OptimizerSpec("sgd", 0.1)}
    full = network_race.network_race(gauss_task, specs, epochs=3)
    mini = network_race.network_race(gauss_task, specs, epochs=3, batch_size=10)
    assert mini.batch_size == 10
    assert len(mini.runs["SGD"].loss) == 3
    # Ten updates per epoch instead of one get much further on an easy problem.
    assert mini.runs["SGD"].loss[-1] < 0.5 * full.runs["SGD"].loss[-1]


def test_divergence_is_reported_not_raised(small_semiconductor):
    specs = {"wild": OptimizerSpec("sgd", 100.0), "calm": OptimizerSpec("adam", 0.001)}
    result = network_race.network_race(small_semiconductor, specs, epochs=10)
    wild, calm = result.runs["wild"], result.runs["calm"]
    assert wild.diverged and "exploded" in wild.diverged_at["reason"]
    assert len(wild.loss) < 10 and np.all(np.isfinite(wild.loss))
    assert wild.epochs_to_target is None
    assert not calm.diverged and len(calm.loss) == 10
    rows = {row["optimizer"]: row for row in result.table()}
    assert rows["wild"]["diverged"] and rows["wild"]["epochs"] == len(wild.loss)


def test_progress_reaches_one(gauss_task):
    reports = []
    specs = {"a": OptimizerSpec("sgd", 0.1), "b": OptimizerSpec("adam", 0.01)}
    network_race.network_race(
        gauss_task, specs, epochs=3, progress=lambda fraction, text: reports.append(fraction)
    )
    assert len(reports) == 6
    assert reports == sorted(reports) and reports[-1] == pytest.approx(1.0)


def test_table_matches_the_runs(gauss_task):
    specs = {"SGD": OptimizerSpec("sgd", 0.5), "Adam": OptimizerSpec("adam", 0.05)}
    result = network_race.network_race(gauss_task, specs, epochs=5)
    rows = result.table()
    assert [row["optimizer"] for row in rows] == ["SGD", "Adam"]
    for row in rows:
        run = result.runs[row["optimizer"]]
        assert row["lr"] == run.spec.lr
        assert row["final_loss"] == run.loss[-1]
        assert row["final_val_accuracy"] == run.val_accuracy[-1]
        assert row["epochs_to_target"] == run.epochs_to_target
        assert row["seconds"] >= 0 and not row["diverged"]


def test_bad_input_raises_clear_errors(gauss_task):
    with pytest.raises(ValueError, match="at least one optimizer"):
        network_race.network_race(gauss_task, {}, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        network_race.network_race(gauss_task, epochs=0)
    reports = []
    with pytest.raises(ValueError, match="betas"):
        network_race.network_race(
            gauss_task,
            {
                "ok": OptimizerSpec("sgd", 0.1),
                "bad": OptimizerSpec.of("adam", 0.1, betas=(0.9, 1.5)),
            },
            epochs=1,
            progress=lambda fraction, text: reports.append(fraction),
        )
    assert reports == []  # nothing trained before the bad optimizer was caught
    with pytest.raises(ValueError, match="unknown parameter"):
        OptimizerSpec.of("sgd", 0.1, moment=0.9).build()


def test_a_sequence_of_specs_races_under_display_labels(gauss_task):
    specs = (OptimizerSpec("sgd", 0.1), OptimizerSpec("adam", 0.01))
    result = network_race.network_race(gauss_task, specs, epochs=1)
    assert list(result.runs) == ["SGD", "Adam"]
    assert result.runs["Adam"].spec is specs[1]


def test_the_choices_a_page_offers():
    assert list(network_tasks.DATASET_TITLES) == [
        "semiconductor",
        "circle",
        "xor",
        "gauss",
        "spiral",
    ]
    assert network_race.DEFAULT_OPTIMIZERS == ("sgd", "momentum", "rmsprop", "adam")
    assert set(network_race.DEFAULT_LEARNING_RATES) == set(OPTIMIZERS)
    setup = network_race.NetworkSetup("gauss", 0.1, 5, None, (OptimizerSpec("sgd", 0.1),))
    assert setup == network_race.NetworkSetup("gauss", 0.1, 5, None, (OptimizerSpec("sgd", 0.1),))
