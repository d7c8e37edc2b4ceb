"""CSV bytes in, a table out: the file a test engineer exported, read as it was meant.

:func:`sniff_layout` learns from the first lines how a file is laid out: the encoding
(UTF-8, else Windows-1252 with a note), blank lines and Excel's ``sep=;`` hint before the
header, the delimiter (``,`` ``;`` tab ``|``), a decimal comma, and the column names. It
refuses an empty file, a binary file and duplicate column names with a
:class:`~yieldmodel.messages.DataError`. :func:`parse_frame` reads the table with that
layout; :func:`read_csv` does both. The streaming scorer (:mod:`yieldmodel.streaming`)
uses the same two steps on the first lines of a file of any size.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from dataclasses import dataclass, field

import pandas as pd

from yieldmodel.column_names import is_id_name
from yieldmodel.messages import DataError, name_list
from yieldmodel.upload_limit import megabytes

#: Delimiters tried when sniffing, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|' characters"}

COMMA_DECIMAL = re.compile(r"^\s*[+-]?\d+,\d+(?:[eE][+-]?\d+)?\s*$")
"""A cell that is a number written with a decimal comma, e.g. ``'-3,25'``."""
_DOT_DECIMAL = re.compile(r"^\s*[+-]?\d*\.\d+(?:[eE][+-]?\d+)?\s*$")
SEP_HINT = re.compile(r"^sep=(.)\s*$")  # Excel's first-line delimiter hint
_UTF8_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends pandas' parser knows
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 50
_FIELDS_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is laid out, learnt from its first lines by :func:`sniff_layout`.

    Attributes
    ----------
    encoding, delimiter, decimal : str
        What the file is parsed with.
    skip_lines : int
        Physical lines before the first data row: blank lines, Excel's 'sep=' hint and
        the header.
    columns : list of str
        Column names, stripped of surrounding spaces; blank names become 'Unnamed: i'.
    notes : list of str
        What the reader had to decide (encoding, delimiter, decimal mark), for the user.
    """

    encoding: str
    delimiter: str
    decimal: str
    skip_lines: int
    columns: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass
class CsvData:
    """Result of :func:`read_csv`: the table and the layout it was read with.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per data row; column names stripped of surrounding spaces.
    layout : CsvLayout
    """

    frame: pd.DataFrame
    layout: CsvLayout

    @property
    def notes(self) -> list[str]:
        return self.layout.notes

    @property
    def encoding(self) -> str:
        return self.layout.encoding

    @property
    def delimiter(self) -> str:
        return self.layout.delimiter

    @property
    def decimal(self) -> str:
        return self.layout.decimal


def _read_source(source, max_bytes: int | None) -> bytes:
    """Bytes from bytes, a path, or a file-like object (text-mode files are encoded)."""
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
            f"The file is {megabytes(len(data))}, more than the {megabytes(max_bytes)} "
            "limit. Split it into smaller files."
        )
    return data.encode("utf-8") if isinstance(data, str) else data


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
    if best == ",":
        return best, ".", []
    notes = [f"Columns are separated by {_DELIMITER_NAMES[best]}."]
    cells = [cell for row in rows_by_delimiter.get(best, [])[1:] for cell in row]
    comma = [cell for cell in cells if COMMA_DECIMAL.match(cell)]
    if len(comma) <= sum(bool(_DOT_DECIMAL.match(cell)) for cell in cells):
        return best, ".", notes
    notes.append(
        f"Numbers use a decimal comma (e.g. {comma[0].strip()!r}); "
        "they were read with ',' as the decimal mark."
    )
    return best, ",", notes


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


def _first_lines(text: str) -> list[str]:
    """The complete physical lines at the start of ``text`` (at most ``_SNIFF_CHARS``)."""
    sample = text[:_SNIFF_CHARS]
    if "\x00" in sample:
        raise DataError(
            "The file contains NUL bytes, so it is binary, not CSV text (an Excel .xls "
            "workbook or a damaged file?). Save it from its program as CSV."
        )
    lines = _LINE_BREAK.split(sample)
    if len(sample) == _SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut in the middle
    return lines


def sniff_layout(data: bytes) -> CsvLayout:
    """Learn encoding, delimiter, decimal mark, header position and names of a CSV file.

    Parameters
    ----------
    data : bytes
        The whole file, or its first complete lines (then the encoding is judged from
        those alone).

    Returns
    -------
    CsvLayout

    Raises
    ------
    DataError
        For an empty or binary file (an Excel workbook), no header line, or duplicate
        column names.
    """
    text, encoding, notes = _decode(data)
    if not text.strip():
        raise DataError("The file is empty: it has no header row and no data.")
    lines = _first_lines(text)
    del text  # only the first lines are needed; pandas reads the bytes
    # Physical lines before the header: blank ones and Excel's 'sep=;' hint.
    skip = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    hint = SEP_HINT.match(lines[skip]) if skip < len(lines) else None
    skip += bool(hint)
    head = [line for line in lines[skip:] if line.strip()][:_SNIFF_LINES]
    if not head:
        raise DataError("The file has no header row and no data (only blank or 'sep=' lines).")
    delimiter, decimal, sniff_notes = _sniff(head, hint.group(1) if hint else None)
    names = _header_names(head[0], delimiter)
    return CsvLayout(encoding, delimiter, decimal, skip + 1, names, notes + sniff_notes)


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


def parse_frame(data: bytes, layout: CsvLayout) -> pd.DataFrame:
    """The table in ``data`` read with ``layout`` (from :func:`sniff_layout`).

    Columns whose names look like identifiers (lot, wafer, part, die X/Y, ...) are kept
    as text so that values such as ``007`` come back unchanged.

    Raises
    ------
    DataError
        For a header without data rows, rows with more fields than the header or an
        unclosed quote.
    """
    names = layout.columns
    text_columns = {name: str for name in names if is_id_name(name)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mixed types, etc.: we coerce columns ourselves
            frame = pd.read_csv(
                io.BytesIO(data),
                encoding=layout.encoding,
                skiprows=layout.skip_lines - 1,
                sep=layout.delimiter,
                decimal=layout.decimal,
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
        raise _parser_error(error, layout.delimiter) from error
    if frame.shape[0] == 0:
        raise DataError(
            f"The file has a header ({len(names)} columns: {name_list(names, 5)}) but no data rows."
        )
    if layout.decimal == ",":
        _dot_decimals(frame, skip=text_columns)
    return frame


def _dot_decimals(frame: pd.DataFrame, skip) -> None:
    """In text columns, rewrite cells like '3,5' as '3.5' (in place).

    pandas converts decimal commas only in columns that are entirely numeric; a column
    with one 'ERR' cell stays text, and its numbers must still read as numbers.
    """
    for name in frame.columns:
        if name in skip or frame[name].dtype != object:
            continue
        column = frame[name]
        is_number = column.str.fullmatch(COMMA_DECIMAL.pattern, na=False).to_numpy(dtype=bool)
        if is_number.any():
            frame.loc[is_number, name] = column[is_number].str.replace(",", ".", regex=False)


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
        The frame plus the layout it was read with (encoding, delimiter, decimal mark and
        the notes about them).

    Raises
    ------
    DataError
        For an empty file, a header without data rows, duplicate column names, rows with
        more fields than the header, an unclosed quote, or a binary/Excel file.
    """
    data = _read_source(source, max_bytes)
    layout = sniff_layout(data)
    return CsvData(parse_frame(data, layout), layout)
