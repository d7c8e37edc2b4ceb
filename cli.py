"""Train and score pass/fail models from the command line, with the page's own code.

    python cli.py train DATA.csv --label fail --out model.npz [--epochs 50 --hidden 64,32
        --lr 1e-3 --batch-size 32 --l2 0 --dropout 0 --class-weights --seed 0 --max-mb 200]
    python cli.py score model.npz NEW.csv --out scored.csv [--threshold 0.3 --max-mb 200]

``train`` trains with :func:`yieldmodel.commands.train_file` (the Semiconductor Yield
page's training) and saves the pipeline as ``.npz``; it prints the validation metrics as
JSON on stdout. ``score`` streams a CSV of any size through
:func:`yieldmodel.commands.score_file` and prints a JSON summary on stdout. When the file
has problems it could still score (text in a numeric column, an empty column, infinite
values, ...) the validation report -- the page's, naming columns and rows -- goes to
stderr and the scores are written all the same. Every default comes from
:class:`yieldmodel.architecture.Architecture` and :mod:`yieldmodel.training`.

Input files above ``--max-mb`` megabytes are refused before they are read; the default is
the app's upload limit, ``server.maxUploadSize`` in ``.streamlit/config.toml``
(:mod:`yieldmodel.upload_limit`), and ``--max-mb 0`` lifts the limit. Every CSV written has
text cells that a spreadsheet would run as formulas escaped with a leading apostrophe.

Bad input never ends in a traceback: the message goes to stderr as ``error: ...`` and the
exit status is 2. ``score --strict`` exits with 1 when it wrote scores for a file with
problems.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from core.optimizers import OptimizerSpec
from yieldmodel.architecture import (
    DEFAULT_TARGET_RECALL,
    VALIDATION_FRACTION,
    Architecture,
    parse_hidden,
)

#: Exit status for input that cannot be used (argparse uses 2 for bad arguments too).
EXIT_BAD_INPUT = 2
#: Exit status of ``score --strict`` when the file was scored but has problems.
EXIT_SCORED_WITH_PROBLEMS = 1
#: The seed's network: every ``train`` option defaults to its setting.
DEFAULT = Architecture()


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
    try:
        return parse_hidden(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _limit_mb(text: str) -> float:
    value = _finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a size in MB >= 0, got {value:g}")
    return value


def _max_mb(args: argparse.Namespace) -> float | None:
    """The size limit in MB: --max-mb, else the app's upload limit; None for --max-mb 0."""
    from yieldmodel.upload_limit import configured_mb

    if args.max_mb is None:
        return configured_mb()
    return args.max_mb or None


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


def train(args: argparse.Namespace) -> int:
    """``cli.py train``: fit on a labelled CSV, save the pipeline, print metrics as JSON."""
    from yieldmodel.commands import train_file

    architecture = Architecture(
        hidden=args.hidden,
        activation=args.activation,
        optimizer=OptimizerSpec(args.optimizer, args.lr),
        batch_size=args.batch_size,
        epochs=args.epochs,
        l2=args.l2,
        dropout=args.dropout,
        class_weights=args.class_weights,
    )
    summary = train_file(
        args.data,
        args.label,
        architecture,
        args.out,
        say=_say,
        threshold=args.threshold,
        quiet=args.quiet,
        max_mb=_max_mb(args),
        rng=args.seed,
        val_fraction=args.val_fraction,
        target_recall=args.target_recall,
        include=args.include,
        exclude=args.exclude,
    )
    print(_json(summary))
    return 0


def score(args: argparse.Namespace) -> int:
    """``cli.py score``: stream a CSV through a saved pipeline into a scored CSV."""
    from yieldmodel.commands import score_file

    summary, ok = score_file(
        args.model,
        args.data,
        args.out,
        say=_say,
        threshold=args.threshold,
        block_bytes=int(args.block_mb * (1 << 20)),
        max_mb=_max_mb(args),
    )
    print(_json(summary))
    return EXIT_SCORED_WITH_PROBLEMS if args.strict and not ok else 0


