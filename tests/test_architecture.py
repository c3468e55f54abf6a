"""The layout keeps its promises: layers import downward, no circles, one name per concept.

The layers, bottom to top (docs/architecture.md): errors · data · math (losses/, optim/)
· core/ · engine/ · views/ · interfaces (cli/, sklearn/, watch/ and the package's
public entry points); exercises/ sits beside engine/. Read off the source with ``ast``, imports inside functions included.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import perceptron_lab

PACKAGE = Path(perceptron_lab.__file__).parent
LAYERS = {
    "errors": 0,
    "extras": 0,
    "bounds": 0,
    "data": 1,
    "losses": 2,
    "optim": 2,
    "core": 3,
    "engine": 4,
    "exercises": 4,  # exercise sheets: recipes, numbers, solutions, mistakes, grades
    "views": 5,
    "cli": 6,
    "sklearn": 6,
    "watch": 6,
    "playground": 6,
    "observe": 6,
    "__init__": 6,
    "__main__": 6,  # python -m perceptron_lab (what torchrun -m perceptron_lab runs)
}
# Jupyter's rich display: a record or trace renders itself through the views (lazy import)
DISPLAY_HOOKS = {
    ("perceptron_lab.core.observed_step", "perceptron_lab.views.html"),
    ("perceptron_lab.engine.trace", "perceptron_lab.views.html"),
    ("perceptron_lab.exercises.grading", "perceptron_lab.views.grade_report"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(("perceptron_lab", *parts))] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports (``from x import y``: x.y if a module)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets = [f"{module}.{a.name}" for a in node.names] + [module]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                out.add(target)
    # importing a.b.c also runs a.b: count only the most specific module named
    return {m for m in out if not any(o.startswith(m + ".") for o in out)}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS[parts[1] if len(parts) > 1 else "__init__"]


def test_every_module_has_a_layer() -> None:
    assert {m.split(".")[1] for m in MODULES if "." in m} <= LAYERS.keys()


def test_imports_point_downward() -> None:
    upward = [
        (a, b)
        for a, targets in GRAPH.items()
        for b in targets
        if _layer(b) > _layer(a) and (a, b) not in DISPLAY_HOOKS
    ]
    assert upward == []


def test_no_import_circle() -> None:
    graph = {a: {b for b in t if (a, b) not in DISPLAY_HOOKS} for a, t in GRAPH.items()}
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + "."):
                continue  # a package's __init__ re-exporting its own modules
            circle = visit(nxt)
            if circle:
                return circle
        path.pop()
        done.add(node)
        return None

    circles = [c for c in (visit(m) for m in sorted(graph)) if c]
    assert circles == []


def test_package_root_is_small() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 6, modules


def test_no_two_modules_share_a_name() -> None:
    names = Counter(p.stem for p in PACKAGE.rglob("*.py") if p.stem not in ("__init__", "__main__"))
    assert [n for n, c in names.items() if c > 1] == []
