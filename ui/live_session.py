"""The backprop trainer's per-session state, and what the sessions of one server share.

Each browser session keeps its own :class:`~lessons.live.session.LiveTrainer` and
:class:`~lessons.live.pace.FramePace` in ``st.session_state``, so two tabs, or thirty
students, never share a model. What they do share lives in one process-wide
:class:`PlayerBoard`: who is playing right now, so each player's training gets a fair
share of the CPU.
"""

from __future__ import annotations

import threading
import time
import uuid

import streamlit as st

from core.optimizers import OptimizerSpec
from lessons.live.pace import FramePace
from lessons.live.session import LiveTrainer
from lessons.live.specs import DataSpec, Knobs, NetSpec

SESSION_KEY = "bp_live_trainer"
PACE_KEY = "bp_frame_pace"
PLAYER_KEY = "bp_player_id"
PLAYING_WINDOW = 3.0
"""A session counts as playing for this many seconds after its last live frame."""


def live_trainer(data: DataSpec, net: NetSpec, optimizer: OptimizerSpec, knobs: Knobs):
    """This session's :class:`LiveTrainer`, configured with the given settings.

    Returns
    -------
    live : LiveTrainer
    rebuilt : str or None
        What :meth:`LiveTrainer.configure` rebuilt (``"new"`` on first use).
    """
    live = st.session_state.get(SESSION_KEY)
    if live is None:
        live = LiveTrainer(data, net, optimizer, knobs)
        st.session_state[SESSION_KEY] = live
        return live, "new"
    return live, live.configure(data, net, optimizer, knobs)


def current_trainer() -> LiveTrainer | None:
    """The session's :class:`LiveTrainer`, if the page has built one."""
    return st.session_state.get(SESSION_KEY)


def frame_pace() -> FramePace:
    """This session's :class:`FramePace` (restart it when Play is pressed)."""
    pace = st.session_state.get(PACE_KEY)
    if pace is None:
        pace = st.session_state[PACE_KEY] = FramePace()
    return pace


class PlayerBoard:
    """Which sessions of this server played a live frame lately (thread-safe)."""

    def __init__(self, window: float = PLAYING_WINDOW):
        self.window = window
        self._last_frame: dict[str, float] = {}
        self._lock = threading.Lock()

    def playing(self, player: str, now: float) -> int:
        """Record a frame of ``player`` at ``now``; return how many sessions are playing."""
        with self._lock:
            self._last_frame[player] = now
            stale = [key for key, seen in self._last_frame.items() if now - seen > self.window]
            for key in stale:
                del self._last_frame[key]
            return len(self._last_frame)


PLAYERS = PlayerBoard()
"""The server's one board (a module lives as long as the server process)."""


def players_now() -> int:
    """Record a live frame of this session; the number of sessions playing, this one included."""
    player = st.session_state.get(PLAYER_KEY)
    if player is None:
        player = st.session_state[PLAYER_KEY] = uuid.uuid4().hex
    return PLAYERS.playing(player, time.monotonic())
