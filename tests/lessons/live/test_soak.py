"""The one long test here (marked ``soak``, about a minute): live frames at extreme settings.

One :class:`LiveTrainer` with the largest network the page allows (every feature, six
hidden layers of 16), learning rate 10 and batch size 1 plays for a minute, frame after
frame, exactly as the page's live fragment does: train the frame's share, compute the
pictures, build the three figures and encode them for the browser. Training diverges over
and over; every time, the run is reset, as a student would. Nothing may raise, and the
process may not grow by more than 10 % after a warm-up: a leak of a few kilobytes per
frame would show.
"""

from __future__ import annotations

import gc
import time

import pytest

from core.optimizers import OptimizerSpec
from lessons import datasets
from lessons.live.pace import FramePace
from lessons.live.session import LiveTrainer
from lessons.live.specs import DataSpec, Knobs, NetSpec
from lessons.live.stop import StopRule
from ui.live_controls import MAX_HIDDEN_LAYERS, MAX_NEURONS
from ui.live_panels import LiveView, live_figures
from ui.live_payload import Encoder, SentState

WARM_UP_SECONDS = 10.0
SOAK_SECONDS = 60.0


def rss_kib() -> int:
    """Resident set size of this process, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.soak
def test_a_minute_of_frames_at_extreme_settings_raises_nothing_and_keeps_memory_flat():
    net = NetSpec(
        features=tuple(datasets.FEATURES),
        hidden=(MAX_NEURONS,) * MAX_HIDDEN_LAYERS,
        activations=("tanh",) * MAX_HIDDEN_LAYERS,
    )
    live = LiveTrainer(
        DataSpec(dataset="spiral", noise=0.5), net, OptimizerSpec("sgd", 10.0), Knobs(batch_size=1)
    )
    view = LiveView(StopRule(), "auto", discretize=False, show_test=True)
    pace, sent = FramePace(), SentState()
    start = time.monotonic()
    frames = resets = 0
    baseline = None
    while (now := time.monotonic()) - start < SOAK_SECONDS:
        epochs, cpu_seconds = pace.budget(now)
        before, cpu_start = live.epoch, time.thread_time()
        live.train(epochs, view.stop_rule, cpu_seconds=cpu_seconds)
        pace.spent(live.epoch - before, time.thread_time() - cpu_start)
        payload = Encoder(sent).encode(live_figures(live, view))
        assert payload.startswith(b"NNLC")
        frames += 1
        if live.diverged:
            live.reset()
            resets += 1
        if baseline is None and now - start >= WARM_UP_SECONDS:
            gc.collect()
            baseline = rss_kib()
    gc.collect()
    final = rss_kib()
    assert frames > 100 and resets > 10  # it really played, and diverged again and again
    assert final <= 1.10 * baseline, f"RSS grew from {baseline} KiB to {final} KiB"
