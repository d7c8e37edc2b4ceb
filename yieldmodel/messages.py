"""Messages for people: the error a person can fix, and how rows and names are listed.

Every failure a person can fix raises :class:`DataError` (a ``ValueError``) whose message
says which column, which rows and what was expected. Row numbers in messages count data
rows from 1, the first row below the header.
"""

from __future__ import annotations

import difflib

#: How many row numbers / example values a message lists before "...".
MAX_EXAMPLES = 5


class DataError(ValueError):
    """Input data a person has to fix; the message names the columns and rows involved."""


def name_list(names, limit: int = 10) -> str:
    """``'a', 'b' and 3 more``: quoted names, the first ``limit`` of them."""
    names = list(names)
    text = ", ".join(repr(str(n)) for n in names[:limit])
    if len(names) > limit:
        text += f" and {len(names) - limit} more"
    return text


def closest(name: str, candidates) -> str | None:
    """The candidate that is probably what ``name`` meant (case or spelling slip)."""
    candidates = [str(c) for c in candidates]
    folded = {c.strip().lower(): c for c in candidates}
    if name.strip().lower() in folded:
        return folded[name.strip().lower()]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def counted(count: int, noun: str) -> str:
    """'1 row', '3 rows', '1,200 cells': a count with its noun in the right number."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
