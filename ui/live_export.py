"""Export the backprop trainer's weights, reload them, and share the setup by its address."""

from __future__ import annotations

import streamlit as st

from core import serialization
from lessons.live.export import weights_npz
from ui import live_session
from ui.common import show_error

NOTE_KEY = "bp_weights_note"


def _use_uploaded_weights():
    upload = st.session_state.get("bp_weights_upload")
    try:
        live_session.current_trainer().load_weights(serialization.load_json(upload.getvalue()))
    except ValueError as error:
        st.session_state[NOTE_KEY] = error
    else:
        st.session_state[NOTE_KEY] = "Weights loaded: training goes on from them."


def export_expander(live) -> None:
    """Downloads of the weights (JSON, .npz), the JSON upload, and how to share the setup."""
    with st.expander("Export the weights, share the setup", icon=":material/share:"):
        st.markdown(
            "The page address holds every setting above: copy it to share this exact setup. "
            "The weights download as JSON (reload them here) or as a NumPy `.npz` archive."
        )
        # Streamlit calls these on a thread of its own, without session state: they use `live`.
        json_column, npz_column = st.columns(2)
        json_column.download_button(
            "Weights (JSON)",
            data=lambda: serialization.model_to_json(live.model.copy()),
            file_name="backprop_weights.json",
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
            key="bp_download_json",
        )
        npz_column.download_button(
            "Weights (.npz)",
            data=lambda: weights_npz(live.model.copy()),
            file_name="backprop_weights.npz",
            mime="application/octet-stream",
            on_click="ignore",
            icon=":material/download:",
            key="bp_download_npz",
        )
        upload = st.file_uploader("Reload weights (JSON)", type=["json"], key="bp_weights_upload")
        if upload is not None:
            # A callback runs before the page, so every chart above already shows the weights.
            st.button("Use these weights", on_click=_use_uploaded_weights, key="bp_use_weights")
        note = st.session_state.pop(NOTE_KEY, None)
        if isinstance(note, Exception):
            show_error(note, "Could not use these weights")
        elif note:
            st.success(note)
