"""Fixtures of the yield model tests: the seed's table and one quick training run on it."""

import pytest

from yieldmodel import seed_data
from yieldmodel.architecture import Architecture
from yieldmodel.training import train_pipeline

#: A small, fast network: 20 -> 16 -> 1 for 8 epochs.
FAST = Architecture(hidden=(16,), epochs=8)


@pytest.fixture(scope="session")
def table():
    """1,000 dies of the seed's generated data."""
    return seed_data.semiconductor(1000, rng=42)


@pytest.fixture(scope="session")
def run(table):
    """:data:`FAST` trained on :func:`table` (seed 0)."""
    return train_pipeline(table, "fail", FAST, rng=0)
