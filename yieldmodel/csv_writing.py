"""Writing a scored CSV safely: rows appended on a background thread, to a temporary file
that is renamed over the destination only when everything succeeded, every text cell and
column name made inert for spreadsheets first (:mod:`yieldmodel.csv_safety`)."""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from yieldmodel.csv_safety import neutralise_names, neutralise_table


def header_bytes(names, delimiter: str) -> bytes:
    """The header line of ``names``, formula-like names escaped."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow(neutralise_names(names))
    return buffer.getvalue().encode("utf-8")


class BatchWriter:
    """Append tables to a file as CSV rows, on a background thread.

    Text cells a spreadsheet would run as formulas get a leading apostrophe
    (:func:`yieldmodel.csv_safety.neutralise_table`). Cells are written without quotes
    where possible; a table with a cell that needs them (a delimiter, quote or line break
    inside) is written with every text cell quoted.
    At most one table waits to be written, so memory stays bounded.
    """

    def __init__(self, handle, delimiter: str):
        self.handle = handle
        self.plain = pa_csv.WriteOptions(
            include_header=False, delimiter=delimiter, quoting_style="none"
        )
        self.quoted = pa_csv.WriteOptions(
            include_header=False, delimiter=delimiter, quoting_style="needed"
        )
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-writer")
        self.pending = None

    def _write(self, table: pa.Table) -> None:
        table = neutralise_table(table)
        sink = pa.BufferOutputStream()
        try:
            pa_csv.write_csv(table, sink, self.plain)
        except pa.ArrowInvalid:  # a cell needs quotes; the buffer is discarded
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(table, sink, self.quoted)
        self.handle.write(sink.getvalue())

    def write(self, table: pa.Table) -> None:
        self.wait()
        self.pending = self.pool.submit(self._write, table)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True)


class Destination:
    """A temporary file beside ``path``, renamed to ``path`` by :meth:`commit`."""

    def __init__(self, path):
        self.path = Path(path)
        self.temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.partial")
        self.handle = None

    def open(self):
        self.discard()
        try:
            self.handle = open(self.temporary, "wb")
        except OSError as error:  # name the file the user asked for, not the temporary one
            raise OSError(error.errno, error.strerror, str(self.path)) from error
        return self.handle

    def commit(self) -> None:
        self.handle.close()
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.temporary.unlink(missing_ok=True)
