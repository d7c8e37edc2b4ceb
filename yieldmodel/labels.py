"""Pass/fail labels in any common coding, read as 0/1 with FAIL = 1 (the positive class).

:func:`encode_label` maps a label column written as 0/1, -1/1, pass/fail, P/F, good/bad,
OK/NG, true/false or yes/no to 0/1; :func:`describe_label` also says how it read them.
:func:`training_labels` adds what training needs (both classes, two rows of each), and
:func:`guess_label_column` finds the likely label column of an uploaded table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.validation import row_list
from yieldmodel.column_names import name_words
from yieldmodel.messages import DataError, closest, name_list


@dataclass(frozen=True)
class LabelCoding:
    """One way of writing pass/fail: the tokens meaning PASS (0) and FAIL (1).

    ``polarity_from_name``: for neutral codings (0/1, true/false) a column *named* like
    'pass' or 'good' means 1 = pass, so the classes are swapped.
    """

    passes: frozenset
    fails: frozenset
    polarity_from_name: bool


#: Recognised label codings, tried in this order (tokens are lower-case, numbers as ints).
LABEL_CODINGS: dict[str, LabelCoding] = {
    "0/1": LabelCoding(frozenset({"0"}), frozenset({"1"}), True),
    "-1/1": LabelCoding(frozenset({"-1"}), frozenset({"1"}), True),
    "pass/fail": LabelCoding(frozenset({"pass", "passed"}), frozenset({"fail", "failed"}), False),
    "P/F": LabelCoding(frozenset({"p"}), frozenset({"f"}), False),
    "good/bad": LabelCoding(frozenset({"good"}), frozenset({"bad"}), False),
    "OK/NG": LabelCoding(frozenset({"ok"}), frozenset({"ng", "nok"}), False),
    "true/false": LabelCoding(frozenset({"false"}), frozenset({"true"}), True),
    "yes/no": LabelCoding(frozenset({"no", "n"}), frozenset({"yes", "y"}), True),
}
_PASS_WORDS = frozenset({"pass", "passed", "good", "ok", "yield", "yielded", "accept"})
_FAIL_WORDS = frozenset({"fail", "failed", "bad", "ng", "defect", "defective", "reject"})
_LABEL_WORDS = ("fail", "pass", "label", "result", "target", "status", "class", "outcome")


def _label_token(value) -> str:
    """Canonical token of one label value: 'PASS ' -> 'pass', 1.0 -> '1', True -> 'true'."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    text = str(value).strip().lower()
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and number == int(number):
        return str(int(number))
    return text


def _coding_of(name: str, uniques) -> tuple[str, list[str]]:
    """Name of the coding the distinct values ``uniques`` use, and their tokens."""
    tokens = [_label_token(value) for value in uniques]
    distinct = set(tokens)
    for key, coding in LABEL_CODINGS.items():
        if distinct <= coding.passes | coding.fails:
            return key, tokens
    shown = ", ".join(repr(v) for v in list(uniques[:8]))
    extra = f" ({len(uniques)} distinct values)" if len(uniques) > 8 else ""
    raise DataError(
        f"Label column {name!r} holds {shown}{extra}, which is not a two-class pass/fail "
        f"coding. Expected one of: {', '.join(LABEL_CODINGS)} (any letter case)."
    )


def describe_label(series: pd.Series) -> tuple[np.ndarray, str]:
    """0/1 labels (FAIL = 1) and a sentence describing the coding found.

    See :func:`encode_label` for the codings and the errors.
    """
    name = str(series.name)
    missing = np.flatnonzero(series.isna().to_numpy())
    if missing.size:
        raise DataError(
            f"Label column {name!r} is empty in {missing.size} of {len(series)} rows "
            f"({row_list(missing + 1)}). Fill in pass/fail there or remove those rows."
        )
    if series.empty:
        raise DataError(f"Label column {name!r} has no rows.")
    codes, uniques = pd.factorize(series, sort=True)
    coding_name, tokens = _coding_of(name, uniques)
    coding = LABEL_CODINGS[coding_name]
    words = set(name_words(name))
    swapped = coding.polarity_from_name and words & _PASS_WORDS and not words & _FAIL_WORDS
    fail_tokens = coding.passes if swapped else coding.fails
    is_fail = np.array([token in fail_tokens for token in tokens], dtype=bool)
    y = is_fail[codes].astype(np.int64)
    if is_fail.all() or not is_fail.any():
        only = "fail" if is_fail.all() else "pass"
        values = ", ".join(repr(v) for v in uniques)
        raise DataError(
            f"Label column {name!r} has only one class: every one of its {len(y)} rows is "
            f"{only} ({values}). A classifier needs examples of both pass and fail."
        )
    fail_values = " / ".join(str(v) for v, f in zip(uniques, is_fail, strict=True) if f)
    pass_values = " / ".join(str(v) for v, f in zip(uniques, is_fail, strict=True) if not f)
    description = (
        f"Label {name!r}, {coding_name} coding: {fail_values} = fail (class 1, the positive "
        f"class); {pass_values} = pass (class 0)."
    )
    if swapped:
        description += f" The column's name says pass, so {pass_values} counts as pass."
    return y, description


def encode_label(series: pd.Series) -> np.ndarray:
    """Pass/fail labels as 0/1 integers; FAIL is the positive class 1.

    Recognised codings (letter case and surrounding spaces ignored): 0/1, -1/1, pass/fail,
    P/F, good/bad, OK/NG, true/false (strings or booleans), yes/no. For the neutral
    codings (0/1, -1/1, true/false, yes/no) the larger value means fail -- unless the
    column's name says pass ('pass', 'good', 'yield'), then it means pass.

    Parameters
    ----------
    series : pandas.Series of shape (n_samples,)

    Returns
    -------
    ndarray of int64, shape (n_samples,)

    Raises
    ------
    DataError
        Empty label cells (rows listed), an unrecognised coding, or only one class.
    """
    return describe_label(series)[0]


def label_column(df: pd.DataFrame, label: str) -> pd.Series:
    """Column ``label`` of ``df``, or a DataError naming the columns there are."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if label in df.columns:
        return df[label]
    hint = closest(str(label), df.columns)
    raise DataError(
        f"Label column {label!r} is not in the table"
        + (f" (did you mean {hint!r}?)" if hint else "")
        + f"; its columns: {name_list(df.columns, 12)}."
    )


def training_labels(df: pd.DataFrame, label: str) -> np.ndarray:
    """0/1 labels of ``df[label]`` with at least two rows of each class (for a split).

    Raises
    ------
    DataError
        A missing label column, an unreadable or one-class label, or a class with a
        single row; the message says which.
    """
    y = encode_label(label_column(df, label))
    counts = np.bincount(y, minlength=2)
    if counts.min() < 2:
        rare = "fail" if counts[1] < counts[0] else "pass"
        raise DataError(
            f"Label column {label!r} has only {counts.min()} {rare} row(s) in {y.size} rows. "
            "Training and validation each need at least one example of both classes, so "
            "each class needs two rows or more."
        )
    return y


def guess_label_column(df: pd.DataFrame) -> str:
    """The column that most likely holds pass/fail: by name, else the last column."""
    columns = [str(c) for c in df.columns]
    for word in _LABEL_WORDS:
        for name in columns:
            if word in name.lower():
                return name
    return columns[-1]
