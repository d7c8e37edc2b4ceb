"""Browser-test fixtures: one `streamlit run app.py` server and Debian's chromium per session.

Fixtures: ``app_url`` (base URL of the running app), ``browser`` (a Playwright
chromium Browser) and ``page`` (a fresh Page per test, 1280x800). Helpers such as
``open_app`` and ``screenshot`` live in ``tests/e2e/helpers.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.harness import CHROMIUM, CHROMIUM_ARGS, AppServer, ServerError

VIEWPORT = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``e2e`` so ``-m "not e2e"`` leaves them out."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def start_server(tmp_path_factory: pytest.TempPathFactory) -> AppServer:
    """A fresh `streamlit run app.py` on a free local port (its log in a temp folder)."""
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        return AppServer(log_path=log_path).start()
    except ServerError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The server shared by the browser tests of one session."""
    server = start_server(tmp_path_factory)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_url(app_server: AppServer) -> str:
    """Base URL of the shared server, e.g. ``http://127.0.0.1:40123``."""
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (its own browser download is never used)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/test.sh`, which installs Debian's "
            "chromium for the browser tests."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser page (own cookies and storage) per test; ``app_url`` is already up."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()
