"""Plotly charts that update in place, for the parts of a page that redraw live.

``st.plotly_chart`` derives each chart's identity from its figure, so a chart whose data
changes several times a second is unmounted and mounted again on every refresh: it blanks
for a moment, costs a full redraw, and forgets the user's zoom. :func:`live_chart` instead
keeps one Plotly graph per key in the page (a ``st.components.v2`` component whose script
is ``live_chart.js`` beside this file) and calls ``Plotly.react`` with each new figure, so
``layout.uirevision`` keeps zoom and pan. Plotly's JavaScript bundle, shipped with the
``plotly`` Python package, is sent once per browser session by :func:`load_plotly`
(Streamlit's message cache sends repeats as a reference).
"""

from __future__ import annotations

import functools
from pathlib import Path

import plotly
import streamlit as st
from plotly.io.json import to_json_plotly

_PLOTLY_BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_LIVE_CHART_JS = (Path(__file__).parent / "live_chart.js").read_text(encoding="utf-8")


LIVE_CHART_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


@functools.cache
def _plotly_loader_js() -> str:
    """Plotly's bundle (it sets ``window.Plotly``) as a component module."""
    return _PLOTLY_BUNDLE.read_text(encoding="utf-8") + "\nexport default function () {}\n"


def load_plotly() -> None:
    """Send Plotly's JavaScript to this browser session (call once per page run)."""
    loader = st.components.v2.component(
        "nn_plotly_bundle", js=_plotly_loader_js(), isolate_styles=False
    )
    loader(key="nn_plotly_bundle")


def live_chart(figure, key: str, config: dict | None = None) -> None:
    """Show ``figure`` under ``key``, updating the same Plotly graph on every call.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
    key : str
        Stable name of the chart; the page element gets the CSS class ``st-key-<key>``.
    config : dict, optional
        Plotly config (defaults to :data:`LIVE_CHART_CONFIG`).
    """
    chart = st.components.v2.component("nn_live_plotly", js=_LIVE_CHART_JS, isolate_styles=False)
    chart(
        key=key,
        data={
            # to_plotly_json skips the deep copy that Figure.to_dict makes
            "figure": to_json_plotly(figure.to_plotly_json()),
            "config": LIVE_CHART_CONFIG if config is None else config,
        },
    )
