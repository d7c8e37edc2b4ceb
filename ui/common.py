"""Helpers shared by the page scripts: settings in the URL, and readable errors.

A teacher shares an exact setup by sharing the page URL, so each page reads its
widget defaults from the query string (``qp_get``) and writes the current settings
back (``qp_sync``). Values arrive as text; ``coerce`` turns them into the type of
the default and falls back to the default for anything that does not fit, so a
hand-edited or stale link never breaks a page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(text: str) -> bool:
    """Read ``true/false``, ``1/0``, ``yes/no`` or ``on/off`` (any case) as a bool.

    Raises
    ------
    ValueError
        If the text is none of those words.
    """
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(f"expected a yes/no value such as 'true' or 'false', got {text!r}")


def parse_finite_float(text: str) -> float:
    """Read a float, rejecting ``nan`` and ``inf`` with a ValueError."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {text!r}")
    return value


def parse_int_list(text: str) -> list[int]:
    """Read comma-separated integers, e.g. ``"8,8,4"`` -> ``[8, 8, 4]``; ``""`` -> ``[]``."""
    return [int(part) for part in text.split(",") if part.strip()]


# How text becomes each default's type when no explicit cast is given.
_CASTS_BY_TYPE: dict[type, Callable[[str], Any]] = {
    bool: parse_bool,
    int: int,
    float: parse_finite_float,
    str: str,
}
_EXPLICIT_CAST_FIXES: dict[Any, Callable[[str], Any]] = {
    bool: parse_bool,  # bool("false") is True; never what a URL means.
    float: parse_finite_float,
}


def coerce(
    raw: str | None,
    default: T,
    cast: Callable[[str], T] | None = None,
    choices: Collection[T] | None = None,
) -> T:
    """Turn one query-string value into a setting, or return ``default``.

    Parameters
    ----------
    raw : str or None
        The text from the URL; None when the key is absent.
    default : object
        Returned when ``raw`` is None, cannot be cast, or is not among ``choices``.
    cast : callable, optional
        Text -> value. Defaults to a parser chosen by ``type(default)`` (bool, int,
        float, str). ``bool`` and ``float`` are replaced by strict parsers.
    choices : collection, optional
        Allowed values after casting (e.g. dataset names).

    Returns
    -------
    object
        The cast value or ``default``.
    """
    if raw is None:
        return default
    if cast is None:
        cast = _CASTS_BY_TYPE.get(type(default), str)
    cast = _EXPLICIT_CAST_FIXES.get(cast, cast)
    try:
        value = cast(raw)
    except (TypeError, ValueError):
        return default
    if choices is not None and value not in choices:
        return default
    return value


def encode(value: object) -> str:
    """Write a setting as query-string text that ``coerce`` reads back unchanged.

    Booleans become ``true``/``false``, floats their shortest round-trip form,
    sequences comma-joined items (read them with ``parse_int_list``).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ",".join(encode(item) for item in value)
    if hasattr(value, "item"):  # NumPy scalars
        return encode(value.item())
    return str(value)


def qp_get(
    key: str,
    default: T,
    cast: Callable[[str], T] | None = None,
    choices: Collection[T] | None = None,
) -> T:
    """Read setting ``key`` from the page URL; see ``coerce`` for the rules."""
    return coerce(st.query_params.get(key), default, cast=cast, choices=choices)


def qp_clamped(key: str, default: T, low: T, high: T) -> T:
    """``qp_get`` kept inside a widget's range ``[low, high]``, so a hand-edited link
    can never put a widget out of range and break the page."""
    return min(max(qp_get(key, default), low), high)


def qp_sync(settings: Mapping[str, object]) -> None:
    """Write ``settings`` into the page URL; a None value removes its key.

    Only keys whose text changed are written, so an unchanged page does not
    touch the browser history.
    """
    for key, value in settings.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
            continue
        text = encode(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def error_message(exc: BaseException) -> str:
    """The sentence shown to a person for ``exc``.

    Our own input checks raise ValueError (and subclasses such as
    ``yieldmodel.tabular.DataError``) with messages written for people, shown as they
    are; anything else is an unexpected failure and is named by its type.
    """
    text = str(exc).strip()
    if isinstance(exc, ValueError) and text:
        return text
    kind = type(exc).__name__
    return f"Unexpected {kind}: {text}" if text else f"Unexpected {kind}."


def show_error(exc: BaseException, context: str | None = None) -> None:
    """Show ``exc`` as a clear ``st.error`` box, optionally prefixed by what failed.

    Parameters
    ----------
    exc : BaseException
        The caught exception.
    context : str, optional
        What the app was doing, e.g. ``"Could not read the CSV"``.
    """
    message = error_message(exc)
    body = f"**{context}.** {message}" if context else message
    st.error(body, icon=":material/error:")
