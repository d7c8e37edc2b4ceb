"""Plotly charts that update in place, for the parts of a page that redraw live.

``st.plotly_chart`` derives each chart's identity from its figure, so a chart whose data
changes several times a second is unmounted and mounted again on every refresh: it blanks
for a moment, costs a full redraw, and forgets the user's zoom. :func:`live_charts`
instead keeps its Plotly graphs in one ``st.components.v2`` component and calls
``Plotly.react`` with each new figure, so ``layout.uirevision`` keeps zoom and pan.

What travels is small (``ui.live_payload``): a figure's structure only when it changed,
and then only the arrays that changed, heatmaps as one byte per cell. The drawing code
(``live_chart.js``) rides with Plotly's bundle, which :func:`load_plotly` sends once per
browser session; every chart element then carries a few lines of script and its data.
Both components are registered once, when this module is imported (registering hashes
their script, which is too slow to do on every frame).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import plotly
import streamlit as st

from ui.live_payload import Encoder, SentState

_PLOTLY_BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_LIBRARY_JS = (Path(__file__).parent / "live_chart.js").read_text(encoding="utf-8")
# Every chart element carries this script; the drawing library comes with the bundle.
_CHART_JS = """export default function (component) {
  const run = () => (window.nnLiveCharts ? window.nnLiveCharts.draw(component)
                                         : window.setTimeout(run, 30));
  run();
}
"""

LIVE_CHART_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}
RESEND_SECONDS = 2.0
"""A component re-sends everything at least this often, so a browser that lost its copy
(a reconnect, a remounted element) recovers on its own."""

_RUN_KEY = "_nn_live_page_run"
_BUNDLE_SENT_KEY = "_nn_live_bundle_sent"
_SENT_PREFIX = "_nn_live_sent."

_loader = st.components.v2.component(
    "nn_plotly_bundle",
    js=_PLOTLY_BUNDLE.read_text(encoding="utf-8")
    + "\n"
    + _LIBRARY_JS
    + "\nexport default function () {}\n",
    isolate_styles=False,
)
_charts = st.components.v2.component("nn_live_charts", js=_CHART_JS, isolate_styles=False)


def load_plotly() -> None:
    """Send Plotly and the live-chart library to this browser (call once per page run).

    The 3.5 MB bundle goes with the session's first run only: the browser keeps
    ``window.Plotly`` for as long as the session lives, page changes included. Every call
    marks a new page run, after which every live chart sends everything again.
    """
    st.session_state[_RUN_KEY] = st.session_state.get(_RUN_KEY, 0) + 1
    if st.session_state.get(_BUNDLE_SENT_KEY):
        st.empty()  # holds the bundle's place, so nothing after it moves and remounts
        return
    _loader(key="nn_plotly_bundle")
    st.session_state[_BUNDLE_SENT_KEY] = True


def _sent_state(key: str) -> dict:
    """What the browser holds for component ``key`` (``record["sent"]``, a SentState).

    The state starts afresh (``record["full"]``) after every page run and every
    :data:`RESEND_SECONDS`, so such payloads carry everything.
    """
    record = st.session_state.get(_SENT_PREFIX + key)
    run = st.session_state.get(_RUN_KEY)
    now = time.monotonic()
    if record is None or record["run"] != run or now - record["since"] > RESEND_SECONDS:
        record = {"run": run, "since": now, "sent": SentState(), "full": True}
    else:
        record["full"] = False
    st.session_state[_SENT_PREFIX + key] = record
    return record


def live_charts(
    key: str,
    charts: dict[str, dict],
    columns: Sequence[Sequence[str]] | None = None,
    widths: Sequence[float] | None = None,
    captions: dict[str, str] | None = None,
    configs: dict[str, dict] | None = None,
) -> None:
    """Show several live Plotly figures in one element, updated in place on every call.

    Parameters
    ----------
    key : str
        Stable name of the element; it gets the CSS class ``st-key-<key>``.
    charts : dict of str to dict
        Figure dicts (``{"data": [...], "layout": {...}}``) by chart name; each chart's
        graph gets the CSS class ``nn-chart-<name>``.
    columns : list of lists of chart names, optional
        Side-by-side columns, each holding charts stacked top to bottom (default: one
        column with every chart). Narrow screens stack the columns.
    widths : list of float, optional
        Relative column widths (default equal).
    captions : dict of str to str, optional
        Plain text shown under a chart.
    configs : dict of str to dict, optional
        Plotly config by chart name (default :data:`LIVE_CHART_CONFIG`).
    """
    columns = [list(column) for column in (columns or [list(charts)])]
    record = _sent_state(key)
    extra = {
        "full": record["full"],
        "grid": {"columns": columns, "widths": list(widths or [1] * len(columns))},
        "captions": captions or {},
        "configs": {name: (configs or {}).get(name, LIVE_CHART_CONFIG) for name in charts},
    }
    _charts(key=key, data=Encoder(record["sent"]).encode(charts, extra))


def live_chart(
    figure: dict, key: str, config: dict | None = None, caption: str | None = None
) -> None:
    """Show one live figure under ``key`` (see :func:`live_charts`)."""
    captions = {"chart": caption} if caption else None
    live_charts(
        key, {"chart": figure}, captions=captions, configs={"chart": config or LIVE_CHART_CONFIG}
    )
