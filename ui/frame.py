"""The frame every page starts with: page config, one-time warm-up, and the sidebar.

Every script (``app.py`` and each ``pages/N_name.py``) calls :func:`page_frame` first. It

* sets the page config: a wide layout, the tab title, and a favicon served by this
  server (a Material icon would make the browser fetch it from a font CDN);
* warms the process up once, under a lock, before any page runs its own imports: when a
  class opens a freshly started server together, parallel first imports of pandas or
  plotly in several script threads can see half-initialised modules;
* caps BLAS at one thread, because the products here are small and two threads fighting
  over two cores made training many times slower under load;
* freezes everything imported so far out of the garbage collector's view, so the
  collections Python still runs do not walk the libraries' objects on every frame;
* draws the sidebar navigation with proper labels, and the "about" blurb;
* in presenter mode (``?present=1``, or the sidebar toggle) hides the sidebar and enlarges
  text and the charts' room for a projector, keeping every other setting of the URL.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
from pathlib import Path

import streamlit as st
from threadpoolctl import threadpool_limits

from ui import urlstate as url
from ui.home import ABOUT, APP_ROOT, HOME_ICON, HOME_SCRIPT, PLAYGROUNDS, TITLE, Playground

FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"
PRESENT_KEY = "present"
PRESENT_FIELD = url.boolean(PRESENT_KEY, False)
# Streamlit leaves about 110 px empty above the title; on a 768 px projector that is a
# seventh of the screen.
BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>
"""
# Presenter mode: no sidebar, the main column uses the whole width of a 1366 px projector,
# and text is about a fifth larger (Streamlit sizes its text in rem).
PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
html { font-size: 19px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1.2rem 1.5rem 2rem; }
</style>
"""

HEAVY_MODULES = (
    "numpy",
    "pandas",
    "scipy",
    "scipy.special",
    "scipy.stats",
    "pyarrow",
    "pyarrow.csv",
    "plotly.graph_objects",
    "plotly.subplots",
    "plotly.io",
    "sklearn.datasets",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.preprocessing",
)
OWN_PACKAGES = ("core", "lessons", "yieldmodel", "viz", "ui")


def _own_modules() -> list[str]:
    """Every module of our packages, sub-packages included (``lessons.live.session``, ...)."""
    names = []
    for package in OWN_PACKAGES:
        names.append(package)
        found = pkgutil.walk_packages([str(APP_ROOT / package)], prefix=f"{package}.")
        names.extend(module.name for module in found)
    return names


@st.cache_resource(show_spinner=False)
def warm_up() -> tuple[str, ...]:
    """Import the heavy libraries and our own modules once per server process.

    ``st.cache_resource`` holds a lock per key, so when thirty sessions arrive at once one
    of them imports and the others wait for it instead of importing in parallel.

    Returns
    -------
    tuple of str
        Our modules that failed to import; the page that needs one raises the same error
        itself, where it can be seen.
    """
    for name in HEAVY_MODULES:
        importlib.import_module(name)
    go = importlib.import_module("plotly.graph_objects")
    # Plotly loads each trace type's validators lazily on first use.
    go.Figure(
        [go.Scatter(), go.Heatmap(), go.Contour(), go.Surface(), go.Bar(), go.Histogram()]
    ).to_json()
    failed = []
    for name in _own_modules():
        try:
            importlib.import_module(name)
        except Exception:  # the page that imports it shows the error
            failed.append(name)
    threadpool_limits(limits=1, user_api="blas")
    # Modules, classes and functions live as long as the process: keep them out of every
    # later collection (Streamlit's own after-run collection is off in .streamlit/config).
    gc.collect()
    gc.freeze()
    return tuple(failed)


def page_frame(playground: Playground | None = None) -> None:
    """Set up the page for ``playground`` (None for the home page); call it first.

    Parameters
    ----------
    playground : Playground or None
        The page being shown, from :data:`ui.home.PLAYGROUNDS`.
    """
    title = TITLE if playground is None else f"{playground.title} · {TITLE}"
    st.set_page_config(
        page_title=title,
        page_icon=str(FAVICON),
        layout="wide",
        initial_sidebar_state="expanded",
    )
    warm_up()
    st.html(BASE_CSS)
    if presenting():
        st.html(PRESENTER_CSS)
        st.button(
            "Leave presenter mode",
            icon=":material/close_fullscreen:",
            key="frame.leave_presenter",
            on_click=_set_presenting,
            args=(False,),
        )
    sidebar_navigation()


def presenting() -> bool:
    """Whether the URL asks for presenter mode (``?present=1``, read like any yes/no field)."""
    on, _ = PRESENT_FIELD.parse(st.query_params.get(PRESENT_KEY))
    return on


def _set_presenting(on: bool) -> None:
    if on:
        st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def sidebar_navigation() -> None:
    """Links to the home page and every playground, then the "about" blurb."""
    with st.sidebar:
        st.page_link(HOME_SCRIPT, label="Home", icon=HOME_ICON)
        for playground in PLAYGROUNDS:
            st.page_link(playground.script, label=playground.title, icon=playground.icon)
        st.button(
            "Presenter mode",
            icon=":material/co_present:",
            key="frame.presenter",
            on_click=_set_presenting,
            args=(True,),
            help="Hide the sidebar and enlarge everything for a projector; the link keeps it.",
        )
        with st.expander("About", icon=":material/info:"):
            st.caption(ABOUT)


def playground(url_path: str) -> Playground:
    """The catalogue entry whose URL is ``url_path`` (``"perceptron"``, ``"yield"``, ...)."""
    for entry in PLAYGROUNDS:
        if entry.url_path == url_path:
            return entry
    raise KeyError(f"no playground at URL {url_path!r}")
