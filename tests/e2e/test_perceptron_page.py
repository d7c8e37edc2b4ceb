"""The Perceptron page in chromium: cold start, sidebar link, stepping, the animation, XOR, links.

No fixed sleeps: every wait is on a condition (the step position in the URL, a text, a chart).
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

URL_PATH = "perceptron"
ANIMATION = ".js-plotly-plot >> nth=0"
LINK_NOTE = "Some settings in this link could not be used"


def open_perceptron(page: Page, app_url: str, query: str = "") -> None:
    open_app(page, app_url, URL_PATH + query)
    shows_the_page(page)


def shows_the_page(page: Page) -> None:
    assert_no_dialog(page)
    expect(page.locator("h1").first).to_have_text("Perceptron")
    wait_for_plotly(page, 3)
    assert_no_exception(page)


def click_step_button(page: Page, name: str, step: int) -> None:
    """Click a step button and wait until the run it starts has written ``step`` to the URL."""
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_url(re.compile(rf"[?&]step={step}(&|$)"), timeout=APP_TIMEOUT_MS)
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
    # The URL mirrors every setting, the step reached included, so a teacher can share it.
    page.wait_for_url(re.compile(r"gate=and.*step=0"))
    assert screenshot(page, "perceptron").stat().st_size > 0


def test_opens_from_the_sidebar(page, app_url):
    open_app(page, app_url)
    page.locator(NAV_LINKS).filter(has_text=re.compile("Perceptron$")).click()
    page.wait_for_url(re.compile(rf"/{URL_PATH}/?(\?|$)"))
    wait_for_app(page)
    shows_the_page(page)


def test_stepping_updates_the_weights(page, app_url):
    open_perceptron(page, app_url)
    expect(metric(page, "b")).to_have_text("0")
    click_step_button(page, "Step one sample", 1)
    expect(metric(page, "b")).to_have_text("-1")
    expect(page.get_by_text("Update 1 of 24 in this run")).to_be_visible()
    click_step_button(page, "Run to convergence", 24)
    expect(metric(page, "w1")).to_have_text("2")
    expect(metric(page, "b")).to_have_text("-3")
    expect(page.get_by_text("Converged at epoch 6")).to_be_visible()
    screenshot(page, "perceptron_converged")


def test_a_shared_link_reopens_at_the_same_update(page, app_url):
    open_perceptron(page, app_url, "?gate=XOR&lr=0.5&step=3")
    expect(page.get_by_text("Update 3 of 80 in this run")).to_be_visible()
    # By hand, η = 0.5: 00 predicted 1 (b = -0.5), 01 predicted 0 (w2 = 0.5, b = 0), 10 right.
    expect(metric(page, "w2")).to_have_text("0.5")
    expect(metric(page, "b")).to_have_text("0")
    expect(page.get_by_text(LINK_NOTE)).to_have_count(0)
    page.wait_for_url(re.compile(r"gate=xor"))  # the choice is written back in its own case


def test_a_garbage_link_opens_with_defaults_and_a_note(page, app_url):
    open_perceptron(page, app_url, "?gate=maybe&lr=abc&step=-4&zzz=1")
    note = page.locator('[data-testid="stAlert"]').filter(has_text=LINK_NOTE)
    expect(note).to_be_visible()
    expect(note).to_contain_text("gate=maybe ignored")
    expect(page.get_by_text("Update 0 of 24 in this run")).to_be_visible()


def test_custom_points_travel_in_the_link(page, app_url):
    open_perceptron(page, app_url, "?gate=custom&points=0:0:0;1:0:0;0:1:0;3:3:1")
    expect(page.get_by_text("Your points")).to_be_visible()
    expect(page.get_by_text(LINK_NOTE)).to_have_count(0)
    click_step_button(page, "Run to convergence", 12)
    expect(page.get_by_text("Converged at epoch 3")).to_be_visible()
    assert "points=0%3A0%3A0%3B1%3A0%3A0" in page.url or "points=0:0:0;1:0:0" in page.url


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
    click_step_button(page, "Run to convergence", 80)
    expect(page.get_by_text("No straight line separates these points", exact=False)).to_be_visible()
    wait_for_plotly(page, 6)
    page.get_by_text("Why XOR defeats a single perceptron").scroll_into_view_if_needed()
    expect(page.get_by_text("Add a hidden layer.", exact=False)).to_be_visible()
    network = page.locator(".js-plotly-plot").nth(5)
    network.scroll_into_view_if_needed()
    expect(network.locator(".main-svg").first).to_be_in_viewport()
    screenshot(page, "perceptron_xor")
