"""Backprop trainer: build a network, press Play, and watch it learn, neuron by neuron.

Storyboard: sidebar settings (data, features, network, training, stop rule; every one of
them in the page address, ``ui.live_controls.fields``) -> the session's ``LiveTrainer``
(``lessons.live.session``) -> Play/Step/Reset -> a live fragment that trains its share of
epochs per frame and redraws the network, the decision map and the loss -> slower details
(accuracy, gradient norms, confusion) -> one backward pass taken apart -> export and
share -> what to notice.
"""

from __future__ import annotations

import streamlit as st

from core import activations, losses
from lessons.live.specs import DataSpec, NetSpec
from ui import live_chart, live_controls, live_panels, live_session
from ui import urlstate as url
from ui.common import show_error
from ui.frame import page_frame, playground
from ui.live_export import export_expander
from ui.live_step import step_expander

page_frame(playground("backprop"))

# Every control of the page, in URL order (custom points and uploaded files are not in it).
SCHEMA = url.UrlSchema("backprop", live_controls.fields())
url.bind(SCHEMA, ignore=("embed", "embed_options"))

st.title("Backprop Trainer")
st.caption(
    "Pick a dataset, shape a network, press **Play**: every neuron's picture, every weight "
    "and the loss update live while backpropagation trains it."
)

# Bare strings in a page script are shown by Streamlit's "magic", so notes here are comments.
# ---------------------------------------------------------------------------------------------
# Sidebar settings
# ---------------------------------------------------------------------------------------------

with st.sidebar:
    data = live_controls.data_controls(SCHEMA)
    features = live_controls.feature_controls(SCHEMA)
    hidden, hidden_acts, init = live_controls.network_controls(SCHEMA)
    optimizer, knobs = live_controls.training_controls(
        SCHEMA, data.batch_size, live_controls.horizon(SCHEMA)
    )
    stop_rule, epochs_per_frame = live_controls.stop_controls(SCHEMA)
url.sync(SCHEMA)

# ---------------------------------------------------------------------------------------------
# The session's model
# ---------------------------------------------------------------------------------------------

try:
    live, _ = live_session.live_trainer(
        DataSpec(**data.spec), NetSpec(tuple(features), hidden, hidden_acts, init), optimizer, knobs
    )
except ValueError as error:
    show_error(error, "These settings cannot be used")
    st.stop()

playing = live_panels.apply_pending(live)
live_chart.load_plotly()
live_panels.run_buttons(
    live,
    playing,
    f"Network {' → '.join(map(str, live.model.sizes))} · {optimizer.label}, "
    f"η = {optimizer.lr:g} · {live.data.y_train.shape[0]} training and "
    f"{live.data.y_test.shape[0]} test points",
)

# ---------------------------------------------------------------------------------------------
# Live part (trains and redraws every frame while playing), then the slower details
# ---------------------------------------------------------------------------------------------

view = live_panels.LiveView(stop_rule, epochs_per_frame, data.discretize, data.show_test)
live_panels.live_fragment(view, playing)
live_panels.details_fragment(playing)

# ---------------------------------------------------------------------------------------------
# Look inside one step; export and share
# ---------------------------------------------------------------------------------------------

step_expander(SCHEMA, live, penalties=bool(knobs.l1 or knobs.l2))
export_expander(live)

# ---------------------------------------------------------------------------------------------
# What to notice
# ---------------------------------------------------------------------------------------------

st.subheader("What to notice")
st.markdown(
    "- Each thumbnail is what one neuron computes over the whole plane (orange negative, "
    "blue positive); the output on the right is built from the last layer's pictures, "
    "weighted by the lines (blue positive, orange negative, thicker = larger |w|).\n"
    "- On the circle, x₁ and x₂ alone need a hidden layer; tick x₁² and x₂² and even a "
    "network without hidden layers separates it.\n"
    "- Push the learning rate to 3 or 10: the loss jumps instead of falling and training "
    "stops at the step where it exploded. Lower it and press Reset.\n"
    "- With 6 sigmoid layers watch the gradient norms of the first layers fall orders of "
    "magnitude below the last (vanishing gradients); ReLU keeps them alive.\n"
    "- When the whole class plays at once, each network trains a little slower so that "
    "every screen keeps moving."
)
formula_column, loss_column = st.columns(2)
with formula_column:
    st.markdown("**Each layer** computes")
    st.latex(r"z_l = a_{l-1} W_l + b_l,\qquad a_l = f_l(z_l)")
    for name in dict.fromkeys(hidden_acts):
        st.latex(activations.get(name).formula)
with loss_column:
    st.markdown(f"**Loss** ({live.model.loss_spec.name}, paired with a {live.model.output} output)")
    st.latex(losses.LOSS_FOR_OUTPUT[live.model.output].formula)
    st.markdown("and every step moves each weight against its gradient (for SGD)")
    st.latex(r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}")
