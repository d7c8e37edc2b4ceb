"""One declarative URL schema per page, used both to read the query string and to write it.

A teacher shares an exact setup by sharing the page address, so every control of a page
is a :class:`Field` of the page's :class:`UrlSchema`: its URL key, default, and what
values it accepts. The same declaration

* parses a query string (:meth:`UrlSchema.parse`): a value that does not fit is replaced
  by the default, a number out of range is clamped, a choice is matched ignoring case, and
  every such repair comes back as a note a person can read;
* writes the state back (:meth:`UrlSchema.encode`), so no control can be forgotten in a
  shared link and state -> URL -> state is the identity for every valid state.

Pages bind the schema to their widgets with :func:`bind` (first run: URL -> widget state,
notes shown) and :func:`sync` (every run: widget state -> URL). A field's widget key is
``"<page>.<key>"`` (:meth:`UrlSchema.widget_key`). ``parse``/``encode`` need no Streamlit,
so the round trip is tested on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

FRAME_KEYS = frozenset({"present", "embed", "embed_options"})
"""Keys every page understands (read by ``ui.frame`` or Streamlit), never reported unknown."""

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class Rejected(ValueError):
    """A URL value the field cannot use; the message says what was expected."""


def _encode_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "item"):  # NumPy scalars
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass(frozen=True)
class Field:
    """One setting of a page, as it appears in the URL.

    Build fields with :func:`boolean`, :func:`integer`, :func:`number`, :func:`choice`,
    :func:`choices`, :func:`numbers` or :func:`text` rather than by hand.

    Attributes
    ----------
    key : str
        Name in the query string, e.g. ``"lr"``.
    default : object
        Value when the key is absent or unusable.
    read : callable
        Text -> value; raises :class:`Rejected` (or ValueError) for text it cannot use.
    fit : callable
        Value -> (value kept inside the field's range, note or None).
    write : callable
        Value -> text that ``read`` turns back into the same value.
    """

    key: str
    default: Any
    read: Callable[[str], Any]
    fit: Callable[[Any], tuple[Any, str | None]] = field(default=lambda value: (value, None))
    write: Callable[[Any], str] = _encode_scalar

    def parse(self, raw: str | None) -> tuple[Any, str | None]:
        """The value of ``raw`` (None: absent), and a note when it had to be repaired."""
        if raw is None:
            return self.default, None
        try:
            value = self.read(raw)
        except (Rejected, ValueError, TypeError) as error:
            reason = str(error) or "not a usable value"
            return self.default, f"`{self.key}={raw}` ignored ({reason}); using the default"
        value, note = self.fit(value)
        return value, (f"`{self.key}={raw}`: {note}" if note else None)


def _bool(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise Rejected("expected true or false")


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise Rejected("expected a number") from None
    if not math.isfinite(value):
        raise Rejected("expected a finite number")
    return value


def _integer(text: str) -> int:
    value = _finite(text)
    if value != int(value):
        raise Rejected("expected a whole number")
    return int(value)


def _clamp(low, high):
    def fit(value):
        if low is not None and value < low:
            return low, f"below the smallest allowed value, {low}"
        if high is not None and value > high:
            return high, f"above the largest allowed value, {high}"
        return value, None

    return fit


def boolean(key: str, default: bool) -> Field:
    """A yes/no setting: ``true/false``, ``1/0``, ``yes/no`` or ``on/off`` in any case."""
    return Field(key, default, _bool)


def integer(key: str, default: int, low: int | None = None, high: int | None = None) -> Field:
    """A whole number, clamped into ``[low, high]``."""
    return Field(key, default, _integer, _clamp(low, high))


def number(key: str, default: float, low: float | None = None, high: float | None = None):
    """A finite float, clamped into ``[low, high]``."""
    return Field(key, float(default), _finite, _clamp(low, high))


def _matcher(options: Sequence[Any]) -> Callable[[str], Any]:
    """Text -> option: the option's own text ignoring case, or for numeric options the
    same number written another way (``10`` for 10.0, ``1e-3`` for 0.001)."""
    by_text = {_encode_scalar(option).lower(): option for option in options}
    numeric = [
        option
        for option in options
        if isinstance(option, (int, float)) and not isinstance(option, bool)
    ]

    def read(text: str):
        word = text.strip().lower()
        if word in by_text:
            return by_text[word]
        try:
            value = float(word)
        except ValueError:
            value = None
        for option in numeric:
            if value is not None and math.isclose(value, option, rel_tol=1e-12, abs_tol=0.0):
                return option
        shown = ", ".join(_encode_scalar(option) for option in options)
        raise Rejected(f"not one of {shown}")

    return read


def choice(key: str, default: Any, options: Sequence[Any]) -> Field:
    """One of ``options`` (matched ignoring case; ints and strings may mix, e.g. auto/1/2)."""
    options = tuple(options)
    if default not in options:
        raise ValueError(f"default {default!r} of {key!r} is not among its options")
    return Field(key, default, _matcher(options))


def choices(key: str, default: Sequence[Any], options: Sequence[Any], min_count: int = 0) -> Field:
    """A comma-separated selection from ``options`` without repeats, in the order given."""
    options = tuple(options)
    one = _matcher(options)

    def read(text: str) -> list:
        picked = []
        for part in text.split(","):
            if part.strip():
                value = one(part)
                if value not in picked:
                    picked.append(value)
        if len(picked) < min_count:
            raise Rejected(f"choose at least {min_count}")
        return picked

    return Field(
        key, list(default), read, write=lambda values: ",".join(map(_encode_scalar, values))
    )


def numbers(
    key: str,
    default: Sequence[float],
    low: float | None = None,
    high: float | None = None,
    count: tuple[int, int] = (0, 64),
    cast: Callable[[str], Any] = _finite,
) -> Field:
    """A comma-separated list of numbers (``cast=int`` for whole numbers), each clamped,
    with between ``count[0]`` and ``count[1]`` items (e.g. hidden layer widths)."""
    read_one = _integer if cast is int else cast
    clamp = _clamp(low, high)

    def read(text: str) -> list:
        values = [read_one(part) for part in text.split(",") if part.strip()]
        if not count[0] <= len(values) <= count[1]:
            raise Rejected(f"expected {count[0]} to {count[1]} numbers")
        return values

    def fit(values):
        fitted = [clamp(value) for value in values]
        notes = {note for _, note in fitted if note}
        return [value for value, _ in fitted], ("; ".join(sorted(notes)) or None)

    return Field(
        key, list(default), read, fit, lambda values: ",".join(map(_encode_scalar, values))
    )


def text(key: str, default: str, max_length: int = 200) -> Field:
    """Free text (e.g. a custom start point typed by the user), at most ``max_length`` long."""

    def read(raw: str) -> str:
        if len(raw) > max_length:
            raise Rejected(f"longer than {max_length} characters")
        return raw

    return Field(key, default, read)


@dataclass(frozen=True)
class UrlSchema:
    """The settings of one page, in URL order.

    Parameters
    ----------
    page : str
        Prefix of the widget keys (``"<page>.<key>"``), unique per page.
    fields : sequence of Field
    """

    page: str
    fields: tuple[Field, ...]

    def __post_init__(self):
        keys = [item.key for item in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate URL keys in the {self.page!r} schema: {keys}")

    def __getitem__(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def defaults(self) -> dict[str, Any]:
        return {item.key: item.default for item in self.fields}

    def widget_key(self, key: str) -> str:
        """The ``st.session_state`` key of field ``key``'s widget."""
        self[key]  # noqa: B018 -- a typo in a page's key fails here, loudly
        return f"{self.page}.{key}"

    def parse(self, query: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
        """State from a query string, and a note for every value that was repaired or unknown."""
        state, notes = {}, []
        for item in self.fields:
            state[item.key], note = item.parse(query.get(item.key))
            if note:
                notes.append(note)
        unknown = sorted(set(query) - {item.key for item in self.fields})
        if unknown:
            notes.append("unknown settings ignored: " + ", ".join(f"`{key}`" for key in unknown))
        return state, notes

    def encode(self, state: Mapping[str, Any]) -> dict[str, str]:
        """Query-string text of every field in ``state`` (missing fields take their default)."""
        return {item.key: item.write(state.get(item.key, item.default)) for item in self.fields}


def bind(schema: UrlSchema, ignore: Sequence[str] = ()) -> dict[str, Any]:
    """Seed the page's widgets from the URL when they have no state yet; show repair notes.

    Call before drawing the widgets, and create each widget with
    ``key=schema.widget_key(name)`` and no ``value``/``index`` argument, so the URL decides
    the first value and the widget every later one. Keys in ``ignore`` (e.g. Streamlit's
    own ``embed``) are not reported as unknown.

    Returns
    -------
    dict
        The current state of every field, by URL key.
    """
    skipped = FRAME_KEYS | set(ignore)
    query = {key: st.query_params[key] for key in st.query_params if key not in skipped}
    state, notes = schema.parse(query)
    fresh = [
        item.key for item in schema.fields if schema.widget_key(item.key) not in st.session_state
    ]
    for key in fresh:
        st.session_state[schema.widget_key(key)] = state[key]
    # Each link's notes are shown once: a widget re-filled later (for example one that was
    # hidden for a run) must not bring the same warning back.
    shown = st.session_state.setdefault(f"{schema.page}.__notes_shown", set())
    signature = tuple(sorted(query.items()))
    if notes and fresh and signature not in shown:
        shown.add(signature)
        st.warning(
            "Some settings in this link could not be used as they were:\n\n"
            + "\n".join(f"- {note}" for note in notes),
            icon=":material/link_off:",
        )
    return {item.key: st.session_state[schema.widget_key(item.key)] for item in schema.fields}


def current(schema: UrlSchema) -> dict[str, Any]:
    """The current state of every field, read from the widgets' session state."""
    return {
        item.key: st.session_state.get(schema.widget_key(item.key), item.default)
        for item in schema.fields
    }


def sync(schema: UrlSchema) -> None:
    """Write the current state into the URL, in one update and only when something changed.

    Each assignment to ``st.query_params`` sends the browser a message of its own; a page
    with fifty settings would send fifty on its first run.
    """
    wanted = schema.encode(current(schema))
    changed = {key: value for key, value in wanted.items() if st.query_params.get(key) != value}
    if not changed:
        return
    if set(st.query_params) <= set(wanted) | FRAME_KEYS:
        kept = {key: st.query_params[key] for key in FRAME_KEYS if key in st.query_params}
        st.query_params.from_dict({**kept, **wanted})
        return
    # Other keys may belong to widgets bound to the URL (tabs), which only they may set.
    for key, value in changed.items():
        st.query_params[key] = value
