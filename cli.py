"""Train and score pass/fail models from the command line, with the page's own code.

    python cli.py train DATA.csv --label fail --out model.npz [--epochs 50 --hidden 64,32
        --lr 1e-3 --batch-size 32 --l2 0 --dropout 0 --class-weights --seed 0]
    python cli.py score model.npz NEW.csv --out scored.csv [--threshold 0.3]

``train`` reads a labelled CSV, trains with :func:`yieldmodel.experiments.train_pipeline`
(the Semiconductor Yield page's training) and saves the pipeline as ``.npz``; it prints
the validation metrics as JSON on stdout. ``score`` streams a CSV of any size through
:func:`yieldmodel.streaming.score_csv` and prints a JSON summary on stdout. When the file has
problems it could still score (text in a numeric column, an empty column, infinite
values, ...) the validation report -- the page's, naming columns and rows -- goes to
stderr and the scores are written all the same.

Bad input never ends in a traceback: the message goes to stderr as ``error: ...`` and the
exit status is 2. ``score --strict`` exits with 1 when it wrote scores for a file with
problems.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

#: Exit status for input that cannot be used (argparse uses 2 for bad arguments too).
EXIT_BAD_INPUT = 2
#: Exit status of ``score --strict`` when the file was scored but has problems.
EXIT_SCORED_WITH_PROBLEMS = 1


def _say(*lines: str) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _widths(text: str) -> tuple[int, ...]:
    """'64,32' -> (64, 32); '' -> () (no hidden layer)."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    try:
        return tuple(_positive_int(part) for part in parts)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive layer widths such as 64,32, got {text!r}"
        ) from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _threshold_choice(text: str) -> float | str:
    if text == "suggested":
        return text
    value = _finite_float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a threshold lies in [0, 1], got {value}")
    return value


def _threshold(text: str) -> float:
    value = _threshold_choice(text)
    if isinstance(value, str):
        raise argparse.ArgumentTypeError("expected a number in [0, 1]")
    return value


def _json(document) -> str:
    return json.dumps(document, indent=2, allow_nan=False)


# --------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------


def _progress(every: int):
    def report(epoch: int, n_epochs: int, history: dict) -> None:
        if epoch % every == 0 or epoch == n_epochs:
            line = f"epoch {epoch}/{n_epochs}: loss {history['loss'][-1]:.4f}"
            if history.get("val_loss"):
                line += f", validation loss {history['val_loss'][-1]:.4f}"
            _say(line)

    return report


