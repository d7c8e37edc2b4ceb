"""Helpers for browser tests of the Streamlit app (import them in any e2e test file).

from tests.e2e.helpers import open_app, screenshot, assert_no_exception
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
# Generous: the first run of a page after the server starts imports and trains.
APP_TIMEOUT_MS = 60_000

_APP = '[data-testid="stApp"]'


def wait_for_app(page: Page, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until Streamlit is connected and the script has finished its run.

    Streamlit marks its root element with ``data-test-connection-state`` and
    ``data-test-script-state``; the latter is ``initial`` before the first run
    starts, ``running`` during it and ``notRunning`` after it.
    """
    page.wait_for_selector(
        f'{_APP}[data-test-connection-state="CONNECTED"]', state="attached", timeout=timeout_ms
    )
    page.wait_for_selector(
        f'{_APP}[data-test-script-state="notRunning"]', state="attached", timeout=timeout_ms
    )
    expect(page.locator('[data-testid="stMain"]')).to_be_visible(timeout=timeout_ms)


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


def wait_for_plotly(page: Page, min_count: int = 1, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until at least ``min_count`` Plotly charts have drawn."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(chart => chart.querySelector('.main-svg')).length >= n",
        arg=min_count,
        timeout=timeout_ms,
    )


def screenshot(page: Page, name: str) -> Path:
    """Save the current viewport as ``tests/e2e/screenshots/<name>.png`` and return the path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path))
    return path
