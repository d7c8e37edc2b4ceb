"""Readable errors: the one way pages show a failure to a person.

Our own input checks raise ValueError (and subclasses such as
``yieldmodel.messages.DataError`` or ``core.serialization.ModelFormatError``) with messages
written for people; pages catch them and show them with :func:`show_error`.
"""

from __future__ import annotations

import streamlit as st


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
