"""Tabular data at the edge of the engine: CSV bytes in, a clean float matrix out.

A test engineer's CSV is the least trustworthy input the playground gets, so this module
turns it into a float matrix in small, reported steps:

1. :func:`read_csv` decodes the bytes (UTF-8, else Windows-1252 with a note), finds the
   delimiter (``,`` ``;`` tab ``|``) and a decimal comma, and refuses an empty file, a
   header without rows and duplicate column names with a :class:`DataError`.
2. :func:`encode_label` maps a pass/fail column in any common coding to 0/1, FAIL = 1.
3. :class:`Preprocessor` learns, from training rows only, which columns are features and
   how to clean them: identifiers and dates are left out, empty and constant columns are
   dropped, missing cells get the training median, and every feature is standardised
   ``x' = (x - mean) / std``. Its :attr:`~Preprocessor.report` says what it did and why.
4. :func:`validate_for_scoring` checks a new file against a fitted preprocessor before
   anything is scored and lists every problem with column names and row numbers.

Row numbers in messages count data rows from 1, the first row below the header.
Every failure a person can fix raises :class:`DataError` (a ``ValueError``) whose message
says which column, which rows and what was expected.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Version of the dictionary written by :meth:`Preprocessor.to_dict`.
STATE_VERSION = 1

#: A column with at least this fraction of numeric non-empty cells is a numeric column;
#: its remaining text cells are treated as missing (and reported).
NUMERIC_FRACTION = 0.5

#: Fewest training rows for which a column counting 1, 2, 3, ... is taken for a row index.
MIN_ROWS_FOR_INDEX_RULE = 10

#: Minority-class share below which the report suggests class weights.
IMBALANCE_FRACTION = 0.2

#: Standardised values are clipped to ±MAX_Z, so that an absurd but finite cell (1e300)
#: cannot overflow the network; real data never comes near.
MAX_Z = 1e6

#: How many row numbers / example values a message lists before "...".
MAX_EXAMPLES = 5


class DataError(ValueError):
    """Input data a person has to fix; the message names the columns and rows involved."""


# --------------------------------------------------------------------------------------
# Small formatting helpers
# --------------------------------------------------------------------------------------


def _row_list(rows, total: int | None = None, limit: int = MAX_EXAMPLES) -> str:
    """'row 3', 'rows 3, 7, 12' or 'rows 3, 7, 12, ...' from 1-based row numbers.

    ``total`` is the full count when ``rows`` holds only the first few.
    """
    rows = list(rows)
    total = len(rows) if total is None else total
    text = ("row " if total == 1 else "rows ") + ", ".join(str(int(r)) for r in rows[:limit])
    if total > min(len(rows), limit):
        text += ", ..."
    return text


def _name_list(names, limit: int = 10) -> str:
    names = list(names)
    text = ", ".join(repr(str(n)) for n in names[:limit])
    if len(names) > limit:
        text += f" and {len(names) - limit} more"
    return text


def _closest(name: str, candidates) -> str | None:
    """The candidate that is probably what ``name`` meant (case or spelling slip)."""
    candidates = [str(c) for c in candidates]
    folded = {c.strip().lower(): c for c in candidates}
    if name.strip().lower() in folded:
        return folded[name.strip().lower()]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


# --------------------------------------------------------------------------------------
# Reading CSV bytes
# --------------------------------------------------------------------------------------

#: Delimiters tried when sniffing, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|' characters"}

_COMMA_DECIMAL = re.compile(r"^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$")
_DOT_DECIMAL = re.compile(r"^\s*[+-]?\d*\.\d+(?:[eE][+-]?\d+)?\s*$")
SEP_HINT = re.compile(r"^sep=(.)\s*$")  # Excel's first-line delimiter hint
_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends pandas' parser knows
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 50


@dataclass
class CsvData:
    """Result of :func:`read_csv`.

    Attributes
    ----------
    frame : pandas.DataFrame
        The table, one row per data row; column names stripped of surrounding spaces.
    notes : list of str
        What the reader had to decide (encoding, delimiter, decimal mark), for the user.
    encoding, delimiter, decimal : str
        What was used to parse the file.
    """

    frame: pd.DataFrame
    notes: list[str]
    encoding: str
    delimiter: str
    decimal: str


def _read_source(source, max_bytes: int | None) -> bytes | str:
    """Bytes (or text, from a text-mode file) from bytes, a path, or a file-like object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise DataError(f"Cannot read the file {str(source)!r}: {error.strerror}") from error
    elif hasattr(source, "getvalue"):
        data = source.getvalue()
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise TypeError(
            f"read_csv expects bytes, a path or a file-like object, got {type(source).__name__}"
        )
    if max_bytes is not None and len(data) > max_bytes:
        raise DataError(
            f"The file is {len(data) / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB "
            "limit. Split it into smaller files."
        )
    return data


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """Text, the encoding used, and notes. UTF-8 first; Windows-1252 / Latin-1 as fallbacks."""
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            "This is a ZIP archive or an Excel workbook (.xlsx), not a CSV text file. "
            "Open it in your spreadsheet program and save it as CSV."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", ["The file is UTF-16 text."]
        except UnicodeDecodeError as error:
            raise DataError(f"The file starts like UTF-16 text but is damaged: {error}") from error
    bom = _UTF8_BOM if data.startswith(_UTF8_BOM) else b""
    body = data[len(bom) :]
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", []
    except UnicodeDecodeError as error:
        position = len(bom) + error.start
        bad = f"byte 0x{data[position]:02X} at position {position}"
    for encoding, label in (("cp1252", "Windows-1252 (cp1252)"), ("latin-1", "Latin-1")):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        note = (
            f"The file is not UTF-8 (first non-UTF-8 {bad}); it was read as {label}. "
            "Check that names with accents look right, or save the file as UTF-8."
        )
        return text, encoding, [note]
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _sniff(lines: list[str], delimiter: str | None = None) -> tuple[str, str, list[str]]:
    """Delimiter and decimal mark from the first lines of a file (header first).

    The delimiter is the candidate that splits the header into the most columns with the
    most rows agreeing, unless ``delimiter`` is already known (Excel's 'sep=' line).
    """
    best, best_score = ",", (0.0, 1)
    rows_by_delimiter = {}
    for candidate in DELIMITERS if delimiter is None else (delimiter,):
        try:
            rows = list(csv.reader(lines, delimiter=candidate, skipinitialspace=True))
        except csv.Error:
            continue
        rows_by_delimiter[candidate] = rows
        n_header = len(rows[0]) if rows else 0
        consistency = sum(len(row) == n_header for row in rows) / max(len(rows), 1)
        score = (consistency, n_header)
        if delimiter is not None or (n_header >= 2 and score > best_score):
            best, best_score = candidate, score
    notes = []
    if best != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[best]}.")
    decimal = "."
    if best != ",":
        cells = [cell for row in rows_by_delimiter.get(best, [])[1:] for cell in row]
        comma = [cell for cell in cells if _COMMA_DECIMAL.match(cell)]
        dot = sum(bool(_DOT_DECIMAL.match(cell)) for cell in cells)
        if len(comma) > dot:
            decimal = ","
            notes.append(
                f"Numbers use a decimal comma (e.g. {comma[0].strip()!r}); "
                "they were read with ',' as the decimal mark."
            )
    return best, decimal, notes


