"""Helpers for browser tests of the Streamlit app (import them in any e2e test file).

from tests.e2e.helpers import open_app, screenshot, assert_no_exception
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from bench.harness import APP_TIMEOUT_MS, wait_for_app, wait_for_plotly

__all__ = [
    "APP_TIMEOUT_MS",
    "NAV_LINKS",
    "assert_no_dialog",
    "assert_no_exception",
    "open_app",
    "screenshot",
    "wait_for_app",
    "wait_for_plotly",
]

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
# The labelled page links ui.frame draws at the top of the sidebar.
NAV_LINKS = '[data-testid="stSidebar"] [data-testid="stPageLink"] a'


def open_app(page: Page, base_url: str, url_path: str = "") -> None:
    """Open ``base_url/url_path`` cold and wait for the script run to finish."""
    page.goto(f"{base_url}/{url_path}", wait_until="domcontentloaded")
    wait_for_app(page)


def assert_no_exception(page: Page) -> None:
    """Fail with the shown traceback text if the page displays a Python exception."""
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        raise AssertionError(f"The app shows an exception:\n{exceptions.first.inner_text()}")


def assert_no_dialog(page: Page) -> None:
    """Fail if a modal dialog (such as Streamlit's "Page not found") covers the page."""
    dialogs = page.locator('[role="dialog"]')
    if dialogs.count():
        raise AssertionError(f"A dialog covers the page:\n{dialogs.first.inner_text()}")


def screenshot(page: Page, name: str) -> Path:
    """Save the current viewport as ``tests/e2e/screenshots/<name>.png`` and return the path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path))
    return path
