"""The race page's prose: every optimizer explained, in the symbols of its update rule."""

from core import optimizers
from lessons.race import notes


def test_every_optimizer_has_its_behaviour_in_its_rules_symbols():
    assert set(notes.BEHAVIOUR) == set(optimizers.OPTIMIZERS)
    # Each text names the state of its rule: v for momentum, b for Nesterov's buffer, ...
    for name, symbol in {"momentum": "$v$", "nesterov": "$b$", "rmsprop": "$s$"}.items():
        assert symbol in notes.BEHAVIOUR[name]
        assert symbol.strip("$") in optimizers.update_rule(name)


def test_messages_name_what_happened():
    assert notes.diverged_on_surface("SGD", 7).startswith("**SGD diverged at step 7**")
    assert "loss is not finite" in notes.diverged_in_network("Adam", "loss is not finite")
    assert notes.choose_optimizers("run the race").endswith("to run the race.")
    assert "log_{10}" in notes.height_caption(True) and "log" not in notes.height_caption(False)
