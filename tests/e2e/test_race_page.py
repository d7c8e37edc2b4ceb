"""The optimizer race in a real browser: cold start, sidebar link, the animation plays."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

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

URL_PATH = "optimizers"
ANIMATION = ".st-key-chart_race_animation .js-plotly-plot"
# Active slider step and the x offset of the slider's grip, read from the live chart.
SLIDER_STATE = """selector => {
    const chart = document.querySelector(selector);
    const grip = chart.querySelector('.slider-grip-rect');
    return {
        active: chart._fullLayout.sliders[0].active,
        steps: chart._fullLayout.sliders[0].steps.length,
        grip: grip ? grip.getAttribute('transform') : null,
    };
}"""


def wait_for_race(page):
    wait_for_plotly(page, min_count=4)
    page.wait_for_selector(f"{ANIMATION} .main-svg", timeout=APP_TIMEOUT_MS)


def test_opens_cold_with_all_charts(page, app_url):
    open_app(page, app_url, URL_PATH)
    wait_for_race(page)
    assert_no_exception(page)
    expect(page).to_have_title(re.compile("Optimizer Race"))
    expect(page.locator("h1").first).to_contain_text("Optimizer race")
    # The default race fills the results table with one row per default optimizer.
    expect(page.locator(".st-key-table_race_results")).to_be_visible()
    for name in ("SGD", "Momentum", "Adagrad", "RMSprop", "Adam"):
        expect(page.locator(ANIMATION).locator(".legendtext", has_text=name)).to_have_count(1)
    assert_no_dialog(page)
    screenshot(page, "optimizers")


def test_opens_from_the_sidebar(page, app_url):
    open_app(page, app_url)
    page.locator(NAV_LINKS).filter(has_text=re.compile("Optimizer Race$")).click()
    page.wait_for_url(f"**/{URL_PATH}**")
    wait_for_app(page)
    wait_for_race(page)
    assert_no_exception(page)
    assert "surface=quadratic" in page.url


def test_play_moves_the_slider(page, app_url):
    open_app(page, app_url, URL_PATH)
    wait_for_race(page)
    before = page.evaluate(SLIDER_STATE, ANIMATION)
    assert before["active"] == before["steps"] - 1  # opens on the finished race
    page.locator(ANIMATION).locator(".updatemenu-button", has_text="Play").click()
    # Play restarts from step 0, so the slider jumps back and walks forward again.
    page.wait_for_function(
        "([selector, last]) => {"
        " const active = document.querySelector(selector)._fullLayout.sliders[0].active;"
        " return active > 0 && active < last; }",
        arg=[ANIMATION, before["steps"] - 1],
        timeout=APP_TIMEOUT_MS,
    )
    during = page.evaluate(SLIDER_STATE, ANIMATION)
    assert during["grip"] != before["grip"]
    screenshot(page, "optimizers_playing")
    page.wait_for_function(
        "([selector, seen]) =>"
        " document.querySelector(selector)._fullLayout.sliders[0].active > seen",
        arg=[ANIMATION, during["active"]],
        timeout=APP_TIMEOUT_MS,
    )
    # The contour map (a layout image) stays drawn while the paths move.
    assert page.locator(f"{ANIMATION} g.imagelayer image").count() == 1
    page.locator(ANIMATION).locator(".updatemenu-button", has_text="Pause").click()
    assert_no_exception(page)


def test_a_new_surface_loads_its_preset_into_the_link(page, app_url):
    open_app(page, app_url, URL_PATH)
    wait_for_race(page)
    page.get_by_role("combobox", name="Surface").click()
    page.get_by_role("option", name="Rosenbrock (banana valley)").click()
    page.wait_for_url(re.compile(r"surface=rosenbrock"), timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    query = parse_qs(urlparse(page.url).query)
    assert (query["sgd_lr"], query["steps"], query["x0"]) == (["0.001"], ["400"], ["-1.5"])
    # The map now spans Rosenbrock's square [-2, 2] x [-1, 3].
    page.wait_for_function(
        "selector => { const chart = document.querySelector(selector);"
        " return chart && chart._fullLayout.yaxis.range[1] === 3; }",
        arg=ANIMATION,
        timeout=APP_TIMEOUT_MS,
    )
    assert_no_exception(page)


def test_a_shared_link_restores_the_race(page, app_url):
    open_app(page, app_url, f"{URL_PATH}?surface=booth&opt=sgd,adam&adam_lr=0.5&adam_beta1=0.5")
    wait_for_race(page)
    legend = page.locator(ANIMATION).locator(".legendtext")
    expect(legend.filter(has_text="Adam")).to_have_count(1)
    expect(legend.filter(has_text="Momentum")).to_have_count(0)
    expect(page.get_by_label("Adam: learning rate η")).to_have_value("0.5")
    query = parse_qs(urlparse(page.url).query)
    assert query["adam_beta1"] == ["0.5"] and query["surface"] == ["booth"]
    assert_no_exception(page)


def test_network_tab_runs_the_race(page, app_url):
    open_app(page, app_url, f"{URL_PATH}?tab=Network&net_epochs=5")
    page.get_by_role("button", name="Run the race").click()
    expect(page.locator(".st-key-table_race_network")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    wait_for_plotly(page, min_count=1)
    assert_no_exception(page)
    screenshot(page, "optimizers_network")


def test_clicking_the_map_sets_the_start(page, app_url):
    open_app(page, app_url, URL_PATH)
    wait_for_race(page)
    assert_no_dialog(page)
    area = page.locator(f"{ANIMATION} .nsewdrag").first.bounding_box()
    # A tenth in from the top left corner of the bowl's square [-1.5, 1.5]², away from every
    # path, is about (-1.2, 1.2); the nearest invisible grid marker is what gets clicked.
    page.mouse.click(area["x"] + 0.1 * area["width"], area["y"] + 0.1 * area["height"])
    page.wait_for_url(re.compile(r"x0=-1\.[12]"), timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    query = parse_qs(urlparse(page.url).query)
    x, y = float(query["x0"][0]), float(query["y0"][0])
    assert abs(x + 1.2) < 0.02 and abs(y - 1.2) < 0.02
    x_text = page.locator(".st-key-race-x0 input").input_value()
    assert float(x_text) == pytest.approx(x, abs=1e-3)
    expect(page.get_by_role("combobox", name="Start point")).to_have_value(re.compile("Custom"))
    assert_no_exception(page)
