"""lessons.perceptron.lab and .explain: the page's run, its step position, the XOR fixes."""

import dataclasses

import numpy as np
import pytest

from lessons.datasets import gate
from lessons.perceptron import Perceptron, explain, lab


@pytest.fixture(scope="module")
def and_run():
    X, y = gate("and")
    return X, y, lab.fit_history(X, y, 1.0, "zeros", 0, 20)


def test_gate_choices_follow_the_gate_registry():
    assert list(lab.GATE_LABELS) == ["and", "or", "nand", "nor", "xor", "xnor", "custom"]
    assert lab.GATE_LABELS["xnor"] == "XNOR"
    assert set(lab.INIT_LABELS) == {"zeros", "random"}


@pytest.mark.parametrize(
    ("action", "steps", "expected"),
    [
        ("sample", 0, 1),
        ("sample", 24, 24),  # never beyond the run
        ("epoch", 0, 4),
        ("epoch", 5, 8),
        ("epoch", 22, 24),
        ("run", 3, 24),
        ("reset", 17, 0),
    ],
)
def test_advance_moves_like_the_buttons_say(action, steps, expected):
    assert lab.advance(action, steps, total=24, n_samples=4) == expected


def test_unknown_step_action_is_rejected():
    with pytest.raises(ValueError, match="unknown step action 'jump'"):
        lab.advance("jump", 0, 24, 4)


def test_epoch_of_counts_from_one():
    assert [lab.epoch_of(k, 4) for k in (0, 1, 4, 5, 8, 9)] == [1, 1, 1, 2, 2, 3]


def assert_same_update(got, expected) -> None:
    for field in dataclasses.fields(expected):
        name = field.name
        assert np.array_equal(getattr(got, name), getattr(expected, name)), name


def test_view_at_matches_the_stepping_api(and_run):
    X, y, history = and_run
    stepper = Perceptron(2)
    last_update = z_before = None
    for steps in range(len(history.epoch) + 1):
        view = lab.view_at(X, history, 1.0, "zeros", 0, steps)
        np.testing.assert_array_equal(view.model.weights, stepper.weights)
        assert (view.model.bias, view.model.cursor) == (stepper.bias, stepper.cursor)
        assert (view.update is None) == (last_update is None)
        if last_update is not None:
            assert_same_update(view.update, last_update)
            np.testing.assert_array_equal(view.z_before, z_before)
        z_before = stepper.decision_function(X)
        last_update = stepper.step_sample(X, y)


def test_lifted_features_solve_xor_and_the_network_learns_it():
    X, y = gate("xor")
    lifted = lab.lifted_history(X, y, 1.0, "zeros", 0)
    assert lifted.converged
    # The perceptron on (x1, x2, x1 x2) now classifies all four corners.
    z = np.column_stack([X, X[:, 0] * X[:, 1]]) @ lifted.epoch_weights[-1] + lifted.epoch_bias[-1]
    np.testing.assert_array_equal((z >= 0).astype(int), y)
    network, losses = lab.train_xor_network(X, y, seed=0)
    np.testing.assert_array_equal(network.predict(X), y)
    assert len(losses) == lab.MLP_EPOCHS and losses[-1] < losses[0]
    stuck, _ = lab.train_xor_network(X, y, seed=1)
    assert not (stuck.predict(X) == y).all()  # the page's "local minimum" example


def test_explanations_carry_the_numbers(and_run):
    X, y, history = and_run
    view = lab.view_at(X, history, 1.0, "zeros", 0, 1)
    assert explain.parameter_metrics(view) == [
        ("w1", "0", None),
        ("w2", "0", None),
        ("b", "-1", "-1"),
    ]
    text = explain.update_markdown(view, X, y, 1)
    assert text.startswith("**Update 1** (epoch 1, sample #0)") and "**wrong**" in text
    assert explain.update_latex(view, X, 1.0).endswith(r"\Delta b = \eta\,(y - \hat y) = -1")
    assert explain.position_caption(1, 24, 4, view.model.cursor) == (
        "Update 1 of 24 in this run · epoch 1 · next sample #1"
    )
    assert explain.verdict(history, 23, 20, True) is None
    kind, message = explain.verdict(history, 24, 20, True)
    assert kind == "success" and message.startswith("Converged at epoch 6")


def test_verdict_for_a_run_that_cannot_converge():
    X, y = gate("xor")
    history = lab.fit_history(X, y, 1.0, "zeros", 0, 3)
    kind, message = explain.verdict(history, len(history.epoch), 3, False)
    assert kind == "warning"
    assert f"{history.errors_per_epoch[-1]} mistakes in the last epoch" in message
    assert "No straight line separates these points" in message


def test_truth_table_shows_predictions_and_mistakes():
    X, y = gate("and")
    model = Perceptron(2)
    model.weights, model.bias = np.array([2.0, 1.0]), -2.5
    table = explain.truth_table(model, X, y)
    assert table["z = w·x+b"].tolist() == [-2.5, -1.5, -0.5, 0.5]
    assert table["ŷ"].tolist() == [0, 0, 0, 1]
    assert table["right?"].tolist() == ["✓"] * 4


def test_fix_texts():
    X, y = gate("xor")
    lifted = lab.lifted_history(X, y, 1.0, "zeros", 0)
    assert f"converges at epoch **{lifted.convergence_epoch}**" in explain.feature_fix_markdown(
        lifted
    )
    assert explain.feature_fix_markdown(lab.fit_history(X, y, 1.0, "zeros", 0, 2)) is None
    network, losses = lab.train_xor_network(X, y, seed=0)
    text = explain.network_fix_markdown(network, X, losses)
    outputs = text.split("Outputs for 00, 01, 10, 11: ")[1].split(";")[0]
    assert np.round([float(v) for v in outputs.split(", ")]).tolist() == [0, 1, 1, 0]
