"""The layer map of docs/architecture.md, enforced: no upward import, no import cycle (also
through imports inside functions or under TYPE_CHECKING), and runtime dependencies = what src/ imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src"
DOC = ROOT / "docs" / "architecture.md"
#: layer-2 packages that must not import each other
INDEPENDENT = ("importers", "exporters", "sources")


def read_layers(text: str) -> dict[str, int]:
    """{module prefix: layer} from the table between the layers markers of docs/architecture.md."""
    block = text[text.index("<!-- layers:start") : text.index("<!-- layers:end -->")]
    layers: dict[str, int] = {}
    for row in block.splitlines():
        m = re.match(r"\|\s*(\d+)\b[^|]*\|(.*)\|\s*$", row)
        if m:
            for name in re.findall(r"`([\w.]+)`", m.group(2)):
                layers[name] = int(m.group(1))
    return layers


def _module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str, src: Path = SRC) -> bool:
    p = src / dotted.replace(".", "/")
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


@cache
def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """{module: pathbib modules it imports}, from every import statement in the module's source
    (top level, inside functions and under `if TYPE_CHECKING` alike)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(src.rglob("*.py")):
        name = _module_name(path, src)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.split(".")[0] == "pathbib"}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] != "pathbib":
                    continue
                for alias in node.names:  # `from . import x` imports the module x
                    sub = f"{target}.{alias.name}"
                    deps.add(sub if _is_module(sub, src) else target)
        deps.discard(name)
        graph[name] = deps
    return graph


def layer_of(module: str, layers: Mapping[str, int]) -> tuple[str, int]:
    """(row name, layer) of a module: the longest dotted prefix named in the table."""
    rel = module.removeprefix("pathbib.") if module != "pathbib" else "pathbib"
    parts = rel.split(".")
    for i in range(len(parts), 0, -1):
        key = ".".join(parts[:i])
        if key in layers:
            return key, layers[key]
    raise AssertionError(f"{module} is in no layer of docs/architecture.md; add it to the table")


def upward_imports(graph: Mapping[str, Iterable[str]], layers: Mapping[str, int]) -> list[str]:
    """Every import of a higher layer, and every import between two independent layer-2 packages."""
    bad = []
    for mod, deps in sorted(graph.items()):
        row, lay = layer_of(mod, layers)
        for dep in sorted(deps):
            drow, dlay = layer_of(dep, layers)
            if dlay > lay:
                bad.append(f"{mod} (layer {lay}) imports {dep} (layer {dlay})")
            elif row != drow and row in INDEPENDENT and drow in INDEPENDENT:
                bad.append(f"{mod} imports {dep}: {row} and {drow} are independent")
    return bad


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# --------------------------------------------------------------------------- the checks themselves


def test_the_checker_sees_upward_imports_and_cycles() -> None:
    layers = {"model": 0, "check": 3, "cli": 4, "importers": 2, "exporters": 2}
    g = {
        "pathbib.model": {"pathbib.check"},
        "pathbib.check": {"pathbib.model"},
        "pathbib.cli": {"pathbib.check"},
        "pathbib.importers.a": {"pathbib.exporters.b"},
        "pathbib.exporters.b": set(),
    }
    assert upward_imports(g, layers) == [
        "pathbib.importers.a imports pathbib.exporters.b: importers and exporters are independent",
        "pathbib.model (layer 0) imports pathbib.check (layer 3)",
    ]
    assert cycles(g) == [["pathbib.check", "pathbib.model"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_includes_function_level_and_relative_imports() -> None:
    g = import_graph()
    assert "pathbib.cli.base" in g["pathbib.cli.app"]  # relative, top level
    assert "pathbib.check" in g["pathbib.cli.check_cmd"]  # inside a function
    assert "pathbib.check.pb1_duplicates" in g["pathbib.check"]  # `from . import module`
    assert "pathbib.config" in g["pathbib.cli.base"]  # under TYPE_CHECKING
    assert len(g) > 50


def test_every_module_is_in_a_layer_and_no_module_imports_upward() -> None:
    layers = read_layers(DOC.read_text(encoding="utf-8"))
    assert layers["model"] == 0 and layers["cli"] == 4
    assert upward_imports(import_graph(), layers) == []


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_runtime_dependencies_are_what_src_imports() -> None:
    """pyproject's `dependencies` name exactly the distributions whose modules src/ imports
    (`click` only as typer's fallback for old typer versions)."""
    imported: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    # `_typeshed` exists only for the type checker (imported under TYPE_CHECKING)
    third = imported - set(sys.stdlib_module_names) - {"pathbib", "click", "_typeshed"}
    dist_of = packages_distributions()
    wanted = {d.lower() for m in third for d in dist_of.get(m, [m])}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert declared == wanted


# --------------------------------------------------------------------------- sizes (TEAM.md, issue #14)

#: known debt, owned by the engineers changing these modules now; new entries need a reason
LONG_FUNCTIONS_ALLOWED: set[str] = set()  # none: a long function says why in a comment above it
LONG_FILES_ALLOWED: set[str] = set()


def test_functions_over_80_lines_say_why() -> None:
    """A function over 80 lines has a comment right above its `def` (or decorators) saying why."""
    bad = []
    for path in sorted((SRC / "pathbib").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        rel = path.relative_to(SRC / "pathbib").as_posix()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                above = lines[first - 2].strip() if first >= 2 else ""
                if (
                    length > 80
                    and not above.startswith("#")
                    and f"{rel}:{node.name}" not in LONG_FUNCTIONS_ALLOWED
                ):
                    bad.append(f"{rel}:{node.lineno} {node.name} has {length} lines")
    assert bad == []


def test_no_module_over_600_lines() -> None:
    sizes = {
        p.relative_to(SRC / "pathbib").as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in (SRC / "pathbib").rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 600 and name not in LONG_FILES_ALLOWED} == {}
