"""Shared AppTest helpers: open a page as a visitor does, through app.py then the page."""

from __future__ import annotations

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
