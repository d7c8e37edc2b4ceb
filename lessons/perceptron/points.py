"""The learner's own points for the Perceptron page: presets, the editable table, the URL text.

A set of points is ``X`` of shape (n, 2) and labels ``y`` in {0, 1}. It reaches the page in
two ways, both checked by the same rules (:func:`check_labels`):

* the editable table (:func:`points_from_table`), whose errors name the row to fix;
* the page address, as compact text ``"x1:x2:label;x1:x2:label;..."``
  (:func:`format_points` writes it, :func:`parse_points` reads it back exactly), so a
  teacher can share a hand-made set of points with a link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_POINTS = 200
"""Most points a set may hold, which keeps a run of up to 100 epochs quick to train and draw."""
POINT_COLUMNS = ("x1", "x2", "label")
"""Columns of the editable table."""
MAX_TEXT_LENGTH = MAX_POINTS * 56
"""Longest accepted URL text: 200 points with two full-precision floats each."""


@dataclass(frozen=True)
class Preset:
    """A starting set of points.

    Attributes
    ----------
    label : str
        Name shown in the "Start from" box.
    points : tuple of (x1, x2, label)
    """

    label: str
    points: tuple[tuple[float, float, int], ...]

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)``: float64 of shape (n, 2) and int64 of shape (n,)."""
        rows = np.array(self.points, dtype=np.float64)
        return rows[:, :2].copy(), rows[:, 2].astype(np.int64)


PRESETS: dict[str, Preset] = {
    "clusters": Preset(
        "two clusters (separable)",
        (
            (0.5, 1.0, 0),
            (1.0, 2.0, 0),
            (1.5, 0.5, 0),
            (2.0, 1.5, 0),
            (3.0, 3.0, 1),
            (3.5, 2.0, 1),
            (4.0, 3.5, 1),
            (2.5, 3.5, 1),
        ),
    ),
    "crossed": Preset(
        "crossed pairs (not separable)",
        (
            (1.0, 1.0, 0),
            (1.2, 0.7, 0),
            (3.0, 3.0, 0),
            (2.8, 3.3, 0),
            (1.0, 3.0, 1),
            (0.8, 3.2, 1),
            (3.0, 1.0, 1),
            (3.2, 0.8, 1),
        ),
    ),
}
"""Preset id (as in the URL) -> :class:`Preset`."""


def check_labels(labels: np.ndarray) -> np.ndarray:
    """Labels as int64 if they are all 0 or 1 and both classes occur; else a ValueError."""
    labels = np.asarray(labels, dtype=np.float64)
    outside = ~np.isin(labels, (0, 1))
    if outside.any():
        raise ValueError(f"Labels must be 0 or 1, found {labels[outside][0]:g}.")
    if np.unique(labels).size < 2:
        only = int(labels[0])
        raise ValueError(
            f"Every point has label {only}: there is nothing to separate. A perceptron draws a "
            f"line between two classes — add at least one point with label {1 - only}."
        )
    return labels.astype(np.int64)


def _check_count(n: int, empty_message: str, counted: str) -> None:
    if n == 0:
        raise ValueError(empty_message)
    if n > MAX_POINTS:
        raise ValueError(f"{counted.format(n=n)}; use at most {MAX_POINTS} points.")


def points_from_table(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` from the editable table (columns :data:`POINT_COLUMNS`).

    Raises
    ------
    ValueError
        Saying what to fix: an empty or oversized table, the rows with an empty or
        non-numeric cell, a label other than 0/1, or a single class.
    """
    _check_count(
        len(table),
        "The table is empty: add points, at least one with each label 0 and 1.",
        "The table has {n} rows",
    )
    numbers = table[list(POINT_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    values = numbers.to_numpy(np.float64)
    incomplete = ~np.isfinite(values).all(axis=1)
    if incomplete.any():
        rows = ", ".join(str(row) for row in table.index[incomplete][:5])
        raise ValueError(
            f"Row {rows} has an empty or non-numeric cell: every point needs numbers for "
            "x1, x2 and label."
        )
    return values[:, :2].copy(), check_labels(values[:, 2])


def table_from_points(X, y) -> pd.DataFrame:
    """The editable table of points ``X`` (n, 2) with labels ``y``."""
    X = np.asarray(X, dtype=np.float64)
    return pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": np.asarray(y, dtype=np.int64)})


def _number(text: str, index: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"point {index + 1} has a non-numeric value {text.strip()!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"point {index + 1} has a non-finite value {text.strip()!r}")
    return value


def parse_points(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Read ``"x1:x2:label;..."`` (spaces and a trailing ``;`` allowed) into ``(X, y)``.

    Raises
    ------
    ValueError
        For an empty text, more than :data:`MAX_POINTS` points, a point without exactly
        three parts, a non-numeric or non-finite number, or labels that fail
        :func:`check_labels`.
    """
    parts = [part for part in text.split(";") if part.strip()]
    _check_count(len(parts), "no points given", "{n} points given")
    rows = []
    for index, part in enumerate(parts):
        fields = part.split(":")
        if len(fields) != 3:
            raise ValueError(f"point {index + 1} ({part.strip()!r}) is not x1:x2:label")
        rows.append([_number(field, index) for field in fields])
    values = np.array(rows, dtype=np.float64)
    return values[:, :2].copy(), check_labels(values[:, 2])


def _shortest(value: float) -> str:
    """Shortest text that reads back as exactly ``value``: ``1.0`` -> ``1``, ``0.25``."""
    text = repr(float(value) + 0.0)
    return text[:-2] if text.endswith(".0") else text


def format_points(X, y) -> str:
    """``"x1:x2:label;..."`` text that :func:`parse_points` reads back to the same arrays."""
    X = np.asarray(X, dtype=np.float64)
    return ";".join(
        f"{_shortest(x1)}:{_shortest(x2)}:{int(label)}"
        for (x1, x2), label in zip(X, np.asarray(y), strict=True)
    )


def points_text(X, y, preset: str) -> str:
    """URL text of the points: empty while they are exactly preset ``preset``'s."""
    preset_X, preset_y = PRESETS[preset].arrays()
    if np.array_equal(np.asarray(X), preset_X) and np.array_equal(np.asarray(y), preset_y):
        return ""
    return format_points(X, y)


def chosen_points(text: str, preset: str) -> tuple[np.ndarray, np.ndarray]:
    """The points a URL text stands for: preset ``preset`` when empty, else the parsed text."""
    return parse_points(text) if text.strip() else PRESETS[preset].arrays()


def read_points_text(text: str) -> str:
    """URL reader of the points field: the text itself, once it parses.

    Raises
    ------
    ValueError
        If the text is longer than :data:`MAX_TEXT_LENGTH` or :func:`parse_points` rejects
        it (an empty text is fine: it means "the preset's points").
    """
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"longer than {MAX_TEXT_LENGTH} characters")
    if not text.strip():
        return ""  # blank means the preset's points
    parse_points(text)
    return text
