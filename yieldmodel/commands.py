"""What ``python cli.py train`` and ``python cli.py score`` do, below the argument parsing.

Both commands run the page's own code: :func:`train_file` reads a labelled CSV with
:func:`yieldmodel.csv_reading.read_csv`, trains with
:func:`yieldmodel.training.train_pipeline` and saves the pipeline; :func:`score_file`
streams a CSV of any size through :func:`yieldmodel.streaming.score_csv`. Each returns the
JSON-able summary the command prints; messages for the person at the terminal go through
``say`` (the CLI writes them to stderr). Both refuse input files above ``max_mb``
megabytes before reading them (:func:`yieldmodel.upload_limit.check_file_size`; the CLI's
default is the app's upload limit), and every CSV they write is formula-safe
(:mod:`yieldmodel.csv_safety`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from yieldmodel import model_io
from yieldmodel.architecture import Architecture
from yieldmodel.csv_reading import read_csv
from yieldmodel.streaming import score_csv
from yieldmodel.training import TrainingRun, progress_line, train_pipeline
from yieldmodel.upload_limit import check_file_size

Say = Callable[..., None]

#: Progress lines ``train`` writes over a run (one every tenth of the epochs).
PROGRESS_LINES = 10
#: What to do about a file above the size limit.
LIMIT_HINT = "Raise the limit with --max-mb (0 = no limit)."


def _progress(say: Say, n_epochs: int):
    every = max(n_epochs // PROGRESS_LINES, 1)

    def report(epoch: int, total: int, history: dict) -> None:
        if epoch % every == 0 or epoch == total:
            say(progress_line(epoch, total, history))

    return report


def _with_threshold(run: TrainingRun, threshold):
    """The run's pipeline with ``threshold`` (a number, 'suggested' or None: keep 0.5)."""
    if threshold == "suggested":
        if run.suggested_threshold is None:
            raise ValueError("No threshold can be suggested: the validation rows hold no fail.")
        threshold = run.suggested_threshold
    if threshold is None:
        return run.pipeline
    return dataclasses.replace(run.pipeline, threshold=threshold)


def train_file(
    data_path,
    label: str,
    architecture: Architecture,
    out,
    *,
    say: Say,
    threshold=None,
    quiet: bool = False,
    max_mb: float | None = None,
    **training,
) -> dict:
    """Train on the labelled CSV ``data_path``, save the pipeline to ``out``.

    Parameters
    ----------
    threshold : float, 'suggested' or None
        Saved with the model; None keeps 0.5.
    quiet : bool
        No progress lines.
    max_mb : float or None
        Refuse a file larger than this many megabytes (None: no limit).
    **training
        ``rng``, ``val_fraction``, ``target_recall``, ``include``, ``exclude`` for
        :func:`~yieldmodel.training.train_pipeline`.

    Returns
    -------
    dict
        The validation metrics and settings (JSON-safe: NaN became null).

    Raises
    ------
    DataError
        The file is above ``max_mb``, cannot be read or cannot be trained on.
    """
    check_file_size(data_path, max_mb, LIMIT_HINT)
    data = read_csv(data_path)
    say(*data.notes)
    progress = None if quiet else _progress(say, architecture.epochs)
    run = train_pipeline(data.frame, label, architecture, progress=progress, **training)
    pipeline = _with_threshold(run, threshold)
    model_io.save(out, pipeline)
    if run.diverged_at:
        say(f"warning: training diverged and stopped early: {run.diverged_at}")
    say(run.chance.message())
    metrics = pipeline.metadata()["metrics"]
    metrics.pop("drift_reference", None)
    return {
        "model": str(out),
        "label": label,
        "features": pipeline.feature_names,
        "network": run.describe(),
        "threshold": pipeline.threshold,
        "train_seconds": round(run.seconds, 3),
        **metrics,
        "report": run.report,
    }


def score_file(
    model_path, data_path, out, *, say: Say, max_mb: float | None = None, **options
) -> tuple[dict, bool]:
    """Score the CSV ``data_path`` with the saved pipeline ``model_path`` into ``out``.

    Both files must be at most ``max_mb`` megabytes (None: no limit). ``options``
    (``threshold``, ``block_bytes``) go to :func:`yieldmodel.streaming.score_csv`.
    Problems the file has but that still let it be scored are said through ``say``, with
    the validation report.

    Returns
    -------
    summary : dict
        Counts, the columns added, how the file was read, seconds taken.
    ok : bool
        False when the file has problems (the scores are written all the same).
    """
    start = time.perf_counter()
    for path in (data_path, model_path):
        check_file_size(path, max_mb, LIMIT_HINT)
    result = score_csv(model_io.load(model_path), data_path, out, **options)
    say(*result.notes)
    ok = result.report.ok
    if not ok:
        say(f"The file was scored, but it has problems ({data_path}):")
        say(*(f"  {line}" for line in result.report.lines()))
    summary = {
        "output": str(out),
        **result.summary(),
        "seconds": round(time.perf_counter() - start, 3),
    }
    return summary, ok
