"""core against numbers computed independently by PyTorch in float64 (tests/data/reference.json)."""

import warnings

import numpy as np
import pytest

from core import activations, optimizers, schedules
from core.mlp import MLP
from core.training import Trainer
from tests.core._reference import reference, rel_error

REF = reference()
TORCH_TO_OURS = {
    "SGD": "sgd",
    "Adagrad": "adagrad",
    "RMSprop": "rmsprop",
    "Adam": "adam",
    "AdamW": "adamw",
}


def surface_gradient(surface, point):
    x, y = point
    if surface == "rosenbrock":
        return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
    return np.array([2 * x, 20 * y])


def follow(optimizer, case):
    point = np.array(case["start"], dtype=float)
    path = [point.copy()]
    for _ in range(len(case["path"]) - 1):
        optimizer.step([point], [surface_gradient(case["surface"], point)])
        path.append(point.copy())
    return np.array(path)


def torch_kwargs(kwargs):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("key", sorted(REF["optimizers"]))
def test_optimizer_paths_match_pytorch(key):
    case = REF["optimizers"][key]
    optimizer = optimizers.make(TORCH_TO_OURS[case["torch_class"]], **torch_kwargs(case["kwargs"]))
    path = follow(optimizer, case)
    assert path.shape == (101, 2)
    assert rel_error(path, case["path"], floor=1e-12) <= 1e-9


@pytest.mark.parametrize("surface", ["rosenbrock", "quadratic"])
def test_seed_ema_momentum_equals_pytorch_sgd_with_scaled_lr(surface):
    case = REF["optimizers"][f"{surface}/momentum_ema"]
    path = follow(optimizers.make("momentum", lr=1e-2, momentum=0.9), case)
    assert rel_error(path, case["path"], floor=1e-12) <= 1e-9


@pytest.mark.parametrize("surface", ["rosenbrock", "quadratic"])
def test_nesterov_shortcut_equals_sgd_nesterov(surface):
    case = REF["optimizers"][f"{surface}/sgd_nesterov"]
    path = follow(optimizers.make("nesterov", lr=1e-3), case)
    assert rel_error(path, case["path"], floor=1e-12) <= 1e-9


def test_reset_forgets_state():
    case = REF["optimizers"]["quadratic/adam"]
    optimizer = optimizers.make("adam", lr=1e-2)
    follow(optimizer, case)
    optimizer.reset()
    assert rel_error(follow(optimizer, case), case["path"], floor=1e-12) <= 1e-9


@pytest.mark.parametrize("name", ["step", "exponential", "cosine", "warmup_cosine"])
def test_schedules_match_pytorch(name):
    case = REF["schedules"][name]
    kwargs = dict(case["kwargs"])
    schedule = schedules.make(name, kwargs.pop("lr0"), **kwargs)
    lrs = [schedule(epoch) for epoch in range(len(case["lrs"]))]
    assert rel_error(lrs, case["lrs"], floor=1e-300) <= 1e-12


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
def test_activation_values_and_derivatives_match_pytorch(name):
    case = REF["activations"][name]
    z = np.array(REF["activations"]["z"])
    function = activations.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ±1000 must not overflow
        value, derivative = function.forward(z), function.derivative(z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(derivative))
    assert rel_error(value, case["value"]) <= 1e-9
    assert rel_error(derivative, case["derivative"]) <= 1e-9


def model_from_case(case):
    output = case["output"]
    model = MLP(case["sizes"], hidden=case["hidden_activation"], output=output, rng=0)
    params = []
    for W, b in zip(case["init"]["W"], case["init"]["b"]):
        params += [np.array(W), np.array(b)]
    model.set_params(params)
    return model


def targets(case):
    y = np.array(case["y"])
    return y.ravel() if case["loss"] != "ce" else y.astype(int)


MLP_CASES = sorted(k for k in REF["mlp"] if k != "xor_adam_training")


@pytest.mark.parametrize("name", MLP_CASES)
def test_mlp_output_loss_and_gradients_match_pytorch(name):
    case = REF["mlp"][name]
    model = model_from_case(case)
    X, y = np.array(case["X"]), targets(case)
    weight = None if case["sample_weight"] is None else np.array(case["sample_weight"])
    assert rel_error(model.forward(X), case["output_value"], floor=1e-12) <= 1e-9
    loss, grads = model.loss_and_grads(X, y, sample_weight=weight)
    assert abs(loss - case["loss_value"]) <= 1e-9 * abs(case["loss_value"])
    for layer, (gW, gb) in enumerate(zip(case["grad_W"], case["grad_b"])):
        assert rel_error(grads[2 * layer], gW, floor=1e-12) <= 1e-9, f"W{layer}"
        assert rel_error(grads[2 * layer + 1], gb, floor=1e-12) <= 1e-9, f"b{layer}"


def test_xor_adam_loss_curve_matches_pytorch():
    case = REF["mlp"]["xor_adam_training"]
    model = model_from_case(case)
    X, y = np.array(case["X"]), targets(case)
    trainer = Trainer(
        model,
        optimizers.make("adam", lr=case["optimizer"]["lr"]),
        X,
        y,
        batch_size=len(X),
        divergence_factor=None,
    )
    losses = []
    for _ in range(len(case["losses"])):
        losses.append(model.loss(X, y))
        trainer.step(1)
    assert rel_error(losses, case["losses"], floor=1e-12) <= 1e-9
    # the trainer's own history records the same full-batch losses, one per epoch
    assert rel_error(trainer.history["loss"], case["losses"], floor=1e-12) <= 1e-9
