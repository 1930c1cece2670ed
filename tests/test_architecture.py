"""The package reads as its architecture: stages as subpackages, imports in one direction, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "textrecog"
UI = ROOT / "ui"  # installed inside the package as textrecog.ui
# the rooms, lowest first: a module may import its own room and the rooms below it, never one above
LAYERS = ["imaging", "segmentation", "decoding", "engines", "output", "pipeline", "data", "evaluation", "training",
          "batch", "ui", "cli"]
BASE = {"types", "names", "version", "locate", "argtypes", "stdio"}  # below every room: anyone may import them
SHIMS = {"decoder", "documents"}  # old import paths earlier READMEs named; they only re-export


def module_name(path: Path) -> str:
    """Dotted name of a module file of the package (a package's __init__ is the package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    parts = ("textrecog", *parts) if parts[0] == "ui" else parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in [*PACKAGE.rglob("*.py"), *UI.glob("*.py")]}


def imports(path: Path, known: set[str], package: str = "") -> set[str]:
    """The package's modules that ``path`` (in ``package``) imports anywhere, lazy imports inside functions
    and relative imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names = [f"{module}.{a.name}" for a in node.names] + [module]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports (a submodule naming its own parent package is the parent's
    submodule import, which Python does anyway, and is left out)."""
    mods = modules()
    out = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = imports(path, set(mods), package) - {name}
        if name != "textrecog":  # `from textrecog.x import y` runs textrecog/__init__ implicitly, not an edge
            targets -= {t for t in targets if name.startswith(t + ".") and t != "textrecog"}
        out[name] = targets
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges.get(v, ()):
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def room(module: str) -> str:
    """The room (subpackage or top-level module) a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(api)"


def test_no_import_cycle_between_modules():
    assert cycles(graph()) == []


def test_cycle_finder_finds_a_drawn_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_flow_down_the_rooms():
    upward = []
    for module, targets in graph().items():
        src = room(module)
        if src not in LAYERS:
            continue  # the API (__init__, __main__, the old-path shims) may name any room
        for target in targets:
            dst = room(target)
            if dst in BASE or dst == src:
                continue
            if dst not in LAYERS or LAYERS.index(dst) > LAYERS.index(src):
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_every_room_is_placed_in_the_layers():
    rooms = {room(m) for m in modules()} - {"(api)", "__main__"} - SHIMS
    assert rooms <= set(LAYERS) | BASE


def test_at_most_twelve_modules_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_lazy_imports_count(tmp_path):
    pkg = tmp_path / "textrecog"
    pkg.mkdir()
    (pkg / "a.py").write_text("def f():\n    from textrecog.b import g\n")
    (pkg / "b.py").write_text("import textrecog.a\n")
    assert imports(pkg / "a.py", {"textrecog.a", "textrecog.b"}) == {"textrecog.b"}
    (pkg / "c.py").write_text("def f():\n    from .a import f\n")
    assert imports(pkg / "c.py", {"textrecog.a", "textrecog.c"}, "textrecog") == {"textrecog.a"}


def test_old_import_paths_named_by_earlier_readmes_still_work():
    from textrecog.decoder import make_options
    from textrecog.documents import Source, render
    from textrecog.output import documents

    assert make_options is __import__("textrecog").make_options
    assert render is documents.render and Source is documents.Source
