"""Bad data on `perceptron-lab train`: one line, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def files(tmp: Path) -> dict[str, Path]:
    made = {
        "empty": "",
        "ragged": "a,b,target\n1,2,0\n3,4,1,9\n",
        "text": "a,b,target\n1,2,0\n3,oops,1\n",
        "nan": "a,b,target\n1,2,0\n3,nan,1\n",
        "one_class": "a,b,target\n1,2,1\n3,4,1\n",
        "good": "a,b,target\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n",
        "three_features": "a,b,c,target\n1,2,3,0\n3,4,5,1\n",
    }
    paths = {}
    for name, text in made.items():
        path = tmp / f"{name}.csv"
        path.write_text(text)
        paths[name] = path
    return paths


CASES = [
    (["{missing}"], "data: expected an existing file or one of the built-in datasets"),
    (["{empty}"], "expected"),
    (["{ragged}"], "line 3"),
    (["{text}"], "'oops'"),
    (["{nan}"], "row 2"),
    (["{good}", "--target", "label"], "target: expected a column of"),
    (["{one_class}"], "at least 2 classes"),
    (["iris", "--loss", "bce"], "--loss: expected a loss for 3 classes"),
    (
        ["diabetes", "--loss", "cross_entropy"],
        "--loss: expected a loss for a real-valued target (cross_entropy takes integer",
    ),
    (["seed", "--epochs", "0"], "--epochs: expected an integer in [1, 1000000], got 0"),
    (["seed", "--lr", "-1"], "--lr: expected a number in (0, 1000], got -1"),
    (["seed", "--schedule", "step:step_size=0"], "step_size"),
    (["seed", "--batch-size", "0"], "--batch-size: expected an integer in [1, 2**63-1], got 0"),
]


@pytest.mark.parametrize(("argv", "message"), CASES)
def test_bad_data_is_refused_cleanly(tmp_path: Path, argv: list[str], message: str) -> None:
    paths = {name: str(p) for name, p in files(tmp_path).items()}
    paths["missing"] = str(tmp_path / "nowhere.csv")
    out = tmp_path / "run"
    args = [a.format(**paths) for a in argv]
    proc = subprocess.run(
        [sys.executable, "-m", "perceptron_lab.cli", "train", *args, "--quiet", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert message in lines[0]
    assert not out.exists()  # nothing written


def test_resume_with_more_features_than_the_model(tmp_path: Path) -> None:
    paths = files(tmp_path)
    run = tmp_path / "run"
    first = subprocess.run(
        [
            sys.executable,
            "-m",
            "perceptron_lab.cli",
            "train",
            str(paths["good"]),
            "--quiet",
            "--out",
            str(run),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    before = sorted(p.name for p in run.rglob("*"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "perceptron_lab.cli",
            "train",
            str(paths["three_features"]),
            "--resume",
            str(run),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    # other data than the run's is refused by its fingerprint, before any shape is compared
    assert "DATASET: expected the data the run was trained on" in proc.stderr
    assert "three_features.csv, whose data differ from them (another fingerprint)" in proc.stderr
    assert sorted(p.name for p in run.rglob("*")) == before  # the run is untouched


def test_a_csv_a_user_writes(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    rows = ["height,weight,label"] + [
        f"{150 + i},{50 + (i * 7) % 30},{'tall' if i > 9 else 'short'}" for i in range(20)
    ]
    path.write_text("\n".join(rows) + "\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "perceptron_lab.cli",
            "train",
            str(path),
            "--standardize",
            "--epochs",
            "50",
            "--lr",
            "0.5",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "finished" in proc.stdout and "accuracy 1.0000" in proc.stdout
