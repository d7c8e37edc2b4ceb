"""Neural Network Foundations Playground: the entry point (`streamlit run app.py`).

Sets up the page, warms up the heavy libraries, and hands over to the page the
visitor asked for through ``st.navigation``. Pages are listed in ``ui.home.PLAYGROUNDS``;
a page shows up here once its script exists.
"""

import importlib
import pkgutil
from pathlib import Path

import streamlit as st
from threadpoolctl import threadpool_limits

from ui.home import ABOUT, APP_ROOT, HOME_ICON, TITLE, existing_playgrounds, home

st.set_page_config(
    page_icon=":material/neurology:",
    layout="wide",
    initial_sidebar_state="expanded",
)

HEAVY_MODULES = (
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "pyarrow.csv",
    "plotly.graph_objects",
    "plotly.subplots",
    "sklearn.datasets",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.preprocessing",
)
OWN_PACKAGES = ("core", "viz")


@st.cache_resource(show_spinner=False)
def warm_up() -> tuple[str, ...]:
    """Import the heavy libraries once per server process, one session at a time.

    When many sessions open a freshly started server together, their scripts import
    pandas/plotly in parallel threads and can see half-initialised modules. The
    cache's per-key lock makes every session wait for this single warm-up instead.

    Returns
    -------
    tuple of str
        Names of our own modules that failed to import; the page that needs one
        raises the same error itself, where it can be seen.
    """
    for name in HEAVY_MODULES:
        importlib.import_module(name)
    go = importlib.import_module("plotly.graph_objects")
    # Plotly loads each trace type's validators lazily on first use.
    go.Figure(
        [go.Scatter(), go.Heatmap(), go.Contour(), go.Surface(), go.Bar(), go.Histogram()]
    ).to_json()

    failed = []
    for package in OWN_PACKAGES:
        package_dir = Path(APP_ROOT, package)
        for module in pkgutil.iter_modules([str(package_dir)]):
            name = f"{package}.{module.name}"
            try:
                importlib.import_module(name)
            except Exception:  # the page that imports it shows the error
                failed.append(name)
    return tuple(failed)


def sidebar_about(home_page: st.Page) -> None:
    """The blurb and home link shown at the bottom of every page's sidebar."""
    with st.sidebar:
        st.markdown("**About**")
        st.caption(ABOUT)
        st.page_link(home_page, label="Back to the home page", icon=HOME_ICON)


warm_up()
# The networks here are small: one BLAS thread per product is fastest, and on a shared
# classroom server threads fighting over the cores made training many times slower.
threadpool_limits(limits=1, user_api="blas")

home_page = st.Page(home, title="Home", icon=HOME_ICON, default=True)
playground_pages = [
    st.Page(
        str(APP_ROOT / playground.script),
        title=playground.title,
        icon=playground.icon,
        url_path=playground.url_path,
    )
    for playground in existing_playgrounds()
]
current_page = st.navigation([home_page, *playground_pages])
# Set on every run: a title set by one page would otherwise stick to the next.
tab_title = TITLE if current_page is home_page else f"{current_page.title} · {TITLE}"
st.set_page_config(page_title=tab_title)
try:
    current_page.run()
finally:
    sidebar_about(home_page)
