"""core.initializers: every initialiser has one display label, and draws what its name says."""

import numpy as np
import pytest

from core.initializers import INIT_LABELS, INITIALIZERS, initialize


def test_every_initialiser_has_a_label_and_every_label_an_initialiser():
    assert set(INIT_LABELS) == set(INITIALIZERS)
    assert all(label.strip() for label in INIT_LABELS.values())
    assert len(set(INIT_LABELS.values())) == len(INIT_LABELS)


@pytest.mark.parametrize(
    ("name", "std"),
    [
        ("xavier", np.sqrt(2.0 / (200 + 300))),  # U(-a, a) has std a / sqrt(3)
        ("xavier_normal", np.sqrt(2.0 / (200 + 300))),
        ("he", np.sqrt(2.0 / 200)),
        ("he_uniform", np.sqrt(2.0 / 200)),
        ("random", 0.01),
    ],
)
def test_the_spread_matches_the_label(name, std):
    W = initialize(name, 200, 300, rng=0)
    assert W.shape == (200, 300)
    assert W.std() == pytest.approx(std, rel=0.02)
    assert initialize("zeros", 3, 2).tolist() == [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
