"""The app in a real browser: home page, sidebar navigation, every page opened cold."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    assert_no_dialog,
    assert_no_exception,
    open_app,
    screenshot,
    wait_for_app,
)
from ui.home import TITLE, existing_playgrounds

PLAYGROUNDS = existing_playgrounds()
PLAYGROUND_IDS = [playground.url_path for playground in PLAYGROUNDS]


def test_home_renders(page, app_url):
    open_app(page, app_url)
    expect(page).to_have_title(TITLE)
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.get_by_text("How to read the charts")).to_be_visible()
    assert_no_exception(page)
    assert screenshot(page, "home").stat().st_size > 0


def test_sidebar_lists_home_and_every_page(page, app_url):
    open_app(page, app_url)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("About")
    navigation = page.locator('[data-testid="stSidebarNav"]')
    if not PLAYGROUNDS:
        # Streamlit hides the page list while the app has a single page.
        expect(navigation).to_have_count(0)
        return
    titles = ["Home", *(playground.title for playground in PLAYGROUNDS)]
    # A link's text starts with its Material icon's name, e.g. "homeHome".
    expect(navigation.get_by_role("link")).to_have_text(
        [re.compile(re.escape(title) + "$") for title in titles]
    )


@pytest.mark.parametrize("playground", PLAYGROUNDS, ids=PLAYGROUND_IDS)
def test_page_opens_cold_at_its_url(page, app_url, playground):
    open_app(page, app_url, playground.url_path)
    assert_no_exception(page)
    assert_no_dialog(page)  # e.g. Streamlit's "Page not found" on a server's first run
    assert urlparse(page.url).path.rstrip("/").endswith(f"/{playground.url_path}")
    expect(page).to_have_title(re.compile(re.escape(playground.title)))
    expect(page.locator("h1").first).not_to_contain_text(TITLE)
    screenshot(page, f"cold_{playground.url_path}")


@pytest.mark.parametrize("playground", PLAYGROUNDS, ids=PLAYGROUND_IDS)
def test_page_opens_from_the_sidebar(page, app_url, playground):
    open_app(page, app_url)
    navigation = page.locator('[data-testid="stSidebarNav"]')
    navigation.get_by_role("link", name=playground.title).click()
    # pages write their settings into the query string, so match the path only
    page.wait_for_url(re.compile(rf"/{re.escape(playground.url_path)}/?(\?|$)"))
    wait_for_app(page)
    assert_no_exception(page)
    expect(page).to_have_title(re.compile(re.escape(playground.title)))
