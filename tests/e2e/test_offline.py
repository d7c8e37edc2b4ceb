"""Offline and private: a full visit never asks anything of a machine other than the server.

A classroom may have no Internet, and students' browsing is nobody else's business: every
request chromium makes during a visit of every page, Play, an upload and a download goes to
the app's own address, and the server is configured not to send usage statistics.
"""

from __future__ import annotations

import tomllib
from urllib.parse import urlparse

from playwright.sync_api import expect

from bench.harness import ROOT
from tests.e2e.flows import DATA, play_until, score_and_download, train_yield_model
from tests.e2e.helpers import assert_no_exception, open_app
from ui.home import PLAYGROUNDS

LOCAL_SCHEMES = {"data", "blob", "about", "chrome-extension"}


def test_usage_statistics_are_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False


def test_a_full_visit_stays_on_this_machine(browser, app_url, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    context.on("websocket", lambda socket: requests.append(socket.url))
    try:
        page = context.new_page()
        for path in ["", *(playground.url_path for playground in PLAYGROUNDS)]:
            open_app(page, app_url, path)
            assert_no_exception(page)
        play_until(page, app_url, epochs=10)
        page.get_by_role("button", name="Pause").click()
        expect(page.get_by_role("button", name="Play")).to_be_visible()
        train_yield_model(page, app_url)
        scored = score_and_download(page, DATA / "yield_good.csv", tmp_path / "scored.csv")
        assert len(scored) > 0
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    server = urlparse(app_url)
    elsewhere = [
        url
        for url in requests
        if urlparse(url).scheme not in LOCAL_SCHEMES
        and (urlparse(url).hostname, urlparse(url).port) != (server.hostname, server.port)
    ]
    assert len(requests) > 20  # the visit really happened
    assert elsewhere == []
