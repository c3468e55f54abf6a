"""What the figures hold (line data, arrows, panels), the files written, and the CLI."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.quiver import Quiver
from PIL import Image, ImageSequence

from perceptron_lab.cli import main
from perceptron_lab.cli.plot_cmd import add_plot_parser
from perceptron_lab.engine.trace import Trace
from perceptron_lab.errors import InputError
from perceptron_lab.views import plots
from perceptron_lab.views.plots.animation import frame_indices


def train(out: Path, *argv: str) -> Trace:
    assert main(["train", *argv, "--quiet", "--format", "json", "--out", str(out)]) == 0
    return Trace.load(out)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Trace]:
    root = tmp_path_factory.mktemp("plot_runs")
    parent = train(
        root / "P", "blobs", "--epochs", "10", "--checkpoint-every", "2", "--test-size", "0.25"
    )
    child = train(root / "C", "--branch", str(root / "P"), "--at-step", "4", "--lr", "0.5")
    moons = train(root / "M", "moons", "--batch-size", "40", "--epochs", "2", "--lr", "0.1")
    iris = train(
        root / "I", "iris", "--features", "2,3", "--standardize", "--epochs", "3", "--lr", "0.5"
    )
    wide = train(root / "W", "iris", "--epochs", "1")
    return {"parent": parent, "child": child, "moons": moons, "iris": iris, "wide": wide}


def line(ax: Axes, gid: str) -> Line2D:
    found = [item for item in ax.lines if item.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {[item.get_gid() for item in ax.lines]}"
    return found[0]


def data(item: Line2D) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(item.get_xdata(), dtype=float), np.asarray(item.get_ydata(), dtype=float)


def frames(image: Image.Image) -> int:
    return sum(1 for _ in ImageSequence.Iterator(image))


def panel(fig: Figure, gid: str) -> Axes:
    found = [ax for ax in fig.axes if ax.get_gid() == gid]
    assert len(found) == 1, [ax.get_gid() for ax in fig.axes]
    return found[0]


# ---------------------------------------------------------------- figures


def test_loss_curve_holds_the_trace(runs: dict[str, Trace]) -> None:
    trace = runs["parent"]
    ax = plots.loss_curve(trace).axes[0]
    x, y = data(line(ax, "step_loss"))
    assert x.tolist() == trace.column("step") and y.tolist() == trace.column("loss")
    history = trace.history
    for split in ("train", "test"):
        x, y = data(line(ax, f"{split}_loss"))
        assert y.tolist() == [h[f"{split}_loss"] for h in history]
        assert x.tolist() == list(range(1, 11))  # full batch: epoch e ends at step e
    child = runs["child"]  # branched at step 4: its epochs 5..10
    x, y = data(line(plots.loss_curve(child).axes[0], "train_loss"))
    assert x.tolist() == list(range(5, 11))
    assert y.tolist() == [h["train_loss"] for h in child.history]


def test_loss_curve_without_test_data(runs: dict[str, Trace]) -> None:
    ax = plots.loss_curve(runs["moons"]).axes[0]
    assert {i.get_gid() for i in ax.lines} == {"step_loss", "train_loss"}
    x, _ = data(line(ax, "train_loss"))
    assert x.tolist() == [5, 10]  # 200 samples in batches of 40: 5 steps an epoch


def test_decision_boundary_line_is_w_x_plus_b_zero(runs: dict[str, Trace]) -> None:
    trace = runs["parent"]
    fig = plots.decision_boundary(trace)
    assert [ax.get_gid() for ax in fig.axes] == ["epoch_1", "epoch_6", "epoch_10"]
    for epoch in (1, 6, 10):
        row = [r for r in trace.steps if r["epoch"] == epoch][-1]
        w, b = np.asarray(row["W_after"]), row["B_after"][0]
        x1, x2 = data(line(panel(fig, f"epoch_{epoch}"), "boundary"))
        assert np.abs(w[0] * x1 + w[1] * x2 + b).max() < 1e-9 * max(1.0, np.abs(x1).max())
    chosen = plots.decision_boundary(trace, [2])
    assert [ax.get_gid() for ax in chosen.axes] == ["epoch_2"]
    points = next(c for c in chosen.axes[0].collections if c.get_gid() == "class_1")
    assert np.asarray(points.get_offsets()).shape == (
        75,
        2,
    )  # blobs' class 1 in the 150 training samples


def test_decision_boundary_of_a_softmax_run_shades_regions(runs: dict[str, Trace]) -> None:
    fig = plots.decision_boundary(runs["iris"], [3])
    ax = fig.axes[0]
    assert not [i for i in ax.lines if i.get_gid() == "boundary"]  # regions, no single line
    assert {c.get_gid() for c in ax.collections} >= {"class_0", "class_1", "class_2"}


def test_decision_boundary_refusals(runs: dict[str, Trace]) -> None:
    with pytest.raises(InputError, match="2 features"):
        plots.decision_boundary(runs["wide"])
    with pytest.raises(InputError, match=r"^epoch: expected epochs of this run"):
        plots.decision_boundary(runs["parent"], [11])
    with pytest.raises(InputError, match=r"^epochs: expected at least one epoch of the run"):
        plots.decision_boundary(runs["parent"], [])


def test_loss_surface_draws_the_path_and_the_parent(runs: dict[str, Trace]) -> None:
    child, parent = runs["child"], runs["parent"]
    ax = plots.loss_surface(child).axes[0]
    x, y = data(line(ax, "path"))
    assert x.tolist() == [child.steps[0]["W_before"][0]] + [r["W_after"][0] for r in child.steps]
    assert y.tolist() == [child.steps[0]["W_before"][1]] + [r["W_after"][1] for r in child.steps]
    px, _ = data(line(ax, "parent_path"))
    assert px.tolist() == [parent.steps[0]["W_before"][0]] + [r["W_after"][0] for r in parent]
    bx, by = data(line(ax, "branch"))
    assert (bx[0], by[0]) == (x[0], y[0])  # the branch point is where the child starts
    alone = plots.loss_surface(child, params=(0, 2), parent=None).axes[0]
    assert "parent_path" not in {i.get_gid() for i in alone.lines}
    assert alone.get_ylabel() == "B[1]"


def test_gradient_norms(runs: dict[str, Trace]) -> None:
    trace = runs["moons"]
    top, bottom = plots.gradient_norms(trace).axes
    _, y = data(line(top, "grad_norm"))
    assert y.tolist() == trace.column("grad_norm")
    x, y = data(line(bottom, "disagreement"))
    verified = [r for r in trace.steps if r["verified"] and r["worst_disagreement"] > 0]
    assert x.tolist() == [r["step"] for r in verified]
    assert y.tolist() == [r["worst_disagreement"] for r in verified]
    _, tol = data(line(bottom, "tolerance"))
    assert set(tol.tolist()) == {1e-5} and bottom.get_yscale() == "log"


def test_attribution_arrows_add_up_to_dl_dw(runs: dict[str, Trace]) -> None:
    trace = runs["moons"]
    row = trace.step(3)
    ax = plots.attribution(trace, 3).axes[0]
    (arrows,) = [c for c in ax.collections if isinstance(c, Quiver)]
    assert arrows.N == 40  # one per sample of the batch
    sums = [float(np.sum(arrows.U)), float(np.sum(arrows.V))]
    assert sums == pytest.approx(row["dW"], rel=1e-5, abs=1e-7)
    with pytest.raises(InputError, match=r"^step: expected a step between 1 and"):
        plots.attribution(trace, 99)


def test_loss_stability_figure() -> None:
    fig = plots.loss_stability("both")
    assert {ax.get_gid() for ax in fig.axes} == {
        "float32_y1",
        "float32_y0",
        "float64_y1",
        "float64_y0",
    }
    ax = panel(fig, "float32_y1")
    z, loss = data(line(ax, "with_logits_float32"))
    assert (z[0], loss[0]) == (-100.0, pytest.approx(100.0))
    z, mark = data(line(ax, "naive_inf_float32"))
    assert np.isfinite(mark[0]) and np.isnan(mark[z > -88]).all()  # inf where σ(z) = 0
    assert len(plots.loss_stability("float64").axes) == 2
    with pytest.raises(InputError, match=r"^dtype: expected float32, float64 or both"):
        plots.loss_stability("float16")


# ---------------------------------------------------------------- files


def test_save_png_and_svg(tmp_path: Path, runs: dict[str, Trace]) -> None:
    fig = plots.loss_curve(runs["parent"])
    png = plots.save_figure(fig, tmp_path / "a" / "loss.png")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 0 and image.height > 0
    svg = plots.save_figure(fig, tmp_path / "loss.svg")
    assert b"<svg" in svg.read_bytes()[:2000]
    assert plots.figure_bytes(fig, "png").startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["loss.png", "loss.svg"]
    with pytest.raises(InputError, match=r"^path: expected a file name ending in \.png or \.svg"):
        plots.save_figure(fig, tmp_path / "loss.jpg")
    with pytest.raises(InputError, match="format"):
        plots.figure_bytes(fig, "pdf")


def test_boundary_animation_writes_a_gif(tmp_path: Path, runs: dict[str, Trace]) -> None:
    out = plots.boundary_animation(runs["moons"], tmp_path / "boundary.gif")
    with Image.open(out) as gif:
        assert gif.format == "GIF" and frames(gif) == 11  # start + 10 steps
    assert [p.name for p in tmp_path.iterdir()] == ["boundary.gif"]
    with pytest.raises(InputError, match=r"^path: expected a file name ending in \.gif"):
        plots.boundary_animation(runs["moons"], tmp_path / "boundary.png")


def test_frames_are_sampled_evenly() -> None:
    chosen = frame_indices(1001)
    assert len(chosen) == 60 and chosen[0] == 0 and chosen[-1] == 1000
    assert frame_indices(5).tolist() == [0, 1, 2, 3, 4]


# ---------------------------------------------------------------- CLI


def plot(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="perceptron-lab")
    add_plot_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["plot", *argv])
    code: int = args.run(args)
    return code


def test_cli_writes_each_kind(
    tmp_path: Path, runs: dict[str, Trace], capsys: pytest.CaptureFixture[str]
) -> None:
    parent, moons = str(runs["parent"].path), str(runs["moons"].path)
    assert plot(parent, "--kind", "loss") == 0
    assert capsys.readouterr().out.strip() == str(Path(parent) / "plots" / "loss.png")
    cases = [
        (parent, "boundary", ["--epochs", "1,10"], "b.svg"),
        (str(runs["child"].path), "surface", ["--params", "0,2"], "s.png"),
        (moons, "gradients", [], "g.png"),
        (moons, "attribution", ["--step", "2"], "a.png"),
    ]
    for run_dir, kind, extra, name in cases:
        assert plot(run_dir, "--kind", kind, *extra, "--out", str(tmp_path / name)) == 0
        assert capsys.readouterr().out.strip() == str(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 0
    assert plot("--kind", "stability", "--dtype", "float32", "--out", str(tmp_path / "st.svg")) == 0
    assert (tmp_path / "st.svg").read_bytes().count(b"<svg") == 1
    assert plot(moons, "--kind", "animation") == 0
    with Image.open(Path(moons) / "plots" / "animation.gif") as gif:
        assert frames(gif) > 1


@pytest.mark.parametrize(
    ("argv", "argument"),
    [
        (["RUN", "--kind", "histogram"], "--kind"),
        (["RUN", "--kind", "loss", "--step", "3"], "--step"),
        (["RUN", "--kind", "boundary", "--params", "0,1"], "--params"),
        (["RUN", "--kind", "loss", "--out", "x.gif"], "--out"),
        (["RUN", "--kind", "animation", "--out", "x.png"], "--out"),
        (["--kind", "loss"], "RUN_DIR"),
        (["--kind", "stability"], "--out"),
        (["RUN", "--kind", "surface", "--params", "0,x"], "--params"),
        (["RUN", "--kind", "surface", "--params", "0,7"], "--params"),
        (["RUN", "--kind", "boundary", "--epochs", "1;2"], "--epochs"),
        (["RUN", "--kind", "attribution", "--step", "0"], "--step"),
    ],
)
def test_cli_refuses_bad_input(
    argv: list[str], argument: str, runs: dict[str, Trace], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(runs["moons"].path) if a == "RUN" else a for a in argv]
    assert main(["plot", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"perceptron-lab plot: error: {argument}: expected ")
    assert err.count("\n") == 1


def test_parser_imports_nothing_heavy() -> None:
    code = (
        "import argparse, sys; from perceptron_lab.cli.plot_cmd import add_plot_parser; "
        "add_plot_parser(argparse.ArgumentParser().add_subparsers()); "
        "print(sorted(m for m in ('torch', 'matplotlib', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
