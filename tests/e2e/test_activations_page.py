"""The Activations page in chromium: cold start, sidebar link, charts, the speed benchmark."""

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

URL_PATH = "activations"
CHARTS_ON_LOAD = 3  # compare, detail, vanishing gradients


def open_activations(page: Page, app_url: str, query: str = "") -> None:
    open_app(page, app_url, URL_PATH + query)
    assert_no_dialog(page)
    expect(page.locator("h1").first).to_have_text("Activations")
    wait_for_plotly(page, CHARTS_ON_LOAD)
    assert_no_exception(page)


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
    navigation = page.locator('[data-testid="stSidebarNav"]')
    navigation.get_by_role("link", name="Activations").click()
    page.wait_for_url(f"**/{URL_PATH}**")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Activations")
    wait_for_plotly(page, CHARTS_ON_LOAD)
    assert_no_exception(page)


def test_curves_show_every_selected_activation(page, app_url):
    open_activations(page, app_url, "?act=sigmoid,relu,gelu")
    compare = page.locator(".js-plotly-plot").first
    legend = compare.locator(".legend .legendtext")
    expect(legend).to_have_text(["sigmoid", "relu", "gelu"])
    saturated = (
        page.locator(".js-plotly-plot").nth(1).locator(".shapelayer path, .layer-below path")
    )
    assert saturated.count() > 0  # shaded saturation zones
    page.get_by_text("Saturation: where the gradient dies").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "activations_saturation")


def test_speed_benchmark_draws_a_bar_per_activation(page, app_url):
    open_activations(page, app_url, "?act=sigmoid,relu&reps=1")
    button = page.get_by_role("button", name=re.compile(r"Time forward\(\) on 1,000,000 values"))
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_timeout(300)
    wait_for_app(page)
    assert_no_exception(page)
    wait_for_plotly(page, CHARTS_ON_LOAD + 1)
    speed = page.locator(".js-plotly-plot").nth(CHARTS_ON_LOAD)
    expect(speed.locator(".bars .point")).to_have_count(2)
    expect(speed.locator(".bartext").first).to_contain_text("ms")
    speed.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "activations_speed")
