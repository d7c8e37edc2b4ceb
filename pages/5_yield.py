"""Semiconductor yield: train a pass/fail model on parametric tests, judge it, score a CSV.

Storyboard: URL schema (every sidebar control) -> sidebar settings (data, network,
training, decision threshold) -> tabs: the data (generated wafer-test table, or your own
labelled CSV); training with a live loss curve and the evaluation at the chosen
threshold; the seed's two experiments; scoring an uploaded CSV (validation report first,
then scores, drift and a download); the model file (download, upload, ONNX) -> what to
notice. Every number comes from ``yieldmodel``, every figure from ``viz.yield_*``; the
tabs are drawn by ``ui.yield_panels`` and ``ui.yield_files``. Streamlit runs this file as
``__main__``; tests import it for :data:`SCHEMA`.
"""

from __future__ import annotations

import streamlit as st

from core.activations import ACTIVATIONS
from core.initializers import INITIALIZERS
from core.losses import LOSS_FOR_OUTPUT
from ui import pickers, yield_files
from ui import urlstate as url
from ui import yield_panels as panels
from ui.frame import page_frame, playground
from yieldmodel import drift
from yieldmodel.architecture import (
    DEFAULT_TARGET_RECALL,
    Architecture,
    activation_label,
    format_hidden,
    init_label,
    parse_hidden,
)
from yieldmodel.experiments import EXPERIMENTS
from yieldmodel.overview import GeneratedData, TrainingTable

SOURCES = {"generated": "Generated wafer-test data", "own": "Your own labelled CSV"}
BATCH_SIZES = (8, 16, 32, 64, 128, 256)
L2_RATES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
SEED_NETWORK, SEED_DATA = Architecture(), GeneratedData()
HELP = {
    "fail": "Share of failing dies before label noise. 50 % is the seed's balanced set; try "
    "20 % (the seed's 80/20 case) or 5 % to see accuracy mislead.",
    "noise": "Share of labels re-drawn at random (measurement and binning errors).",
    "layers": "Comma-separated, e.g. 64,32 (the seed) or 128,64,32. Empty = logistic regression.",
    "cw": "Weigh each row by n / (2·n_class) so fails count as much as passes in the loss.",
    "thr": "Every metric, chart and scored table follows this value.",
    "recall": "The suggested threshold is the highest one that still catches this share of fails.",
}


def rate_text(rate: float) -> str:
    return "off" if rate == 0 else f"{rate:g}"


def hidden_widths(text: str) -> tuple[int, ...]:
    """Hidden layer widths typed in the sidebar or given by a link (ValueError if unfit)."""
    return parse_hidden(text, max_layers=8, max_width=1024)


SCHEMA = url.UrlSchema(
    "yield",
    (
        url.choice("src", "generated", list(SOURCES)),
        url.integer("rows", SEED_DATA.rows, 200, 50_000),
        url.integer("fail", SEED_DATA.fail_percent, 5, 50),
        url.integer("noise", SEED_DATA.noise_percent, 0, 30),
        url.integer("seed", SEED_DATA.seed, 0, 1_000_000),
        url.Field(
            "layers",
            format_hidden(SEED_NETWORK.hidden),
            lambda text: format_hidden(hidden_widths(text)),
            write=str,
        ),
        url.choice("act", SEED_NETWORK.activation, list(ACTIVATIONS)),
        url.choice("init", SEED_NETWORK.init, list(INITIALIZERS)),
        *pickers.optimizer_fields("", SEED_NETWORK.optimizer.name, SEED_NETWORK.optimizer.lr),
        url.choice("batch", SEED_NETWORK.batch_size, BATCH_SIZES),
        url.integer("epochs", SEED_NETWORK.epochs, 1, 500),
        url.choice("l2", SEED_NETWORK.l2, L2_RATES),
        url.number("dropout", SEED_NETWORK.dropout, 0.0, 0.8),
        url.boolean("cw", SEED_NETWORK.class_weights),
        url.number("thr", 0.5, 0.0, 1.0),
        url.integer("recall", round(100 * DEFAULT_TARGET_RECALL), 50, 99),
    ),
)
KEY = SCHEMA.widget_key


def data_controls() -> GeneratedData | None:
    """The training data: generated settings, or None for an uploaded table."""
    st.header("Data")
    if st.radio("Training data", list(SOURCES), format_func=SOURCES.get, key=KEY("src")) == "own":
        return None
    return GeneratedData(
        rows=st.number_input("Dies (rows)", 200, 50_000, step=500, key=KEY("rows")),
        fail_percent=st.slider("Fail rate %", 5, 50, step=5, key=KEY("fail"), help=HELP["fail"]),
        noise_percent=st.slider("Label noise %", 0, 30, key=KEY("noise"), help=HELP["noise"]),
        seed=st.number_input("Data seed", 0, 1_000_000, key=KEY("seed")),
    )


def network_controls() -> tuple[Architecture | None, ValueError | None]:
    """The network and its training; (None, the reason) when the settings do not fit."""
    st.header("Network")
    layers = st.text_input("Hidden layer widths", key=KEY("layers"), help=HELP["layers"])
    activation = st.selectbox(
        "Hidden activation", list(ACTIVATIONS), format_func=activation_label, key=KEY("act")
    )
    init = st.selectbox("Initialisation", INITIALIZERS, format_func=init_label, key=KEY("init"))
    st.header("Training")
    optimizer = pickers.optimizer_controls(SCHEMA, "", st)
    batch = st.select_slider("Batch size", BATCH_SIZES, key=KEY("batch"))
    epochs = st.number_input("Epochs", 1, 500, key=KEY("epochs"))
    l2 = st.select_slider("L2 penalty λ", L2_RATES, format_func=rate_text, key=KEY("l2"))
    dropout = st.slider("Dropout", 0.0, 0.8, step=0.05, key=KEY("dropout"))
    class_weights = st.checkbox("Class weights", key=KEY("cw"), help=HELP["cw"])
    try:
        return Architecture(
            hidden_widths(layers), activation, init, optimizer=optimizer, batch_size=int(batch),
            epochs=int(epochs), l2=float(l2), dropout=float(dropout), class_weights=class_weights,
        ), None  # fmt: skip
    except ValueError as error:  # e.g. "64,x" or "0" in the layer widths
        return None, error


