"""The folders of `sitegen/` are the pipeline's stages, and imports flow one way: a module may import its own
stage and the stages before it, never a later one, and no modules import each other in a circle. Read from the
source with `ast`, so the test sees every import, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.sample_site import REPO

PACKAGE = REPO / "sitegen"
# Lowest first. The base (errors, the data model, the version) is shared by all; the duplicate guard is a library
# below the pipeline that check and import both use; cli is the top that runs every command.
STAGES = ["base", "dedupe", "read", "render", "check", "write", "build", "serve", "importer", "cli"]
LOOSE = {"__init__": "base", "errors": "base", "model": "base", "cli": "cli", "__main__": "cli"}
MAX_LOOSE_MODULES = 6


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    if parts[1] in STAGES:
        return parts[1]
    return LOOSE[parts[1]]


def imports_of(path: Path) -> set[str]:
    """Every sitegen module `path` imports (a `from sitegen.x import y` counts as sitegen.x.y when that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("sitegen"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return found


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_in_a_stage_and_few_are_loose() -> None:
    loose = [path.stem for path in PACKAGE.glob("*.py")]
    assert len(loose) <= MAX_LOOSE_MODULES, loose
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert folders == set(STAGES) - {"base", "cli"}, folders
    for module in MODULES:
        assert stage_of(module) in STAGES


def test_no_module_imports_a_later_stage() -> None:
    assert upward_imports(MODULES) == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                cycles.append([*trail[trail.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def upward_imports(modules: dict[str, Path]) -> list[str]:
    upward = []
    for module, path in modules.items():
        rank = STAGES.index(stage_of(module))
        upward += [f"{module} imports {i}" for i in sorted(imports_of(path)) if STAGES.index(stage_of(i)) > rank]
    return upward


def test_no_import_cycles() -> None:
    graph = {module: imports_of(path) & MODULES.keys() - {module} for module, path in MODULES.items()}
    # a package's __init__ is imported with each of its modules; that is not a cycle
    graph = {module: {i for i in imported if not module.startswith(i + ".")} for module, imported in graph.items()}
    assert find_cycles(graph) == []


def test_the_rules_catch_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    """The checks above are not vacuous: a read module importing the build, and modules importing each other in a
    circle, are both caught by the same code."""
    upward = tmp_path / "loader.py"
    upward.write_text("def f():\n    from sitegen.build.pipeline import Paths\nimport sitegen.read.urls\n")
    assert upward_imports({"sitegen.read.loader": upward}) == ["sitegen.read.loader imports sitegen.build.pipeline"]
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
