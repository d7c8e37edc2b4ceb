"""What a student sees while the backprop trainer plays: display refreshes and epochs per second.

Starts ``streamlit run app.py`` on a free local port (bench/harness.py),
opens the trainer page in Debian's chromium (Playwright), presses Play and, for
``--seconds`` after a warm-up, counts

* the display refreshes of each live chart: animation frames in which the data it shows
  changed (its rendered heatmap image or line path), and
* the epoch counter shown on the page, at the start and the end of the window;

it also samples the charts every 25 ms and counts samples where one is blank (no drawn
SVG), to catch flicker. Prints one JSON object.

    python bench/live_fps.py [--seconds 10] [--query "epf=5"]

Goal on the default setup: at least 5 refreshes and 20 epochs per second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    wait_for_app,
    wait_for_plotly,
)

LIVE_CHARTS = ("network", "decision", "loss")
LIVE_AREA = ".st-key-bp_live_charts"

# Counts, per live chart, the display refreshes: animation frames in which the data drawn
# changed. A chart's fingerprint is its first heatmap image (the pixels Plotly rendered) and
# its first line path; it is read on every animation frame, so a redraw counts once however
# many passes Plotly needs, and a chart whose DOM node Streamlit replaced is still seen.
# It also samples whether any chart is blank (no drawn SVG) every 25 ms.
INSTALL_COUNTERS = """
([keys, area]) => {
  const bench = {redraws: Object.fromEntries(keys.map(k => [k, 0])), blank: 0, samples: 0,
                 frames: 0};
  window.__bench = bench;
  const last = {};
  const fingerprint = key => {
    const chart = document.querySelector(`${area} .nn-chart-${key} .js-plotly-plot`);
    if (!chart) return null;
    const image = chart.querySelector('.heatmaplayer image');
    const line = chart.querySelector('.scatterlayer path.js-line');
    const href = image ? (image.getAttribute('href') || '') : '';
    const d = line ? (line.getAttribute('d') || '') : '';
    return `${href.length}:${href.slice(-96)}|${d.length}:${d.slice(-96)}`;
  };
  const tick = () => {
    bench.frames += 1;
    for (const key of keys) {
      const now = fingerprint(key);
      if (now !== null && key in last && now !== last[key]) bench.redraws[key] += 1;
      if (now !== null) last[key] = now;
    }
    window.__benchRaf = requestAnimationFrame(tick);
  };
  tick();
  window.__benchSample = setInterval(() => {
    bench.samples += 1;
    for (const key of keys) {
      const chart = document.querySelector(`${area} .nn-chart-${key} .js-plotly-plot .main-svg`);
      if (!chart || chart.getBoundingClientRect().height === 0) { bench.blank += 1; break; }
    }
  }, 25);
}
"""

READ_EPOCH = """
() => {
  for (const metric of document.querySelectorAll('[data-testid="stMetric"]')) {
    const label = metric.querySelector('[data-testid="stMetricLabel"]');
    if (label && label.innerText.trim() === 'Epoch') {
      const value = metric.querySelector('[data-testid="stMetricValue"]').innerText;
      return parseInt(value.replace(/,/g, ''));
    }
  }
  return null;
}
"""


def measure(base_url: str, seconds: float, warmup: float, query: str, shot: Path | None) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"{base_url}/backprop{'?' + query if query else ''}")
            wait_for_app(page)
            wait_for_plotly(page, 3)
            page.get_by_role("button", name="Play").click()
            page.get_by_role("button", name="Pause").wait_for()
            time.sleep(warmup)
            page.evaluate(INSTALL_COUNTERS, [list(LIVE_CHARTS), LIVE_AREA])
            epoch_start, clock_start = page.evaluate(READ_EPOCH), time.perf_counter()
            time.sleep(seconds)
            counts = page.evaluate("() => window.__bench")
            epoch_end, clock_end = page.evaluate(READ_EPOCH), time.perf_counter()
            if shot is not None:
                page.screenshot(path=str(shot))
            page.get_by_role("button", name="Pause").click()
        finally:
            browser.close()
    window = clock_end - clock_start
    redraws = counts["redraws"]
    return {
        "benchmark": "backprop live refresh",
        "query": query or "defaults",
        "window_s": round(window, 2),
        "refreshes_per_s": round(min(redraws.values()) / window, 2),
        "redraws_per_s": {key: round(value / window, 2) for key, value in redraws.items()},
        "epochs_per_s": round((epoch_end - epoch_start) / window, 1),
        "epochs": [epoch_start, epoch_end],
        "blank_samples": counts["blank"],
        "samples": counts["samples"],
        "animation_frames_per_s": round(counts["frames"] / window, 1),
        "goal": {"refreshes_per_s": 5, "epochs_per_s": 20},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--query", default="", help="extra URL settings, e.g. 'epf=10'")
    parser.add_argument("--screenshot", type=Path, default=None, help="PNG taken mid-play")
    args = parser.parse_args()
    with AppServer() as server:
        result = measure(server.url, args.seconds, args.warmup, args.query, args.screenshot)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