def decision_controls() -> tuple[float, float]:
    """The decision threshold and the fail recall the suggested threshold aims for."""
    st.header("Decision")
    label = "Threshold: flag FAIL when p ≥"
    threshold = st.slider(label, 0.0, 1.0, step=0.01, key=KEY("thr"), help=HELP["thr"])
    recall = st.slider("Target fail recall %", 50, 99, key=KEY("recall"), help=HELP["recall"])
    return float(threshold), recall / 100.0


def training_tab(source, data, architecture, error, threshold: float, target_recall: float):
    left, right = st.columns([1, 3], vertical_alignment="center")
    clicked = left.button(
        "Train",
        icon=":material/model_training:",
        type="primary",
        key="yd_train",
        disabled=architecture is None,
        width="stretch",
    )
    if architecture is None:
        right.error(f"**Check the network settings.** {error}")
    else:
        right.caption(
            "Stratified 80/20 split; standardisation, imputation and class weights are "
            "learned from the training rows only."
        )
    if clicked and architecture is not None:
        panels.train_now(source, architecture, target_recall)
    entry = panels.current_run(source, data, architecture)
    if entry is None:
        st.info(
            "Upload a labelled CSV in the **Data** tab, then press **Train**.",
            icon=":material/upload_file:",
        )
        return
    if (source.key if source else None) != entry["key"] or architecture != entry[
        "run"
    ].architecture:
        st.info(
            "The settings changed since this model was trained: press **Train** to use them. "
            "Below is the model trained before.",
            icon=":material/published_with_changes:",
        )
    panels.evaluation(entry, threshold, target_recall, KEY("thr"))


def what_to_notice() -> None:
    st.subheader("What to notice")
    st.markdown(
        "- **Accuracy can lie.** Set the fail rate to 5 %: a model that passes every die is 95 % "
        "accurate and useless. Recall (fails caught), precision (flags that are real) and PR-AUC "
        "tell the truth; tick **Class weights** and watch recall rise.\n"
        "- **The threshold is a business decision**, not a property of the network. Lowering it "
        "catches more fails (fewer escapes to the customer) at the price of more good dies "
        "scrapped; the point on the ROC and PR curves slides along as you move it.\n"
        "- **Validation honesty.** The scaler and medians are learned on the training 80 % only, "
        "so the validation numbers estimate what happens on new wafers. On data with no signal "
        "the page says so instead of reporting a hopeful accuracy.\n"
        "- **Drift.** A model only knows the process it was trained on; the population stability "
        "index flags uploaded features whose distribution moved."
    )
    formulas, rules = st.columns(2)
    formulas.markdown(
        "**Standardisation** (training statistics) and the **loss** (binary cross-entropy)"
    )
    formulas.latex(r"x' = \frac{x - \mu_\text{train}}{\sigma_\text{train}}")
    formulas.latex(LOSS_FOR_OUTPUT["sigmoid"].formula)
    formulas.markdown("**Class weights** multiply each row's loss term")
    formulas.latex(r"w_c = \frac{n}{2\,n_c}")
    rules.markdown("**Metrics** at threshold $t$ (a die is flagged when $p \\ge t$)")
    rules.latex(r"\text{precision} = \frac{TP}{TP + FP},\qquad \text{recall} = \frac{TP}{TP + FN}")
    rules.latex(
        r"F_1 = \frac{2 \cdot \text{precision} \cdot \text{recall}}"
        r"{\text{precision} + \text{recall}}"
    )
    rules.markdown("**Population stability index** over the training deciles")
    rules.latex(r"\mathrm{PSI} = \sum_i (a_i - e_i)\ln\frac{a_i}{e_i}")
    (moderate, _), (major, _) = drift.DRIFT_BANDS[:2]
    rules.caption(
        f"PSI below {moderate:g}: stable; {moderate:g}–{major:g}: moderate shift; above "
        f"{major:g}: major shift."
    )


def main() -> None:
    page_frame(playground("yield"))
    st.title("Semiconductor Yield")
    st.caption(
        "A pass/fail model over wafer-sort parametric tests: train it, judge it honestly, and "
        "use it on your own CSV files. Fail is the positive class."
    )
    url.bind(SCHEMA)
    with st.sidebar:
        data = data_controls()
        architecture, error = network_controls()
        threshold, target_recall = decision_controls()
    url.sync(SCHEMA)
    tabs = st.tabs(["Data", "Train & evaluate", "Experiments", "Score a CSV", "Model file"])
    with tabs[0]:
        if data is None:
            source = panels.own_data_section(
                architecture is not None and architecture.class_weights
            )
        else:
            panels.generated_overview(data)
            source = TrainingTable.generated(data, panels.generated_table(data))
    with tabs[1]:
        training_tab(source, data, architecture, error, threshold, target_recall)
    with tabs[2]:
        for position, name in enumerate(EXPERIMENTS):
            if position:
                st.divider()
            panels.experiment_section(name)
    with tabs[3]:
        yield_files.score_section(threshold)
    with tabs[4]:
        yield_files.model_section(threshold, KEY("thr"))
    what_to_notice()


if __name__ == "__main__":
    main()
