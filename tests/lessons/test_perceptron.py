"""Perceptron: hand-worked updates, convergence on separable gates, XOR's proven failure."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from lessons.datasets import GATES, gate
from lessons.perceptron import Perceptron, is_linearly_separable, step

SEPARABLE_GATES = ["and", "or", "nand", "nor"]
# A separating (w1, w2, b) for each separable gate, read off its truth table.
SEPARATORS = {
    "and": (1.0, 1.0, -1.5),
    "or": (1.0, 1.0, -0.5),
    "nand": (-1.0, -1.0, 1.5),
    "nor": (-1.0, -1.0, 0.5),
}


def test_step_convention_counts_zero_as_class_one():
    assert step(np.array([-1e-12, 0.0, 1e-12])).tolist() == [0, 1, 1]


def test_first_updates_on_and_match_the_rule_worked_by_hand():
    # w = 0, b = 0, lr = 1, samples 00, 01, 10, 11 with targets 0, 0, 0, 1.
    # 00: z = 0 -> y_hat 1, error -1: w = (0, 0), b = -1
    # 01: z = -1 -> 0, correct.  10: z = -1 -> 0, correct.
    # 11: z = -1 -> 0, error +1: w = (1, 1), b = 0
    X, y = gate("and")
    history = Perceptron(2, lr=1.0).fit(X, y, epochs=1)
    assert history.prediction.tolist() == [1, 0, 0, 0]
    assert history.error.tolist() == [-1, 0, 0, 1]
    np.testing.assert_array_equal(history.delta_w, [[0, 0], [0, 0], [0, 0], [1, 1]])
    np.testing.assert_array_equal(history.delta_b, [-1, 0, 0, 1])
    np.testing.assert_array_equal(history.weights, [[0, 0], [0, 0], [0, 0], [0, 0], [1, 1]])
    np.testing.assert_array_equal(history.bias, [0, -1, -1, -1, 0])
    assert history.sample_index.tolist() == [0, 1, 2, 3]
    assert history.epoch.tolist() == [1, 1, 1, 1]
    assert history.errors_per_epoch.tolist() == [2]
    assert not history.converged and history.convergence_epoch is None


def test_and_converges_at_the_hand_computed_epoch():
    # Worked through on paper: errors per epoch 2, 3, 3, 2, 1, 0 and final w = (2, 1), b = -3.
    X, y = gate("and")
    model = Perceptron(2, lr=1.0)
    history = model.fit(X, y, epochs=50)
    assert history.errors_per_epoch.tolist() == [2, 3, 3, 2, 1, 0]
    assert history.converged and history.convergence_epoch == 6
    np.testing.assert_array_equal(model.weights, [2.0, 1.0])
    assert model.bias == -3.0
    np.testing.assert_array_equal(history.epoch_weights[-1], [2.0, 1.0])
    assert history.epoch_weights.shape == (7, 2) and history.epoch_bias.shape == (7,)
    assert history.weights.shape == (6 * 4 + 1, 2)
    np.testing.assert_array_equal(model.predict(X), y)


def test_or_converges_at_the_hand_computed_epoch():
    # Errors per epoch 2, 2, 1, 0; final w = (1, 1), b = -1.
    X, y = gate("or")
    model = Perceptron(2)
    history = model.fit(X, y, epochs=50)
    assert history.errors_per_epoch.tolist() == [2, 2, 1, 0]
    assert history.convergence_epoch == 4
    np.testing.assert_array_equal(model.weights, [1.0, 1.0])
    assert model.bias == -1.0
    np.testing.assert_array_equal(model.predict(X), y)


@pytest.mark.parametrize("name", SEPARABLE_GATES)
@pytest.mark.parametrize("init,seed", [("zeros", None), ("random", 0), ("random", 7)])
def test_separable_gates_are_learned_within_novikoff_bound(name, init, seed):
    X, y = gate(name)
    model = Perceptron(2, lr=1.0, rng=seed, init=init)
    history = model.fit(X, y, epochs=200)
    assert history.converged
    assert history.errors_per_epoch[-1] == 0
    assert history.errors_per_epoch[: history.convergence_epoch - 1].min() > 0
    np.testing.assert_array_equal(model.predict(X), y)
    if init == "zeros":
        # Novikoff: from w = 0 the number of mistakes is at most (R / gamma)^2 for any unit
        # separator with margin gamma (R = max norm of the augmented inputs (x, 1)).
        signs = 2 * y - 1
        separator = np.array(SEPARATORS[name])
        augmented = np.column_stack([X, np.ones(4)])
        margins = signs * (augmented @ separator) / np.linalg.norm(separator)
        assert margins.min() > 0
        radius = np.linalg.norm(augmented, axis=1).max()
        assert history.errors_per_epoch.sum() <= (radius / margins.min()) ** 2


def test_random_init_is_reproducible_and_bounded():
    a = Perceptron(3, rng=5, init="random")
    b = Perceptron(3, rng=np.random.default_rng(5), init="random")
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.bias == b.bias
    assert np.all(np.abs(a.weights) <= 0.5) and abs(a.bias) <= 0.5
    assert not np.array_equal(a.weights, Perceptron(3, rng=6, init="random").weights)


def test_learning_rate_only_scales_weights_from_zero_init():
    # From w = 0 every update is lr * (integer combination of inputs), and the predictions
    # depend only on the sign of w.x + b, so lr = 0.25 gives exactly 0.25 x the lr = 1 run.
    X, y = gate("nand")
    full = Perceptron(2, lr=1.0).fit(X, y, epochs=100)
    quarter = Perceptron(2, lr=0.25).fit(X, y, epochs=100)
    np.testing.assert_array_equal(quarter.weights, 0.25 * full.weights)
    np.testing.assert_array_equal(quarter.errors_per_epoch, full.errors_per_epoch)


def test_xor_never_reaches_zero_errors():
    X, y = gate("xor")
    for model in (Perceptron(2), Perceptron(2, lr=0.1, rng=0, init="random")):
        history = model.fit(X, y, epochs=1000)
        assert not history.converged and history.convergence_epoch is None
        assert history.n_epochs == 1000
        assert history.errors_per_epoch.min() >= 1
        assert (model.predict(X) != y).any()


def test_xor_is_provably_not_linearly_separable():
    X, y = gate("xor")
    assert is_linearly_separable(X, y) is False
    assert is_linearly_separable(*gate("xnor")) is False
    # The proof: for any (w, b), z(01) + z(10) = z(00) + z(11) = w1 + w2 + 2b. XOR needs the
    # left pair >= 0 and the right pair < 0 (even with step(0) = 1): impossible.
    rng = np.random.default_rng(0)
    for w1, w2, b in rng.normal(size=(100, 3)):
        z = X @ np.array([w1, w2]) + b
        assert z[1] + z[2] == pytest.approx(z[0] + z[3], abs=1e-12)
    # An independent LP: the largest margin t with s_i (w.x_i + b) >= t, |w|, |b| <= 1.
    for name in GATES:
        Xg, yg = gate(name)
        signs = 2.0 * yg - 1.0
        # variables (w1, w2, b, t); maximise t  <=>  minimise -t
        A_ub = np.column_stack([-signs[:, None] * np.column_stack([Xg, np.ones(4)]), np.ones(4)])
        result = linprog(
            c=[0, 0, 0, -1], A_ub=A_ub, b_ub=np.zeros(4), bounds=[(-1, 1)] * 3 + [(None, 1)]
        )
        best_margin = -result.fun
        assert (best_margin > 1e-9) == is_linearly_separable(Xg, yg), name
        assert (best_margin > 1e-9) == (name not in ("xor", "xnor")), name


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 30))
def test_separable_sets_converge_within_novikoff_bound(seed, n):
    # Labels from a random unit separator (w, b), keeping points at margin >= 0.1.
    rng = np.random.default_rng(seed)
    separator = rng.normal(size=3)
    separator /= np.linalg.norm(separator)
    X = rng.uniform(-1, 1, size=(4 * n, 2))
    augmented = np.column_stack([X, np.ones(len(X))])
    score = augmented @ separator
    keep = np.abs(score) >= 0.1
    X, y, augmented = X[keep][:n], (score[keep][:n] > 0).astype(int), augmented[keep][:n]
    if len(y) == 0:
        return
    margin = np.abs(augmented @ separator).min()
    bound = (np.linalg.norm(augmented, axis=1).max() / margin) ** 2
    history = Perceptron(2).fit(X, y, epochs=int(bound) + 2)
    assert history.converged
    assert history.errors_per_epoch.sum() <= bound
    assert is_linearly_separable(X, y)


def test_is_linearly_separable_on_point_sets():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, size=(40, 2))
    normal, offset = np.array([0.6, -0.8]), 0.1
    distance = X @ normal + offset
    keep = np.abs(distance) > 0.05
    X, y = X[keep], (distance[keep] > 0).astype(int)
    assert is_linearly_separable(X, y)
    # A positive point at the centre of a square of negatives: inside their convex hull.
    square = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1], [0, 0]], dtype=float)
    assert not is_linearly_separable(square, [0, 0, 0, 0, 1])
    assert is_linearly_separable(square, [0, 0, 0, 0, 0])  # one class
    # Touching is not strict separation: class 1 at 0, class 0 at 0 too.
    assert not is_linearly_separable([[0.0], [0.0]], [0, 1])
    assert is_linearly_separable([[0.0], [1.0], [3.0]], [0, 1, 1])  # works in 1-D


def test_stepping_api_walks_the_same_path_as_fit():
    X, y = gate("and")
    history = Perceptron(2).fit(X, y, epochs=50)
    model = Perceptron(2)
    first = model.step_sample(X, y)
    assert (first.sample_index, first.prediction, first.error, first.bias) == (0, 1, -1, -1.0)
    assert model.cursor == 1 and model.epochs_completed == 0
    rest = model.step_epoch(X, y)
    assert rest.epoch == 1 and rest.errors == 2 and len(rest.updates) == 3
    assert model.cursor == 0 and model.epochs_completed == 1
    np.testing.assert_array_equal(rest.weights, history.epoch_weights[1])
    summaries = [model.step_epoch(X, y) for _ in range(history.n_epochs - 1)]
    assert [s.errors for s in summaries] == history.errors_per_epoch[1:].tolist()
    assert [s.epoch for s in summaries] == list(range(2, history.n_epochs + 1))
    np.testing.assert_array_equal(model.weights, history.weights[-1])
    model.reset()
    assert model.cursor == 0 and model.bias == 0.0 and not model.weights.any()


def test_fit_restarts_from_initial_weights():
    X, y = gate("or")
    model = Perceptron(2, rng=3, init="random")
    first = model.fit(X, y, epochs=20)
    model.step_epoch(X, y)
    second = model.fit(X, y, epochs=20)
    np.testing.assert_array_equal(first.weights, second.weights)
    np.testing.assert_array_equal(first.weights[0], model.initial_weights)


def test_decision_function_is_affine():
    model = Perceptron(3)
    model.weights, model.bias = np.array([1.0, -2.0, 0.5]), 0.25
    X = np.array([[1.0, 1.0, 2.0], [0.0, 0.5, -1.0]])
    np.testing.assert_allclose(model.decision_function(X), [0.25, -1.25])
    assert model.predict(X).tolist() == [1, 0]


def test_single_class_is_accepted():
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    history = Perceptron(2).fit(X, [1, 1], epochs=5)
    assert history.converged


@pytest.mark.parametrize(
    "X,y,message",
    [
        ([[0.0, np.nan], [1.0, 1.0]], [0, 1], "NaN"),
        ([[0.0, 1.0, 2.0]], [0], "features"),
        ([0.0, 1.0], [0, 1], "2-D"),
        ([[0.0, 1.0], [1.0, 1.0]], [0, 2], "labels 0 and 1"),
        ([[0.0, 1.0], [1.0, 1.0]], [-1, 1], "labels 0 and 1"),
        ([[0.0, 1.0], [1.0, 1.0]], [0, 1, 1], "labels"),
        ([[0.0, 1.0], [1.0, 1.0]], [[0, 1]], "1-D"),
        ([[0.0, 1.0], [1.0, 1.0]], ["a", "b"], "labels 0 and 1"),
    ],
)
def test_bad_data_is_rejected(X, y, message):
    model = Perceptron(2)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, epochs=1)
    with pytest.raises(ValueError):
        model.step_sample(X, y)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_inputs": 0},
        {"n_inputs": 2.5},
        {"n_inputs": 2, "lr": 0.0},
        {"n_inputs": 2, "lr": float("nan")},
        {"n_inputs": 2, "init": "ones"},
    ],
)
def test_bad_construction_is_rejected(kwargs):
    with pytest.raises(ValueError):
        Perceptron(**kwargs)


def test_bad_epochs_are_rejected():
    X, y = gate("and")
    for epochs in (0, -1, 2.0):
        with pytest.raises(ValueError, match="epochs"):
            Perceptron(2).fit(X, y, epochs=epochs)


@pytest.mark.parametrize("init", ["zeros", "random"])
def test_restore_continues_exactly_like_the_stepping_api(init):
    X, y = gate("xor")
    history = Perceptron(2, lr=0.5, rng=4, init=init).fit(X, y, epochs=5)
    for steps in (0, 1, 3, 4, 9, len(history.epoch)):
        stepper = Perceptron(2, lr=0.5, rng=4, init=init)
        for _ in range(steps):
            stepper.step_sample(X, y)
        restored = Perceptron(2, lr=0.5, rng=4, init=init)
        restored.restore(history, steps)
        assert (restored.cursor, restored.epochs_completed) == (
            stepper.cursor,
            stepper.epochs_completed,
        )
        # The rest of the epoch, and its error count, continue the same way.
        expected, got = stepper.step_epoch(X, y), restored.step_epoch(X, y)
        assert got.errors == expected.errors and got.epoch == expected.epoch
        np.testing.assert_array_equal(got.weights, expected.weights)
        assert got.bias == expected.bias


def test_history_update_is_what_step_sample_returned():
    X, y = gate("and")
    history = Perceptron(2).fit(X, y, epochs=20)
    stepper = Perceptron(2)
    for k in range(1, len(history.epoch) + 1):
        expected, got = stepper.step_sample(X, y), history.update(k)
        for field in ("epoch", "sample_index", "prediction", "error", "end_of_epoch", "bias"):
            assert getattr(got, field) == getattr(expected, field), (k, field)
        np.testing.assert_array_equal(got.delta_w, expected.delta_w)
        np.testing.assert_array_equal(got.weights, expected.weights)
    with pytest.raises(ValueError, match="step must lie in"):
        history.update(0)
    with pytest.raises(ValueError, match="steps must lie in"):
        Perceptron(2).restore(history, len(history.epoch) + 1)
