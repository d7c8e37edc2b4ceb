"""The Perceptron page in chromium: cold start, sidebar link, stepping, the animation, XOR."""

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

URL_PATH = "perceptron"
ANIMATION = ".js-plotly-plot >> nth=0"


def open_perceptron(page: Page, app_url: str, query: str = "") -> None:
    open_app(page, app_url, URL_PATH + query)
    assert_no_dialog(page)
    expect(page.locator("h1").first).to_have_text("Perceptron")
    wait_for_plotly(page, 3)
    assert_no_exception(page)


def click_and_wait(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_timeout(300)
    wait_for_app(page)
    assert_no_exception(page)


def metric(page: Page, label: str):
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{label}$"))
    )
    return card.locator('[data-testid="stMetricValue"]')


def test_opens_cold_at_its_url(page, app_url):
    open_perceptron(page, app_url)
    assert page.url.split("?")[0].rstrip("/").endswith(f"/{URL_PATH}")
    expect(page).to_have_title(re.compile("Perceptron"))
    # The URL mirrors the settings so a teacher can share them.
    page.wait_for_url(re.compile(r"gate=and"))
    assert screenshot(page, "perceptron").stat().st_size > 0


def test_opens_from_the_sidebar(page, app_url):
    open_app(page, app_url)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Perceptron").click()
    page.wait_for_url(f"**/{URL_PATH}**")
    wait_for_app(page)
    expect(page.locator("h1").first).to_have_text("Perceptron")
    wait_for_plotly(page, 3)
    assert_no_exception(page)


def test_stepping_updates_the_weights(page, app_url):
    open_perceptron(page, app_url)
    expect(metric(page, "b")).to_have_text("0")
    click_and_wait(page, "Step one sample")
    expect(metric(page, "b")).to_have_text("-1")
    expect(page.get_by_text("Update 1 of 24 in this run")).to_be_visible()
    click_and_wait(page, "Run to convergence")
    expect(metric(page, "w1")).to_have_text("2")
    expect(metric(page, "b")).to_have_text("-3")
    expect(page.get_by_text("Converged at epoch 6")).to_be_visible()
    screenshot(page, "perceptron_converged")


def test_animation_slider_moves_when_played(page, app_url):
    open_perceptron(page, app_url)
    chart = page.locator(ANIMATION)
    current = chart.locator("text", has_text="After update")
    expect(current).to_have_text("After update 0")
    chart.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function(
        "el => el.textContent !== 'After update 0'",
        arg=current.element_handle(),
        timeout=20_000,
    )
    screenshot(page, "perceptron_animation")
    expect(current).to_have_text(re.compile(r"After update (1\d|2[0-4]|[1-9])$"), timeout=20_000)


def test_xor_never_converges_and_shows_both_fixes(page, app_url):
    open_perceptron(page, app_url, "?gate=xor")
    click_and_wait(page, "Run to convergence")
    expect(page.get_by_text("No straight line separates these points", exact=False)).to_be_visible()
    wait_for_plotly(page, 6)
    fixes = page.get_by_text("Why XOR defeats a single perceptron")
    fixes.scroll_into_view_if_needed()
    expect(page.get_by_text("Add a hidden layer.", exact=False)).to_be_visible()
    page.locator(".js-plotly-plot >> nth=3").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "perceptron_xor")
