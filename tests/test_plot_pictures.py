"""The plots as a reader sees them: layout, legends, axes, scales, levels, words (en and es)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from perceptron_lab.cli import main
from perceptron_lab.engine.trace import Trace
from perceptron_lab.views import plots
from perceptron_lab.views.report import figures


def train(out: Path, *argv: str) -> Trace:
    assert main(["train", *argv, "--quiet", "--format", "json", "--out", str(out)]) == 0
    return Trace.load(out)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Trace]:
    root = tmp_path_factory.mktemp("picture_runs")
    fast, slow = ("linear", "--epochs", "40", "--lr", "0.05"), ("linear", "--epochs", "40")
    return {
        "split": train(root / "split", "blobs", "--epochs", "3", "--test-size", "0.25"),
        "scaled": train(
            root / "scaled", "iris", "--features", "2,3", "--standardize", "--epochs", "2"
        ),
        "wide": train(root / "wide", "iris", "--epochs", "1", "--batch-size", "20"),
        "exact": train(root / "exact", "or", "--dtype", "float64", "--epochs", "3"),
        "fast": train(root / "fast", *fast),
        "slow": train(root / "slow", *slow),
        "first": train(root / "first", *slow),  # the same settings as "slow"
        "crossed": train(root / "crossed", "circles", "--size", "30", "--crosses", "x1*x2"),
    }


def line(ax: Axes, gid: str) -> Line2D:
    (found,) = [item for item in ax.lines if item.get_gid() == gid]
    return found


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def texts(fig: Figure) -> list[str]:
    """Every text a reader sees on the figure: titles, axis labels, legends, notes."""
    found = [fig.get_suptitle(), *(t.get_text() for t in fig.texts)]
    for ax in fig.axes:
        found += [ax.get_title(loc) for loc in ("left", "center", "right")]
        found += [ax.get_xlabel(), ax.get_ylabel(), *legend_texts(ax)]
        found += [t.get_text() for t in ax.texts]
    return [t for t in found if t]


ENGLISH = re.compile(
    r"\b(step|loss|class|epoch|train|test|start|end|parent|tolerance|naive|sample|"
    r"Attribution|Gradients|surface|Decision|other|scale|whole)\b"
)


def assert_spanish(fig: Figure, *expected: str) -> None:
    """The expected Spanish texts are there, and no English word of the plots is left."""
    shown = texts(fig)
    everything = "\n".join(shown)
    for text in expected:
        assert text in everything, (text, shown)
    assert not ENGLISH.findall(everything), ENGLISH.findall(everything)


def integer_ticks(ax: Axes) -> list[float]:
    low, high = ax.get_xlim()
    return [float(t) for t in ax.get_xticks() if low <= t <= high]


def is_round(step: float, mantissas: tuple[float, ...]) -> bool:
    """step = m·10ᵉ with m one of ``mantissas``."""
    exponent = np.floor(np.log10(step))
    return any(np.isclose(step, m * 10.0**exponent, rtol=1e-9) for m in mantissas)


# ---------------------------------------------------------------- each defect


def test_gradients_note_is_clear_of_the_legend(runs: dict[str, Trace]) -> None:
    trace = runs["exact"]
    exact = sum(1 for r in trace.steps if r["verified"] and r["worst_disagreement"] == 0)
    assert exact >= 1  # this run has both: steps that agreed exactly and steps that did not
    fig = plots.gradient_norms(trace)
    bottom = fig.axes[1]
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    (note,) = [t for t in (bottom.title, bottom._left_title) if t.get_gid() == "exact_note"]
    assert note.get_text().startswith(f"{exact} verified step(s) agreed exactly")
    legend = bottom.get_legend().get_window_extent(renderer)
    box = note.get_window_extent(renderer)
    assert not legend.overlaps(box)
    assert box.y0 >= bottom.get_window_extent(renderer).y1 - 1  # above the panel


def test_test_points_have_their_own_legend_entries(runs: dict[str, Trace]) -> None:
    trace = runs["split"]
    fig = plots.decision_boundary(trace, [3])
    ax = fig.axes[0]
    assert legend_texts(ax) == [
        "z = 0",
        "class 0 (train)",
        "class 0 (test)",
        "class 1 (train)",
        "class 1 (test)",
    ]
    held = [c for c in ax.collections if c.get_gid() in ("test_0", "test_1")]
    assert sum(len(c.get_offsets()) for c in held) == trace.manifest.data.test_samples == 50
    assert fig.get_suptitle().startswith("Decision boundary — blobs (train and test) · bce")
    assert "(train)" in plots.gradient_norms(trace).axes[0].get_title()  # training steps only


def test_standardized_axes_have_no_unit(runs: dict[str, Trace]) -> None:
    ax = plots.decision_boundary(runs["scaled"], [2]).axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        "petal length (standardized)",
        "petal width (standardized)",
    )
    names = [t for t in legend_texts(plots.attribution(runs["wide"], 1).axes[0])]
    assert names[0].startswith("sepal length (cm): Σ = ")  # not standardized: the unit stays
    ax = plots.decision_boundary(runs["split"], [1]).axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")


def test_step_axes_have_integer_ticks(runs: dict[str, Trace]) -> None:
    trace = runs["split"]  # 3 steps: matplotlib's own ticks would be 1.0, 1.25, 1.5 …
    for ax in (plots.loss_curve(trace).axes[0], plots.gradient_norms(trace).axes[1]):
        ticks = integer_ticks(ax)
        assert ticks and all(t.is_integer() for t in ticks), ticks


def test_loss_spanning_decades_is_on_a_log_scale(runs: dict[str, Trace]) -> None:
    for name, scale in (("fast", "log"), ("slow", "linear")):
        trace = runs[name]
        losses = np.asarray(trace.column("loss"))
        decades = np.log10(losses.max() / losses.min())
        assert (decades > 2.5) if scale == "log" else (decades < 1.5)  # clear of the threshold
        ax = plots.loss_curve(trace).axes[0]
        assert ax.get_yscale() == scale
        assert ax.get_ylabel() == ("loss (mse, log scale)" if scale == "log" else "loss (mse)")
        _, y = line(ax, "step_loss").get_data()
        assert np.asarray(y).tolist() == losses.tolist()
        norms = np.asarray(trace.column("grad_norm"))
        top = plots.gradient_norms(trace).axes[0]  # the gradient's norm: the same rule
        assert top.get_yscale() == ("log" if np.log10(norms.max() / norms.min()) > 2 else "linear")


def contour(fig: Figure) -> ContourSet:
    (found,) = [c for c in fig.axes[0].collections if isinstance(c, ContourSet)]
    return found


def test_surface_levels_are_round_numbers(runs: dict[str, Trace]) -> None:
    linear = contour(plots.loss_surface(runs["split"])).levels  # BCE near its path
    steps = np.diff(linear)
    assert len(linear) >= 5 and np.allclose(steps, steps[0], rtol=1e-9)
    assert is_round(float(steps[0]), (1.0, 2.0, 5.0))
    assert np.allclose(linear / steps[0], np.round(linear / steps[0]), atol=1e-6)
    fig = plots.loss_surface(runs["fast"])  # MSE: from the minimum to far corners, decades
    logged = contour(fig).levels
    assert np.log10(logged[-1] / logged[0]) > 2
    assert all(is_round(float(v), (1.0, 2.0, 3.0, 5.0, 7.0)) for v in logged), logged
    assert fig.axes[1].get_ylabel() == "loss over the training set (log scale)"


def test_stability_axes_end_where_the_numbers_mean_something() -> None:
    fig = plots.loss_stability("both")
    for ax in fig.axes:
        dtype = ax.get_gid().split("_")[0]
        tiny = float(np.finfo(dtype).tiny)  # below it: subnormal, a digit or two left
        drawn = np.concatenate(
            [
                np.asarray(i.get_ydata(), dtype=float)
                for i in ax.lines
                if "naive_" not in i.get_gid()
            ]
        )
        drawn = drawn[np.isfinite(drawn)]
        low, high = ax.get_ylim()
        assert drawn.min() >= tiny and low >= drawn.min() / 10 and high > drawn.max()
        if dtype == "float32":  # exp(−100) ≈ 3.7e-44 used to stretch the axis to 1e-45
            assert low >= 1e-38


def test_attribution_of_more_features_is_bars(runs: dict[str, Trace]) -> None:
    trace = runs["wide"]  # iris: d = 4, k = 3, batches of 20
    row = trace.step(1)
    d, k = 4, 3
    dW = np.asarray(row["dW"]).reshape(d, k)  # as recorded in training, verified with torch
    for output in (0, 2):
        ax = plots.attribution(trace, 1, output=output).axes[0]
        bars = {j: [p for p in ax.patches if p.get_gid() == f"feature_{j}"] for j in range(d)}
        for j, mine in bars.items():
            assert len(mine) == 20 and all(isinstance(p, Rectangle) for p in mine)
            assert sum(p.get_height() for p in mine) == pytest.approx(dW[j, output], abs=1e-6)
        labels = sorted(int(t.get_text()) for t in ax.get_xticklabels())
        assert labels == list(range(1, 21))  # every sample of the batch, once
        assert f"column {output + 1}" in ax.get_title()
        assert "all 20 samples of the batch, all 4 features" in ax.get_title()
    crossed = runs["crossed"]  # 2 features in the plane, 3 in W: x1, x2, x1·x2
    ax = plots.attribution(crossed, 1).axes[0]
    assert not [c for c in ax.collections if c.get_gid() == "contributions"]  # no arrows
    for j, total in enumerate(crossed.step(1)["dW"]):
        mine = [p.get_height() for p in ax.patches if p.get_gid() == f"feature_{j}"]
        assert len(mine) == 30 and sum(mine) == pytest.approx(total, abs=1e-6)
    assert legend_texts(ax)[2].startswith("x1·x2: Σ = ")
    many = plots.attribution(runs["fast"], 1).axes[0]  # 200 samples in one batch, 3 features
    assert len([p for p in many.patches if p.get_gid() == "feature_0"]) == 40
    assert "the 40 of 200 samples and 3 of 3 features with the largest terms" in many.get_title()


# ---------------------------------------------------------------- several runs


def test_overlay_labels_are_the_differing_settings(runs: dict[str, Trace]) -> None:
    fast, slow = runs["fast"], runs["slow"]
    ax = plots.loss_overlay([fast, slow]).axes[0]
    assert legend_texts(ax) == ["lr=0.05", "lr=0.01"]
    for i, trace in enumerate((fast, slow)):
        x, y = line(ax, f"run_{i}").get_data()
        assert np.asarray(x).tolist() == trace.column("step")
        assert np.asarray(y).tolist() == trace.column("loss")
    assert ax.get_yscale() == "log"  # the fast run spans more than two decades
    alike = plots.loss_overlay([runs["first"], slow]).axes[0]
    assert legend_texts(alike) == ["first", "slow"]  # nothing differs: the directories
    three = plots.loss_overlay([runs["first"], fast, slow]).axes[0]
    assert legend_texts(three) == ["lr=0.01 (first)", "lr=0.05", "lr=0.01 (slow)"]


def test_cli_overlays_several_runs(
    tmp_path: Path, runs: dict[str, Trace], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = str(runs["fast"].path), str(runs["slow"].path)
    out = tmp_path / "cmp.png"
    assert main(["plot", a, b, "--kind", "loss", "-o", str(out), "--lang", "es"]) == 0
    assert capsys.readouterr().out.strip() == str(out) and out.stat().st_size > 0
    assert main(["plot", a, b, "--kind", "boundary", "-o", str(tmp_path / "b.png")]) == 2
    assert capsys.readouterr().err.startswith(
        "perceptron-lab plot: error: RUN_DIR: expected one run directory for --kind boundary"
    )
    assert main(["plot", a, b, "--kind", "loss"]) == 2
    assert capsys.readouterr().err.startswith("perceptron-lab plot: error: --out: expected ")


# ---------------------------------------------------------------- Spanish


@pytest.mark.slow
def test_every_plot_in_spanish(runs: dict[str, Trace]) -> None:
    split, wide = runs["split"], runs["wide"]
    assert_spanish(
        plots.loss_curve(split, "es"),
        "Pérdida — blobs (entrenamiento y prueba) · bce · sgd (tasa 0.01)",
        "paso",
        "pérdida (bce)",
        "paso (su lote)",
        "fin de época, prueba completa",
    )
    assert_spanish(
        plots.loss_overlay([runs["fast"], runs["slow"]], "es"),
        "Pérdida por paso de 2 ejecuciones",
        "etiquetadas por lo que difiere: lr",
        "pérdida (mse, escala logarítmica)",
    )
    assert_spanish(
        plots.decision_boundary(split, [1], "es"),
        "Frontera de decisión — blobs (entrenamiento y prueba)",
        "época 1 (paso 1) · pérdida de entrenamiento",
        "clase 0 (entrenamiento)",
        "clase 1 (prueba)",
    )
    assert_spanish(
        plots.decision_boundary(runs["scaled"], [1], "es"), "petal length (estandarizada)"
    )
    assert_spanish(
        plots.loss_surface(split, lang="es"),
        "Superficie de pérdida — blobs (entrenamiento)",
        "los demás parámetros en sus valores finales",
        "pérdida sobre el conjunto de entrenamiento",
        "camino de esta ejecución",
        "inicio",
        "final",
    )
    assert_spanish(
        plots.gradient_norms(runs["exact"], "es"),
        "Gradientes y verificación — or",
        "mayor discrepancia (pasos verificados)",
        "tolerancia 1e-10 (float64)",
        "coincidieron exactamente",
    )
    assert_spanish(
        plots.attribution(split, 1, lang="es"),
        "Atribución — blobs (entrenamiento)",
        "Paso 1: el término",
        "W se mueve en contra",
        "conjunto de entrenamiento",
        "clase 0",
    )
    assert_spanish(
        plots.attribution(wide, 1, lang="es"),
        "por variable",
        "muestra del lote (mayores términos primero)",
        "cₙ de cada variable",
    )
    assert_spanish(
        plots.loss_stability("float32", "es"),
        "Entropía cruzada binaria de tres maneras",
        "son subnormales y no se dibujan",
        "ingenua −[y·log σ(z) + (1−y)·log(1−σ(z))]",
        "nn.BCELoss(σ(z), y), log acotado en −100",
        "la ingenua da inf",
        "pérdida ℓ (escala logarítmica)",
    )


@pytest.mark.slow
def test_report_draws_its_plots_in_its_language(
    runs: dict[str, Trace], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: dict[str, str] = {}
    for name in (
        "loss_curve",
        "gradient_norms",
        "decision_boundary",
        "attribution",
        "loss_surface",
    ):
        drawn = getattr(plots, name)

        def spy(
            *args: object, _name: str = name, _draw: object = drawn, **kwargs: object
        ) -> Figure:
            asked[_name] = str(kwargs.get("lang"))
            return _draw(*args, **kwargs)  # type: ignore[operator, no-any-return]

        monkeypatch.setattr(plots, name, spy)
    found, _ = figures.pictures(runs["split"], "es")
    assert {p.key for p in found} == {"loss", "gradients", "boundary", "attribution", "surface"}
    assert set(asked.values()) == {"es"} and len(asked) == 5
