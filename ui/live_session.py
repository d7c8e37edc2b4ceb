"""The backprop trainer's :class:`~lessons.live.session.LiveTrainer`, one per browser session.

Keeping it in ``st.session_state`` means two tabs, or thirty students, never share a model.
"""

from __future__ import annotations

import streamlit as st

from lessons.live.session import DataSpec, Knobs, LiveTrainer, NetSpec, OptimizerSpec

SESSION_KEY = "bp_live_trainer"


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
