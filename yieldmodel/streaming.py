"""Score a CSV file of any size in groups of rows, with memory that stays flat.

:func:`score_csv` is what ``python cli.py score`` runs. A file is never held in memory
whole; it flows through in groups of about ``block_bytes`` of text:

1. :func:`sniff_layout` reads only the first lines and hands them to
   :func:`yieldmodel.csv_reading.sniff_layout` and ``parse_frame``, so the delimiter, the
   decimal comma, the encoding, the 'sep=' hint, duplicate names and the empty /
   header-only / binary checks are exactly those of the page's upload.
2. ``pyarrow.csv.open_csv`` streams the rest in record batches, every column as text, so
   that columns the model does not read (lot, wafer, die X/Y, part ID, ...) reach the
   output unchanged (leading zeros, spacing and all).
3. Per group, the feature columns become numbers (:mod:`yieldmodel.arrow_cells`) and
   :meth:`yieldmodel.pipeline.Pipeline.score` validates, imputes, standardises and runs the
   float32 forward pass -- the same code as the page, with ``first_row`` set so that
   messages name rows of the whole file; the groups' reports are combined with
   :meth:`~yieldmodel.validation.ValidationReport.merged`.
4. The group plus ``fail_probability`` and ``prediction`` (FAIL / PASS, empty for a row
   that cannot be scored) is appended to the output by ``pyarrow.csv`` on a writer
   thread (:mod:`yieldmodel.csv_writing`, formula-safe), while the next group is scored.

Files the streaming reader cannot parse (rows with missing fields, UTF-16, bytes that are
not UTF-8 after the first lines, ...) are read whole by
:func:`yieldmodel.csv_reading.read_csv` instead when they are at most
:data:`IN_MEMORY_MAX_BYTES`; it copes with more and explains what it cannot. On that path
text columns still pass through unchanged, but numeric columns are written back by pandas
(``2372`` may come back as ``2372.0``).

Output goes to a temporary file beside the destination, renamed at the end, so a failed
run leaves no half-written file.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from threadpoolctl import threadpool_limits

from yieldmodel import csv_reading
from yieldmodel.arrow_cells import decorated, features_frame
from yieldmodel.csv_reading import CsvLayout, parse_frame, read_csv
from yieldmodel.csv_safety import frame_to_csv
from yieldmodel.csv_writing import BatchWriter, Destination, header_bytes
from yieldmodel.messages import DataError
from yieldmodel.pipeline import Pipeline
from yieldmodel.scoring import PREDICTION_COLUMN, PROBABILITY_COLUMN, output_names, pass_fail
from yieldmodel.validation import ValidationReport, validate_for_scoring

#: Bytes of CSV text the reader parses at a time; it reads a dozen or more blocks ahead.
READ_BLOCK_BYTES = 1 << 20
#: Bytes of CSV text scored at a time: large enough to amortise the per-call overhead of
#: validation and scoring, small enough that the float copies stay a few tens of MB.
DEFAULT_BLOCK_BYTES = 8 << 20
#: First bytes read to learn the layout; doubled until they hold the header and a row.
SNIFF_BYTES = 64 << 10
#: The header and first data row must fit in this many bytes.
MAX_SNIFF_BYTES = 64 << 20
#: Files the streaming reader cannot parse are read whole up to this size.
IN_MEMORY_MAX_BYTES = 256 << 20
#: Rows per call of Pipeline.score on the in-memory path.
IN_MEMORY_CHUNK_ROWS = 1 << 16
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class FileLayout(CsvLayout):
    """A :class:`~yieldmodel.csv_reading.CsvLayout` plus what the first lines held.

    Attributes
    ----------
    head : pandas.DataFrame
        The first rows as :func:`yieldmodel.csv_reading.read_csv` reads them (at least one).
    size : int
        File size in bytes.
    """

    head: pd.DataFrame = field(default=None, repr=False)
    size: int = 0


def _complete_lines(data: bytes, at_end: bool) -> bytes:
    """``data`` cut after its last line break, unless it is the whole file."""
    if at_end:
        return data
    cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
    return data[: cut + 1] if cut >= 0 else b""


def _first_lines(path) -> bytes:
    """The first complete lines of ``path``: the header, a 'sep=' line and a data row."""
    length = SNIFF_BYTES
    with open(path, "rb") as handle:
        while True:
            handle.seek(0)
            data = handle.read(length)
            at_end = len(data) < length
            prefix = _complete_lines(data, at_end)
            # The header, a possible 'sep=' line and a data row; blank lines do not count.
            if at_end or sum(bool(line.strip()) for line in _LINE_BREAK.split(prefix)) >= 3:
                return prefix
            if length >= MAX_SNIFF_BYTES:
                raise DataError(
                    f"The first rows of the file are longer than {MAX_SNIFF_BYTES >> 20} MB; "
                    "is it really a CSV table?"
                )
            length *= 2


def sniff_layout(path) -> FileLayout:
    """Learn delimiter, decimal mark, encoding and column names from the first lines.

    Reads :data:`SNIFF_BYTES` (more when a single row is longer) and parses them with
    :func:`yieldmodel.csv_reading.sniff_layout` and ``parse_frame``, which also refuse an
    empty file, a header without rows, duplicate column names and binary files.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    FileLayout

    Raises
    ------
    DataError
        Whatever :func:`yieldmodel.csv_reading.read_csv` refuses, or a first row longer
        than :data:`MAX_SNIFF_BYTES`.
    OSError
        When the file cannot be opened.
    """
    size = os.path.getsize(path)
    prefix = _first_lines(path)
    layout = csv_reading.sniff_layout(prefix)
    fields = {item.name: getattr(layout, item.name) for item in dataclasses.fields(CsvLayout)}
    return FileLayout(**fields, head=parse_frame(prefix, layout), size=size)


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------


@dataclass
class ScoredFile:
    """What :func:`score_csv` did; counts are added up group by group.

    Attributes
    ----------
    threshold : float
    rows : int
        Data rows in the file.
    scored : int
        Rows that received a probability.
    fails : int
        Rows predicted FAIL at ``threshold``.
    probability_sum : float
        Sum of the probabilities of the scored rows.
    report : ValidationReport or None
        Problems found in the whole file (row numbers count data rows from 1).
    notes : list of str
        The reader's notes (delimiter, decimal comma, encoding).
    columns : tuple of str
        Names of the added probability and prediction columns.
    reader : {"streaming", "in-memory"}
        How the file was read.
    """

    threshold: float
    rows: int = 0
    scored: int = 0
    fails: int = 0
    probability_sum: float = 0.0
    report: ValidationReport | None = None
    notes: list[str] = field(default_factory=list)
    columns: tuple[str, str] = (PROBABILITY_COLUMN, PREDICTION_COLUMN)
    reader: str = "streaming"

    def add(self, proba: np.ndarray, report: ValidationReport) -> np.ndarray:
        """Count the next group of rows; return its FAIL mask (False where unscored)."""
        scored = ~np.isnan(proba)
        fails = proba >= self.threshold
        self.rows += proba.size
        self.scored += int(scored.sum())
        self.fails += int(fails.sum())
        self.probability_sum += float(proba[scored].sum(dtype=np.float64))
        self.report = report if self.report is None else self.report.merged(report)
        return fails

    def summary(self) -> dict:
        """JSON-able counts: rows, scored, fail, pass, fail_share, mean_probability, ..."""
        return {
            "rows": self.rows,
            "scored": self.scored,
            "fail": self.fails,
            "pass": self.scored - self.fails,
            "fail_share": self.fails / self.scored if self.scored else None,
            "mean_probability": self.probability_sum / self.scored if self.scored else None,
            "threshold": self.threshold,
            "probability_column": self.columns[0],
            "prediction_column": self.columns[1],
            "reader": self.reader,
            "ok": self.report is not None and self.report.ok,
        }


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


class _StreamFailed(Exception):
    """The streaming reader could not parse the file; ``rows_read`` rows were fine."""

    def __init__(self, message: str, rows_read: int):
        super().__init__(message)
        self.rows_read = rows_read


def _arrow_encoding(encoding: str) -> str:
    return "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding


def _open_stream(path, layout: FileLayout):
    return pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(
            column_names=layout.columns,
            skip_rows=layout.skip_lines,
            block_size=READ_BLOCK_BYTES,
            encoding=_arrow_encoding(layout.encoding),
        ),
        parse_options=pa_csv.ParseOptions(delimiter=layout.delimiter),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in layout.columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _groups(path, layout: FileLayout, group_bytes: int):
    """Tables of consecutive rows, each about ``group_bytes`` of text (the last smaller).

    The reader parses small blocks (its read-ahead holds a dozen or more of them); they
    are grouped here so that the per-call cost of validation and scoring is amortised.
    """
    rows_read = 0
    try:
        reader = _open_stream(path, layout)
        batches, size = [], 0
        for batch in reader:
            if batch.num_rows == 0:
                continue
            batches.append(batch)
            size += batch.nbytes
            rows_read += batch.num_rows
            if size >= group_bytes:
                yield pa.Table.from_batches(batches)
                batches, size = [], 0
        if batches:
            yield pa.Table.from_batches(batches)
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise _StreamFailed(str(error), rows_read) from error


def _stream(pipeline, path, layout, destination, result, group_bytes, dtype) -> tuple:
    """Score ``path`` group by group into ``destination``; return the added column names."""
    names = pipeline.feature_names
    columns = output_names(layout.columns)
    passthrough = [name for name in layout.columns if name not in set(names)]
    handle = destination.open()
    handle.write(header_bytes([*layout.columns, *columns], layout.delimiter))
    writer = BatchWriter(handle, layout.delimiter)
    first_row = 1
    # The reader's and the writer's threads keep the other core busy; a second BLAS
    # thread for these small matrix products would only contend with them.
    with threadpool_limits(limits=1, user_api="blas"):
        try:
            for group in _groups(path, layout, group_bytes):
                proba, report = pipeline.score(
                    features_frame(group, names, layout.decimal),
                    dtype=dtype,
                    first_row=first_row,
                )
                if first_row == 1:
                    report.passthrough_columns = passthrough
                fails = result.add(proba, report)
                for name, column in zip(columns, decorated(proba, fails, layout.decimal)):
                    group = group.append_column(name, column)
                writer.write(group)
                first_row += group.num_rows
        finally:
            writer.close()
    return columns


def _in_memory(pipeline, path, destination, result, dtype) -> tuple[tuple, list[str]]:
    """Read ``path`` whole with yieldmodel.csv_reading.read_csv and score it in chunks."""
    data = read_csv(path)
    frame = data.frame
    proba = np.empty(frame.shape[0], dtype=dtype)
    for start in range(0, frame.shape[0], IN_MEMORY_CHUNK_ROWS):
        stop = start + IN_MEMORY_CHUNK_ROWS
        chunk_proba, report = pipeline.score(
            frame.iloc[start:stop], dtype=dtype, first_row=start + 1
        )
        proba[start:stop] = chunk_proba
        result.add(chunk_proba, report)
    columns = output_names(frame.columns)
    out = frame.assign(**{columns[0]: proba, columns[1]: pass_fail(proba, result.threshold)})
    handle = destination.open()
    frame_to_csv(out, handle, sep=data.delimiter, decimal=data.decimal, lineterminator="\n")
    return columns, data.notes


def score_csv(
    pipeline: Pipeline,
    source,
    destination,
    *,
    threshold: float | None = None,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    dtype=np.float32,
) -> ScoredFile:
    """Score every row of the CSV file ``source`` and write the result to ``destination``.

    The output holds every column of ``source`` in its order, unchanged, then the fail
    probability and the prediction (``FAIL`` / ``PASS``, empty for a row without any
    usable feature value). It uses the source's delimiter (and decimal comma). Text cells a
    spreadsheet would run as formulas get a leading ``'`` (:mod:`yieldmodel.csv_safety`).

    Parameters
    ----------
    pipeline : yieldmodel.pipeline.Pipeline
    source : str or path-like
        A CSV file; feature columns are matched by name in any order.
    destination : str or path-like
        Where to write the scored CSV (UTF-8). Written only when scoring succeeds.
    threshold : float in [0, 1], optional
        FAIL when probability >= threshold; the pipeline's own threshold by default.
    block_bytes : int
        Approximate bytes of CSV text scored at a time; memory grows with it, not with
        the file.
    dtype : {numpy.float32, numpy.float64}
        Precision of standardisation and forward pass.

    Returns
    -------
    ScoredFile
        Counts, the merged ValidationReport and the reader's notes.

    Raises
    ------
    DataError
        The file cannot be read as a table, or feature columns are missing (the message
        lists them and suggests near matches).
    OSError
        The source cannot be read or the destination cannot be written.
    """
    threshold = pipeline.threshold if threshold is None else float(threshold)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must lie in [0, 1], got {threshold}")
    if int(block_bytes) < 1 << 12:
        raise ValueError(f"block_bytes must be at least 4096, got {block_bytes}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    layout = sniff_layout(source)
    missing = validate_for_scoring(layout.head, pipeline.preprocessor)
    if not missing.can_score:
        raise DataError(missing.lines()[0])
    if pipeline.model.dtype != dtype:
        pipeline = dataclasses.replace(pipeline, model=pipeline.model.astype(dtype))

    destination = Destination(destination)
    result = ScoredFile(threshold)
    try:
        if layout.encoding == "utf-16":
            raise _StreamFailed("UTF-16 text is read whole", 0)
        result.columns = _stream(
            pipeline, source, layout, destination, result, int(block_bytes), dtype
        )
        result.notes = list(layout.notes)
    except _StreamFailed as failure:
        if layout.size > IN_MEMORY_MAX_BYTES:
            destination.discard()
            raise DataError(
                f"The file could not be read past data row {failure.rows_read:,}: {failure}. "
                "Check that row for a missing or extra field, an unclosed quote or text "
                "that is not UTF-8."
            ) from failure
        result = ScoredFile(threshold, reader="in-memory")
        try:
            result.columns, result.notes = _in_memory(pipeline, source, destination, result, dtype)
        except BaseException:
            destination.discard()
            raise
    except BaseException:
        destination.discard()
        raise
    if result.report is None:
        destination.discard()
        raise DataError("The file has a header but no data rows.")
    destination.commit()
    return result
