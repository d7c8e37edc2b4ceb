"""Scoring a large CSV end to end: ``python cli.py score`` against a bare floor process.

In a temporary folder it writes a 1,000,000-row CSV of dies (``lot``, ``wafer``,
``die_x``, ``die_y`` and the 20 parametric tests, bench/_csvdata.py), trains a small model
with ``cli.py train`` on 5,000 labelled dies, then runs as separate processes, in turn,
``--repeats`` times:

* ``cli``: ``python cli.py score model.npz dies.csv --out scored.csv`` -- read, validate,
  standardise, forward, write, streaming;
* ``floor``: ``python bench/score.py --floor ...`` -- only the minimum: pyarrow reads the
  whole file, NumPy standardises, a float32 forward pass in chunks, pyarrow writes the
  table plus the probability.

Each process is timed (wall clock) and its peak resident memory read with ``os.wait4`` by
a small launcher process;
the best time and the largest peak over the repeats are reported. ``--big`` adds one CLI
run on a 10,000,000-row file, whose peak memory must not exceed the 1,000,000-row run's.

    python bench/score.py [--rows 1000000] [--repeats 3] [--big]

Prints one JSON object per line. Goals: ``cli_over_floor_seconds`` <= 1.5 and
``cli_over_floor_memory`` <= 1; with ``--big``, ``peak_over_small_file`` <= 1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHUNK_ROWS = 1 << 16


# --------------------------------------------------------------------------------------
# The floor process
# --------------------------------------------------------------------------------------


def floor(weights_path: str, source: str, destination: str) -> None:
    """Read, standardise, float32 forward pass in chunks, write: nothing else.

    ``weights_path`` is a plain ``.npz`` from :func:`floor_weights`: feature names, means,
    scales and the layers of a ReLU network with a sigmoid output.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    stored = np.load(weights_path)
    names = [str(name) for name in stored["names"]]
    means, scales = stored["means"], stored["scales"]
    n_layers = (len(stored.files) - 3) // 2
    layers = [(stored[f"W{i}"], stored[f"b{i}"]) for i in range(n_layers)]

    table = pa_csv.read_csv(source)
    columns = [table.column(name).to_numpy() for name in names]
    proba = np.empty(table.num_rows, dtype=np.float32)
    for start in range(0, table.num_rows, CHUNK_ROWS):
        stop = start + CHUNK_ROWS
        x = np.stack([column[start:stop] for column in columns], axis=1)
        a = ((x - means) / scales).astype(np.float32)
        for W, b in layers[:-1]:
            a = a @ W
            a += b
            np.maximum(a, 0.0, out=a)
        W, b = layers[-1]
        z = (a @ W)[:, 0] + b
        proba[start:stop] = 1.0 / (1.0 + np.exp(-z))
    pa_csv.write_csv(table.append_column("fail_probability", pa.array(proba)), destination)


def floor_weights(model_path: Path, destination: Path) -> None:
    """Write the floor's inputs from a saved pipeline (float32 layers, float64 scaling)."""
    sys.path.insert(0, str(ROOT))
    from yieldmodel import model_io

    pipeline = model_io.load(model_path)
    model, pre = pipeline.model, pipeline.preprocessor
    if set(model.hidden) != {"relu"} or model.output != "sigmoid":
        raise ValueError("the floor implements ReLU hidden layers and a sigmoid output only")
    layers = {}
    for i, (W, b) in enumerate(zip(model.weights, model.biases)):
        layers[f"W{i}"], layers[f"b{i}"] = W.astype(np.float32), b.astype(np.float32)
    np.savez(
        destination, names=np.array(pre.feature_names), means=pre.means, scales=pre.scales, **layers
    )


# --------------------------------------------------------------------------------------
# Measuring processes
# --------------------------------------------------------------------------------------


