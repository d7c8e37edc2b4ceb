"""The house plan, enforced: imports only point down the layers, and modules stay readable.

    core  <-  lessons, yieldmodel  <-  viz  <-  ui  <-  pages/, app.py, cli.py
    (bench/ and deploy/ are tools around the app; tests/ may import anything)

Imports are read from the source with ``ast`` (function-level imports included), so a
late ``from yieldmodel import ...`` inside a function is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = (
    "core",
    "lessons",
    "yieldmodel",
    "viz",
    "ui",
    "pages",
    "app",
    "cli",
    "tests",
    "bench",
    "deploy",
)

# What each layer may import from our own code (besides itself).
ALLOWED = {
    "core": set(),
    "lessons": {"core"},
    "yieldmodel": {"core"},
    "viz": {"core", "lessons", "yieldmodel"},
    "ui": {"core", "lessons", "yieldmodel", "viz"},
    "pages": {"core", "lessons", "yieldmodel", "viz", "ui"},
    "app": {"ui"},
    "cli": {"core", "yieldmodel"},
    "bench": {"core", "lessons", "yieldmodel", "viz", "ui", "deploy"},
    "deploy": set(),  # starts processes; never imports the app
}
# Streamlit belongs to ui/ and the scripts on top; Plotly to viz/ and above.
FORBIDDEN_LIBRARIES = {
    "core": {"streamlit", "plotly", "pandas"},
    "lessons": {"streamlit", "plotly"},
    "yieldmodel": {"streamlit", "plotly"},
    "viz": {"streamlit"},
}


def _layer(path: Path) -> str:
    relative = path.relative_to(ROOT)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _sources(*layers: str) -> list[Path]:
    files = []
    for layer in layers:
        target = ROOT / layer
        files += sorted(target.rglob("*.py")) if target.is_dir() else [ROOT / f"{layer}.py"]
    return files


def imported_top_names(path: Path) -> set[str]:
    """First component of every module ``path`` imports (relative imports as its own layer)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add(_layer(path))
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path",
    _sources(*ALLOWED),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_imports_point_down_the_layers(path):
    layer = _layer(path)
    ours = imported_top_names(path) & set(OURS)
    wrong = ours - ALLOWED[layer] - {layer}
    assert not wrong, f"{layer}/ may import only {sorted(ALLOWED[layer])}, found {sorted(wrong)}"
    libraries = imported_top_names(path) & FORBIDDEN_LIBRARIES.get(layer, set())
    assert not libraries, f"{layer}/ must not import {sorted(libraries)}"


def test_the_checker_sees_late_and_relative_imports(tmp_path, monkeypatch):
    module = ROOT / "lessons" / "probe_for_test.py"
    source = "def f():\n    from yieldmodel import seed_data\n    from . import datasets\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert imported_top_names(module) == {"yieldmodel", "lessons"}


def test_every_layer_exists_and_no_stray_top_level_package():
    for layer in (
        "core",
        "lessons",
        "yieldmodel",
        "viz",
        "ui",
        "pages",
        "bench",
        "deploy",
        "tests",
    ):
        assert (ROOT / layer).is_dir(), layer
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages <= {"core", "lessons", "yieldmodel", "viz", "ui", "tests"}, packages
