"""The playground catalogue and the home page that introduces it.

``PLAYGROUNDS`` is the single list of pages: ``ui.frame`` builds the sidebar
navigation from it and the tests parametrise over it. A page appears in the app only once
its script exists, so the app runs while pages are still being written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

APP_ROOT = Path(__file__).resolve().parent.parent
TITLE = "Neural Network Foundations Playground"
ABOUT = (
    "A hands-on tour of how neural networks learn, from a single neuron to a working "
    "yield classifier. Every number on screen comes from plain, readable NumPy."
)


@dataclass(frozen=True)
class Playground:
    """One page of the app.

    Attributes
    ----------
    script : str
        Path of the page script relative to the app root, e.g. ``"pages/1_perceptron.py"``.
    title : str
        Name in the sidebar, on the home card and in the browser tab.
    icon : str
        Streamlit icon string (a Material Symbol).
    url_path : str
        The page's address below the app URL, e.g. ``"perceptron"``.
    teaser : str
        One line saying what the visitor will see.
    """

    script: str
    title: str
    icon: str
    url_path: str
    teaser: str

    def exists(self, root: Path = APP_ROOT) -> bool:
        """Whether the page script is present under ``root``."""
        return (root / self.script).is_file()


PLAYGROUNDS: tuple[Playground, ...] = (
    Playground(
        "pages/1_perceptron.py",
        "Perceptron",
        ":material/linear_scale:",
        "perceptron",
        "Watch a single neuron learn the logic gates, and see why XOR defeats it.",
    ),
    Playground(
        "pages/2_activations.py",
        "Activations",
        ":material/show_chart:",
        "activations",
        "Every activation function beside its derivative, with the knobs to bend them.",
    ),
    Playground(
        "pages/3_backprop.py",
        "Backprop Trainer",
        ":material/hub:",
        "backprop",
        "Build a small network and watch it carve up the plane while it trains.",
    ),
    Playground(
        "pages/4_optimizers.py",
        "Optimizer Race",
        ":material/sports_score:",
        "optimizers",
        "SGD, momentum, RMSprop and Adam race downhill on tricky loss surfaces.",
    ),
    Playground(
        "pages/5_yield.py",
        "Semiconductor Yield",
        ":material/memory:",
        "yield",
        "Train a pass/fail model on chip test data, then score a CSV of your own.",
    ),
)

HOME_ICON = ":material/home:"
HOME_SCRIPT = "app.py"
"""The home page script; the playgrounds live in ``pages/`` beside it."""

_CHART_TIPS = """
- **Hover** any chart for exact numbers; **drag** to zoom in and **double-click** to zoom out.
- **Click a legend entry** to hide its line; double-click it to show that line alone.
- In **decision maps** the background colour is what the model predicts at each point,
  the dots are the data, and pale regions are where the model is unsure.
- In **loss curves** lower is better; a widening gap between the training and validation
  curves means the model is memorising instead of learning.
- The **camera icon** above a chart saves it as a PNG for your slides, and the page
  address keeps the current settings: copy it to share an exact setup.
"""


def existing_playgrounds(root: Path = APP_ROOT) -> list[Playground]:
    """The playgrounds whose page script exists under ``root``, in course order."""
    return [playground for playground in PLAYGROUNDS if playground.exists(root)]


def _card(playground: Playground, available: bool) -> None:
    with st.container(border=True, height="stretch"):
        st.markdown(f"#### {playground.icon} {playground.title}")
        st.write(playground.teaser)
        if available:
            st.page_link(
                playground.script, label=f"Open {playground.title}", icon=":material/arrow_forward:"
            )
        else:
            st.caption(":material/construction: Coming soon")


def home() -> None:
    """Render the home page: what the playground is, who it is for, and where to go."""
    st.title(TITLE)
    st.markdown(
        "Small neural networks you can poke at. Change a setting and see at once what "
        "the network does with it: how a neuron draws its line, how errors flow "
        "backwards, how optimisers find their way downhill, and how all of it becomes "
        "a tool that flags failing chips."
    )
    st.markdown(
        "**Made for** teachers projecting in a lecture hall, students exploring on "
        "their own laptops, and test engineers who want predictions for their own "
        "parametric-test data. No maths needed to start."
    )

    st.subheader("Playgrounds")
    st.caption("New here? Take them in order; each one builds on the one before.")
    per_row = 3
    for start in range(0, len(PLAYGROUNDS), per_row):
        row = PLAYGROUNDS[start : start + per_row]
        for column, playground in zip(st.columns(per_row), row, strict=False):
            with column:
                _card(playground, playground.exists())

    st.subheader("How to read the charts")
    st.markdown(_CHART_TIPS)