def train(args: argparse.Namespace) -> int:
    """``cli.py train``: fit on a labelled CSV, save the pipeline, print metrics as JSON."""
    from dataclasses import replace

    from yieldmodel import model_io
    from yieldmodel.experiments import Architecture, train_pipeline
    from yieldmodel.tabular import read_csv

    architecture = Architecture(
        hidden=args.hidden,
        activation=args.activation,
        optimizer=args.optimizer,
        lr=args.lr,
        batch_size=args.batch_size,
        epochs=args.epochs,
        l2=args.l2,
        dropout=args.dropout,
        class_weights=args.class_weights,
    )
    data = read_csv(args.data)
    _say(*data.notes)
    run = train_pipeline(
        data.frame,
        args.label,
        architecture,
        rng=args.seed,
        val_fraction=args.val_fraction,
        target_recall=args.target_recall,
        include=args.include,
        exclude=args.exclude,
        progress=None if args.quiet else _progress(max(args.epochs // 10, 1)),
    )
    pipeline = run.pipeline
    if args.threshold == "suggested":
        if run.suggested_threshold is None:
            raise ValueError("No threshold can be suggested: the validation rows hold no fail.")
        pipeline = replace(pipeline, threshold=run.suggested_threshold)
    elif args.threshold is not None:
        pipeline = replace(pipeline, threshold=args.threshold)
    model_io.save(args.out, pipeline)

    if run.diverged_at:
        _say(f"warning: training diverged and stopped early: {run.diverged_at}")
    _say(run.chance.message())
    metrics = pipeline.metadata()["metrics"]  # JSON-safe: NaN became null
    metrics.pop("drift_reference", None)
    print(
        _json(
            {
                "model": str(args.out),
                "label": args.label,
                "features": pipeline.feature_names,
                "network": architecture.describe(pipeline.preprocessor.n_features),
                "threshold": pipeline.threshold,
                "train_seconds": round(run.seconds, 3),
                **metrics,
                "report": run.report,
            }
        )
    )
    return 0


# --------------------------------------------------------------------------------------
# score
# --------------------------------------------------------------------------------------


def score(args: argparse.Namespace) -> int:
    """``cli.py score``: stream a CSV through a saved pipeline into a scored CSV."""
    from yieldmodel import model_io
    from yieldmodel.streaming import score_csv

    start = time.perf_counter()
    pipeline = model_io.load(args.model)
    result = score_csv(
        pipeline,
        args.data,
        args.out,
        threshold=args.threshold,
        block_bytes=int(args.block_mb * (1 << 20)),
    )
    _say(*result.notes)
    if not result.report.ok:
        _say(f"The file was scored, but it has problems ({args.data}):")
        _say(*(f"  {line}" for line in result.report.lines()))
    print(
        _json(
            {
                "output": str(args.out),
                **result.summary(),
                "seconds": round(time.perf_counter() - start, 3),
            }
        )
    )
    if args.strict and not result.report.ok:
        return EXIT_SCORED_WITH_PROBLEMS
    return 0


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cli.py",
        description="Train and score pass/fail models with the playground's engine.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    fit = commands.add_parser(
        "train",
        help="train on a labelled CSV and save the pipeline (.npz)",
        description="Train a pass/fail network on a labelled CSV (stratified 80/20 split, "
        "preprocessing fitted on the training rows) and save it. Prints metrics as JSON.",
    )
    fit.add_argument("data", metavar="DATA.csv", help="labelled CSV file")
    fit.add_argument("--label", required=True, help="pass/fail column (0/1, pass/fail, ...)")
    fit.add_argument("--out", required=True, metavar="MODEL.npz", help="where to save")
    fit.add_argument("--epochs", type=_positive_int, default=50)
    fit.add_argument(
        "--hidden", type=_widths, default=(64, 32), metavar="W1,W2,...", help="default 64,32"
    )
    fit.add_argument("--activation", default="relu", help="hidden activation (default relu)")
    fit.add_argument("--optimizer", default="adam", help="default adam")
    fit.add_argument("--lr", type=_finite_float, default=1e-3, help="learning rate")
    fit.add_argument("--batch-size", type=_positive_int, default=32)
    fit.add_argument("--l2", type=_finite_float, default=0.0, help="L2 penalty on weights")
    fit.add_argument("--dropout", type=_finite_float, default=0.0, help="in [0, 1)")
    fit.add_argument(
        "--class-weights",
        action="store_true",
        help="weight rows by n / (2 n_class) so both classes weigh the same",
    )
    fit.add_argument("--seed", type=int, default=0, help="split, weights and batch order")
    fit.add_argument("--val-fraction", type=_finite_float, default=0.2)
    fit.add_argument(
        "--target-recall",
        type=_finite_float,
        default=0.85,
        help="fail recall the suggested threshold aims for (default 0.85)",
    )
    fit.add_argument(
        "--threshold",
        type=_threshold_choice,
        default=None,
        help="threshold saved with the model: a number or 'suggested' (default 0.5)",
    )
    fit.add_argument("--include", type=_names, default=(), metavar="A,B", help="keep as features")
    fit.add_argument("--exclude", type=_names, default=(), metavar="A,B", help="leave out")
    fit.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    fit.set_defaults(run=train)

    use = commands.add_parser(
        "score",
        help="score a CSV with a saved pipeline",
        description="Score every row of a CSV of any size; every input column is kept and "
        "fail_probability and prediction (FAIL/PASS) are added. Prints a JSON summary.",
    )
    use.add_argument("model", metavar="MODEL.npz", help="pipeline saved by train or the page")
    use.add_argument("data", metavar="NEW.csv", help="CSV with the model's feature columns")
    use.add_argument("--out", required=True, metavar="SCORED.csv", help="where to write")
    use.add_argument(
        "--threshold", type=_threshold, default=None, help="default: the model's threshold"
    )
    use.add_argument(
        "--block-mb", type=_finite_float, default=8.0, help="MB of CSV text scored at a time"
    )
    use.add_argument("--strict", action="store_true", help="exit with 1 when the file has problems")
    use.set_defaults(run=score)
    return parser


def _os_message(error: OSError) -> str:
    if error.filename is not None and error.strerror:
        return f"{error.strerror}: {error.filename}"
    return str(error)


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    # Imported after parsing, so that --help and a mistyped option answer at once.
    from yieldmodel.model_io import ModelFormatError
    from yieldmodel.tabular import DataError

    try:
        return args.run(args)
    except (DataError, ModelFormatError) as error:
        _say(f"error: {error}")
    except OSError as error:
        _say(f"error: {_os_message(error)}")
    except ValueError as error:
        _say(f"error: {error}")
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
