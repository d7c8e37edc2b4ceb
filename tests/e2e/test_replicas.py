"""Two replicas behind HAProxy (deploy/serve.py) in chromium: sticky, spread, and resilient.

One cluster serves the whole module: every page loads through the proxy, Play runs,
browsers are spread over both replicas by the inserted cookie, and when one replica is
killed its students reconnect to the other while the others notice nothing.
"""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from bench.harness import free_port
from deploy.serve import Cluster
from tests.e2e.flows import DATA, play_until, score_and_download, train_yield_model
from tests.e2e.helpers import assert_no_dialog, assert_no_exception, open_app, wait_for_app
from ui.home import PLAYGROUNDS

COOKIE = "NNREPLICA"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("cluster")
    with Cluster(2, free_port(), "127.0.0.1", base_port=free_port(), log_dir=logs) as running:
        yield running


def replica_of(context) -> str:
    values = [cookie["value"] for cookie in context.cookies() if cookie["name"] == COOKIE]
    assert len(values) == 1, context.cookies()
    return values[0]


def test_every_page_loads_through_the_proxy(browser, cluster):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        for path in ["", *(playground.url_path for playground in PLAYGROUNDS)]:
            open_app(page, cluster.url, path)
            assert_no_exception(page)
            assert_no_dialog(page)
        assert replica_of(context) in {"r1", "r2"}
    finally:
        context.close()


def test_play_runs_through_the_proxy(browser, cluster):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        play_until(page, cluster.url, epochs=20)
        assert_no_exception(page)
    finally:
        context.close()


def test_browsers_spread_over_both_replicas_and_survive_losing_one(browser, cluster):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(4)]
    try:
        pages = []
        for context in contexts:
            page = context.new_page()
            open_app(page, cluster.url, "activations")
            pages.append(page)
        replicas = [replica_of(context) for context in contexts]
        assert set(replicas) == {"r1", "r2"}, replicas

        victim, bystander = replicas.index("r1"), replicas.index("r2")
        bystander_sockets = []
        pages[bystander].on("websocket", lambda socket: bystander_sockets.append(socket.url))

        # The victim's page reconnects on its own, through the proxy, to the other replica.
        moved = pages[victim]
        with moved.expect_event("websocket", timeout=60_000):
            cluster.kill_replica(1)
        wait_for_app(moved)
        expect(moved.locator("h1").first).to_contain_text("Activations")
        assert_no_exception(moved)
        assert_no_dialog(moved)

        # Nobody else notices: the bystander never reconnected and its page still answers.
        still = pages[bystander]
        assert bystander_sockets == []
        expect(still.locator('[data-testid="stApp"]')).to_have_attribute(
            "data-test-connection-state", "CONNECTED"
        )
        open_app(still, cluster.url, "perceptron")
        assert_no_exception(still)
        assert replica_of(contexts[bystander]) == "r2"
    finally:
        for context in contexts:
            context.close()


def test_an_upload_is_scored_and_downloaded_by_the_same_replica(browser, cluster, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        train_yield_model(page, cluster.url)
        replica = replica_of(context)
        uploaded = pd.read_csv(DATA / "yield_good.csv")
        scored = score_and_download(page, DATA / "yield_good.csv", tmp_path / "scored.csv")
        assert scored.columns.tolist() == [*uploaded.columns, "fail_probability", "prediction"]
        assert scored["fail_probability"].between(0, 1).all()
        assert replica_of(context) == replica  # upload and download served where they live
        assert_no_exception(page)
    finally:
        context.close()
