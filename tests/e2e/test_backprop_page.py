"""The backprop trainer in chromium: cold open, Play trains live, Pause stops, zoom survives."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    assert_no_dialog,
    assert_no_exception,
    open_app,
    screenshot,
    wait_for_app,
    wait_for_plotly,
)

URL_PATH = "backprop"
LIVE_CHARTS = ("bp_network_chart", "bp_decision_chart", "bp_loss_chart")
PLAY_TIMEOUT_MS = 90_000

READ_METRIC = """
label => {
  for (const metric of document.querySelectorAll('[data-testid="stMetric"]')) {
    const name = metric.querySelector('[data-testid="stMetricLabel"]');
    if (name && name.innerText.trim() === label) {
      return metric.querySelector('[data-testid="stMetricValue"]').innerText.trim();
    }
  }
  return null;
}
"""


def metric(page: Page, label: str) -> str:
    return page.evaluate(READ_METRIC, label)


def epoch(page: Page) -> int:
    return int(metric(page, "Epoch").replace(",", ""))


def wait_for_live_charts(page: Page) -> None:
    for key in LIVE_CHARTS:
        page.locator(f".st-key-{key} .js-plotly-plot .main-svg").first.wait_for(
            timeout=PLAY_TIMEOUT_MS
        )


def test_play_trains_live_and_pause_stops(page, app_url):
    open_app(page, app_url, URL_PATH)
    assert_no_dialog(page)
    assert_no_exception(page)
    expect(page.locator("h1").first).to_contain_text("Backprop Trainer")
    wait_for_live_charts(page)
    assert epoch(page) == 0
    screenshot(page, "backprop_cold")

    page.get_by_role("button", name="Play").click()
    pause = page.get_by_role("button", name="Pause")
    expect(pause).to_be_visible(timeout=PLAY_TIMEOUT_MS)
    page.wait_for_function(f"() => ({READ_METRIC})('Epoch') !== '0'", timeout=PLAY_TIMEOUT_MS)
    first_loss = float(metric(page, "Test loss"))
    page.wait_for_function(
        f"() => parseInt(({READ_METRIC})('Epoch').replace(/,/g, '')) >= 150",
        timeout=PLAY_TIMEOUT_MS,
    )
    screenshot(page, "backprop_playing")  # mid-play: look for blank or faded charts
    for key in LIVE_CHARTS:
        chart = page.locator(f".st-key-{key}")
        expect(chart.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    later_loss = float(metric(page, "Test loss"))
    assert later_loss < first_loss, (first_loss, later_loss)

    pause.click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=PLAY_TIMEOUT_MS)
    wait_for_app(page)
    time.sleep(0.5)  # a frame already on its way when Pause was clicked may still land
    stopped_at = epoch(page)
    time.sleep(2.0)
    assert epoch(page) == stopped_at
    assert_no_exception(page)
    screenshot(page, "backprop")


def test_zoom_survives_live_refreshes(page, app_url):
    open_app(page, app_url, URL_PATH)
    assert_no_dialog(page)
    wait_for_live_charts(page)
    decision = ".st-key-bp_decision_chart .js-plotly-plot"
    box = page.locator(f"{decision} .nsewdrag").first.bounding_box()
    # box-zoom with the mouse, as a student would
    page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.3 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.6 * box["height"], steps=8)
    page.mouse.up()
    read_range = f"() => document.querySelector('{decision}')._fullLayout.xaxis.range"
    page.wait_for_function(f"() => ({read_range})()[1] - ({read_range})()[0] < 8")
    zoomed = page.evaluate(read_range)

    page.get_by_role("button", name="Play").click()
    start = epoch(page)
    page.wait_for_function(
        f"n => parseInt(({READ_METRIC})('Epoch').replace(/,/g, '')) >= n",
        arg=start + 40,
        timeout=PLAY_TIMEOUT_MS,
    )
    after = page.evaluate(read_range)
    page.get_by_role("button", name="Pause").click()
    assert after == zoomed


def test_opens_from_the_sidebar_with_its_charts(page, app_url):
    open_app(page, app_url)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Backprop Trainer"
    ).click()
    page.wait_for_url(re.compile(f"/{URL_PATH}"))
    wait_for_app(page)
    wait_for_plotly(page, len(LIVE_CHARTS))
    wait_for_live_charts(page)
    assert_no_exception(page)


def test_weights_download_and_reload(page, app_url, tmp_path):
    open_app(page, app_url, URL_PATH)
    assert_no_dialog(page)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(f"() => ({READ_METRIC})('Epoch') === '1'", timeout=PLAY_TIMEOUT_MS)
    page.get_by_text("Export the weights, share the setup").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Weights (JSON)").click()
    saved = tmp_path / "weights.json"
    download_info.value.save_as(saved)
    assert '"format": "nn-playground-weights"' in saved.read_text()

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(saved))
    page.get_by_role("button", name="Use these weights").click()
    expect(page.get_by_text("Weights loaded")).to_be_visible(timeout=PLAY_TIMEOUT_MS)
    assert epoch(page) == 0  # training restarts its count from the loaded weights
    assert_no_exception(page)
