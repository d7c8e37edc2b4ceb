"""core.activations: every activation carries one display label, used by every page."""

from core.activations import ACTIVATIONS, get


def test_every_activation_has_its_own_label():
    labels = {name: cls.label for name, cls in ACTIVATIONS.items()}
    assert labels == {
        "sigmoid": "sigmoid",
        "tanh": "tanh",
        "relu": "ReLU",
        "leaky_relu": "Leaky ReLU",
        "elu": "ELU",
        "swish": "swish (SiLU)",
        "gelu": "GELU",
        "softplus": "softplus",
        "linear": "linear",
    }
    assert len(set(labels.values())) == len(labels)


def test_instances_share_the_label_of_their_class():
    assert get("leaky_relu", alpha=0.2).label == "Leaky ReLU"
