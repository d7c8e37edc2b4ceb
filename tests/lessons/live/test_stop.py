"""lessons.live.stop: when a live run stops by itself."""

import pytest

from lessons.live import stop


def history(epochs, losses, val_losses=(), accuracy=(), val_accuracy=()):
    return {
        "epoch": list(epochs),
        "loss": list(losses),
        "val_loss": list(val_losses),
        "accuracy": list(accuracy),
        "val_accuracy": list(val_accuracy),
    }


def test_stop_rule_reasons():
    assert stop.StopRule(max_epochs=3).reason(history([], [])) is None
    assert "maximum of 3" in stop.StopRule(max_epochs=3).reason(history([1, 2, 3], [1, 1, 1]))
    rule = stop.StopRule(target_loss=0.1)
    assert rule.reason(history([1], [0.05], [0.2])) is None  # test loss decides
    assert "test loss 0.09" in rule.reason(history([1, 2], [0.3, 0.05], [0.2, 0.09]))
    assert "training loss" in rule.reason(history([1], [0.05]))
    rule = stop.StopRule(target_accuracy=0.95)
    assert rule.reason(history([1], [0.3], [0.3], [0.99], [0.9])) is None
    assert "96.0%" in rule.reason(history([1], [0.3], [0.3], [0.9], [0.96]))


@pytest.mark.parametrize(
    "kwargs", [{"max_epochs": 0}, {"target_loss": -1.0}, {"target_accuracy": 1.5}]
)
def test_stop_rule_rejects_bad_targets(kwargs):
    with pytest.raises(ValueError):
        stop.StopRule(**kwargs)
