"""The app shell under streamlit.testing: home page, navigation, every existing page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.home import APP_ROOT, PLAYGROUNDS, TITLE, existing_playgrounds

APP_PATH = str(APP_ROOT / "app.py")
# Pages train small models on first load; the default 3 s is too tight on 2 cores.
RUN_TIMEOUT = 60


def run_app() -> AppTest:
    return AppTest.from_file(APP_PATH, default_timeout=RUN_TIMEOUT).run()


def all_markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_home_runs_without_exception():
    at = run_app()
    assert not at.exception, [exception.value for exception in at.exception]


def test_home_shows_title_and_sections():
    at = run_app()
    assert TITLE in at.title[0].value
    headers = [element.value for element in at.subheader]
    assert "Playgrounds" in headers
    assert "How to read the charts" in headers


def test_home_has_a_card_per_playground():
    at = run_app()
    text = all_markdown(at)
    for playground in PLAYGROUNDS:
        assert playground.title in text
        assert playground.teaser in text


def test_sidebar_has_about_blurb_and_a_labelled_link_per_page():
    at = run_app()
    assert [expander.label for expander in at.sidebar.expander] == ["About"]
    assert "NumPy" in at.sidebar.expander[0].caption[0].value
    links = at.sidebar.get("page_link")
    labels = [link.proto.label for link in links]
    assert labels == ["Home"] + [playground.title for playground in PLAYGROUNDS]
    targets = [link.proto.page for link in links]
    assert targets[1:] == [playground.url_path for playground in PLAYGROUNDS]


def test_catalogue_is_consistent():
    url_paths = [playground.url_path for playground in PLAYGROUNDS]
    scripts = [playground.script for playground in PLAYGROUNDS]
    assert len(set(url_paths)) == len(url_paths)
    assert len(set(scripts)) == len(scripts)
    assert all(script.startswith("pages/") and script.endswith(".py") for script in scripts)
    assert url_paths == ["perceptron", "activations", "backprop", "optimizers", "yield"]
    # Classic multipage layout: a page's URL is its file name without the number prefix.
    for playground in PLAYGROUNDS:
        assert Path(playground.script).stem.split("_", 1)[1] == playground.url_path


def test_existing_playgrounds_follow_the_files(tmp_path):
    assert existing_playgrounds(tmp_path) == []
    (tmp_path / PLAYGROUNDS[1].script).parent.mkdir()
    (tmp_path / PLAYGROUNDS[1].script).write_text("")
    assert existing_playgrounds(tmp_path) == [PLAYGROUNDS[1]]


@pytest.mark.parametrize("script", [playground.script for playground in existing_playgrounds()])
def test_each_existing_page_runs_under_navigation(script):
    at = run_app()
    at.switch_page(script).run()
    assert not at.exception, [exception.value for exception in at.exception]
    # The home page's content is gone once another page runs.
    assert not any(TITLE in element.value for element in at.title)
