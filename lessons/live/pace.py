"""How many epochs a live frame trains: a steady pace, and a fair share of a busy server.

A browser asks for a new frame as soon as it has drawn the last one, so frames come
faster on a quick screen and slower on a busy server. :class:`FramePace` therefore sets
the training of each frame by the time that passed, not by the frame count: it keeps a
running credit, so the long-run pace is exact even when a frame's share is a fraction of
an epoch, and it limits each player to a fair share of the CPU (``cpu_share`` of one core
split between everyone playing), so thirty students pressing Play at once still see their
networks redraw several times a second instead of the training loops starving the
drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value}")
    return value


@dataclass
class FramePace:
    """Epoch and CPU budget of each live frame of one player.

    Parameters
    ----------
    epochs_per_second : float
        Pace of a player who has the server to themselves.
    cpu_share : float
        Fraction of one CPU that everyone's training may use together; the rest is left
        for drawing frames. Each of ``players`` gets ``cpu_share / players``.
    max_epochs : int
        Most epochs one frame trains (a long pause is not caught up).
    first_epochs : int
        Epochs of the first frame after :meth:`restart` (something moves at once), with
        the CPU time they would get at the pace.
    max_cpu_seconds : float
        Most CPU time a player may save up while waiting.

    Use :meth:`budget` before training a frame and :meth:`spent` after it.
    """

    epochs_per_second: float = 32.0
    cpu_share: float = 0.5
    max_epochs: int = 50
    first_epochs: int = 5
    max_cpu_seconds: float = 0.25
    _last: float | None = field(default=None, init=False, repr=False)
    _epochs: float = field(default=0.0, init=False, repr=False)
    _cpu: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self):
        _positive(self.epochs_per_second, "epochs_per_second")
        _positive(self.max_cpu_seconds, "max_cpu_seconds")
        if not 0.0 < self.cpu_share <= 1.0:
            raise ValueError(f"cpu_share must lie in (0, 1], got {self.cpu_share}")
        if not 1 <= self.first_epochs <= self.max_epochs:
            raise ValueError(
                f"need 1 <= first_epochs <= max_epochs, got {self.first_epochs}, {self.max_epochs}"
            )

    def restart(self) -> None:
        """Forget the previous frame (call when Play is pressed)."""
        self._last = None

    def budget(self, now: float, players: int = 1) -> tuple[int, float]:
        """Epochs this frame may train, and the CPU seconds it may spend doing so.

        Parameters
        ----------
        now : float
            Wall-clock seconds (``time.monotonic()``).
        players : int
            Players training on this server right now, this one included (>= 1).

        Returns
        -------
        epochs : int
            Whole epochs of the pace credit (0 while the credit is below one epoch or the
            player has used more than their CPU share).
        cpu_seconds : float
            CPU time this frame may use before it stops early.
        """
        players = max(int(players), 1)
        fair_share = self.cpu_share / players
        if self._last is None:
            self._epochs = float(self.first_epochs)
            # as much CPU as those epochs would get at the pace: no burst when all start
            self._cpu = min(
                fair_share * self.first_epochs / self.epochs_per_second, self.max_cpu_seconds
            )
        else:
            elapsed = max(now - self._last, 0.0)
            self._epochs = min(self._epochs + self.epochs_per_second * elapsed, self.max_epochs)
            self._cpu = min(self._cpu + fair_share * elapsed, self.max_cpu_seconds)
        self._last = now
        if self._cpu <= 0.0:
            return 0, 0.0
        return int(self._epochs), self._cpu

    def spent(self, epochs: int, cpu_seconds: float) -> None:
        """Book what the frame used: ``epochs`` trained in ``cpu_seconds`` of CPU time."""
        self._epochs = max(self._epochs - int(epochs), 0.0)
        self._cpu -= max(float(cpu_seconds), 0.0)
