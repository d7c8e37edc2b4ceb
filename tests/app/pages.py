"""Shared AppTest helpers: open a page as a visitor does, through app.py then the page."""

from __future__ import annotations

import ast
import itertools

from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from ui.home import APP_ROOT

APP_PATH = str(APP_ROOT / "app.py")
RUN_TIMEOUT = 60


def open_page(script: str, query: dict | None = None) -> AppTest:
    """Run app.py with ``query`` in the URL, then switch to the page ``script``."""
    at = AppTest.from_file(APP_PATH, default_timeout=RUN_TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(script).run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    """Fail with the exception texts if the page raised."""
    assert not at.exception, [exception.value for exception in at.exception]


def page_schema(script: str):
    """A page's SCHEMA, from running its imports and constants (all before page_frame)."""
    body = ast.parse((APP_ROOT / script).read_text(encoding="utf-8")).body[1:]
    head = list(itertools.takewhile(lambda node: not isinstance(node, ast.Expr), body))
    namespace = {}
    exec(compile(ast.Module(head, []), script, "exec"), namespace)
    return namespace["SCHEMA"]


def garbage_queries(schema, samples):
    """Query dicts with the schema's keys (and others) holding any text or ``samples``."""
    return st.dictionaries(
        st.sampled_from(list(schema.defaults)) | st.text(max_size=8),
        st.text(max_size=40) | st.sampled_from(samples),
        max_size=12,
    )


def repaired_state(schema, query) -> dict:
    """The state a query opens: whatever came in, it is valid and round-trips without a note."""
    state, notes = schema.parse(query)
    assert schema.parse(schema.encode(state)) == (state, [])
    assert all(isinstance(note, str) and note for note in notes)
    return state
