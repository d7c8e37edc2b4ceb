"""A light Streamlit client that speaks the app's own websocket protocol.

A browser tab costs chromium a lot of CPU; this client costs almost nothing, so thirty of
them measure the server, not the load generator. It sends ``BackMsg`` protobufs
(``rerun_script`` with a page name, a query string, widget states, or a fragment id for
a fragment's automatic rerun) and reads ``ForwardMsg`` protobufs until
``script_finished``, collecting what a test needs: elapsed time, bytes, exceptions,
"page not found", buttons, metrics and the fragments' auto-rerun intervals.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RECEIVE_TIMEOUT_S = 120.0


@dataclass
class Run:
    """What one script (or fragment) run sent back."""

    seconds: float = 0.0
    n_bytes: int = 0
    exceptions: list[str] = field(default_factory=list)
    page_not_found: bool = False
    buttons: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)
    auto_reruns: dict[str, float] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.exceptions and not self.page_not_found

    def metric_number(self, label: str) -> int | None:
        """The digits of metric ``label`` as an int (``"1,204"`` -> 1204), or None."""
        digits = re.sub(r"\D", "", self.metrics.get(label, ""))
        return int(digits) if digits else None


def _collect(message: ForwardMsg, run: Run) -> bool:
    """Record ``message`` in ``run``; True when the run has finished."""
    kind = message.WhichOneof("type")
    if kind == "script_finished":
        return True
    if kind == "page_not_found":
        run.page_not_found = True
    elif kind == "navigation":
        run.pages = [page.url_pathname for page in message.navigation.app_pages]
    elif kind == "auto_rerun":
        run.auto_reruns[message.auto_rerun.fragment_id] = message.auto_rerun.interval
    elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        element = message.delta.new_element
        element_kind = element.WhichOneof("type")
        if element_kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
        elif element_kind == "button":
            run.buttons[element.button.label] = element.button.id
        elif element_kind == "metric":
            run.metrics[element.metric.label] = element.metric.body
    return False


class Session:
    """One browser-like session on ``ws_url`` (use ``async with``)."""

    def __init__(self, ws_url: str):
        self.ws_url = ws_url
        self.ws = None

    async def __aenter__(self) -> Session:
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(
        self,
        page: str = "",
        query: str = "",
        widgets: list[WidgetState] | None = None,
        fragment_id: str = "",
    ) -> Run:
        """Run ``page`` (its URL path; "" is the home page) and wait for it to finish."""
        message = BackMsg()
        request = message.rerun_script
        request.page_name = page
        request.query_string = query
        if fragment_id:
            request.fragment_id = fragment_id
            request.is_auto_rerun = True
        for widget in widgets or []:
            request.widget_states.widgets.append(widget)
        run, start = Run(), time.perf_counter()
        await self.ws.send(message.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RECEIVE_TIMEOUT_S)
            run.n_bytes += len(raw)
            if _collect(ForwardMsg.FromString(raw), run):
                run.seconds = time.perf_counter() - start
                return run

    async def press(self, page: str, button_id: str) -> Run:
        """Click the button ``button_id`` on ``page``."""
        widget = WidgetState()
        widget.id = button_id
        widget.trigger_value = True
        return await self.run(page, widgets=[widget])


def percentile(values, fraction: float) -> float | None:
    """The ``fraction`` quantile of ``values`` (nearest rank), None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
