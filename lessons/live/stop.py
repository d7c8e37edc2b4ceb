"""When a live run stops by itself: a target loss, accuracy or number of epochs."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lessons.live.plane import positive_int


@dataclass(frozen=True)
class StopRule:
    """When to stop a live run; None switches a condition off.

    Attributes
    ----------
    max_epochs : int or None
        Stop once this many epochs are done.
    target_loss : float or None
        Stop once the loss falls to this value or below (test loss when there is a test
        set, else training loss).
    target_accuracy : float or None
        Stop once the accuracy (test, else training) reaches this fraction.
    """

    max_epochs: int | None = None
    target_loss: float | None = None
    target_accuracy: float | None = None

    def __post_init__(self):
        if self.max_epochs is not None:
            positive_int(self.max_epochs, "max_epochs")
        if self.target_loss is not None and not (
            math.isfinite(self.target_loss) and self.target_loss >= 0
        ):
            raise ValueError(f"target_loss must be a number >= 0, got {self.target_loss}")
        if self.target_accuracy is not None and not 0.0 < self.target_accuracy <= 1.0:
            raise ValueError(f"target_accuracy must lie in (0, 1], got {self.target_accuracy}")

    def reason(self, history: dict) -> str | None:
        """Why training should stop after the last epoch in ``history``, or None.

        ``history`` is a :class:`core.training.Trainer` history dict.
        """
        if not history["epoch"]:
            return None
        epoch = history["epoch"][-1]
        if self.max_epochs is not None and epoch >= self.max_epochs:
            return f"reached the maximum of {self.max_epochs} epochs"
        which = "test" if history["val_loss"] else "training"
        loss = (history["val_loss"] or history["loss"])[-1]
        if self.target_loss is not None and loss <= self.target_loss:
            return (
                f"{which} loss {loss:.4g} reached the target {self.target_loss:g} at epoch {epoch}"
            )
        accuracy = history["val_accuracy"] or history["accuracy"]
        if self.target_accuracy is not None and accuracy and accuracy[-1] >= self.target_accuracy:
            return (
                f"{which} accuracy {accuracy[-1]:.1%} reached the target "
                f"{self.target_accuracy:.1%} at epoch {epoch}"
            )
        return None