#: Runs a command and prints its wall time and resource usage as JSON. Peak memory is read
#: from this small process's child: a child forked straight from the benchmark would
#: start with the benchmark's own (large) resident memory as its high-water mark.
LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=open(sys.argv[1], "wb"), stderr=subprocess.STDOUT)
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "cpu_seconds": usage.ru_utime + usage.ru_stime,
    "peak_mb": usage.ru_maxrss / 1024,
    "status": os.waitstatus_to_exitcode(status),
}))
"""


def measure(command: list[str], log: Path) -> dict:
    """Run ``command``; return wall seconds, CPU seconds and peak resident memory (MB)."""
    launcher = [sys.executable, "-c", LAUNCHER, str(log), *command]
    done = subprocess.run(launcher, capture_output=True, text=True, cwd=ROOT, check=True)
    usage = json.loads(done.stdout)
    if usage["status"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{log.read_text()[-2000:]}")
    return usage


def best(runs: list[dict]) -> dict:
    """Shortest time, shortest CPU time and largest peak memory over repeated runs.

    ``peak_mb_range`` is the (smallest, largest) peak: the run-to-run spread, a few MB.
    """
    peaks = [run["peak_mb"] for run in runs]
    return {
        "seconds": min(run["seconds"] for run in runs),
        "cpu_seconds": min(run["cpu_seconds"] for run in runs),
        "peak_mb": max(peaks),
        "peak_mb_range": [round(min(peaks), 1), round(max(peaks), 1)],
    }


def probabilities(path: Path, column: str = "fail_probability") -> np.ndarray:
    import pyarrow.csv as pa_csv

    options = pa_csv.ConvertOptions(include_columns=[column])
    return pa_csv.read_csv(path, convert_options=options).column(column).to_numpy()


def _rounded(values: dict) -> dict:
    return {
        key: round(value, 3) if isinstance(value, float) else value for key, value in values.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="also score 10,000,000 rows")
    parser.add_argument("--big-rows", type=int, default=10_000_000)
    parser.add_argument(
        "--floor", nargs=3, metavar=("WEIGHTS", "IN", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.floor:
        floor(*args.floor)
        return

    from _csvdata import write_parametric_csv

    python, cli = sys.executable, str(ROOT / "cli.py")
    with tempfile.TemporaryDirectory(prefix="bench_score_") as folder:
        work = Path(folder)
        write_parametric_csv(work / "train.csv", 5000, rng=101, label=True)
        train = [python, cli, "train", str(work / "train.csv"), "--label", "fail"]
        train += ["--out", str(work / "model.npz"), "--epochs", "5", "--quiet"]
        measure(train, work / "train.log")
        floor_weights(work / "model.npz", work / "floor.npz")

        size = write_parametric_csv(work / "dies.csv", args.rows, rng=0)
        commands = {
            "cli": [python, cli, "score", str(work / "model.npz"), str(work / "dies.csv")]
            + ["--out", str(work / "cli_out.csv"), "--max-mb", "0"],
            "floor": [python, __file__, "--floor", str(work / "floor.npz")]
            + [str(work / "dies.csv"), str(work / "floor_out.csv")],
        }
        runs = {name: [] for name in commands}
        for _ in range(args.repeats):
            for name, command in commands.items():
                runs[name].append(measure(command, work / f"{name}.log"))
        ours, bare = best(runs["cli"]), best(runs["floor"])
        difference = np.max(
            np.abs(probabilities(work / "cli_out.csv") - probabilities(work / "floor_out.csv"))
        )
        print(
            json.dumps(
                _rounded(
                    {
                        "bench": f"score {args.rows:,} rows x 20 features, CSV to CSV",
                        "rows": args.rows,
                        "file_mb": size / 1e6,
                        "repeats": args.repeats,
                        "cli_seconds": ours["seconds"],
                        "floor_seconds": bare["seconds"],
                        "cli_over_floor_seconds": ours["seconds"] / bare["seconds"],
                        "cli_cpu_seconds": ours["cpu_seconds"],
                        "floor_cpu_seconds": bare["cpu_seconds"],
                        "cli_peak_mb": ours["peak_mb"],
                        "cli_peak_mb_range": ours["peak_mb_range"],
                        "floor_peak_mb": bare["peak_mb"],
                        "cli_over_floor_memory": ours["peak_mb"] / bare["peak_mb"],
                        "max_abs_difference": float(difference),
                    }
                )
            ),
            flush=True,
        )
        for name in ("dies.csv", "cli_out.csv", "floor_out.csv"):
            (work / name).unlink()

        if args.big:
            size = write_parametric_csv(work / "big.csv", args.big_rows, rng=0)
            command = [python, cli, "score", str(work / "model.npz"), str(work / "big.csv")]
            big = measure(
                command + ["--out", str(work / "big_out.csv"), "--max-mb", "0"], work / "big.log"
            )
            print(
                json.dumps(
                    _rounded(
                        {
                            "bench": f"score {args.big_rows:,} rows x 20 features, CSV to CSV",
                            "rows": args.big_rows,
                            "file_mb": size / 1e6,
                            "cli_seconds": big["seconds"],
                            "cli_cpu_seconds": big["cpu_seconds"],
                            "cli_peak_mb": big["peak_mb"],
                            "small_file_peak_mb": ours["peak_mb"],
                            "small_file_peak_mb_range": ours["peak_mb_range"],
                            "peak_over_small_file": big["peak_mb"] / ours["peak_mb"],
                            "seconds_per_million_rows": big["seconds"] / args.big_rows * 1e6,
                        }
                    )
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
