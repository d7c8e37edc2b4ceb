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
    folders = [layer for layer in OURS if layer not in ("app", "cli")]
    assert all((ROOT / layer).is_dir() for layer in folders), folders
    assert (ROOT / "app.py").is_file() and (ROOT / "cli.py").is_file()
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages <= {"core", "lessons", "yieldmodel", "viz", "ui", "tests"}, packages


# A page reads top to bottom in a few minutes; a module is one concept; a function fits on
# a screen (its docstring not counted). The numbers carry a little slack over the
# house rules of about 250, 400 and 60 lines.
PAGE_LINES, MODULE_LINES, FUNCTION_LINES = 260, 420, 60
APP_LAYERS = ("core", "lessons", "yieldmodel", "viz", "ui", "pages", "app", "cli", "deploy")


def _code_lines(function: ast.FunctionDef) -> int:
    first = function.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(
        getattr(first, "value", None), ast.Constant
    )
    doc = first.end_lineno - first.lineno + 1 if has_doc else 0
    return function.end_lineno - function.lineno + 1 - doc


@pytest.mark.parametrize("path", _sources(*APP_LAYERS), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_modules_and_functions_stay_readable(path):
    source = path.read_text(encoding="utf-8")
    limit = PAGE_LINES if _layer(path) == "pages" else MODULE_LINES
    assert len(source.splitlines()) <= limit
    long = [
        f"{node.name} ({_code_lines(node)} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and _code_lines(node) > FUNCTION_LINES
    ]
    assert not long, long
