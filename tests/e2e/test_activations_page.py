"""The Activations page in chromium: cold start, sidebar link, charts, links, the benchmark.

No fixed sleeps: every wait is on a condition (a text, a chart, a chart's parts).
"""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    APP_TIMEOUT_MS,
    NAV_LINKS,
    assert_no_dialog,
    assert_no_exception,
    open_app,
    screenshot,
    wait_for_app,
    wait_for_plotly,
)

URL_PATH = "activations"
CHARTS_ON_LOAD = 3  # compare, detail, vanishing gradients
LINK_NOTE = "Some settings in this link could not be used"


def open_activations(page: Page, app_url: str, query: str = "") -> None:
    open_app(page, app_url, URL_PATH + query)
    shows_the_page(page)


def shows_the_page(page: Page) -> None:
    assert_no_dialog(page)
    expect(page.locator("h1").first).to_have_text("Activations")
    wait_for_plotly(page, CHARTS_ON_LOAD)
    assert_no_exception(page)


def legend(page: Page, index: int):
    return page.locator(".js-plotly-plot").nth(index).locator(".legend .legendtext")


def test_opens_cold_at_its_url(page, app_url):
    open_activations(page, app_url)
    assert page.url.split("?")[0].rstrip("/").endswith(f"/{URL_PATH}")
    expect(page).to_have_title(re.compile("Activations"))
    page.wait_for_url(re.compile(r"act=sigmoid%2Ctanh%2Crelu|act=sigmoid,tanh,relu"))
    table = page.locator('[data-testid="stDataFrame"]')
    expect(table).to_be_visible()
    assert screenshot(page, "activations").stat().st_size > 0


def test_opens_from_the_sidebar(page, app_url):
    open_app(page, app_url)
    page.locator(NAV_LINKS).filter(has_text=re.compile("Activations$")).click()
    page.wait_for_url(re.compile(rf"/{URL_PATH}/?(\?|$)"))
    wait_for_app(page)
    shows_the_page(page)


def test_curves_show_every_selected_activation_by_its_label(page, app_url):
    open_activations(page, app_url, "?act=sigmoid,relu,gelu")
    # The legends name each activation as the sidebar's controls do.
    expect(legend(page, 0)).to_have_text(["sigmoid", "ReLU", "GELU"])
    expect(legend(page, 2)).to_have_text(["sigmoid", "ReLU", "GELU"])
    detail = page.locator(".js-plotly-plot").nth(1)
    expect(detail.locator(".shapelayer path, .layer-below path").first).to_be_attached()
    heading = page.get_by_text("Saturation: where the gradient dies")
    heading.scroll_into_view_if_needed()
    expect(heading).to_be_in_viewport()
    screenshot(page, "activations_saturation")


def test_a_link_in_any_case_and_a_garbage_link(page, app_url):
    open_activations(page, app_url, "?act=RELU,Leaky_ReLU&xrange=-3,3")
    expect(legend(page, 0)).to_have_text(["ReLU", "Leaky ReLU"])
    expect(page.get_by_text(LINK_NOTE)).to_have_count(0)
    open_activations(page, app_url, "?act=bogus&xrange=5,-5&threshold=abc")
    note = page.locator('[data-testid="stAlert"]').filter(has_text=LINK_NOTE)
    expect(note).to_be_visible()
    expect(note).to_contain_text("xrange=5,-5 ignored")
    expect(legend(page, 0)).to_have_text(["sigmoid", "tanh", "ReLU"])


def test_speed_benchmark_draws_a_bar_per_activation(page, app_url):
    open_activations(page, app_url, "?act=sigmoid,relu&reps=1")
    button = page.get_by_role("button", name=re.compile(r"Time forward\(\) on 1,000,000 values"))
    button.scroll_into_view_if_needed()
    button.click()
    wait_for_plotly(page, CHARTS_ON_LOAD + 1, timeout_ms=APP_TIMEOUT_MS)
    wait_for_app(page)
    assert_no_exception(page)
    speed = page.locator(".js-plotly-plot").nth(CHARTS_ON_LOAD)
    expect(speed.locator(".bars .point")).to_have_count(2)
    expect(speed.locator(".bartext").first).to_contain_text("ms")
    expect(speed.locator(".xtick text")).to_have_text(["sigmoid", "ReLU"])
    speed.scroll_into_view_if_needed()
    expect(speed).to_be_in_viewport()
    screenshot(page, "activations_speed")
