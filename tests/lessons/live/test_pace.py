"""lessons.live.pace: the epochs and CPU time each live frame may spend."""

import pytest

from lessons.live.pace import FramePace


def play(pace, seconds, frame_seconds, players=1, epoch_cost=0.0):
    """Frames every ``frame_seconds`` for ``seconds``; epochs and CPU seconds trained in all.

    Each epoch costs ``epoch_cost`` CPU seconds; a frame stops once its budget is spent,
    as ``LiveTrainer.train`` does (the epoch that crosses the limit still finishes).
    """
    total_epochs, total_cpu = 0, 0.0
    for frame in range(round(seconds / frame_seconds) + 1):
        epochs, cpu = pace.budget(frame * frame_seconds, players)
        done, used = 0, 0.0
        while done < epochs and (epoch_cost == 0.0 or used < cpu):
            done, used = done + 1, used + epoch_cost
        pace.spent(done, used)
        total_epochs, total_cpu = total_epochs + done, total_cpu + used
    return total_epochs, total_cpu


def test_first_frame_after_play_trains_a_few_epochs_at_once():
    pace = FramePace(epochs_per_second=30.0, first_epochs=5)
    assert pace.budget(100.0)[0] == 5


@pytest.mark.parametrize("frame_seconds", [0.5, 0.1, 0.03, 0.007])
def test_the_long_run_pace_is_exact_whatever_the_frame_rate(frame_seconds):
    pace = FramePace(epochs_per_second=30.0, first_epochs=5)
    epochs, _ = play(pace, 10.0, frame_seconds)
    # 5 at once, then 30 per second; less than one epoch may still be owed at the end
    assert 5 + 300 - 1 <= epochs <= 5 + 300


def test_a_long_pause_is_not_caught_up():
    pace = FramePace(epochs_per_second=30.0, max_epochs=50)
    pace.budget(0.0)
    pace.spent(5, 0.0)
    assert pace.budget(60.0)[0] == 50


def test_restart_forgets_the_pause_before_play():
    pace = FramePace(epochs_per_second=30.0, first_epochs=5)
    pace.budget(0.0)
    pace.spent(5, 0.0)
    pace.restart()
    assert pace.budget(600.0)[0] == 5


def test_thirty_players_share_the_cpu_fairly():
    # epochs of 1 ms, half of one CPU for everyone's training: each of 30 players gets
    # 1/60 s per second, about 16.7 epochs per second, instead of the 32 it asks for
    pace = FramePace(epochs_per_second=32.0, cpu_share=0.5)
    epochs, cpu = play(pace, 20.0, 0.25, players=30, epoch_cost=0.001)
    share = 0.5 / 30 * 20.0
    assert cpu <= share + 0.001 + 0.5 / 30 * 5 / 32  # plus one epoch, plus the start
    assert epochs == pytest.approx(share / 0.001, rel=0.05)


def test_one_player_keeps_the_full_pace_when_epochs_are_cheap():
    pace = FramePace(epochs_per_second=32.0, cpu_share=0.5)
    epochs, _ = play(pace, 10.0, 0.1, players=1, epoch_cost=0.001)
    assert epochs >= 5 + 320 - 1


def test_a_frame_that_overspent_is_followed_by_frames_that_wait():
    pace = FramePace(epochs_per_second=32.0, cpu_share=0.5, max_cpu_seconds=0.05)
    pace.budget(0.0, players=10)
    pace.spent(5, 0.5)  # far over the 0.05 s it was given
    assert pace.budget(0.1, players=10) == (0, 0.0)  # still in debt: 0.05 s per second
    epochs, _ = play(FramePace(), 1.0, 0.1, players=10, epoch_cost=0.0)
    assert epochs > 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"epochs_per_second": 0.0},
        {"epochs_per_second": float("nan")},
        {"cpu_share": 0.0},
        {"cpu_share": 1.5},
        {"first_epochs": 0},
        {"first_epochs": 60, "max_epochs": 50},
        {"max_cpu_seconds": -1.0},
    ],
)
def test_bad_settings_are_rejected(kwargs):
    with pytest.raises(ValueError):
        FramePace(**kwargs)
