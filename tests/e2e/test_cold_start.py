"""A fresh server, hit the way a class hits it: every page URL as the very first request.

Two things went wrong here before: a ``pages/`` folder combined with ``st.navigation``
made Streamlit show "Page not found" when a page URL was the first request to a new
server, and thirty sessions importing pandas/plotly in parallel script threads saw
half-initialised modules. Each test starts its own server so that it really is cold.
"""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from bench.protocol import Session
from tests.e2e.conftest import start_server
from tests.e2e.helpers import assert_no_dialog, assert_no_exception, open_app, screenshot
from ui.home import PLAYGROUNDS, TITLE

STAMPEDE_SESSIONS = 30


@pytest.mark.parametrize("playground", PLAYGROUNDS, ids=[p.url_path for p in PLAYGROUNDS])
def test_a_page_url_as_the_first_request_to_a_fresh_server(browser, tmp_path_factory, playground):
    server = start_server(tmp_path_factory)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        open_app(page, server.url, playground.url_path)
        assert_no_exception(page)
        assert_no_dialog(page)  # Streamlit's "Page not found" is a dialog
        assert urlparse(page.url).path.rstrip("/").endswith(f"/{playground.url_path}")
        expect(page).to_have_title(re.compile(re.escape(playground.title)))
        expect(page.locator("h1").first).not_to_contain_text(TITLE)
        screenshot(page, f"cold_{playground.url_path}")
    finally:
        context.close()
        server.stop()


async def _stampede(ws_url: str, pages: list[str]) -> list[str]:
    """STAMPEDE_SESSIONS sessions, each opening one page, all at the same instant."""

    async def one(k: int) -> list[str]:
        async with Session(ws_url) as session:
            run = await session.run(pages[k % len(pages)])
            problems = list(run.exceptions)
            if run.page_not_found:
                problems.append(f"page not found: /{pages[k % len(pages)]}")
            return problems

    results = await asyncio.gather(*(one(k) for k in range(STAMPEDE_SESSIONS)))
    return [problem for problems in results for problem in problems]


def test_thirty_sessions_on_every_page_at_once_on_a_fresh_server(tmp_path_factory):
    server = start_server(tmp_path_factory)
    try:
        pages = ["", *(playground.url_path for playground in PLAYGROUNDS)]
        # Playwright's sync API keeps an event loop on this thread: run ours on another.
        with ThreadPoolExecutor(max_workers=1) as pool:
            problems = pool.submit(asyncio.run, _stampede(server.ws_url, pages)).result()
    finally:
        server.stop()
    assert problems == []
