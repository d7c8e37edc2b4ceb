"""The backprop trainer in chromium: cold open, Play trains live, Pause stops, zoom survives.

Every wait is on a condition (a metric's text, chart data in the page), never a fixed sleep.
"""

from __future__ import annotations

import re

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
LIVE_CHARTS = ("network", "decision", "loss")
PLAY_TIMEOUT_MS = 90_000
STILL_MS = 2_000

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
READ_EPOCH = f"() => parseInt((({READ_METRIC})('Epoch') || '').replace(/,/g, ''))"
# True once the epoch has not changed for STILL_MS milliseconds (state kept on window).
EPOCH_STILL = f"""
ms => {{
  const epoch = ({READ_EPOCH})();
  const now = performance.now();
  if (window.nnEpochSeen !== epoch) {{
    window.nnEpochSeen = epoch;
    window.nnEpochSince = now;
  }}
  return now - window.nnEpochSince >= ms;
}}
"""
# What the browser drew: line segments of the network, rows of the decision map.
DRAWN = """
() => {
  const network = document.querySelector('.nn-chart-network');
  const decision = document.querySelector('.nn-chart-decision');
  if (!network || !network.data || !decision || !decision.data) return null;
  const lines = network.data.filter(trace => trace.mode === 'lines');
  const hover = network.data.find(trace => trace.name === 'weights');
  return {
    lineTraces: lines.length,
    segments: lines.reduce((total, trace) => total + trace.x.length / 3, 0),
    weights: Array.from(hover.customdata),
    colours: lines.flatMap(trace => Array(trace.x.length / 3).fill(trace.line.color)),
    decisionRows: decision.data[0].z.length,
    decisionColumns: decision.data[0].z[0].length,
  };
}
"""


def metric(page: Page, label: str) -> str:
    return page.evaluate(READ_METRIC, label)


def epoch(page: Page) -> int:
    return page.evaluate(READ_EPOCH)


def wait_for_live_charts(page: Page) -> None:
    for name in LIVE_CHARTS:
        page.locator(f".st-key-bp_live_charts .nn-chart-{name} .main-svg").first.wait_for(
            timeout=PLAY_TIMEOUT_MS
        )


def wait_for_epoch_at_least(page: Page, epochs: int) -> None:
    page.wait_for_function(f"n => ({READ_EPOCH})() >= n", arg=epochs, timeout=PLAY_TIMEOUT_MS)


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
    wait_for_epoch_at_least(page, 1)
    page.wait_for_function(f"() => ({READ_METRIC})('Test loss') !== '—'", timeout=PLAY_TIMEOUT_MS)
    first_loss = float(metric(page, "Test loss"))
    wait_for_epoch_at_least(page, 150)
    screenshot(page, "backprop_playing")  # mid-play: look for blank or faded charts
    for name in LIVE_CHARTS:
        chart = page.locator(f".st-key-bp_live_charts .nn-chart-{name}")
        expect(chart.locator(".main-svg").first).to_be_visible()
    later_loss = float(metric(page, "Test loss"))
    assert later_loss < first_loss, (first_loss, later_loss)

    pause.click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=PLAY_TIMEOUT_MS)
    wait_for_app(page)
    # a frame already on its way when Pause was clicked may still land; then nothing moves
    page.wait_for_function(EPOCH_STILL, arg=STILL_MS, timeout=PLAY_TIMEOUT_MS)
    stopped_at = epoch(page)
    assert stopped_at >= 150
    assert_no_exception(page)
    screenshot(page, "backprop")


def test_the_browser_draws_every_weight_and_the_whole_map(page, app_url):
    open_app(page, app_url, URL_PATH)
    wait_for_live_charts(page)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(f"() => ({READ_EPOCH})() === 1", timeout=PLAY_TIMEOUT_MS)
    page.wait_for_function(f"() => ({DRAWN})() !== null", timeout=PLAY_TIMEOUT_MS)
    drawn = page.evaluate(DRAWN)
    # 2 -> 4 -> 2 -> 1: 18 weights, each one segment in the trace of its sign and width
    assert drawn["lineTraces"] == 10 and drawn["segments"] == 18
    assert len(drawn["weights"]) == 18
    assert sorted(c for c in drawn["colours"]) == sorted(
        "#F59322" if w < 0 else "#0877BD" for w in drawn["weights"]
    )
    assert (drawn["decisionRows"], drawn["decisionColumns"]) == (100, 100)


def test_zoom_survives_live_refreshes(page, app_url):
    open_app(page, app_url, URL_PATH)
    assert_no_dialog(page)
    wait_for_live_charts(page)
    decision = ".st-key-bp_live_charts .nn-chart-decision"
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
    wait_for_epoch_at_least(page, epoch(page) + 40)
    after = page.evaluate(read_range)
    page.get_by_role("button", name="Pause").click()
    assert after == zoomed


def test_opens_from_the_sidebar_with_its_charts(page, app_url):
    open_app(page, app_url)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Backprop Trainer").click()
    page.wait_for_url(re.compile(f"/{URL_PATH}"))
    wait_for_app(page)
    wait_for_plotly(page, len(LIVE_CHARTS))
    wait_for_live_charts(page)
    assert_no_exception(page)


def test_weights_download_and_reload(page, app_url, tmp_path):
    open_app(page, app_url, URL_PATH)
    assert_no_dialog(page)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(f"() => ({READ_EPOCH})() === 1", timeout=PLAY_TIMEOUT_MS)
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
