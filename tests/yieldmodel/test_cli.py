"""cli.py as a user runs it: train and score in subprocesses, bad input, exit codes.

Each kind of input gets one real ``python cli.py`` process (no traceback may reach
stderr); variations of the same path call ``cli.main`` in this process, which is faster.
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cli
from yieldmodel import model_io, seed_data, upload_limit
from yieldmodel.csv_reading import read_csv

CLI = Path(__file__).resolve().parents[2] / "cli.py"
FEATURES = seed_data.SEMICONDUCTOR_FEATURES


def run_cli(*args, cwd):
    """Run ``python cli.py ARGS``; return (exit status, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, str(CLI), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


def call_main(capsys, *args):
    """``cli.main(ARGS)`` in this process; return (exit status, stdout, stderr)."""
    status = cli.main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _dies(n, seed):
    """Dies with identifiers (lot with leading zeros), the 20 tests and the label."""
    frame = seed_data.semiconductor(n=n, rng=seed).round(5)
    frame.insert(0, "lot", [f"{i // 100:04d}" for i in range(n)])
    frame.insert(1, "die_x", np.arange(n) % 7)
    return frame


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def trained(work):
    """A model trained by ``cli.py train`` on 1,000 labelled dies; (path, stdout JSON)."""
    _dies(1000, seed=3).to_csv(work / "train.csv", index=False)
    status, out, err = run_cli(
        "train", "train.csv", "--label", "fail", "--out", "model.npz",
        "--epochs", "15", "--hidden", "16,8", "--seed", "1", "--quiet",
        cwd=work,
    )  # fmt: skip
    assert status == 0, err
    return work / "model.npz", json.loads(out)


@pytest.fixture(scope="module")
def new_csv(work):
    """Dies to score: features in reverse order after the identifiers, no label."""
    frame = _dies(400, seed=9).drop(columns="fail")
    frame = frame[["lot", "die_x", *FEATURES[::-1]]].assign(part_id=[f"P{i}" for i in range(400)])
    frame.to_csv(work / "new.csv", index=False)
    return work / "new.csv"


def _cells(path):
    with open(path, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    return table[0], table[1:]


def _with_cells(source, destination, changes):
    """Copy a CSV, replacing cells: {(data row from 1, column name): text}."""
    header, rows = _cells(source)
    for (row, name), text in changes.items():
        rows[row - 1][header.index(name)] = text
    with open(destination, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return destination


# --------------------------------------------------------------------------------------
# The round trip
# --------------------------------------------------------------------------------------


def test_train_prints_validation_metrics_and_saves_a_pipeline(trained):
    path, metrics = trained
    pipeline = model_io.load(path)
    assert pipeline.feature_names == FEATURES  # lot and die_x left out as identifiers
    assert pipeline.model.sizes == [20, 16, 8, 1]
    validation = metrics["validation"]
    assert validation["n"] == 200 and sum(validation["support"]) == 200  # 80/20 split
    assert validation["roc_auc"] > 0.8  # the seed's data is learnable
    assert 0.0 <= validation["recall"] <= 1.0
    assert metrics["threshold"] == 0.5 and metrics["epochs_run"] == 15


def test_score_keeps_every_column_and_row_order_and_matches_the_pipeline(trained, new_csv, work):
    status, out, err = run_cli("score", trained[0], new_csv, "--out", "scored.csv", cwd=work)
    assert status == 0, err
    summary = json.loads(out)
    assert (summary["rows"], summary["scored"], summary["ok"]) == (400, 400, True)
    assert "problems" not in err

    header, rows = _cells(new_csv)
    out_header, out_rows = _cells(work / "scored.csv")
    assert out_header == [*header, "fail_probability", "prediction"]
    assert [row[: len(header)] for row in out_rows] == rows  # '0000' stays '0000'
    proba = np.array([float(row[-2]) for row in out_rows])
    expected = model_io.load(trained[0]).predict_proba(read_csv(new_csv).frame)
    np.testing.assert_allclose(proba, expected, atol=1e-5)
    assert [row[-1] for row in out_rows] == np.where(proba >= 0.5, "FAIL", "PASS").tolist()
    assert summary["fail"] == int((proba >= 0.5).sum())


def test_score_threshold_option(trained, new_csv, work, capsys):
    status, out, _ = call_main(
        capsys, "score", trained[0], new_csv, "--out", work / "t.csv", "--threshold", "0.9"
    )
    assert status == 0
    _, rows = _cells(work / "t.csv")
    proba = np.array([float(row[-2]) for row in rows])
    assert json.loads(out)["fail"] == int((proba >= 0.9).sum())


def test_train_can_save_the_suggested_threshold(work, capsys):
    status, out, _ = call_main(
        capsys, "train", work / "train.csv", "--label", "fail", "--out", work / "sug.npz",
        "--epochs", "3", "--hidden", "8", "--threshold", "suggested", "--target-recall", "0.95",
        "--quiet",
    )  # fmt: skip
    assert status == 0
    metrics = json.loads(out)
    assert metrics["threshold"] == metrics["suggested_threshold"] != 0.5
    assert model_io.load(work / "sug.npz").threshold == metrics["threshold"]
    assert metrics["target_recall"] == 0.95


def test_formula_cells_come_out_inert_and_numbers_unchanged(trained, new_csv, work):
    attack = '=HYPERLINK("http://x","y")'
    header, rows = _cells(new_csv)
    header.append("offset")
    for i, row in enumerate(rows):
        row.append(f"-{i % 9}.25")  # a numeric column with negative numbers
    rows[4][header.index("part_id")] = attack
    with open(work / "attack.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    status, out, err = run_cli("score", trained[0], "attack.csv", "--out", "safe.csv", cwd=work)
    assert status == 0, err

    out_header, out_rows = _cells(work / "safe.csv")
    assert out_header == [*header, "fail_probability", "prediction"]
    part_id, offset = header.index("part_id"), header.index("offset")
    assert out_rows[4][part_id] == "'" + attack
    assert [row[part_id] for row in out_rows[5:]] == [row[part_id] for row in rows[5:]]
    assert [row[offset] for row in out_rows] == [row[offset] for row in rows]
    proba = np.array([float(row[-2]) for row in out_rows])
    expected = model_io.load(trained[0]).predict_proba(read_csv(new_csv).frame)
    np.testing.assert_allclose(proba, expected, atol=1e-5)


# --------------------------------------------------------------------------------------
# Files it can score, with problems: the page's report on stderr, scores written
# --------------------------------------------------------------------------------------


def test_problems_are_reported_on_stderr_and_scores_still_written(trained, new_csv, work):
    changes = {(3, "Vdd_max"): "ERR", (250, "Vdd_max"): "n/c"}  # text in a numeric column
    changes |= {(7, "power"): "inf", (8, "power"): "-inf"}  # infinite values
    changes |= {(row, "leakage"): "" for row in range(1, 401)}  # a column empty throughout
    messy = _with_cells(new_csv, work / "messy.csv", changes)
    status, out, err = run_cli("score", trained[0], messy, "--out", "messy_out.csv", cwd=work)
    assert status == 0, err
    assert "The file was scored, but it has problems" in err
    assert "Column 'Vdd_max': 2 non-numeric cells (rows 3, 250: 'ERR', 'n/c')" in err
    assert "Column 'power': 2 infinite values (rows 7, 8)" in err
    assert "Column 'leakage' has no usable value in any row" in err
    assert json.loads(out)["ok"] is False
    _, rows = _cells(work / "messy_out.csv")
    assert len(rows) == 400 and all(row[-1] in ("FAIL", "PASS") for row in rows)


def test_strict_exits_with_1_when_the_file_has_problems(trained, new_csv, work, capsys):
    messy = _with_cells(new_csv, work / "strict.csv", {(5, "iddq"): "open"})
    status, _, err = call_main(
        capsys, "score", trained[0], messy, "--out", work / "s.csv", "--strict"
    )
    assert status == 1
    assert "Column 'iddq': 1 non-numeric cell (row 5: 'open')" in err
    assert (work / "s.csv").exists()


# --------------------------------------------------------------------------------------
# Bad input: 'error: ...' on stderr, exit status 2, nothing written
# --------------------------------------------------------------------------------------


def _assert_error(status, out, err, *fragments):
    assert status == 2
    assert out == ""
    assert err.startswith("error: ")
    for fragment in fragments:
        assert fragment in err


def test_missing_data_file(trained, work, capsys):
    result = run_cli("score", trained[0], "nowhere.csv", "--out", "x.csv", cwd=work)
    _assert_error(*result, "No such file or directory", "nowhere.csv")
    result = call_main(capsys, "train", work / "nowhere.csv", "--label", "fail", "--out", "m.npz")
    _assert_error(*result, "nowhere.csv")
    assert not (work / "x.csv").exists() and not (work / "m.npz").exists()


def test_files_above_the_size_limit_are_refused(trained, new_csv, work, capsys):
    size = new_csv.stat().st_size
    assert size > 1024
    result = run_cli(
        "score", trained[0], new_csv, "--out", "big.csv", "--max-mb", 1 / 1024, cwd=work
    )
    _assert_error(
        *result, str(new_csv), f"({size:,} bytes)", "limit of 0.000976562 MB (1,024 bytes)"
    )
    assert "--max-mb" in result[2] and not (work / "big.csv").exists()
    result = call_main(
        capsys, "train", work / "train.csv", "--label", "fail", "--out", work / "big.npz",
        "--max-mb", "0.001",
    )  # fmt: skip
    _assert_error(*result, "train.csv is", "more than the limit of 0.001 MB")
    assert not (work / "big.npz").exists()
    status, _, err = call_main(
        capsys, "score", trained[0], new_csv, "--out", work / "ok.csv", "--max-mb", "0"
    )
    assert status == 0 and (work / "ok.csv").exists(), err  # 0 lifts the limit


def test_the_default_limit_is_the_apps_upload_limit(trained, new_csv, work, capsys, monkeypatch):
    config = work / "config.toml"
    config.write_text("[server]\nmaxUploadSize = 0.002\n", encoding="utf-8")
    monkeypatch.setattr(upload_limit, "CONFIG_PATH", config)
    result = call_main(capsys, "score", trained[0], new_csv, "--out", work / "d.csv")
    _assert_error(*result, "more than the limit of 0.002 MB")
    config.unlink()  # no configuration: Streamlit's default, 200 MB
    assert call_main(capsys, "score", trained[0], new_csv, "--out", work / "d.csv")[0] == 0
    with pytest.raises(SystemExit) as info:
        cli.main(["score", str(trained[0]), str(new_csv), "--out", "x", "--max-mb", "-1"])
    assert info.value.code == 2 and "expected a size in MB >= 0" in capsys.readouterr().err


def test_a_file_that_is_not_csv(trained, work):
    (work / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    result = run_cli("score", trained[0], "photo.csv", "--out", "x.csv", cwd=work)
    _assert_error(*result, "binary, not CSV text")
    assert not (work / "x.csv").exists()


def test_missing_feature_columns(trained, new_csv, work):
    header, rows = _cells(new_csv)
    header[header.index("Vdd_min")] = "VDD_MIN"
    with open(work / "renamed.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    result = run_cli("score", trained[0], "renamed.csv", "--out", "x.csv", cwd=work)
    _assert_error(*result, "'Vdd_min' (did you mean 'VDD_MIN'?)")
    assert not (work / "x.csv").exists()


def test_a_model_file_that_is_not_ours(new_csv, work, capsys):
    np.savez(work / "other.npz", weights=np.ones(3))
    result = run_cli("score", "other.npz", new_csv, "--out", "x.csv", cwd=work)
    _assert_error(*result, "not a model file saved by this app")
    result = call_main(capsys, "score", new_csv, new_csv, "--out", work / "x.csv")
    _assert_error(*result, "not a model file saved by this app")


def test_an_output_folder_that_does_not_exist(trained, new_csv, work, capsys):
    result = call_main(capsys, "score", trained[0], new_csv, "--out", work / "no" / "x.csv")
    _assert_error(*result, "No such file or directory", str(work / "no" / "x.csv"))


def test_a_label_with_one_class(work, capsys):
    frame = _dies(50, seed=4).assign(fail=0)
    frame.to_csv(work / "one_class.csv", index=False)
    result = call_main(
        capsys, "train", work / "one_class.csv", "--label", "fail", "--out", work / "m.npz"
    )
    _assert_error(*result, "only one class")
    assert not (work / "m.npz").exists()


def test_bad_options_are_refused_by_the_parser(trained, new_csv, work):
    status, _, err = run_cli(
        "train", new_csv, "--label", "fail", "--out", "m.npz", "--hidden", "64,x", cwd=work
    )
    assert status == 2 and "comma-separated positive layer widths" in err
    status, _, err = run_cli(
        "score", trained[0], new_csv, "--out", "x.csv", "--threshold", "1.5", cwd=work
    )
    assert status == 2 and "[0, 1]" in err
