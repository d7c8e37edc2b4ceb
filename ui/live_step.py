"""Look inside one step: one training sample's forward and backward pass, taken apart.

The network drawing shows each neuron's output ``a`` and blame ``δ``; hovering a weight
shows ``w`` and ``∂L/∂w``. Tables list every number per layer, and a button checks the
gradients against central differences (``core.gradcheck``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import gradcheck
from lessons.live.inspection import step_packed
from lessons.live.layout import NetworkLayout
from ui import live_chart
from ui import urlstate as url
from ui.live_controls import FEATURE_NAMES
from ui.live_panels import NETWORK_CONFIG, column_titles
from viz.network import network_figure, step_labels

BACKPROP_FORMULA = (
    r"\delta_L = \hat y - y,\qquad \frac{\partial L}{\partial W_l} = a_{l-1}^{\top}\delta_l,"
    r"\qquad \frac{\partial L}{\partial b_l} = \delta_l,"
    r"\qquad \delta_{l-1} = (\delta_l W_l^{\top}) \odot f'(z_{l-1})"
)


def _sample(schema: url.UrlSchema, n_train: int) -> int:
    key = schema.widget_key("sample")
    if st.session_state.get(key, 1) > n_train:
        st.session_state[key] = n_train
    return int(st.number_input("Training sample #", 1, n_train, key=key)) - 1


def _summary(live, sample: int, inspection) -> None:
    point = live.data.X_train[sample]
    output = ", ".join(f"{v:.4f}" for v in inspection.output)
    delta = ", ".join(f"{v:.4f}" for v in inspection.output_delta)
    st.markdown(
        f"Point $(x_1, x_2) = ({point[0]:.3f}, {point[1]:.3f})$, "
        f"target $y = {inspection.target:g}$, output $\\hat y = ({output})$, "
        f"loss on this sample $L = {inspection.loss:.5f}$; output delta "
        f"$\\hat y - y = ({delta})$."
    )
    st.latex(BACKPROP_FORMULA)


def _drawing(live, inspection, names: list[str], penalties: bool) -> None:
    model = live.model
    layout = NetworkLayout(tuple(model.sizes), thumb=1)
    node_text, node_hover, edge_hover = step_labels(inspection, names, model.biases)
    figure = network_figure(
        layout,
        [W.copy() for W in model.weights],
        step_packed(layout, inspection, model.output),
        column_titles=column_titles(model),
        input_labels=names,
        node_text=node_text,
        node_hover=node_hover,
        edge_hover=edge_hover,
        uirevision="step",
        square_nodes=False,
    )
    live_chart.live_chart(figure, key="bp_step_chart", config=NETWORK_CONFIG)
    st.caption(
        "Each square is one neuron: **a** its output, **δ** = ∂L/∂z its share of the blame. "
        "Hover a square for z and b, or the dot on a connection for w and ∂L/∂w."
        + (" With L1/L2 on, ∂L/∂W also contains the penalty's gradient." if penalties else "")
    )


def _tables(schema: url.UrlSchema, model, inspection, names: list[str]) -> None:
    key = schema.widget_key("layer")
    if st.session_state.get(key, 1) > model.n_layers:
        st.session_state[key] = model.n_layers
    # one layer at a time: every table is a DataFrame to convert, on every page run
    layer = (
        st.segmented_control(
            "Layer",
            list(range(1, model.n_layers + 1)),
            required=True,
            format_func=lambda number: f"Layer {number}",
            key=key,
            label_visibility="collapsed",
        )
        - 1
    )
    width = model.sizes[layer + 1]
    rows = [f"H{layer + 1}.{i + 1}" for i in range(width)]
    if layer == model.n_layers - 1:
        rows = ["output"] if width == 1 else [f"output {i}" for i in range(width)]
    sources = names if layer == 0 else [f"H{layer}.{i + 1}" for i in range(model.sizes[layer])]
    values = {
        "z": inspection.z[layer],
        "a": inspection.a[layer],
        "δ = ∂L/∂z": inspection.delta[layer],
        "∂L/∂b": inspection.grad_b[layer],
    }
    st.dataframe(pd.DataFrame(values, index=rows), key="bp_step_table")
    st.caption("∂L/∂W (rows: from, columns: to)")
    st.dataframe(
        pd.DataFrame(inspection.grad_W[layer], index=sources, columns=rows), key="bp_step_grad"
    )


def _gradient_check(live, sample: int) -> None:
    model = live.model
    result = gradcheck.check_detailed(
        model.copy(),
        live.inputs["train"][sample : sample + 1],
        live.data.y_train[sample : sample + 1],
    )
    exact = result.relative_error < 1e-6
    (st.success if exact else st.warning)(
        "Relative error between backpropagation and central differences "
        r"$\lVert g - \hat g\rVert / (\lVert g\rVert + \lVert \hat g\rVert)$ = "
        f"**{result.relative_error:.2e}**"
        + ("" if exact else " — kinks (ReLU at 0) or float noise can raise it.")
    )
    index = [f"{kind}{layer}" for layer in range(model.n_layers) for kind in ("W", "b")]
    st.dataframe(
        pd.DataFrame({"relative error": result.per_param(model)}, index=index),
        key="bp_gradcheck_table",
    )


def step_expander(schema: url.UrlSchema, live, penalties: bool) -> None:
    """The "look inside one step" expander for the session's trainer ``live``."""
    with st.expander(
        "Look inside one step: one sample's forward and backward pass", icon=":material/biotech:"
    ):
        sample = _sample(schema, live.data.y_train.shape[0])
        inspection = live.inspect(sample)
        names = [FEATURE_NAMES[name] for name in live.net_spec.features]
        _summary(live, sample, inspection)
        _drawing(live, inspection, names, penalties)
        _tables(schema, live.model, inspection, names)
        if st.button(
            "Check these gradients numerically", icon=":material/calculate:", key="bp_gradcheck"
        ):
            _gradient_check(live, sample)
