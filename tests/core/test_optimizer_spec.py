"""core.optimizers.OptimizerSpec and update_rule: one description of an optimizer setting."""

import numpy as np
import pytest

from core import optimizers
from core.optimizers import OPTIMIZERS, OptimizerSpec, update_rule


def test_spec_is_hashable_and_equal_for_equal_settings():
    a = OptimizerSpec.of("adam", 0.01, betas=[0.9, 0.99], amsgrad=True)
    b = OptimizerSpec.of("adam", 0.01, amsgrad=True, betas=(0.9, 0.99))
    assert a == b and hash(a) == hash(b)
    assert a != OptimizerSpec.of("adam", 0.02, amsgrad=True, betas=(0.9, 0.99))


def test_spec_builds_the_same_optimizer_as_make():
    spec = OptimizerSpec.of("rmsprop", 0.05, alpha=0.9, centered=True)
    built, made = spec.build(), optimizers.make("rmsprop", lr=0.05, alpha=0.9, centered=True)
    assert built.hyper == made.hyper
    params_a, params_b = [np.ones(3)], [np.ones(3)]
    for _ in range(3):
        built.step(params_a, [np.array([1.0, -2.0, 0.5])])
        made.step(params_b, [np.array([1.0, -2.0, 0.5])])
    np.testing.assert_array_equal(params_a[0], params_b[0])


def test_spec_rejects_lr_inside_hyper_and_unknown_names():
    with pytest.raises(ValueError, match="learning rate as lr"):
        OptimizerSpec("sgd", 0.1, (("lr", 0.2),)).build()
    with pytest.raises(ValueError, match="unknown"):
        OptimizerSpec.of("sgd", 0.1, momentun=0.9).build()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_has_a_label_and_a_rule_from_its_docstring(name):
    cls = OPTIMIZERS[name]
    assert cls.label and OptimizerSpec(name).label == cls.label
    rule = update_rule(name)
    assert r"\theta \leftarrow" in rule
    assert rule.replace(" ", "") in cls.__doc__.replace("\n", "").replace(" ", "")
