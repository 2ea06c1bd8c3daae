"""The package's layers: data flows one way (source → schema → links/fit → render →
output), so a module imports only modules of its own layer or of a layer below it, and
no two modules import each other.

Imports are read from the source (every `import` and `from ... import`, also those inside
functions, which run later but still depend), so a lazy import cannot hide a wrong
direction. An import under `if TYPE_CHECKING:` names a type only: it must respect the
layers all the same, and close no cycle either (a module that needs a type of a module
above it names what it needs as a Protocol, as render/method.py does the renderer).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "vpcsite"

#: The layers, lowest first. Each names modules by their path under vpcsite ("render"
#: stands for the package and everything in it). Why each sits where it does:
LAYERS: list[tuple[str, set[str]]] = [
    # Depend on nothing of vpcsite's (the package's own __init__ holds the version).
    (
        "foundations",
        {"", "diagnostics", "hints", "places", "paths", "urls", "workers", "memory", "gitrepo", "theme", "yamlerrors"},
    ),
    # Reading files: front matter with its positions, site.toml.
    ("source", {"front", "yamlfront", "tomlfront", "source", "config"}),
    # The method's vocabulary and the arithmetic on it: no file is read here.
    ("model", {"model", "ranks", "fit", "memo", "salvage"}),
    # Front matter validated into models; the content folder loaded.
    ("schema", {"schema", "content"}),
    # Everything `check` and `diff` find, and what they report it with. The layout record
    # the PDF stage leaves is read here (layouts.py), so checking never needs rendering.
    (
        "checks",
        {
            "links",
            "names",
            "notes",
            "markdown",
            "experiments",
            "evidence",
            "layouts",
            "check",
            "history",
            "diffexperiments",
            "diff",
            "diffwords",
            "diffformat",
            "snapshot",
        },
    ),
    # The output folder's guards, its staging and the build record: what rendering
    # writes through.
    ("output", {"output", "staging", "record", "memostore"}),
    # Pages, drawings, search index and PDFs from a checked site.
    ("render", {"render"}),
    # A whole build (and `vpcsite init`/`new`, which build the site they make).
    ("build", {"build", "scaffold"}),
    # The dev server: builds on every change.
    ("serve", {"serve"}),
    # Options in, one call, exit code out: the top.
    ("cli", {"cli", "__main__"}),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str) -> dict[str, bool]:
    """The vpcsite modules `name` imports, each with whether only for type checking."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    if name == "":
        package = []
    found: dict[str, bool] = {}

    def add(target: str, typing_only: bool) -> None:
        if target in MODULES and target != name:
            found[target] = found.get(target, True) and typing_only

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("vpcsite"):
                module = node.module.removeprefix("vpcsite").removeprefix(".")  # type: ignore[union-attr]
            else:
                return
            add(module, typing_only)
            for alias in node.names:  # `from . import check` imports a module
                add(f"{module}.{alias.name}".lstrip("."), typing_only)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("vpcsite."):
                    add(alias.name.removeprefix("vpcsite."), typing_only)
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


IMPORTS = {name: _imports(name) for name in MODULES}


def layer_of(name: str) -> int:
    for index, (_, members) in enumerate(LAYERS):
        if name in members or any(name.startswith(member + ".") for member in members if member):
            return index
    raise AssertionError(f"vpcsite.{name} is in no layer: add it to LAYERS in {Path(__file__).name}, where it belongs")


def test_every_module_has_a_layer():
    for name in MODULES:
        layer_of(name)


def test_no_module_imports_a_layer_above_its_own():
    wrong = []
    for name, imports in IMPORTS.items():
        for target, typing_only in imports.items():
            if layer_of(target) > layer_of(name):
                how = "for a type" if typing_only else "at run time"
                wrong.append(f"vpcsite.{name} ({LAYERS[layer_of(name)][0]}) imports vpcsite.{target} ({LAYERS[layer_of(target)][0]}) {how}")
    assert not wrong, "\n".join(wrong)


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_two_modules_import_each_other():
    edges = {name: set(imports) for name, imports in IMPORTS.items()}
    assert [sorted(cycle) for cycle in _cycles(edges)] == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_checking_does_not_depend_on_rendering():
    """`check` (and everything it imports) never loads the render package."""
    seen, todo = set(), ["check"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(IMPORTS[name])
    assert not [name for name in seen if name == "render" or name.startswith("render.")]


def test_the_rules_see_a_wrong_import(tmp_path, monkeypatch):
    """The reader of imports finds a lazy, relative import that goes up a layer."""
    module = tmp_path / "links.py"
    module.write_text("def f():\n    from .render.site import SiteRenderer\n    return SiteRenderer\n")
    monkeypatch.setitem(MODULES, "links", module)
    assert _imports("links") == {"render.site": False}
    assert layer_of("render.site") > layer_of("links")


@pytest.mark.parametrize("name", sorted(set(MODULES) - {"__main__"}))  # __main__ runs the command
def test_every_module_imports(name):
    importlib.import_module("vpcsite" + (f".{name}" if name else ""))


def test_configuration_diagnostics_are_made_in_config():
    """VPC401–VPC403 (site.toml, the theme, the content folder) are worded in config.py
    only, beside the configuration they are about; diagnostics.py registers the codes."""
    elsewhere = [
        f"vpcsite/{path.relative_to(PACKAGE)}"
        for name, path in MODULES.items()
        if name not in ("config", "diagnostics") and any(f'"VPC40{n}"' in path.read_text(encoding="utf-8") for n in (1, 2, 3))
    ]
    assert elsewhere == []
