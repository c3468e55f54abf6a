"""The playground's Lab: its frames hold the engine's numbers, checked against PyTorch itself.

Each test drives a Lab with the page's messages (docs/playground.md) and compares what
the page would draw with an independent oracle: a plain torch loop (nn.Linear, the
torch.nn loss, torch.optim) from the same first weights, or the Lab's own earlier
frames (back and forward again, a state reopened).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron_lab.engine.trace import Trace
from perceptron_lab.playground import recipe
from perceptron_lab.playground.lab import MAX_STEP_N, UPLOAD_BYTES, Lab


def frame(lab: Lab, **message: Any) -> dict[str, Any]:
    """The one frame a message gets (the last reply), failing on an error."""
    replies = lab.handle(message)
    assert replies[-1]["type"] == "frame", replies
    return replies[-1]


def error(lab: Lab, **message: Any) -> str:
    (reply,) = lab.handle(message)
    assert reply["type"] == "error", reply
    return str(reply["message"])


def torch_steps(
    X: torch.Tensor, y: torch.Tensor, W: Any, B: Any, lr: float, n: int, **sgd: float
) -> list[torch.Tensor]:
    """W after each of n full-batch steps of a textbook torch loop (BCE with logits, SGD)."""
    model = torch.nn.Linear(X.shape[1], 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(W, dtype=torch.float32).T)
        model.bias.copy_(torch.tensor(B, dtype=torch.float32))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, **sgd)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    out = []
    for _ in range(n):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y[:, None])
        loss.backward()
        optimizer.step()
        out.append(model.weight.detach().T.clone())
    return out


def points(f: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
    train = torch.tensor(f["data"]["train"], dtype=torch.float32)
    return train[:, :2], train[:, 2]


def test_three_steps_are_the_torch_loops_numbers() -> None:
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    start = lab.handle({"op": "hello"})[1]
    X, y = points(start)
    assert X.tolist() == [[1, 2], [3, 4], [5, 6]]  # the notebook's three samples
    expected = torch_steps(X, y, start["W"], start["B"], 0.1, 3)
    for t in range(3):
        f = frame(lab, op="step", n=1)
        assert f["step"] == t + 1
        assert torch.tensor(f["W"]) == pytest.approx(expected[t], rel=1e-6, abs=1e-7)
        assert f["verified"]["worst"] <= f["verified"]["tolerance"]
        results = [
            q for s in f["worked"]["sections"] for d in s["derivations"] for q in d["results"]
        ]
        assert any(q["torch"] is not None and q["gap"] is not None for q in results)


def test_back_two_and_forward_again_gives_the_same_numbers() -> None:
    lab = Lab({"name": "moons", "size": 60}, {"lr": 0.5, "batch_size": 8})
    lab.handle({"op": "hello"})
    seen = [frame(lab, op="step", n=1) for _ in range(5)]
    back = frame(lab, op="back", n=2)
    assert back["step"] == 3 and back["W"] == seen[2]["W"]
    assert back["curves"][0]["steps"] == [0, 1, 2, 3]
    again = [frame(lab, op="step", n=1) for _ in range(2)]
    for a, b in zip(again, seen[3:], strict=True):
        assert (a["W"], a["B"], a["batch"]["rows"]) == (b["W"], b["B"], b["batch"]["rows"])
        assert a["worked"] == b["worked"]


def test_an_added_point_is_in_the_next_steps_batch_and_back_removes_it() -> None:
    lab = Lab({"name": "blobs", "size": 40, "test_ratio": 0}, {"lr": 0.1})
    lab.handle({"op": "hello"})
    frame(lab, op="step", n=3)
    added = frame(lab, op="point", add=[0.25, -0.5, 1])
    assert len(added["data"]["train"]) == 41 and added["data"]["train"][-1] == [0.25, -0.5, 1]
    assert added["step"] == 3  # the trajectory goes on from where it was
    nxt = frame(lab, op="step", n=1)
    assert 40 in nxt["batch"]["rows"] and len(nxt["batch"]["z"]) == 41
    f = frame(lab, op="back", n=1)  # step 3, after which the point came: it stays
    assert len(f["data"]["train"]) == 41 and f["step"] == 3
    f = frame(lab, op="back", n=1)  # before it: gone, and gone from the history
    assert len(f["data"]["train"]) == 40 and f["step"] == 2
    assert lab.history == []


def test_removing_a_point_removes_it_from_the_batch() -> None:
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    lab.handle({"op": "hello"})
    f = frame(lab, op="point", remove=0)  # before step 1: the data change
    assert f["data"]["train"] == [[3.0, 4.0, 0.0], [5.0, 6.0, 1.0]] and f["step"] == 0
    assert len(frame(lab, op="step", n=1)["batch"]["rows"]) == 2


def test_a_branch_keeps_both_curves_and_steps_as_torch_with_the_new_rate() -> None:
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    start = lab.handle({"op": "hello"})[1]
    X, y = points(start)
    at_k = frame(lab, op="step", n=4)
    f = frame(lab, op="branch", settings={"lr": 0.9})
    assert [c["id"] for c in f["curves"]] == [0, 1] and f["branch"] == 1
    assert f["curves"][1]["from_step"] == 4 and f["curves"][1]["parent"] == 0
    assert f["curves"][1]["steps"] == [0, 1, 2, 3, 4]  # the shared prefix, drawn for both
    nxt = frame(lab, op="step", n=1)
    (expected,) = torch_steps(X, y, at_k["W"], at_k["B"], 0.9, 1)
    assert torch.tensor(nxt["W"]) == pytest.approx(expected, rel=1e-6, abs=1e-7)
    assert nxt["append"]["branch"] == 1 and nxt["append"]["step"] == 5
    assert frame(lab, op="back", n=10)["step"] == 4  # a branch's first step is its floor


def test_a_branch_to_momentum_starts_its_velocity_anew() -> None:
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    lab.handle({"op": "hello"})
    at_k = frame(lab, op="step", n=3)
    frame(lab, op="branch", settings={"momentum": 0.9})
    X, y = points(at_k)
    expected = torch_steps(X, y, at_k["W"], at_k["B"], 0.1, 2, momentum=0.9)
    got = [frame(lab, op="step", n=1)["W"] for _ in range(2)]
    assert torch.tensor(got) == pytest.approx(torch.stack(expected), rel=1e-6, abs=1e-7)


def test_spanish_works_the_step_out_in_spanish() -> None:
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    lab.handle({"op": "hello"})
    frame(lab, op="step", n=3)
    replies = lab.handle({"op": "lang", "lang": "es"})
    assert replies[0]["type"] == "words" and replies[0]["lang"] == "es"
    title = "".join(text for _, text in replies[1]["worked"]["title"])
    assert title.startswith("Paso 3"), title


def test_one_neuron_on_x1_x2_separates_xor() -> None:
    lab = Lab({"name": "xor", "crosses": ["x1*x2"]}, {"lr": 0.5})
    lab.handle({"op": "hello"})
    for _ in range(4):
        f = frame(lab, op="step", n=MAX_STEP_N)
    W, B = torch.tensor(f["W"]), torch.tensor(f["B"])
    X = torch.tensor([[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 1]], dtype=torch.float32)
    assert ((X @ W + B)[:, 0] > 0).tolist() == [False, True, True, False]
    assert f["names"] == ["x1", "x2", "x1·x2"] and f["field"]["kind"] == "probability"
    # the field is σ(z) over the plane: high near (0, 1), low near (1, 1)
    n, values = f["field"]["nx"], f["field"]["values"]
    assert values[(n - 1) * n + 0] > 0.5 > values[(n - 1) * n + n - 1]


def test_a_state_reopens_exactly() -> None:
    lab = Lab({"name": "moons", "size": 50, "noise": 0.3}, {"lr": 0.3, "batch_size": 10})
    lab.handle({"op": "hello"})
    frame(lab, op="step", n=7)
    frame(lab, op="point", add=[0.0, 0.5, 0])
    frame(lab, op="step", n=3)
    frame(lab, op="branch", settings={"optimizer": "adam", "lr": 0.05})
    last = frame(lab, op="step", n=4)
    token = recipe.encode(last["state"])
    again = Lab()
    reopened = again.handle({"op": "hello", "state": recipe.decode(token)})[1]
    assert reopened["step"] == 14 and reopened["W"] == last["W"] and reopened["B"] == last["B"]
    assert [c["label"] for c in reopened["curves"]] == [
        c["label"] for c in lab.frame(full=True)["curves"]
    ]
    assert reopened["data"]["train"] == lab.frame(full=True)["data"]["train"]


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ({"op": "configure", "settings": {"lr": -1}}, "lr: expected a number in (0, 1000], got -1"),
        ({"op": "configure", "settings": {"batch_size": 0}}, "batch_size: expected an integer"),
        ({"op": "configure", "settings": {"optimizer": "lion"}}, "optimizer: expected one of"),
        ({"op": "configure", "settings": {"momentum": 0.9, "optimizer": "adam"}}, "momentum"),
        ({"op": "step", "n": 0}, "n: expected a whole number of steps in [1, 100], got 0"),
        ({"op": "data", "data": {"name": "mnist"}}, "data.name: expected a built-in 2-D set"),
        ({"op": "data", "data": {"noise": "lots"}}, "data.noise: expected a number"),
        ({"op": "point", "add": [1, "x", 0]}, "point: expected [x1, x2, label]"),
        ({"op": "point", "add": [1, 2, 7]}, "label: expected a class index 0–1, got 7"),
        ({"op": "point", "remove": 999}, "remove: expected a training point's index"),
        ({"op": "hello", "state": {"step": -3}}, "step: expected a whole number of steps"),
        ({"op": "save"}, "save: expected a trajectory with at least one step"),
        ({"op": "fly"}, "op: expected one of"),
    ],
)
def test_an_impossible_message_is_one_line_and_changes_nothing(
    message: dict[str, Any], says: str
) -> None:
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    before = lab.handle({"op": "hello"})[1]
    assert says in error(lab, **message)
    after = lab.frame(full=True)
    assert (after["step"], after["W"], after["data"], after["settings"]) == (
        before["step"],
        before["W"],
        before["data"],
        before["settings"],
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("\x00\x01\x02binary", "a header row and at least one data row"),
        ("a,b,label\n1,2,0\n3,4\n", "3 fields on line 3, as in the header"),
        ("a,b,label\nx,y,0\nz,w,1\n", "at least 2 columns of numbers"),
        ("a,b\n", "a header but no data rows"),
        ("x" * (UPLOAD_BYTES + 1), "a file of at most 2 MB"),
    ],
    ids=["binary", "ragged", "strings", "header-only", "too-big"],
)
def test_a_bad_upload_is_one_line_and_the_lab_serves_on(text: str, says: str) -> None:
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    lab.handle({"op": "hello"})
    assert says in error(lab, op="upload", name="mine.csv", text=text)
    assert frame(lab, op="step", n=1)["step"] == 1


def test_an_upload_as_a_spreadsheet_exports_it_trains_on_its_columns(tmp_path: Path) -> None:
    text = "\ufeffHeight (cm),Weight (kg),Age,Sport\r\n"  # BOM, CRLF, different scales
    rows = [
        (150 + 3 * i, 45 + (i * 7) % 40, 20 + i % 9, "yes" if i % 3 else "no") for i in range(30)
    ]
    text += "".join(f"{h},{w},{a},{s}\r\n" for h, w, a, s in rows)
    lab = Lab({"name": "seed"}, {"lr": 0.1})
    lab.handle({"op": "hello"})
    (up,) = lab.handle({"op": "upload", "name": "sport.csv", "text": text})
    assert up["columns"] == ["Height (cm)", "Weight (kg)", "Age", "Sport"] and up["rows"] == 30
    assert up["numeric"] == ["Height (cm)", "Weight (kg)", "Age"]
    data = {"upload": "sport.csv", "features": ["Height (cm)", "Age"], "target": "Sport"}
    f = frame(lab, op="data", data=data)
    assert f["data"]["features"] == ["Height (cm)", "Age"] and f["data"]["classes"] == ["no", "yes"]
    assert f["names"] == ["Height (cm)", "Age"]
    stepped = frame(lab, op="step", n=20)
    assert stepped["status"] is None  # standardized: the cm don't blow the step up
    reopened = Lab().handle({"op": "hello", "state": stepped["state"]})[1]  # the columns inline
    assert reopened["W"] == stepped["W"]


def test_a_diverging_step_is_named_and_the_lab_stays_at_the_last_good_one() -> None:
    big = {"name": "seed", "noise": 0.0}
    lab = Lab(big, {"lr": 1000.0, "loss": "mse", "dtype": "float32"})
    lab.handle({"op": "hello"})
    f = frame(lab, op="step", n=100)
    assert f["status"] is not None and "lower the learning rate" in f["status"]
    assert all(v is not None for row in f["W"] for v in row)
    assert f["step"] == f["append"]["step"] < 100


def test_save_as_run_writes_runs_the_other_commands_read(tmp_path: Path) -> None:
    from perceptron_lab.cli.main import main

    lab = Lab({"name": "moons", "size": 40}, {"lr": 0.5}, runs=tmp_path)
    lab.handle({"op": "hello"})
    frame(lab, op="step", n=5)
    frame(lab, op="branch", settings={"lr": 0.05})
    last = frame(lab, op="step", n=2)
    (saved,) = lab.handle({"op": "save"})
    folder = Path(saved["path"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "data-1.csv",
        "data-2.csv",
        "run-1",
        "run-2",
    ]
    first, branch = Trace.load(folder / "run-1"), Trace.load(folder / "run-2")
    assert [r["step"] for r in first] == [1, 2, 3, 4, 5] and [r["step"] for r in branch] == [6, 7]
    assert branch.manifest.parent is not None and branch.manifest.parent.step == 5
    assert branch.steps[-1]["W_after"] == pytest.approx([v for row in last["W"] for v in row])
    assert (
        main(["explain", str(folder / "run-1"), "--step", "3", "--out", str(tmp_path / "s.md")])
        == 0
    )
    assert (
        main(
            ["plot", str(folder / "run-2"), "--kind", "boundary", "--out", str(tmp_path / "b.png")]
        )
        == 0
    )


def test_state_tokens_round_trip_and_refuse_garbage() -> None:
    with pytest.raises(Exception, match="state: expected a state token"):
        recipe.decode("!!!not-base64")
    with pytest.raises(Exception, match="state: expected a state token"):
        recipe.decode(recipe.encode({"a": 1})[:-3] + "%%%")


@settings(max_examples=40, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "lr": st.floats(1e-4, 10),
            "seed": st.integers(0, 2**31),
            "batch_size": st.one_of(st.just("full"), st.integers(1, 500)),
            "optimizer": st.sampled_from(["sgd", "adam", "rmsprop", "adagrad", "adamw"]),
        }
    ),
    st.lists(
        st.fixed_dictionaries(
            {"add": st.tuples(st.floats(-5, 5), st.floats(-5, 5), st.integers(0, 1))}
        ),
        max_size=3,
    ),
    st.integers(0, 10_000),
)
def test_any_checked_state_survives_its_token(
    settings_: dict[str, Any], edits: list[dict[str, Any]], step: int
) -> None:
    state = {
        "data": {"name": "moons", "edits": [{"add": list(e["add"])} for e in edits]},
        "settings": settings_,
        "history": [],
        "step": step,
    }
    checked = recipe.check_state(state)
    assert recipe.decode(recipe.encode(checked)) == checked
    assert json.loads(json.dumps(checked)) == checked
