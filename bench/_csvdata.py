"""Large parametric-test CSV files for the scoring benchmark, written in 1M-row blocks.

Each row is one die: ``lot``, ``wafer``, ``die_x``, ``die_y`` (identifiers, passed through
by the scorer) and the 20 parametric tests of :func:`yieldmodel.seed_data.semiconductor`, rounded
to 5 significant digits as a tester would print them. Blocks are generated one at a time,
so a 10,000,000-row file needs no more memory than a 1,000,000-row one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yieldmodel.seed_data import SEMICONDUCTOR_FEATURES, SEMICONDUCTOR_LABEL, semiconductor  # noqa: E402

#: Rows generated and written at a time.
BLOCK_ROWS = 1_000_000
#: Dies per wafer side; a wafer holds DIES_PER_SIDE**2 dies.
DIES_PER_SIDE = 40
WAFERS_PER_LOT = 25
SIGNIFICANT_DIGITS = 5


def _round_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits, column by column (n, k)."""
    magnitude = np.floor(np.log10(np.abs(values).max(axis=0)))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.round(values * scale) / scale


def block(n_rows: int, first_die: int, rng: int, label: bool = False) -> pa.Table:
    """One block of ``n_rows`` dies numbered from ``first_die`` (0-based).

    Returns
    -------
    pyarrow.Table of shape (n_rows, 24), or (n_rows, 25) with the ``fail`` label
    """
    frame = semiconductor(n=n_rows, rng=rng, fail_rate=0.2)
    die = np.arange(first_die, first_die + n_rows)
    per_wafer = DIES_PER_SIDE**2
    wafer_number = die // per_wafer
    lot = np.char.add("LOT", np.char.zfill((wafer_number // WAFERS_PER_LOT).astype(str), 5))
    columns = {
        "lot": pa.array(lot),
        "wafer": pa.array(wafer_number % WAFERS_PER_LOT + 1),
        "die_x": pa.array(die % DIES_PER_SIDE),
        "die_y": pa.array((die // DIES_PER_SIDE) % DIES_PER_SIDE),
    }
    values = _round_significant(frame[SEMICONDUCTOR_FEATURES].to_numpy(), SIGNIFICANT_DIGITS)
    for j, name in enumerate(SEMICONDUCTOR_FEATURES):
        columns[name] = pa.array(values[:, j])
    if label:
        columns[SEMICONDUCTOR_LABEL] = pa.array(frame[SEMICONDUCTOR_LABEL].to_numpy())
    return pa.table(columns)


def write_parametric_csv(path, n_rows: int, rng: int = 0, label: bool = False) -> int:
    """Write ``n_rows`` dies to ``path`` in blocks of :data:`BLOCK_ROWS`; return its size in bytes.

    Block ``i`` is drawn with seed ``rng + i``, so the file is the same on every run.
    """
    writer = None
    try:
        for index, start in enumerate(range(0, n_rows, BLOCK_ROWS)):
            table = block(min(BLOCK_ROWS, n_rows - start), start, rng + index, label)
            if writer is None:
                options = pa_csv.WriteOptions(quoting_style="none", quoting_header="none")
                writer = pa_csv.CSVWriter(str(path), table.schema, write_options=options)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return Path(path).stat().st_size
