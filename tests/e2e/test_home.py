"""The app in a real browser: home page, sidebar navigation, every page from the sidebar."""

import re
from urllib.parse import parse_qsl, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    NAV_LINKS,
    assert_no_dialog,
    assert_no_exception,
    open_app,
    screenshot,
    wait_for_app,
    wait_for_plotly,
)
from ui.home import PLAYGROUNDS, TITLE

PLAYGROUND_IDS = [playground.url_path for playground in PLAYGROUNDS]


def test_home_renders(page, app_url):
    open_app(page, app_url)
    expect(page).to_have_title(TITLE)
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.get_by_text("How to read the charts")).to_be_visible()
    assert_no_exception(page)
    assert screenshot(page, "home").stat().st_size > 0


def test_sidebar_lists_home_and_every_page_with_labels(page, app_url):
    open_app(page, app_url)
    # Streamlit's own file-name navigation is hidden; ours has the proper labels.
    expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
    titles = ["Home", *(playground.title for playground in PLAYGROUNDS)]
    # A link's text starts with its Material icon's name, e.g. "homeHome".
    expect(page.locator(NAV_LINKS)).to_have_text(
        [re.compile(re.escape(title) + "$") for title in titles]
    )
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("About")


def test_no_request_leaves_the_server(page, app_url):
    """The favicon and fonts come from this server, not a CDN (a classroom may be offline)."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_app(page, app_url, PLAYGROUNDS[0].url_path)
    page.wait_for_load_state("networkidle")
    outside = [
        url
        for url in requests
        if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
    ]
    assert not outside, outside
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first
    assert icon.get_attribute("href").startswith(("./", "/", "http://127.0.0.1", "media"))


@pytest.mark.parametrize("playground", PLAYGROUNDS, ids=PLAYGROUND_IDS)
def test_page_opens_from_the_sidebar(page, app_url, playground):
    open_app(page, app_url)
    page.locator(NAV_LINKS).filter(has_text=re.compile(re.escape(playground.title) + "$")).click()
    # pages write their settings into the query string, so match the path only
    page.wait_for_url(re.compile(rf"/{re.escape(playground.url_path)}/?(\?|$)"))
    wait_for_app(page)
    assert_no_exception(page)
    assert_no_dialog(page)
    expect(page).to_have_title(re.compile(re.escape(playground.title)))


def test_presenter_mode_for_a_projector_keeps_the_link(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        open_app(page, app_url, "perceptron?present=1")
        wait_for_plotly(page)
        assert_no_exception(page)
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        main = page.locator('[data-testid="stMainBlockContainer"]')
        assert main.bounding_box()["width"] > 1250  # the whole projector width
        size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
        assert float(size.rstrip("px")) >= 19
        screenshot(page, "presenter_perceptron_1366")
        settings = {k: v for k, v in parse_qsl(urlparse(page.url).query) if k != "present"}

        page.get_by_role("button", name="Leave presenter mode").click()
        expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
        page.wait_for_url(lambda url: "present=" not in url)
        wait_for_app(page)
        left = dict(parse_qsl(urlparse(page.url).query))
        assert {k: left.get(k) for k in settings} == settings

        page.locator('[data-testid="stSidebar"]').get_by_role(
            "button", name="Presenter mode"
        ).click()
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        page.wait_for_url(lambda url: "present=1" in url)
    finally:
        context.close()