def _command(commands, name: str, summary: str, description: str, inputs, out: tuple):
    """A sub-command with its input files (dest, metavar, help) and a required --out."""
    parser = commands.add_parser(name, help=summary, description=description)
    for dest, metavar, text in inputs:
        parser.add_argument(dest, metavar=metavar, help=text)
    parser.add_argument("--out", required=True, metavar=out[0], help=out[1])
    parser.add_argument(
        "--max-mb",
        type=_limit_mb,
        default=None,
        metavar="MB",
        help="refuse input files larger than this, 0 = no limit (default: the app's upload "
        "limit, server.maxUploadSize in .streamlit/config.toml)",
    )
    return parser


def _train_parser(commands) -> None:
    fit = _command(
        commands,
        "train",
        "train on a labelled CSV and save the pipeline (.npz)",
        "Train a pass/fail network on a labelled CSV (stratified 80/20 split, preprocessing "
        "fitted on the training rows) and save it. Prints metrics as JSON.",
        [("data", "DATA.csv", "labelled CSV file")],
        ("MODEL.npz", "where to save"),
    )
    fit.add_argument("--label", required=True, help="pass/fail column (0/1, pass/fail, ...)")
    for flag, kind, default, text in (
        ("--epochs", _positive_int, DEFAULT.epochs, "passes over the training rows"),
        ("--hidden", _widths, DEFAULT.hidden, "hidden layer widths W1,W2,..."),
        ("--activation", str, DEFAULT.activation, "hidden activation"),
        ("--optimizer", str, DEFAULT.optimizer.name, "optimizer"),
        ("--lr", _finite_float, DEFAULT.optimizer.lr, "learning rate"),
        ("--batch-size", _positive_int, DEFAULT.batch_size, "rows per update"),
        ("--l2", _finite_float, DEFAULT.l2, "L2 penalty on weights"),
        ("--dropout", _finite_float, DEFAULT.dropout, "dropout in [0, 1)"),
        ("--val-fraction", _finite_float, VALIDATION_FRACTION, "share held out"),
        ("--target-recall", _finite_float, DEFAULT_TARGET_RECALL, "for the suggested threshold"),
    ):
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        fit.add_argument(flag, type=kind, default=default, help=f"{text} (default {shown})")
    fit.add_argument(
        "--class-weights",
        action="store_true",
        default=DEFAULT.class_weights,
        help="weight rows by n / (2 n_class) so both classes weigh the same",
    )
    fit.add_argument("--seed", type=int, default=0, help="split, weights and batch order")
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


def _score_parser(commands) -> None:
    use = _command(
        commands,
        "score",
        "score a CSV with a saved pipeline",
        "Score every row of a CSV of any size; every input column is kept and fail_probability "
        "and prediction (FAIL/PASS) are added. Prints a JSON summary.",
        [
            ("model", "MODEL.npz", "pipeline saved by train or the page"),
            ("data", "NEW.csv", "CSV with the model's feature columns"),
        ],
        ("SCORED.csv", "where to write"),
    )
    use.add_argument(
        "--threshold", type=_threshold, default=None, help="default: the model's threshold"
    )
    use.add_argument(
        "--block-mb", type=_finite_float, default=8.0, help="MB of CSV text scored at a time"
    )
    use.add_argument("--strict", action="store_true", help="exit with 1 when the file has problems")
    use.set_defaults(run=score)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cli.py",
        description="Train and score pass/fail models with the playground's engine.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _train_parser(commands)
    _score_parser(commands)
    return parser


def _os_message(error: OSError) -> str:
    if error.filename is not None and error.strerror:
        return f"{error.strerror}: {error.filename}"
    return str(error)


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    # Imported after parsing, so that --help and a mistyped option answer at once.
    from yieldmodel.messages import DataError
    from yieldmodel.model_io import ModelFormatError

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