def _header_names(header_line: str, delimiter: str) -> list[str]:
    """Stripped column names; blank names become 'Unnamed: i' as pandas names them."""
    try:
        cells = next(csv.reader([header_line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration) as error:
        raise DataError(f"The header row cannot be read: {error}") from error
    names = [cell.strip() or f"Unnamed: {i}" for i, cell in enumerate(cells)]
    seen: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        seen.setdefault(name, []).append(position)
    duplicated = {name: pos for name, pos in seen.items() if len(pos) > 1}
    if duplicated:
        parts = [
            f"{name!r} (columns {', '.join(map(str, pos))})" for name, pos in duplicated.items()
        ]
        raise DataError(
            f"Duplicate column names: {'; '.join(parts)}. Each column needs a unique name "
            "so it can be matched; rename or delete the copies."
        )
    return names


_FIELDS_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parser_error(error: Exception, delimiter: str) -> DataError:
    message = str(error)
    match = _FIELDS_ERROR.search(message)
    if match:
        expected, line, seen = match.groups()
        return DataError(
            f"Line {line} of the file has {seen} fields but the header has {expected} "
            f"columns. Look for an extra {delimiter!r} or a value containing {delimiter!r} "
            "that is not in quotes."
        )
    if "EOF inside string" in message:
        return DataError(
            'A quoted value is never closed (a " without its partner); '
            f"the reader gave up: {message.strip()}"
        )
    return DataError(f"The file is not a readable CSV table: {message.strip()}")


def read_csv(source, *, max_bytes: int | None = None) -> CsvData:
    """Read a CSV file a person exported from a tester, a spreadsheet or a script.

    Parameters
    ----------
    source : bytes, str or path-like, or a binary file-like object
        The file's bytes, its path, or an open file / upload (anything with ``read()`` or
        ``getvalue()``). A ``str`` is a path, never CSV text.
    max_bytes : int, optional
        Refuse files larger than this with a :class:`DataError`.

    Returns
    -------
    CsvData
        The frame plus notes on the encoding, delimiter and decimal mark used.
        Columns whose names look like identifiers (lot, wafer, part, die X/Y, ...) are
        kept as text so that values such as ``007`` come back unchanged.

    Raises
    ------
    DataError
        For an empty file, a header without data rows, duplicate column names, rows with
        more fields than the header, an unclosed quote, or a binary/Excel file.
    """
    data = _read_source(source, max_bytes)
    if isinstance(data, str):
        data = data.encode("utf-8")
    text, encoding, notes = _decode(data)
    if not text.strip():
        raise DataError("The file is empty: it has no header row and no data.")
    sample = text[:_SNIFF_CHARS]
    del text  # only the first lines are needed from here on; pandas reads the bytes
    if "\x00" in sample:
        raise DataError(
            "The file contains NUL bytes, so it is binary, not CSV text (an Excel .xls "
            "workbook or a damaged file?). Save it from its program as CSV."
        )
    lines = _LINE_BREAK.split(sample)
    if len(sample) == _SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut in the middle
    # Physical lines before the header: blank ones and Excel's 'sep=;' hint.
    skip = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    hint = SEP_HINT.match(lines[skip]) if skip < len(lines) else None
    skip += bool(hint)
    head = [line for line in lines[skip:] if line.strip()][:_SNIFF_LINES]
    if not head:
        raise DataError("The file has no header row and no data (only blank or 'sep=' lines).")
    delimiter, decimal, sniff_notes = _sniff(head, hint.group(1) if hint else None)
    notes += sniff_notes

    names = _header_names(head[0], delimiter)
    text_columns = {name: str for name in names if _id_name(name)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mixed types, etc.: we coerce columns ourselves
            frame = pd.read_csv(
                io.BytesIO(data),
                encoding=encoding,
                skiprows=skip,
                sep=delimiter,
                decimal=decimal,
                header=0,
                names=names,
                index_col=False,
                dtype=text_columns,
                skipinitialspace=True,
                low_memory=False,
            )
    except pd.errors.EmptyDataError as error:
        raise DataError("The file is empty: it has no header row and no data.") from error
    except (ValueError, csv.Error, OverflowError) as error:
        raise _parser_error(error, delimiter) from error
    if frame.shape[0] == 0:
        raise DataError(
            f"The file has a header ({len(names)} columns: {_name_list(names, 5)}) "
            "but no data rows."
        )
    if decimal == ",":
        _dot_decimals(frame, skip=text_columns)
    return CsvData(frame, notes, encoding, delimiter, decimal)


def _dot_decimals(frame: pd.DataFrame, skip) -> None:
    """In text columns, rewrite cells like '3,5' as '3.5' (in place).

    pandas converts decimal commas only in columns that are entirely numeric; a column
    with one 'ERR' cell stays text, and its numbers must still read as numbers.
    """
    for name in frame.columns:
        if name in skip or frame[name].dtype != object:
            continue
        column = frame[name]
        is_number = column.str.fullmatch(_COMMA_DECIMAL.pattern, na=False).to_numpy(dtype=bool)
        if is_number.any():
            frame.loc[is_number, name] = column[is_number].str.replace(",", ".", regex=False)


# --------------------------------------------------------------------------------------
# Column names that identify a part rather than measure it
# --------------------------------------------------------------------------------------

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


def _name_words(name) -> list[str]:
    """Lower-case words of a column name: 'DieX' -> ['die', 'x'], 'lot_id' -> ['lot', 'id']."""
    spaced = _CAMEL_BOUNDARY.sub(" ", str(name))
    return [word for word in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if word]


def _id_name(name) -> bool:
    """Whether a column name says 'identifier / position / time stamp'."""
    words = _name_words(name)
    if not words or not any(word in ID_WORDS for word in words):
        return False
    return all(word in ID_WORDS or word in ID_QUALIFIERS or word.isdigit() for word in words)


# --------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------


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


def _encode_label(series: pd.Series) -> tuple[np.ndarray, str]:
    """0/1 labels (FAIL = 1) and a sentence describing the coding found."""
    name = str(series.name)
    missing = np.flatnonzero(series.isna().to_numpy())
    if missing.size:
        raise DataError(
            f"Label column {name!r} is empty in {missing.size} of {len(series)} rows "
            f"({_row_list(missing + 1)}). Fill in pass/fail there or remove those rows."
        )
    if series.empty:
        raise DataError(f"Label column {name!r} has no rows.")
    codes, uniques = pd.factorize(series, sort=True)
    tokens = [_label_token(value) for value in uniques]
    distinct = sorted(set(tokens))
    coding_name = next(
        (
            key
            for key, coding in LABEL_CODINGS.items()
            if set(distinct) <= coding.passes | coding.fails
        ),
        None,
    )
    if coding_name is None:
        shown = ", ".join(repr(v) for v in list(uniques[:8]))
        extra = f" ({len(uniques)} distinct values)" if len(uniques) > 8 else ""
        raise DataError(
            f"Label column {name!r} holds {shown}{extra}, which is not a two-class pass/fail "
            f"coding. Expected one of: {', '.join(LABEL_CODINGS)} (any letter case)."
        )
    coding = LABEL_CODINGS[coding_name]
    fail_tokens = coding.fails
    words = set(_name_words(name))
    swapped = coding.polarity_from_name and words & _PASS_WORDS and not words & _FAIL_WORDS
    if swapped:
        fail_tokens = coding.passes
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
    return _encode_label(series)[0]


# --------------------------------------------------------------------------------------
# Numeric coercion shared by fitting, validation and transformation
# --------------------------------------------------------------------------------------


def _check_frame(df) -> pd.DataFrame:
    """A DataFrame with at least one row and unique, string column names."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if not all(isinstance(c, str) for c in df.columns):
        df = df.set_axis([str(c) for c in df.columns], axis=1)
    duplicated = df.columns[df.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataError(
            f"Duplicate column names: {_name_list(duplicated)}. Each column needs a unique "
            "name so it can be matched; rename or delete the copies."
        )
    if df.shape[0] == 0:
        raise DataError("The table has no data rows.")
    return df


@dataclass
class _Numeric:
    """Columns of a frame as floats: NaN where empty or text, ±inf kept.

    ``text`` maps a column to the boolean mask (n_rows,) of its non-numeric, non-blank
    cells; only columns that have some appear.
    """

    values: np.ndarray
    nonempty: np.ndarray
    text: dict[str, np.ndarray]


def _numeric(df: pd.DataFrame, columns: list[str]) -> _Numeric:
    """Coerce ``df[columns]`` to an (n_rows, len(columns)) float64 matrix, column by column.

    The matrix is column-major (Fortran order), so filling one column is one contiguous
    copy; numeric columns are copied as they are, text columns go through
    ``pandas.to_numeric``.
    """
    values = np.empty((df.shape[0], len(columns)), dtype=np.float64, order="F")
    nonempty = np.zeros(len(columns), dtype=np.int64)
    text: dict[str, np.ndarray] = {}
    for j, name in enumerate(columns):
        column = df[name]
        if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
            values[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
            nonempty[j] = np.count_nonzero(~np.isnan(values[:, j]))
            continue
        present = column.notna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            values[:, j] = np.nan
            nonempty[j] = present.sum()
            text[name] = present
            continue
        coerced = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        failed = present & np.isnan(coerced)
        if failed.any():
            # Whitespace-only cells are empty, not text.
            failed_rows = np.flatnonzero(failed)
            blank = column.iloc[failed_rows].astype(str).str.strip().eq("").to_numpy()
            failed[failed_rows[blank]] = False
            present[failed_rows[blank]] = False
        values[:, j] = coerced
        nonempty[j] = present.sum()
        if failed.any():
            text[name] = failed
    return _Numeric(values, nonempty, text)


def _cell_problem(mask: np.ndarray, first_row: int, column: pd.Series | None = None) -> CellProblem:
    """Count, first row numbers and (for text) distinct contents of the cells in ``mask``."""
    rows = np.flatnonzero(mask)
    examples = []
    if column is not None:
        examples = column.iloc[rows[:1000]].astype(str).unique()[:MAX_EXAMPLES].tolist()
    return CellProblem(int(rows.size), (rows[:MAX_EXAMPLES] + first_row).tolist(), examples)


def _looks_like_dates(column: pd.Series) -> bool:
    sample = column.dropna().astype(str).head(20)
    if sample.empty:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
        except (ValueError, TypeError, OverflowError):
            return False
    return parsed.notna().mean() >= 0.8


def _row_index_columns(values: np.ndarray, index: pd.Index) -> np.ndarray:
    """Which columns of ``values`` (n_rows, k) number the rows instead of measuring them.

    A column qualifies when it equals the row labels plus a whole-number constant: a
    1-based counter next to pandas' 0-based index, also after the rows were shuffled or
    split. When the labels are not numbers, the row positions stand in for them. Checked
    only from :data:`MIN_ROWS_FOR_INDEX_RULE` rows on -- in a handful of rows any run of
    integers looks like a counter.
    """
    result = np.zeros(values.shape[1], dtype=bool)
    if values.shape[0] < MIN_ROWS_FOR_INDEX_RULE or not index.is_unique:
        return result
    labels = index.to_numpy()
    if labels.dtype.kind not in "iuf":
        labels = np.arange(values.shape[0])
    with np.errstate(invalid="ignore"):
        offsets = values - labels.astype(np.float64)[:, None]
        first = offsets[0]
        return (
            np.isfinite(offsets).all(axis=0)
            & (offsets == first).all(axis=0)
            & (first == np.round(first))
        )


# --------------------------------------------------------------------------------------
# The preprocessor
# --------------------------------------------------------------------------------------


class Preprocessor:
    r"""Learn feature columns, imputation and scaling from training rows only.

    ``fit(train_df, label)`` decides which columns are features, in which order, and
    learns per feature the training median (for missing cells), mean and standard
    deviation; ``transform(df)`` applies exactly that to any frame whose columns carry
    the same names, in any order:

    .. math:: x' = \frac{\operatorname{impute}(x) - \mu_\text{train}}{\sigma_\text{train}}

    A column is left out when (checked in this order) it is the label; it is named in
    ``exclude``; its name says identifier, position or time stamp (``lot``, ``wafer_id``,
    ``die_x``, ``PartID``, ``timestamp``, ...) unless named in ``include``; it holds dates
    or text (fewer than half of its filled cells are numbers); it is empty in every
    training row; it is constant; or it is a running integer row index. Text cells and
    ±inf in a numeric column count as missing. Missing cells get the training median.

    Parameters
    ----------
    include : sequence of str, optional
        Columns to keep even though their name looks like an identifier.
    exclude : sequence of str, optional
        Columns to leave out in any case.

    Attributes
    ----------
    feature_names : list of str
        The features, in the order of the matrix columns.
    medians, means, scales : ndarray of shape (n_features,)
        Training median, mean (after imputation) and standard deviation (0 guarded to 1).
    dropped : dict
        Column name -> reason it is not a feature (label excluded).
    label_name, label_coding : str or None
        The label column given to ``fit`` and how its values were read.
    class_counts : list of int or None
        ``[n_pass, n_fail]`` in the training rows.
    class_weights : list of float or None
        ``[w_pass, w_fail]`` with :math:`w_c = n / (2 n_c)`, which makes both classes weigh
        the same in the loss; suggested in the report when fails are under 20 %.
    report : list of str
        Human-readable account of every decision.
    """

    def __init__(self, include=(), exclude=()):
        for kind, names in (("include", include), ("exclude", exclude)):
            if isinstance(names, str):
                raise TypeError(f"{kind} must be a list of column names, not one string")
        self.include = [str(name) for name in include]
        self.exclude = [str(name) for name in exclude]
        self.feature_names: list[str] = []
        self.medians = self.means = self.scales = None
        self.dropped: dict[str, str] = {}
        self.label_name: str | None = None
        self.label_coding: str | None = None
        self.class_counts: list[int] | None = None
        self.class_weights: list[float] | None = None
        self.n_train_rows = 0
        self.report: list[str] = []

    @property
    def fitted(self) -> bool:
        return self.medians is not None

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def fit(self, df: pd.DataFrame, label: str | None = None) -> Preprocessor:
        """Learn features, medians, means and scales from the training rows ``df``.

        Parameters
        ----------
        df : DataFrame of shape (n_rows, n_columns)
            Training rows only (split off validation rows first).
        label : str, optional
            Name of the pass/fail column; it is never a feature, and the report gains
            its coding, the class balance and suggested class weights.

        Returns
        -------
        self
        """
        df = _check_frame(df)
        n_rows = df.shape[0]
        if n_rows < 2:
            raise DataError(f"Training needs at least 2 rows; the table has {n_rows}.")
        report = [f"Training rows: {n_rows:,}; columns: {df.shape[1]:,}."]
        label_name = label_coding = class_counts = class_weights = None
        if label is not None:
            label_name = str(label)
            if label_name not in df.columns:
                hint = _closest(label_name, df.columns)
                raise DataError(
                    f"Label column {label_name!r} is not in the table"
                    + (f" (did you mean {hint!r}?)." if hint else ".")
                )
            y, label_coding = _encode_label(df[label_name])
            class_counts = np.bincount(y, minlength=2).tolist()
            class_weights = [n_rows / (2.0 * count) for count in class_counts]
            report.append(label_coding)
            report.extend(_balance_lines(class_counts, class_weights))

        dropped: dict[str, str] = {}
        candidates = []
        for name in df.columns:
            if name == label_name:
                continue
            if name in self.exclude:
                dropped[name] = "excluded on request"
            elif _id_name(name) and name not in self.include:
                dropped[name] = "the name marks an identifier, position or time stamp"
            elif pd.api.types.is_datetime64_any_dtype(df[name].dtype):
                dropped[name] = "dates/times"
            else:
                candidates.append(name)

        numeric = _numeric(df, candidates)
        values = numeric.values
        with np.errstate(invalid="ignore", divide="ignore"):
            numeric_share = (~np.isnan(values)).sum(axis=0) / numeric.nonempty
        keep = np.ones(len(candidates), dtype=bool)
        for j, name in enumerate(candidates):
            if numeric.nonempty[j] and numeric_share[j] < NUMERIC_FRACTION:
                keep[j] = False
                dropped[name] = _text_reason(df[name], numeric.nonempty[j])

        finite = np.isfinite(values)
        inf_counts = np.isinf(values).sum(axis=0)
        empty = keep & ~finite.any(axis=0)
        for j in np.flatnonzero(empty):
            dropped[candidates[j]] = "empty in every training row"
        keep &= ~empty
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns, already dropped
            masked = np.where(finite, values, np.nan)
            low, high = np.nanmin(masked, axis=0), np.nanmax(masked, axis=0)
        constant = keep & (low == high)
        for j in np.flatnonzero(constant):
            dropped[candidates[j]] = "constant in the training rows"
        keep &= ~constant
        positions = np.flatnonzero(keep)
        for j in positions[_row_index_columns(values[:, positions], df.index)]:
            dropped[candidates[j]] = "a running integer row index"
            keep[j] = False

        features = [name for name, kept in zip(candidates, keep, strict=True) if kept]
        if not features:
            raise DataError(
                "No usable numeric feature columns are left. "
                + " ".join(f"{name!r}: {reason}." for name, reason in list(dropped.items())[:12])
            )
        chosen = np.flatnonzero(keep)
        masked = masked[:, chosen]
        # Statistics of x / max|x|, scaled back, so values near 1e308 cannot overflow.
        magnitude = np.nanmax(np.abs(masked), axis=0)
        magnitude[magnitude == 0] = 1.0
        unit = masked / magnitude
        unit_medians = np.nanmedian(unit, axis=0)
        unit = np.where(np.isnan(unit), unit_medians, unit)
        medians = unit_medians * magnitude
        means = unit.mean(axis=0) * magnitude
        stds = unit.std(axis=0) * magnitude
        scales = np.where(stds > 0, stds, 1.0)

        report.append(f"Features: {len(features):,} numeric columns.")
        report.extend(_dropped_lines(dropped))
        missing = np.isnan(masked).sum(axis=0)
        report.extend(_cleaning_lines(features, missing, inf_counts[chosen], numeric, n_rows))
        report.append(
            "Each feature is standardised with the training mean and standard deviation, "
            "(x - mean) / std."
        )

        self.feature_names = features
        self.medians, self.means, self.scales = medians, means, scales
        self.dropped = dropped
        self.label_name, self.label_coding = label_name, label_coding
        self.class_counts, self.class_weights = class_counts, class_weights
        self.n_train_rows = n_rows
        self.report = report
        return self

    def _require_fitted(self):
        if not self.fitted:
            raise RuntimeError("this Preprocessor is not fitted yet; call fit(df) first")

    def missing_columns(self, df: pd.DataFrame) -> list[str]:
        """Feature columns of the fit that ``df`` lacks."""
        self._require_fitted()
        present = {str(c) for c in df.columns}
        return [name for name in self.feature_names if name not in present]

    def _missing_error(self, missing, df) -> DataError:
        hints = []
        for name in missing[:10]:
            close = _closest(name, df.columns)
            hints.append(f"{name!r}" + (f" (did you mean {close!r}?)" if close else ""))
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        return DataError(
            f"{len(missing)} of the model's {self.n_features} feature columns are missing: "
            f"{', '.join(hints)}{more}. Column names must match the training data exactly "
            "(any order)."
        )

    def raw_matrix(self, df: pd.DataFrame) -> np.ndarray:
        """Feature columns of ``df`` by name as floats, before imputation and scaling.

        Returns
        -------
        ndarray of shape (n_rows, n_features)
            NaN for empty or text cells; ±inf as given.
        """
        self._require_fitted()
        df = _check_frame(df)
        missing = self.missing_columns(df)
        if missing:
            raise self._missing_error(missing, df)
        return _numeric(df, self.feature_names).values

    def finish(self, raw: np.ndarray, dtype=np.float64) -> np.ndarray:
        """Impute and standardise a raw matrix from :meth:`raw_matrix`.

        Parameters
        ----------
        raw : ndarray of shape (n_rows, n_features)
        dtype : numpy dtype, default float64

        Returns
        -------
        ndarray of shape (n_rows, n_features) and the given dtype
            Missing and ±inf cells take the training median; values are then
            standardised and clipped to ±``MAX_Z``.
        """
        self._require_fitted()
        if raw.ndim != 2 or raw.shape[1] != self.n_features:
            raise ValueError(f"expected shape (n_rows, {self.n_features}), got {raw.shape}")
        X = np.where(np.isfinite(raw), raw, self.medians)
        with np.errstate(over="ignore"):
            X -= self.means
            X /= self.scales
        np.clip(X, -MAX_Z, MAX_Z, out=X)
        return X.astype(dtype, copy=False)

    def transform(self, df: pd.DataFrame, dtype=np.float64) -> np.ndarray:
        """The model's input matrix for ``df`` (columns matched by name, any order).

        Parameters
        ----------
        df : DataFrame of shape (n_rows, n_columns)
            Must contain every feature column; other columns are ignored.
        dtype : numpy dtype, default float64

        Returns
        -------
        ndarray of shape (n_rows, n_features)
            Imputed with the training medians and standardised. Text and ±inf cells
            count as missing.

        Raises
        ------
        DataError
            When feature columns are missing (all of them are listed).
        """
        return self.finish(self.raw_matrix(df), dtype=dtype)

    def fit_transform(self, df: pd.DataFrame, label: str | None = None, dtype=np.float64):
        """``fit(df, label)`` then ``transform(df)``."""
        return self.fit(df, label=label).transform(df, dtype=dtype)

    def to_dict(self) -> dict:
        """JSON-able state (plain lists and numbers) for saving with a model."""
        self._require_fitted()
        return {
            "kind": "preprocessor",
            "version": STATE_VERSION,
            "feature_names": list(self.feature_names),
            "medians": self.medians.tolist(),
            "means": self.means.tolist(),
            "scales": self.scales.tolist(),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "dropped": dict(self.dropped),
            "label_name": self.label_name,
            "label_coding": self.label_coding,
            "class_counts": self.class_counts,
            "class_weights": self.class_weights,
            "n_train_rows": self.n_train_rows,
            "report": list(self.report),
        }

    @classmethod
    def from_dict(cls, state: dict) -> Preprocessor:
        """Rebuild a fitted preprocessor from :meth:`to_dict` output.

        Raises
        ------
        ValueError
            When the dictionary is not a preprocessor state of a known version or its
            arrays disagree in length or hold non-finite numbers.
        """
        if not isinstance(state, dict) or state.get("kind") != "preprocessor":
            raise ValueError("not a preprocessor state (missing kind='preprocessor')")
        if state.get("version") != STATE_VERSION:
            raise ValueError(
                f"preprocessor state version {state.get('version')!r} is not supported "
                f"(this code reads version {STATE_VERSION})"
            )
        try:
            names = [str(name) for name in state["feature_names"]]
            arrays = {
                key: np.asarray(state[key], dtype=np.float64)
                for key in ("medians", "means", "scales")
            }
            pre = cls(include=state.get("include", ()), exclude=state.get("exclude", ()))
            pre.dropped = {str(k): str(v) for k, v in dict(state.get("dropped", {})).items()}
            pre.label_name = state.get("label_name")
            pre.label_coding = state.get("label_coding")
            pre.class_counts = state.get("class_counts")
            pre.class_weights = state.get("class_weights")
            pre.n_train_rows = int(state.get("n_train_rows", 0))
            pre.report = [str(line) for line in state.get("report", [])]
        except (KeyError, TypeError) as error:
            raise ValueError(f"preprocessor state is incomplete or malformed: {error!r}") from error
        if not names or len(set(names)) != len(names):
            raise ValueError("preprocessor state needs unique, non-empty feature names")
        for key, array in arrays.items():
            if array.shape != (len(names),) or not np.isfinite(array).all():
                raise ValueError(
                    f"preprocessor state: {key!r} must hold {len(names)} finite numbers"
                )
        if (arrays["scales"] <= 0).any():
            raise ValueError("preprocessor state: scales must be positive")
        pre.feature_names = names
        pre.medians, pre.means, pre.scales = arrays["medians"], arrays["means"], arrays["scales"]
        return pre


def _text_reason(column: pd.Series, n_filled: int) -> str:
    if _looks_like_dates(column):
        return "dates/times"
    if n_filled > 1 and column.nunique(dropna=True) == n_filled:
        return "text that differs in every row (an identifier)"
    return "text, not numbers"


def _balance_lines(class_counts: list[int], class_weights: list[float]) -> list[str]:
    n_pass, n_fail = class_counts
    total = n_pass + n_fail
    lines = [
        f"Class balance: {n_pass:,} pass ({100 * n_pass / total:.1f} %), "
        f"{n_fail:,} fail ({100 * n_fail / total:.1f} %)."
    ]
    minority = min(class_counts) / total
    if minority < IMBALANCE_FRACTION:
        lines.append(
            f"The minority class is only {100 * minority:.1f} % of the rows: consider class "
            f"weights pass {class_weights[0]:.3g}, fail {class_weights[1]:.3g} "
            "(n / (2 · n_class), so both classes weigh the same in the loss), and judge the "
            "model by recall, precision and PR-AUC rather than accuracy."
        )
    return lines


def _dropped_lines(dropped: dict[str, str]) -> list[str]:
    by_reason: dict[str, list[str]] = {}
    for name, reason in dropped.items():
        by_reason.setdefault(reason, []).append(name)
    return [f"Left out ({reason}): {_name_list(names)}." for reason, names in by_reason.items()]


def _cleaning_lines(features, missing, inf_counts, numeric: _Numeric, n_rows) -> list[str]:
    lines = []
    text_cols = [(name, int(numeric.text[name].sum())) for name in features if name in numeric.text]
    if text_cols:
        shown = ", ".join(f"{name!r} ({count})" for name, count in text_cols[:10])
        more = f" and {len(text_cols) - 10} more columns" if len(text_cols) > 10 else ""
        lines.append(f"Non-numeric cells, treated as missing: {shown}{more}.")
    inf_cols = [(name, int(c)) for name, c in zip(features, inf_counts, strict=True) if c]
    if inf_cols:
        shown = ", ".join(f"{name!r} ({count})" for name, count in inf_cols[:10])
        lines.append(f"Infinite values, treated as missing: {shown}.")
    if missing.any():
        total = int(missing.sum())
        worst = np.argsort(-missing, kind="stable")[:5]
        shown = ", ".join(
            f"{features[j]!r} ({100 * missing[j] / n_rows:.0f} %)" for j in worst if missing[j]
        )
        lines.append(
            f"Missing values imputed with the training median: {total:,} cells in "
            f"{int((missing > 0).sum()):,} columns ({100 * total / missing.size / n_rows:.1f} % "
            f"of all feature cells); most missing: {shown}."
        )
    else:
        lines.append("No missing values in the feature columns.")
    return lines


# --------------------------------------------------------------------------------------
# Validation before scoring
# --------------------------------------------------------------------------------------


@dataclass
class CellProblem:
    """Cells of one column that needed attention.

    Attributes
    ----------
    count : int
        How many cells.
    rows : list of int
        The first few of them, as 1-based data-row numbers.
    examples : list of str
        Distinct contents of those cells (up to five), for text cells.
    """

    count: int
    rows: list[int]
    examples: list[str] = field(default_factory=list)


@dataclass
class ValidationReport:
    """What :func:`validate_for_scoring` found in a table, before any scoring.

    Attributes
    ----------
    n_rows : int
    feature_columns : list of str
        Columns the model reads, in its order.
    missing_columns : list of str
        Feature columns the table lacks (then nothing can be scored).
    suggestions : dict
        Missing column -> a present column that looks like what was meant.
    passthrough_columns : list of str
        Every other column of the table, copied to the output untouched.
    non_numeric : dict
        Column -> :class:`CellProblem` of text in a numeric column (scored as missing).
    nan_counts : dict
        Column -> number of empty cells (imputed), only columns that have some.
    inf_counts : dict
        Column -> :class:`CellProblem` of ±inf cells (scored as missing).
    empty_columns : list of str
        Feature columns without a single usable value.
    unscorable_rows : ndarray of int
        1-based rows without any usable feature value; their probability is NaN.
    mostly_missing_rows : int
        Rows with more than half of their features imputed (scored, but weakly).
    """

    n_rows: int
    feature_columns: list[str]
    missing_columns: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)
    passthrough_columns: list[str] = field(default_factory=list)
    non_numeric: dict[str, CellProblem] = field(default_factory=dict)
    nan_counts: dict[str, int] = field(default_factory=dict)
    inf_counts: dict[str, CellProblem] = field(default_factory=dict)
    empty_columns: list[str] = field(default_factory=list)
    unscorable_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mostly_missing_rows: int = 0

    @property
    def can_score(self) -> bool:
        """True when every feature column is present (rows can then be scored)."""
        return not self.missing_columns

    @property
    def ok(self) -> bool:
        """True when nothing needs attention: empty cells alone still count as ok."""
        return (
            self.can_score
            and not self.non_numeric
            and not self.inf_counts
            and not self.empty_columns
            and self.unscorable_rows.size == 0
        )

    def lines(self) -> list[str]:
        """The findings as sentences for a person, most serious first."""
        lines = []
        if self.missing_columns:
            named = ", ".join(
                repr(name)
                + (f" (did you mean {hint!r}?)" if (hint := self.suggestions.get(name)) else "")
                for name in self.missing_columns[:20]
            )
            more = len(self.missing_columns) - 20
            lines.append(
                f"Cannot score: {len(self.missing_columns)} of {len(self.feature_columns)} "
                f"feature columns are missing: {named}"
                + (f" and {more} more" if more > 0 else "")
                + ". Column names must match the training data exactly (any order)."
            )
        for name in self.empty_columns:
            lines.append(
                f"Column {name!r} has no usable value in any row; every row is scored with "
                "its training median."
            )
        for name, problem in self.non_numeric.items():
            examples = ", ".join(repr(e) for e in problem.examples)
            lines.append(
                f"Column {name!r}: {problem.count:,} non-numeric cell"
                f"{'s' if problem.count > 1 else ''} ({_row_list(problem.rows, problem.count)}: "
                f"{examples}), scored as missing."
            )
        for name, problem in self.inf_counts.items():
            lines.append(
                f"Column {name!r}: {problem.count:,} infinite value"
                f"{'s' if problem.count > 1 else ''} ({_row_list(problem.rows, problem.count)}), "
                "scored as missing."
            )
        if self.unscorable_rows.size:
            count = self.unscorable_rows.size
            lines.append(
                f"{count:,} row{'s' if count > 1 else ''} cannot be scored, no feature value is "
                f"usable ({_row_list(self.unscorable_rows)}); the probability is left empty."
            )
        if self.nan_counts:
            worst = sorted(self.nan_counts.items(), key=lambda item: -item[1])
            shown = ", ".join(f"{name!r} ({count:,})" for name, count in worst[:10])
            more = f" and {len(worst) - 10} more columns" if len(worst) > 10 else ""
            lines.append(f"Empty cells, filled with the training median: {shown}{more}.")
        if self.mostly_missing_rows:
            lines.append(
                f"{self.mostly_missing_rows:,} rows have more than half of their features "
                "missing; their scores rest mostly on training medians."
            )
        if self.passthrough_columns:
            lines.append(
                f"Passed through unchanged: {len(self.passthrough_columns)} other column"
                f"{'s' if len(self.passthrough_columns) > 1 else ''} "
                f"({_name_list(self.passthrough_columns)})."
            )
        if self.can_score:
            scorable = self.n_rows - self.unscorable_rows.size
            lines.append(f"Ready to score {scorable:,} of {self.n_rows:,} rows.")
        lines.append("Row numbers count data rows from 1 (the row below the header).")
        return lines

    def merged(self, later: ValidationReport) -> ValidationReport:
        """One report for two consecutive batches of the same file (``self`` first).

        Counts add up, row lists keep the first few rows, a column is empty only if it is
        empty in both batches.
        """
        if later.feature_columns != self.feature_columns:
            raise ValueError("reports of different models cannot be merged")
        return ValidationReport(
            n_rows=self.n_rows + later.n_rows,
            feature_columns=list(self.feature_columns),
            missing_columns=list(dict.fromkeys(self.missing_columns + later.missing_columns)),
            suggestions={**later.suggestions, **self.suggestions},
            passthrough_columns=list(self.passthrough_columns),
            non_numeric=_merge_problems(self.non_numeric, later.non_numeric),
            nan_counts={
                name: self.nan_counts.get(name, 0) + later.nan_counts.get(name, 0)
                for name in dict.fromkeys([*self.nan_counts, *later.nan_counts])
            },
            inf_counts=_merge_problems(self.inf_counts, later.inf_counts),
            empty_columns=[name for name in self.empty_columns if name in later.empty_columns],
            unscorable_rows=np.concatenate([self.unscorable_rows, later.unscorable_rows]),
            mostly_missing_rows=self.mostly_missing_rows + later.mostly_missing_rows,
        )

    def to_dict(self) -> dict:
        """JSON-able summary (for the command line's machine-readable output)."""
        return {
            "ok": self.ok,
            "can_score": self.can_score,
            "n_rows": self.n_rows,
            "missing_columns": list(self.missing_columns),
            "passthrough_columns": list(self.passthrough_columns),
            "non_numeric": {k: vars(v) for k, v in self.non_numeric.items()},
            "nan_counts": dict(self.nan_counts),
            "inf_counts": {k: vars(v) for k, v in self.inf_counts.items()},
            "empty_columns": list(self.empty_columns),
            "unscorable_rows": self.unscorable_rows.tolist(),
            "mostly_missing_rows": self.mostly_missing_rows,
        }


def _merge_problems(first: dict, later: dict) -> dict:
    merged = dict(first)
    for name, problem in later.items():
        if name not in merged:
            merged[name] = problem
            continue
        earlier = merged[name]
        merged[name] = CellProblem(
            earlier.count + problem.count,
            (earlier.rows + problem.rows)[:MAX_EXAMPLES],
            list(dict.fromkeys(earlier.examples + problem.examples))[:MAX_EXAMPLES],
        )
    return merged


def _validate(df: pd.DataFrame, preprocessor: Preprocessor, first_row: int = 1):
    """(raw feature matrix or None, ValidationReport) -- one coercion pass over ``df``."""
    preprocessor._require_fitted()
    df = _check_frame(df)
    features = preprocessor.feature_names
    feature_set = set(features)
    report = ValidationReport(
        n_rows=int(df.shape[0]),
        feature_columns=list(features),
        passthrough_columns=[name for name in df.columns if name not in feature_set],
        missing_columns=preprocessor.missing_columns(df),
    )
    for name in report.missing_columns:
        close = _closest(name, report.passthrough_columns)
        if close is not None:
            report.suggestions[name] = close
    if report.missing_columns:
        return None, report

    numeric = _numeric(df, features)
    raw = numeric.values
    finite = np.isfinite(raw)
    infinite = np.isinf(raw)
    nan_counts = np.isnan(raw).sum(axis=0)
    for j, name in enumerate(features):
        text_mask = numeric.text.get(name)
        n_text = 0 if text_mask is None else int(text_mask.sum())
        if n_text:
            report.non_numeric[name] = _cell_problem(text_mask, first_row, df[name])
        if nan_counts[j] > n_text:
            report.nan_counts[name] = int(nan_counts[j] - n_text)
    for j in np.flatnonzero(infinite.any(axis=0)):
        report.inf_counts[features[j]] = _cell_problem(infinite[:, j], first_row)
    usable_per_column = finite.sum(axis=0)
    report.empty_columns = [features[j] for j in np.flatnonzero(usable_per_column == 0)]
    usable_per_row = finite.sum(axis=1)
    report.unscorable_rows = np.flatnonzero(usable_per_row == 0) + first_row
    report.mostly_missing_rows = int(
        ((usable_per_row > 0) & (usable_per_row < len(features) / 2)).sum()
    )
    return raw, report


def prepare_for_scoring(
    df: pd.DataFrame, preprocessor: Preprocessor, dtype=np.float64, first_row: int = 1
) -> tuple[np.ndarray | None, ValidationReport]:
    """Validate ``df`` and, if it can be scored, build the model's input in the same pass.

    Parameters
    ----------
    df : DataFrame of shape (n_rows, n_columns)
    preprocessor : Preprocessor
        Fitted.
    dtype : numpy dtype, default float64
        Of the returned matrix.
    first_row : int, default 1
        Row number of ``df``'s first row in messages -- for a file read in batches, pass
        the batch's offset + 1 and combine the reports with :meth:`ValidationReport.merged`.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features), or None when feature columns are missing
        Rows listed in ``report.unscorable_rows`` are filled with medians; give them no
        score.
    report : ValidationReport
    """
    raw, report = _validate(df, preprocessor, first_row)
    return (None if raw is None else preprocessor.finish(raw, dtype=dtype)), report


def validate_for_scoring(
    df: pd.DataFrame, preprocessor: Preprocessor, first_row: int = 1
) -> ValidationReport:
    """Check a table against a fitted preprocessor before scoring it.

    Parameters
    ----------
    df : DataFrame of shape (n_rows, n_columns)
    preprocessor : Preprocessor
        Fitted.
    first_row : int, default 1
        Row number of ``df``'s first row in messages (see :func:`prepare_for_scoring`).

    Returns
    -------
    ValidationReport
        ``.ok``, ``.can_score`` and ``.lines()``; see the class for the fields.

    Raises
    ------
    DataError
        Only for a table that is not a table at all: no rows or duplicate column names.
    """
    return _validate(df, preprocessor, first_row)[1]
