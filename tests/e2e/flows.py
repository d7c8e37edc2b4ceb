"""What a person does on a page, as steps several browser tests share."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import Page, expect

from tests.e2e.helpers import APP_TIMEOUT_MS, open_app, wait_for_app

DATA = Path(__file__).resolve().parents[1] / "data"
# Fewer epochs than the default keep the browser tests quick on a shared 2-core machine.
YIELD_PATH = "yield?epochs=15"


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def train_yield_model(page: Page, base_url: str) -> None:
    """Open the yield page and train its network on the seed's data."""
    open_app(page, base_url, YIELD_PATH)
    open_tab(page, "Train & evaluate")
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text("Trained 20→64→32→1")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)


def score_and_download(page: Page, csv_path: Path, target: Path) -> pd.DataFrame:
    """Upload ``csv_path`` on the yield page's scoring tab, download the scored CSV to
    ``target`` and return it (a model must have been trained first)."""
    open_tab(page, "Score a CSV")
    uploader = page.get_by_test_id("stFileUploader").filter(
        has_text="CSV of parametric tests to score"
    )
    uploader.locator('input[type="file"]').set_input_files(str(csv_path))
    expect(page.get_by_text(re.compile(r"Ready to score \d+ of \d+ rows"))).to_be_visible(
        timeout=APP_TIMEOUT_MS
    )
    wait_for_app(page)
    with page.expect_download(timeout=APP_TIMEOUT_MS) as download_info:
        page.get_by_role("button", name="Download the scored CSV").click()
    download_info.value.save_as(target)
    return pd.read_csv(target)


def play_until(page: Page, base_url: str, epochs: int) -> None:
    """Open the backprop trainer, press Play and wait until ``epochs`` have been trained."""
    open_app(page, base_url, "backprop")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        """n => [...document.querySelectorAll('[data-testid="stMetric"]')].some(metric =>
            metric.innerText.includes('Epoch') && parseInt(metric.querySelector(
              '[data-testid="stMetricValue"]').innerText.replace(/\\D/g, '')) >= n)""",
        arg=epochs,
        timeout=APP_TIMEOUT_MS,
    )
