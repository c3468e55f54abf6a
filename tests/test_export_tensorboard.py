"""TensorBoard export: event files read back equal the trace's numbers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from perceptron_lab.cli import main
from perceptron_lab.cli.export_cmd import add_export_parser
from perceptron_lab.data import from_arrays
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.datasource import data_spec, load_split
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import DivergenceError, InputError
from perceptron_lab.extras import MissingExtra
from perceptron_lab.views.tensorboard import (
    TensorBoardCallback,
    bin_edges,
    default_every,
    export_run,
    export_tensorboard,
)

HISTOGRAM_TAGS = {
    "weights/W_after": "W_after",
    "weights/B_after": "B_after",
    "gradients/dW": "dW",
    "gradients/dB": "dB",
    "updates/update_W": "update_W",
    "updates/update_B": "update_B",
}

# dataset, size, config: bce (k = 1), cross-entropy (k = 3), mse (R²)
RUNS: dict[str, tuple[str, int | None, TrainConfig]] = {
    "moons": ("moons", 100, TrainConfig(epochs=3, batch_size=20, test_size=0.2, verify_every=3)),
    "iris": ("iris", None, TrainConfig(epochs=2, batch_size=50, optimizer="adam")),
    "linear": ("linear", 60, TrainConfig(epochs=2, batch_size=15, test_size=0.25)),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Trace]:
    traces = {}
    for name, (source, size, config) in RUNS.items():
        spec = data_spec(source, size=size)
        train, test = load_split(spec, test_size=config.test_size, seed=0, scale=False)
        out = tmp_path_factory.mktemp(name)
        Trainer(config, train, test, data_spec=spec).run(out)
        traces[name] = Trace.load(out)
    return traces


def read(logdir: Path) -> EventAccumulator:
    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0})
    events.Reload()
    return events


def scalars(events: EventAccumulator, tag: str) -> dict[int, float]:
    return {e.step: e.value for e in events.Scalars(tag)}


def f32(x: float) -> float:
    """What TensorBoard keeps of a scalar: float32."""
    return float(np.float32(x))


@pytest.mark.parametrize("name", list(RUNS))
def test_scalars_and_tags_equal_the_trace(
    runs: dict[str, Trace], name: str, tmp_path: Path
) -> None:
    trace = runs[name]
    path = export_tensorboard(trace, tmp_path)
    assert path.parent == tmp_path and path.name.startswith("events.out.tfevents.")
    events = read(tmp_path)
    score = trace.summary.score_name
    history = trace.history
    epoch_tags = {f"epoch/{k}" for k in history[0] if k != "epoch"}
    assert epoch_tags == (
        {"epoch/train_loss", f"epoch/train_{score}"}
        | (
            {"epoch/test_loss", f"epoch/test_{score}"}
            if trace.manifest.data.test_samples
            else set()
        )
    )
    tags = events.Tags()
    assert (
        set(tags["scalars"])
        == {
            "step/loss",
            f"step/{score}",
            "step/lr",
            "step/grad_norm",
            "verification/worst_disagreement",
        }
        | epoch_tags
    )
    assert set(tags["histograms"]) == set(HISTOGRAM_TAGS)
    steps = [row["step"] for row in trace.steps]
    assert steps == list(range(1, trace.manifest.total_steps + 1))
    for column in ("loss", score, "lr", "grad_norm"):
        assert scalars(events, f"step/{column}") == {
            row["step"]: f32(row[column]) for row in trace.steps
        }
    verified = {
        row["step"]: f32(row["worst_disagreement"]) for row in trace.steps if row["verified"]
    }
    assert scalars(events, "verification/worst_disagreement") == verified
    for tag in epoch_tags:
        key = tag.removeprefix("epoch/")
        assert scalars(events, tag) == {h["epoch"]: f32(h[key]) for h in history}


def test_only_verified_steps_carry_the_disagreement(runs: dict[str, Trace], tmp_path: Path) -> None:
    trace = runs["moons"]  # 12 steps, verified: 1, 3, 6, 9, 12
    export_tensorboard(trace, tmp_path)
    assert sorted(scalars(read(tmp_path), "verification/worst_disagreement")) == [1, 3, 6, 9, 12]


@pytest.mark.parametrize("name", list(RUNS))
def test_histograms_count_the_parameters(runs: dict[str, Trace], name: str, tmp_path: Path) -> None:
    trace = runs[name]
    export_tensorboard(trace, tmp_path)
    events = read(tmp_path)
    d, k = trace.manifest.input_size, trace.manifest.output_size
    by_step = {row["step"]: row for row in trace.steps}
    for tag, column in HISTOGRAM_TAGS.items():
        logged = events.Histograms(tag)
        assert [e.step for e in logged] == sorted(by_step)
        for e in logged:
            values = np.asarray(by_step[e.step][column])
            h = e.histogram_value
            assert h.num == sum(h.bucket) == (d * k if "W" in column else k)
            assert (h.min, h.max) == (values.min(), values.max())
            assert h.sum == pytest.approx(values.sum(), rel=1e-12, abs=1e-15)
            assert h.sum_squares == pytest.approx((values**2).sum(), rel=1e-12, abs=1e-30)


def test_every_k_writes_the_first_every_kth_and_last_step(
    runs: dict[str, Trace], tmp_path: Path
) -> None:
    trace = runs["moons"]  # 12 steps
    export_tensorboard(trace, tmp_path, every=5)
    events = read(tmp_path)
    assert sorted(scalars(events, "step/loss")) == [1, 5, 10, 12]
    assert [e.step for e in events.Histograms("weights/W_after")] == [1, 5, 10, 12]
    # the verification record is not thinned: every verified step is there
    assert sorted(scalars(events, "verification/worst_disagreement")) == [1, 3, 6, 9, 12]


@pytest.mark.parametrize(
    ("total", "every", "written"),
    [(0, 1, 0), (12, 1, 12), (1000, 1, 1000), (1001, 2, 500), (2500, 3, 833), (10**6, 1000, 1000)],
)
def test_default_every_keeps_about_a_thousand_steps(total: int, every: int, written: int) -> None:
    assert default_every(total) == every
    assert sum(1 for t in range(1, total + 1) if t % every == 0) == written


def test_live_callback_with_tensors_writes_what_the_export_writes(
    runs: dict[str, Trace], tmp_path: Path
) -> None:
    trace = runs["iris"]
    d = trace.manifest.input_size
    export_tensorboard(trace, tmp_path / "export", every=2)
    with TensorBoardCallback(tmp_path / "live", every=2) as board:
        for row in trace.steps:  # as the trainer holds them: tensors, W as (d, k)
            board(
                {
                    name: torch.tensor(value).reshape(d, -1) if "W" in name else torch.tensor(value)
                    for name, value in row.items()
                    if isinstance(value, list)
                }
                | {name: value for name, value in row.items() if not isinstance(value, list)}
            )
        for metrics in trace.history:
            board.epoch(metrics)
    exported, live = read(tmp_path / "export"), read(tmp_path / "live")
    assert exported.Tags() == live.Tags()
    for tag in exported.Tags()["scalars"]:
        assert scalars(exported, tag) == scalars(live, tag)
    for tag in HISTOGRAM_TAGS:
        assert [(e.step, e.histogram_value) for e in exported.Histograms(tag)] == [
            (e.step, e.histogram_value) for e in live.Histograms(tag)
        ]


def test_a_resumed_run_replaces_the_steps_it_redoes(runs: dict[str, Trace], tmp_path: Path) -> None:
    rows = runs["moons"].steps  # 12 steps; "killed" after step 9, resumed from step 6
    with TensorBoardCallback(tmp_path) as board:
        for row in rows[:9]:
            board(row)
    with TensorBoardCallback(tmp_path, purge_step=6) as board:
        for row in rows[5:]:
            board({**row, "loss": 100.0 + row["step"]})
    assert scalars(read(tmp_path), "step/loss") == {
        row["step"]: f32(row["loss"]) if row["step"] < 6 else 100.0 + row["step"] for row in rows
    }


def test_a_diverged_run_exports_without_its_non_finite_histograms(tmp_path: Path) -> None:
    # features of 1e6 and a target of 1e14 overflow float32 within the bounded lr (≤ 1000)
    X = torch.randn(64, 3, generator=torch.Generator().manual_seed(0)).numpy() * 3e6
    data = from_arrays(X, X.sum(axis=1) * 1e8, task="regression")
    with pytest.raises(DivergenceError):
        Trainer(TrainConfig(epochs=5, lr=1000), data).run(tmp_path / "run")
    trace = Trace.load(tmp_path / "run")
    last = trace.steps[-1]  # step 2: loss inf, dW finite, W_after -inf
    assert last["step"] == 2 and last["loss"] == float("inf")
    assert np.isfinite(last["dW"]).all() and np.isinf(last["W_after"]).all()
    export_tensorboard(trace, tmp_path / "tb")
    events = read(tmp_path / "tb")
    assert [e.step for e in events.Histograms("gradients/dW")] == [1, 2]
    assert [e.step for e in events.Histograms("weights/W_after")] == [1]
    assert [e.step for e in events.Histograms("updates/update_W")] == [1]
    assert scalars(events, "step/loss") == {1: f32(trace.steps[0]["loss"]), 2: float("inf")}


def test_a_logdir_with_events_and_a_bad_every_are_refused(
    runs: dict[str, Trace], tmp_path: Path
) -> None:
    export_tensorboard(runs["moons"], tmp_path)
    with pytest.raises(InputError, match=r"^logdir: expected a directory without"):
        export_tensorboard(runs["moons"], tmp_path)
    with pytest.raises(InputError, match=r"^every: expected an integer in \[1, 2\*\*63-1\], got 0"):
        export_tensorboard(runs["moons"], tmp_path / "new", every=0)


def test_missing_tensorboard_is_one_clear_error(
    runs: dict[str, Trace], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "torch.utils.tensorboard")  # imported afresh: it fails
    with pytest.raises(MissingExtra) as caught:
        export_tensorboard(runs["moons"], tmp_path)
    assert str(caught.value) == (
        "TensorBoard export needs the tensorboard extra: "
        "pip install 'perceptron-lab[tensorboard]' (tensorboard is missing)"
    )


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    code: int = args.run(args)
    return code


def test_cli_exports_a_run(
    runs: dict[str, Trace], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = runs["linear"]
    assert trace.path is not None
    logdir = tmp_path / "tb"
    assert cli("export", str(trace.path), "--tensorboard", str(logdir), "--every", "4") == 0
    out = capsys.readouterr().out
    run = logdir / trace.path.name  # the run is named for its directory
    assert len(list(run.glob("events.out.tfevents.*"))) == 1
    assert list(logdir.iterdir()) == [run]
    assert f"6 steps (every 4) written to {run}" in out
    assert f"tensorboard --logdir {logdir}" in out
    assert sorted(scalars(read(run), "step/r2")) == [1, 4, 6]


def test_runs_exported_into_one_logdir_are_tensorboards_runs_side_by_side(
    runs: dict[str, Trace], tmp_path: Path
) -> None:
    from tensorboard.backend.event_processing.event_multiplexer import EventMultiplexer

    for name in ("moons", "iris"):
        assert runs[name].path is not None
        assert cli("export", str(runs[name].path), "--tensorboard", str(tmp_path / "tb")) == 0
    board = EventMultiplexer().AddRunsFromDirectory(str(tmp_path / "tb"))
    board.Reload()
    names = {name: runs[name].path.name for name in ("moons", "iris")}  # type: ignore[union-attr]
    assert set(board.Runs()) == set(names.values())  # no run named "."
    for name, run in names.items():
        losses = {e.step: e.value for e in board.Scalars(run, "step/loss")}
        assert losses == {int(r["step"]): f32(r["loss"]) for r in runs[name].steps}


def test_a_second_export_of_a_run_is_refused_unless_overwritten(
    runs: dict[str, Trace], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trace = runs["moons"]
    assert trace.path is not None
    run_dir, logdir = str(trace.path), tmp_path / "tb"
    assert main(["export", run_dir, "--tensorboard", str(logdir)]) == 0
    assert main(["export", run_dir, "--tensorboard", str(logdir)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"perceptron-lab export: error: --tensorboard: expected no run named "
        f"{trace.path.name!r} in it yet, got {str(logdir)!r}, which has one "
        "(pick another name, or overwrite it)\n"
    )
    run = logdir / trace.path.name
    (before,) = run.iterdir()
    assert (
        main(["export", run_dir, "--tensorboard", str(logdir), "--overwrite", "--every", "5"]) == 0
    )
    (after,) = run.iterdir()  # replaced: one event file, the new one
    assert after != before and list(logdir.iterdir()) == [run]  # no hidden leftovers
    assert sorted(scalars(read(run), "step/loss")) == [1, 5, 10, 12]
    assert main(["export", run_dir, "--tensorboard", str(logdir), "--name", "again"]) == 0
    assert sorted(p.name for p in logdir.iterdir()) == sorted(["again", run.name])


def test_overwrite_replaces_only_an_exported_run(runs: dict[str, Trace], tmp_path: Path) -> None:
    (tmp_path / "moons").mkdir()
    (tmp_path / "moons" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match=r"^logdir: expected a run 'moons' holding TensorBoard"):
        export_run(runs["moons"], tmp_path, name="moons", overwrite=True)
    assert (tmp_path / "moons" / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moons"]
    for bad in ("", ".", "..", "a/b", ".hidden"):
        with pytest.raises(InputError, match=r"^name: expected a folder name"):
            export_run(runs["moons"], tmp_path, name=bad)


def test_cli_requires_a_run_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match=r"^path: expected a run directory"):
        cli("export", str(tmp_path), "--tensorboard", str(tmp_path / "tb"))
    assert main(["export", str(tmp_path), "--tensorboard", str(tmp_path / "tb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("perceptron-lab export: error: RUN_DIR: expected a run directory")


def test_cli_names_every_and_tensorboard_by_their_flags(
    runs: dict[str, Trace], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = str(runs["moons"].path)
    assert main(["export", run_dir, "--tensorboard", str(tmp_path), "--every", "0"]) == 2
    err = capsys.readouterr().err
    assert (
        err == "perceptron-lab export: error: --every: expected an integer in [1, 2**63-1], got 0\n"
    )
    assert main(["export", run_dir, "--tensorboard", str(tmp_path)]) == 0
    assert main(["export", run_dir, "--tensorboard", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "export: error: --tensorboard: expected no run named" in err


@pytest.mark.parametrize(
    ("lo", "hi", "edges"),
    [
        (0.0, 3.0, [i / 10 for i in range(31)]),
        (2.0, 2.0, [1.0 + i / 15 for i in range(31)]),  # constant: 2 ± 1
        (0.25, 0.25, [-0.25 + i / 30 for i in range(31)]),  # constant: 0.25 ± 0.5
        (4e30, 4e30, [2e30 + i * 4e30 / 30 for i in range(31)]),  # numpy's own bins fail here
        (1.0, 1.0 + 2**-52, [1.0, 1.0 + 2**-52]),  # too close to split: one bin
    ],
)
def test_bin_edges_are_equal_width_and_increasing(lo: float, hi: float, edges: list[float]) -> None:
    got = bin_edges(lo, hi)
    assert got.tolist() == pytest.approx(edges, rel=1e-15, abs=1e-15)
    assert (np.diff(got) > 0).all()


def test_a_run_given_as_dot_is_named_for_its_folder(
    runs: dict[str, Trace], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trace = runs["linear"]
    assert trace.path is not None
    monkeypatch.chdir(trace.path)
    assert cli("export", ".", "--tensorboard", str(tmp_path)) == 0
    assert [p.name for p in tmp_path.iterdir()] == [trace.path.name]
