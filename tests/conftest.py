"""Fixtures and settings shared by every test folder."""

import json
from pathlib import Path

import pytest
from hypothesis import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PATH = REPO_ROOT / "tests" / "data" / "reference.json"

# Property tests check values, never speed: a per-example deadline would only make
# them flaky on a busy 2-core machine.
settings.register_profile("project", deadline=None, print_blob=True)
settings.load_profile("project")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Absolute path of the repository (where app.py lives)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def reference() -> dict:
    """The PyTorch float64 reference numbers (tests/data/reference.json)."""
    with REFERENCE_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)
