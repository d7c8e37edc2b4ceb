"""What a column's name says: an identifier, position or time stamp, or a measurement.

``lot``, ``wafer_id``, ``die_x``, ``PartID`` and ``timestamp`` identify a part rather than
measure it: the CSV reader keeps such columns as text (so ``007`` stays ``007``) and the
preprocessor leaves them out of the features. A column *named* like 'pass' or 'good'
also tells which way a neutral 0/1 label points.
"""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")

#: Words that make a column an identifier, position or time stamp...
ID_WORDS = frozenset(
    {"id", "lot", "wafer", "die", "x", "y", "part", "serial", "sn", "index", "idx"}
    | {"timestamp", "datetime", "date", "time"}
)
#: ...when every other word of its name is one of these (so 'die_x' and 'lot_id' are
#: identifiers, but 'die_temp' and 'rise_time' are measurements).
ID_QUALIFIERS = frozenset(
    {"no", "num", "number", "nr", "code", "name", "key", "coord", "pos", "position"}
    | {"row", "col", "column", "site", "test", "start", "end", "stop", "stamp", "utc"}
    | {"local", "insertion", "wf", "unit"}
)


def name_words(name) -> list[str]:
    """Lower-case words of a column name: 'DieX' -> ['die', 'x'], 'lot_id' -> ['lot', 'id']."""
    spaced = _CAMEL_BOUNDARY.sub(" ", str(name))
    return [word for word in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if word]


def is_id_name(name) -> bool:
    """Whether a column name says 'identifier / position / time stamp'."""
    words = name_words(name)
    if not words or not any(word in ID_WORDS for word in words):
        return False
    return all(word in ID_WORDS or word in ID_QUALIFIERS or word.isdigit() for word in words)
