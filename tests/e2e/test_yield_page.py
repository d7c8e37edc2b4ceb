"""The semiconductor yield page in chromium: cold start, sidebar link, train, upload, download."""

import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    APP_TIMEOUT_MS,
    NAV_LINKS,
    assert_no_exception,
    open_app,
    screenshot,
    wait_for_app,
    wait_for_plotly,
)

DATA = Path(__file__).resolve().parents[1] / "data"
LINK_NOTE = "Some settings in this link could not be used"
# Fewer epochs than the default keep the browser test quick on a shared 2-core machine.
URL_PATH = "yield?epochs=15"


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def test_opens_cold_at_its_url_with_charts(page: Page, app_url: str):
    open_app(page, app_url, URL_PATH)
    expect(page.get_by_role("heading", name="Semiconductor Yield")).to_be_visible()
    wait_for_plotly(page, min_count=3)  # class balance, distributions, correlation
    assert_no_exception(page)


def test_opens_from_the_sidebar_link(page: Page, app_url: str):
    open_app(page, app_url)
    page.locator(NAV_LINKS).filter(has_text=re.compile("Semiconductor Yield$")).click()
    # The page writes its settings into the query string at once, so match the path only.
    page.wait_for_url(re.compile(r"/yield(\?|$)"))
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Semiconductor Yield")).to_be_visible(
        timeout=APP_TIMEOUT_MS
    )
    assert page.url.split("?")[0].endswith("/yield")
    assert_no_exception(page)


def test_a_garbage_link_opens_with_defaults_and_says_what_was_ignored(page: Page, app_url: str):
    open_app(page, app_url, URL_PATH + "&layers=64,x&opt=lion&thr=7")
    note = page.get_by_text(LINK_NOTE)
    expect(note).to_be_visible()
    alert = page.get_by_test_id("stAlert").filter(has_text=LINK_NOTE)
    expect(alert).to_contain_text("layers=64,x ignored (expected comma-separated positive")
    expect(alert).to_contain_text("opt=lion ignored")
    sidebar = page.get_by_test_id("stSidebar")
    # Sidebar widgets may still be placeholders when the run ends: wait for the real one.
    layers = sidebar.get_by_role("textbox", name="Hidden layer widths")
    expect(layers).to_have_value("64,32", timeout=APP_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"layers=64(%2C|,)32"))
    assert_no_exception(page)


def test_train_then_score_an_uploaded_csv_and_download_it(page: Page, app_url: str, tmp_path):
    open_app(page, app_url, URL_PATH)
    open_tab(page, "Train & evaluate")
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text("Trained 20→64→32→1")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stMetric").filter(has_text="ROC-AUC")).to_be_visible()
    wait_for_plotly(page, min_count=6)
    assert_no_exception(page)
    screenshot(page, "yield_evaluation")

    open_tab(page, "Score a CSV")
    uploader = page.get_by_test_id("stFileUploader").filter(
        has_text="CSV of parametric tests to score"
    )
    uploader.locator('input[type="file"]').set_input_files(str(DATA / "yield_good.csv"))
    expect(page.get_by_text("Ready to score 60 of 60 rows.")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    scored_table = page.get_by_test_id("stDataFrame").last
    expect(scored_table).to_be_visible()
    assert_no_exception(page)
    page.get_by_text("Validation report").scroll_into_view_if_needed()
    screenshot(page, "yield")

    with page.expect_download(timeout=APP_TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="Download the scored CSV").click()
    target = tmp_path / "scored.csv"
    download_info.value.save_as(target)
    uploaded = pd.read_csv(DATA / "yield_good.csv")
    scored = pd.read_csv(target)
    assert scored.columns.tolist() == [*uploaded.columns, "fail_probability", "prediction"]
    pd.testing.assert_frame_equal(scored[uploaded.columns], uploaded)
    assert scored["fail_probability"].between(0, 1).all()
    assert set(scored["prediction"]) <= {"PASS", "FAIL"}
