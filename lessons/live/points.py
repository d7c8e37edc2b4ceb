"""A user's own points: a table of ``x1, x2, label`` rows, checked and numbered."""

from __future__ import annotations

import numpy as np

from core.validation import row_list

MIN_CUSTOM_POINTS = 4


def custom_points(x1, x2, label, kind: str) -> tuple[np.ndarray, np.ndarray, list]:
    """Check a table of points typed or uploaded by a user.

    Parameters
    ----------
    x1, x2, label : array_like of shape (n,)
        Columns of the table. Rows with any empty cell are an error (say which).
    kind : {"classification", "regression"}
        Classification labels may be any distinct values (numbers or words); they are
        numbered 0..k-1 in sorted order. Regression labels must be numbers.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n,)
        int64 class indices, or float64 targets.
    classes : list
        The original label of each class index (empty for regression).
    """
    if kind not in ("classification", "regression"):
        raise ValueError(f"kind must be 'classification' or 'regression', got {kind!r}")
    columns = [np.asarray(column, dtype=object).ravel() for column in (x1, x2, label)]
    n = columns[0].shape[0]
    if any(column.shape[0] != n for column in columns):
        raise ValueError("x1, x2 and label must have the same number of rows")
    if n < MIN_CUSTOM_POINTS:
        raise ValueError(f"add at least {MIN_CUSTOM_POINTS} points (there are {n})")
    X = np.empty((n, 2))
    for position, name in enumerate(("x1", "x2")):
        try:
            X[:, position] = columns[position].astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"column {name} must hold numbers: {error}") from error
    bad = np.flatnonzero(~np.isfinite(X).all(axis=1))
    if bad.size:
        raise ValueError(f"{row_list(bad + 1)}: empty or non-numeric x1/x2")
    labels = columns[2]
    missing = np.flatnonzero([value is None or value != value or value == "" for value in labels])
    if missing.size:
        raise ValueError(f"{row_list(missing + 1)}: no label")
    if kind == "regression":
        try:
            y = labels.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"regression labels must be numbers: {error}") from error
        return X, y, []
    classes = sorted({_label_key(value) for value in labels}, key=_sort_key)
    if len(classes) < 2:
        raise ValueError(f"classification needs at least two classes, found only {classes}")
    lookup = {value: index for index, value in enumerate(classes)}
    y = np.array([lookup[_label_key(value)] for value in labels], dtype=np.int64)
    counts = np.bincount(y)
    if counts.min() < 2:
        lonely = classes[int(counts.argmin())]
        raise ValueError(f"class {lonely!r} has a single point; give every class at least two")
    return X, y, classes


def _label_key(value):
    """Labels 1, 1.0 and '1' are the same class; other text stays text."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value).strip()
    return int(number) if number.is_integer() else number


def _sort_key(value):
    return (isinstance(value, str), value)
