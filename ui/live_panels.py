"""The backprop trainer's live part: Play/Step/Reset, the frames that train and redraw, and
the slower training details.

While playing, :func:`live_fragment` reruns every :data:`FRAME_SECONDS`: it trains for the
frame's share of time (``lessons.live.pace``), shows the epoch and the losses, and redraws
the network, the decision map and the loss curve in one live-chart element
(``ui.live_chart``: after the first frame only changed arrays travel). The accuracy,
gradient-norm and confusion charts refresh every :data:`DETAIL_SECONDS`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from core import activations
from lessons.live.stop import StopRule
from ui import live_chart, live_session
from ui.live_controls import FEATURE_NAMES
from viz import decision as decision_viz
from viz import training as training_viz
from viz.network import network_figure

FRAME_SECONDS = 0.1
"""Pause between live frames (the browser's redraw time comes on top)."""
DETAIL_SECONDS = 2.0
"""Refresh period of accuracy, gradient norms and confusion while playing."""
LIVE_CURVE_POINTS = 300
"""Most epochs the live loss curve draws (a few hundred pixels wide)."""
PLAYING_KEY = "bp_playing"
NOTE_KEY = "bp_stop_note"
PENDING_KEY = "bp_pending"
NETWORK_CONFIG = {"displayModeBar": False, "responsive": True}
ACTIONS = {
    "step": (":material/skip_next:", "Train exactly one epoch."),
    "reset": (":material/restart_alt:", "Fresh weights (same seed), epoch 0."),
}
"""The buttons beside Play: what they do on the next run, their icon and help."""
NETWORK_CAPTION = (
    "Each square shows what one neuron outputs over the whole plane: orange < 0 < blue. "
    "Lines are weights: blue positive, orange negative, thicker = larger |w|."
)
# Streamlit fades every element of a fragment while it reruns; live charts redraw several
# times a second, so the fade would flicker. Keep the live containers fully opaque.
# The four metrics share their row equally, as four columns would.
LIVE_CSS = (
    "<style>.st-key-bp_live [data-stale='true'], .st-key-bp_live_charts[data-stale='true'], "
    ".st-key-bp_details [data-stale='true'] "
    "{opacity: 1 !important; transition: none !important;}"
    ".st-key-bp_live > div {flex: 1 1 0 !important; min-width: 0;}</style>"
)


@dataclass(frozen=True)
class LiveView:
    """What the live frames need from the sidebar."""

    stop_rule: StopRule
    epochs_per_frame: str | int
    discretize: bool
    show_test: bool


def column_titles(model) -> list[str]:
    """Heading of every column of the network drawing."""
    titles = [f"Input<br>{model.sizes[0]} feature{'s' * (model.sizes[0] > 1)}"]
    for layer, (width, act) in enumerate(zip(model.sizes[1:-1], model.hidden), start=1):
        titles.append(f"Hidden {layer}<br>{width} · {activations.ACTIVATIONS[act].label}")
    titles.append(f"Output<br>{model.output}")
    return titles


def _fmt(value: float | None, spec: str = ".4f") -> str:
    return "—" if value is None else format(value, spec)


# ---------------------------------------------------------------------------------------------
# Play, Step, Reset
# ---------------------------------------------------------------------------------------------


def _set_playing(value: bool):
    # Sets (rather than toggles) the state: a click that reaches the server twice while
    # live frames are queued must not pause and resume again.
    st.session_state[PLAYING_KEY] = value
    st.session_state.pop(NOTE_KEY, None)
    live_session.frame_pace().restart()


def _request(action: str):
    st.session_state[PENDING_KEY] = action
    st.session_state[PLAYING_KEY] = False
    st.session_state.pop(NOTE_KEY, None)


def apply_pending(live) -> bool:
    """Carry out a Step or Reset clicked before this run; whether the session is playing."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending == "reset":
        live.reset()
    elif pending == "step":
        live.train(1)
    playing = bool(st.session_state.get(PLAYING_KEY, False)) and not live.diverged
    st.session_state[PLAYING_KEY] = playing
    return playing


def run_buttons(live, playing: bool, summary: str) -> None:
    """Play/Pause, Step and Reset, with a one-line summary of the run beside them."""
    st.html(LIVE_CSS)
    play, step, reset, note = st.columns([1, 1, 1, 4], vertical_alignment="center")
    play.button(
        "Pause" if playing else "Play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        type="primary",
        on_click=_set_playing,
        args=(not playing,),
        key="bp_play",
        disabled=live.diverged,
        width="stretch",
    )
    for column, (action, (icon, help_text)) in zip((step, reset), ACTIONS.items(), strict=True):
        column.button(
            action.capitalize(),
            icon=icon,
            on_click=_request,
            args=(action,),
            key=f"bp_{action}",
            help=help_text,
            width="stretch",
        )
    note.caption(summary)


# ---------------------------------------------------------------------------------------------
# Live frames
# ---------------------------------------------------------------------------------------------


def _train_frame(live, view: LiveView) -> str | None:
    """Train this frame's share; why training stopped by itself, or None.

    "auto" trains at the pace; a fixed number of epochs per frame trains that many. Both
    stay within this player's share of the CPU (a fixed number then trains at least one).
    """
    reason = live.stop_reason(view.stop_rule)
    players = live_session.players_now()
    if reason:
        return reason
    pace = live_session.frame_pace()
    epochs, cpu_seconds = pace.budget(time.monotonic(), players)
    if view.epochs_per_frame != "auto":
        epochs = int(view.epochs_per_frame)
    before, start = live.epoch, time.thread_time()
    reason = live.train(epochs, view.stop_rule, cpu_seconds=cpu_seconds)
    pace.spent(live.epoch - before, time.thread_time() - start)
    return reason


def _metrics(live) -> None:
    history = live.history
    last = history["val_accuracy"][-1] if history["val_accuracy"] else None
    # one horizontal container rather than four columns: fewer elements per frame
    with st.container(horizontal=True, key="bp_live"):
        st.metric("Epoch", f"{live.epoch:,}")
        st.metric("Training loss", _fmt(history["loss"][-1] if history["loss"] else None))
        st.metric("Test loss", _fmt(history["val_loss"][-1] if history["val_loss"] else None))
        st.metric("Test accuracy", _fmt(last, ".1%"))


def _notes(live) -> None:
    if live.diverged:
        where = live.trainer.diverged_at
        st.error(
            f"**Training diverged at epoch {where['epoch']}, step {where['step']}:** "
            f"{where['reason']}. The pictures show the last finite weights. Lower the "
            "learning rate (or clip the gradient) and press **Reset**.",
            icon=":material/warning:",
        )
    note = st.session_state.get(NOTE_KEY)
    if note:
        st.info(f"Stopped: {note}.", icon=":material/flag:")


def live_figures(live, view: LiveView) -> dict[str, dict]:
    """The network, decision-map and loss figures of one live frame."""
    frame, model, data = live.frame(view.discretize), live.model, live.data
    # new data or a new network resets zoom; anything else keeps it
    revision = f"{hash((live.data_spec, live.net_spec)):x}"
    network = network_figure(
        frame.layout,
        frame.weights,
        frame.packed,
        column_titles=column_titles(model),
        input_labels=[FEATURE_NAMES[name] for name in live.net_spec.features],
        uirevision=revision,
    )
    decision = decision_viz.decision_figure(
        live.grid.xs,
        live.grid.ys,
        frame.decision,
        data.kind,
        data.X_train,
        data.y_train,
        data.X_test if view.show_test else None,
        data.y_test if view.show_test else None,
        n_classes=max(data.n_outputs, 2),
        uirevision=revision,
        height=360,
    )
    loss = training_viz.loss_figure(
        live.history,
        live.trainer.diverged_at,
        uirevision=revision,
        height=230,
        max_points=LIVE_CURVE_POINTS,
    )
    return {"network": network, "decision": decision, "loss": loss}


def _live_body(view: LiveView) -> None:
    live = live_session.current_trainer()
    playing = st.session_state.get(PLAYING_KEY, False)
    stop_note = _train_frame(live, view) if playing else None
    _metrics(live)
    _notes(live)  # only on runs that redraw everything: frames keep the charts' place
    live_chart.live_charts(
        "bp_live_charts",
        live_figures(live, view),
        columns=[["network"], ["decision", "loss"]],
        widths=[3, 2],
        captions={"network": NETWORK_CAPTION},
        configs={"network": NETWORK_CONFIG},
    )
    if playing and (stop_note or live.diverged):
        st.session_state[PLAYING_KEY] = False
        st.session_state[NOTE_KEY] = stop_note
        st.rerun()


def live_fragment(view: LiveView, playing: bool) -> None:
    """The live part: reruns every :data:`FRAME_SECONDS` while playing."""
    st.fragment(_live_body, run_every=FRAME_SECONDS if playing else None)(view)


# ---------------------------------------------------------------------------------------------
# Slower details: accuracy, gradient norms, confusion
# ---------------------------------------------------------------------------------------------


def layer_names(model) -> list[str]:
    """Name of each weight layer, e.g. ``W0 → hidden 1``."""
    last = model.n_layers - 1
    return [
        f"W{layer} → {'output' if layer == last else f'hidden {layer + 1}'}"
        for layer in range(model.n_layers)
    ]


def _detail_figures(live) -> tuple[dict, dict]:
    history, data, model = live.history, live.data, live.model
    charts, captions = {}, {}
    if data.kind != "regression":
        charts["accuracy"] = training_viz.accuracy_figure(history)
        captions["accuracy"] = (
            "Accuracy per epoch (training: on the mini-batches as they were seen)."
        )
    else:
        captions["accuracy"] = "Accuracy applies to classification; see the loss above."
    if history["grad_norms"]:
        charts["gradients"] = training_viz.gradient_norm_figure(
            history["epoch"], history["grad_norms"], layer_names(model)
        )
        captions["gradients"] = (
            "Gradient norm of each layer's weights (log scale). Early layers far below "
            "late ones: vanishing gradients; shooting up: exploding."
        )
    else:
        captions["gradients"] = "Per-layer gradient norms appear after the first epoch."
    report = live.evaluation()
    if data.kind == "regression":
        predicted = model.predict(live.inputs["test"])
        charts["outcome"] = training_viz.prediction_figure(data.y_test, predicted)
        captions["outcome"] = f"Test set: MSE {report['mse']:.4f} · R² {report['r2']:.3f}"
    else:
        charts["outcome"] = training_viz.confusion_figure(report["confusion"], data.classes)
        captions["outcome"] = f"Test set confusion matrix · accuracy {report['accuracy']:.1%}"
    return charts, captions


def _details_panel() -> None:
    with st.container(key="bp_details"):
        st.subheader("Training details")
        charts, captions = _detail_figures(live_session.current_trainer())
        live_chart.live_charts(
            "bp_detail_charts",
            charts,
            columns=[["accuracy"], ["gradients"], ["outcome"]],
            captions=captions,
        )


def details_fragment(playing: bool) -> None:
    """Accuracy, gradient norms and the confusion matrix (or predictions), refreshed slowly."""
    st.fragment(_details_panel, run_every=DETAIL_SECONDS if playing else None)()
