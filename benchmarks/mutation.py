"""A bounded mutation run over the writer, the sanitiser and the meaning guard (issue 12).

Usage: python benchmarks/mutation.py [--module sitegen/write/writer.py ...] [--jobs 2] [--budget 1200]

Each mutant changes one thing in one module (flip a comparison, negate a condition, swap and/or, drop a
`not`, return a constant, drop a statement, blank a string). The module's own tests (MODULES below) then run
in a copy of the repository under benchmarks/.work/mutation/; a mutant is killed when they fail, survives
when they pass, and times out when they take more than 3x the unmutated run plus 10 s. The whole run stops
starting new mutants after --budget seconds (the rest are counted as "not run"). Hypothesis runs with a fixed
seed, so the same code gives the same figures.

Why not mutmut: mutmut 3 switches mutants on through a trampoline that imports `mutmut` and picks the tests
for each mutant from calls recorded in the pytest process. The writer runs only inside the real CLI
(`build.py` as a subprocess, whose environment the tests clean of PYTHONPATH), so those calls are never
recorded and the subprocess cannot import mutmut: every build failed at the stats stage. Here each mutant is a
real edit of the file in a copy of the repository, so the subprocess imports the mutated code; a canary
(the module made to fail on import) must be killed before the module's mutants are counted.

The figures and each survivor go to the "Mutation testing" section of BENCHMARKS.md (full run only) and
every survivor's diff is printed.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import queue
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # a sibling script, not a package

REPO = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / ".work" / "mutation"

# The tests that cover each module, in the order they run (each run stops at the first failure, so quick tests
# that kill many mutants go first); a test id listed after its file moves that test to the end.
_GAPS = "tests/test_mutation_gaps.py::test_"
_DEDUPE_TESTS = (
    "tests/test_dedupe.py",
    "tests/test_meaning_guard.py",
    *(
        _GAPS + name
        for name in (
            "an_added_protected_word_keeps_both_texts",
            "a_repeated_word_counts_once_except_a_negation",
            "a_fragment_followed_by_a_restricting_word_is_kept",
            "each_similarity_guard_decides_on_its_own",
            "word_differences_that_are_not_typing_mistakes",
            "two_added_words_are_still_a_near_duplicate",
            "the_same_text_after_normalising_is_a_duplicate",
            "a_fragment_after_an_avoiding_word_is_kept",
            "partner_prefixes_and_suffixes_make_different_words",
            "a_stem_shorter_than_three_letters_is_not_a_partner_pair",
            "the_length_pre_check_rules_out_only_pairs_that_cannot_reach_the_threshold",
            "a_length_change_of_exactly_a_fifth_is_still_compared",
        )
    ),
    "tests/test_site_checks.py",
)
# Modules run quickest first, so that a run cut short by --budget loses the slow writer's mutants, not all others.
MODULES: dict[str, tuple[str, ...]] = {
    "sitegen/dedupe/meaning.py": _DEDUPE_TESTS,
    "sitegen/dedupe/similarity.py": _DEDUPE_TESTS,
    "sitegen/render/sanitize.py": (
        "tests/test_sanitize.py",
        "tests/test_urls.py",
        _GAPS + "text_attributes_with_a_colon_are_not_treated_as_links",
        "tests/test_golden.py",
        "tests/test_editor_tools.py::test_images_from_static_point_at_their_published_files",
        "tests/test_faults.py::test_a_stop_request_inside_the_sanitiser_stops_instead_of_being_swallowed",
    ),
    # The writer runs only in the real CLI: these tests start build.py (and the preview) as subprocesses.
    "sitegen/write/writer.py": (
        "tests/test_safe_output.py",
        "tests/test_incremental.py",
        _GAPS + "an_output_folder_that_is_a_symbolic_link_is_refused",
        "tests/test_faults.py::test_only_marked_staging_folders_are_removed",
        "tests/test_faults.py::test_the_test_hook_forces_the_fallback_swap",
        "tests/test_faults.py::test_disk_full_during_a_preview_rebuild_is_one_line_and_the_last_good_page_stays",
        "tests/test_faults.py::test_rebuilds_work_where_renameat2_is_missing",
        "tests/test_faults.py::test_disk_full_is_one_line_naming_the_file_and_keeps_the_output",
        "tests/test_safe_output.py::test_killed_build_leaves_output_and_next_build_cleans_up",  # 15 s
    ),
}
PYTEST_ARGS = ("-x", "-q", "-p", "no:cacheprovider", "-p", "mutation", "--hypothesis-seed=0")
CANARY = '\nraise RuntimeError("mutation canary: this module must not import")\n'
_COMPARE_FLIP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_COMPARE_BOUNDARY: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
}
_SYMBOL = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int
    line: int
    description: str


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, timeout, not run
    seconds: float
    diff: str


class Mutator(ast.NodeTransformer):
    """Walks a module in a fixed order, numbering every possible mutation; applies number `target` only."""

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.found: list[tuple[int, str]] = []
        self.applied = False
        self._skip: set[int] = set()  # ids of string constants not to blank
        self._returns_bool: list[bool] = []

    def _offer(self, node: ast.AST, description: str, make: Callable[[], ast.AST]) -> ast.AST | None:
        index = len(self.found)
        self.found.append((getattr(node, "lineno", 0), description))
        if index == self.target:
            self.applied = True
            return make()
        return None

    def _mark_docstring(self, body: list[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._skip.add(id(body[0].value))
            self._skip.add(id(body[0]))

    def visit(self, node: ast.AST) -> ast.AST | None:
        if isinstance(node, ast.stmt) and self._returns_bool and _droppable(node) and id(node) not in self._skip:
            source = ast.unparse(node).splitlines()[0]
            replaced = self._offer(node, f"drop statement `{source}`", ast.Pass)
            if replaced is not None:
                return ast.copy_location(replaced, node)
        result: ast.AST | None = super().visit(node)
        return result

    def visit_Module(self, node: ast.Module) -> ast.AST:
        self._mark_docstring(node.body)
        return self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self._mark_docstring(node.body)
        return self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self._mark_docstring(node.body)
        self._returns_bool.append(isinstance(node.returns, ast.Name) and node.returns.id == "bool")
        self.generic_visit(node)
        self._returns_bool.pop()
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node  # message text, not behaviour

    def visit_Set(self, node: ast.Set) -> ast.AST:
        self._skip.update(id(element) for element in node.elts)  # allow-list entries: dropping one is safe
        return self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self._skip.update(id(key) for key in node.keys if key is not None)
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and id(node) not in self._skip:
            new = "" if node.value else "XX"
            replaced = self._offer(node, f"blank string {node.value!r} to {new!r}", lambda: ast.Constant(new))
            if replaced is not None:
                return ast.copy_location(replaced, node)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for position, operator in enumerate(node.ops):
            for table in (_COMPARE_FLIP, _COMPARE_BOUNDARY):
                new_type = table.get(type(operator))
                if new_type is None:
                    continue
                text = f"comparison `{_SYMBOL[type(operator)]}` to `{_SYMBOL[new_type]}`"
                if self._offer(node, text, ast.Pass) is not None:
                    node.ops[position] = new_type()
                    return node
        return node

    def _negate_test(self, node: ast.If | ast.While | ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        if self._offer(node, f"negate condition `{ast.unparse(node.test)}`", ast.Pass) is not None:
            node.test = ast.UnaryOp(ast.Not(), node.test)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        return self._negate_test(node)

    def visit_While(self, node: ast.While) -> ast.AST:
        return self._negate_test(node)

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        return self._negate_test(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        if self._offer(node, f"swap `{old}` to `{new}`", ast.Pass) is not None:
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            replaced = self._offer(node, f"drop `not` in `{ast.unparse(node)}`", lambda: node.operand)
            if replaced is not None:
                return replaced
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None):
            return node
        constants: tuple[bool | None, ...] = (True, False) if self._returns_bool and self._returns_bool[-1] else (None,)
        for constant in constants:
            if constant is not None and isinstance(node.value, ast.Constant) and node.value.value is constant:
                continue
            text = f"return {constant} instead of `{ast.unparse(node.value)}`"
            if self._offer(node, text, ast.Pass) is not None:
                node.value = ast.Constant(constant)
                return node
        return node


def _droppable(node: ast.stmt) -> bool:
    """Statements inside a function whose removal is a meaningful mutant (returns have their own operator)."""
    return not isinstance(
        node,
        ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Return | ast.Pass | ast.Import | ast.ImportFrom,
    )


def list_mutants(module: str) -> list[Mutant]:
    mutator = Mutator()
    mutator.visit(ast.parse((REPO / module).read_text(encoding="utf-8")))
    return [Mutant(module, index, line, text) for index, (line, text) in enumerate(mutator.found)]


def mutated_source(mutant: Mutant) -> tuple[str, str]:
    """The mutated module's source and its diff against the unmutated source (both through ast.unparse)."""
    source = (REPO / mutant.module).read_text(encoding="utf-8")
    mutator = Mutator(mutant.index)
    tree = mutator.visit(ast.parse(source))
    if tree is None or not mutator.applied:
        raise RuntimeError(f"mutant {mutant.index} of {mutant.module} was not applied")
    before, after = ast.unparse(ast.parse(source)), ast.unparse(ast.fix_missing_locations(tree))
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), mutant.module, "mutant", n=1, lineterm="")
    return after + "\n", "\n".join(diff)


def make_workspace(number: int) -> Path:
    """A copy of the repository's files (tracked and new, not ignored) where mutants are written."""
    workspace = WORK / f"workspace-{number}"
    if workspace.exists():
        shutil.rmtree(workspace)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (workspace / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, workspace / name)
        elif source.is_symlink():
            (workspace / name).parent.mkdir(parents=True, exist_ok=True)
            (workspace / name).symlink_to(source.readlink())
    return workspace


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """A pytest hook (pytest loads this file with `-p mutation`): run the tests in MUTATION_TEST_ORDER's order."""
    order = os.environ.get("MUTATION_TEST_ORDER", "").split("\n")

    def rank(item: Any) -> int:
        nodeid = str(item.nodeid)
        matches = [(len(entry), position) for position, entry in enumerate(order) if _covers(entry, nodeid)]
        return max(matches)[1] if matches else len(order)

    items.sort(key=rank)


def _covers(entry: str, nodeid: str) -> bool:
    return nodeid == entry or nodeid.startswith((entry + "::", entry + "["))


def run_tests(workspace: Path, tests: tuple[str, ...], timeout: float) -> tuple[str, float]:
    """'killed' (tests failed), 'survived' (they passed) or 'timeout', and the seconds taken."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join((str(workspace), str(workspace / "benchmarks"))),
        "PYTHONDONTWRITEBYTECODE": "1",
        "MUTATION_TEST_ORDER": "\n".join(tests),
    }
    present = [test for test in tests if (workspace / test.partition("::")[0]).exists()]
    existing = [test for test in present if not any(_covers(other, test) for other in present if other != test)]
    command = [sys.executable, "-m", "pytest", *PYTEST_ARGS, f"--basetemp={workspace / '.pytest-tmp'}", *existing]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=workspace, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # pytest and any build or preview it started
        process.wait()
        return "timeout", time.perf_counter() - started
    return ("survived" if code == 0 else "killed"), time.perf_counter() - started


def install(workspace: Path, module: str, text: str) -> None:
    path = workspace / module
    path.write_text(text, encoding="utf-8")
    shutil.rmtree(path.parent / "__pycache__", ignore_errors=True)  # never a stale compiled copy


def check_setup(workspace: Path, module: str, tests: tuple[str, ...]) -> float:
    """Seconds for the unmutated tests; exits if they fail, or if a module that cannot import is not noticed."""
    probe = subprocess.run(
        [sys.executable, "-c", f"import {module[:-3].replace('/', '.')} as m; print(m.__file__)"],
        cwd=workspace,
        env={**os.environ, "PYTHONPATH": str(workspace)},
        capture_output=True,
        text=True,
        check=False,
    )
    if not probe.stdout.strip().startswith(str(workspace)):
        raise SystemExit(f"{module}: the copy imports {probe.stdout.strip() or probe.stderr.strip()}, not itself")
    original = (REPO / module).read_text(encoding="utf-8")
    status, seconds = run_tests(workspace, tests, timeout=600)
    if status != "survived":
        raise SystemExit(f"{module}: its tests fail without any mutant ({' '.join(tests)}); fix them first")
    # The canary runs the first test file only: for the writer it imports nothing itself, so only the build
    # subprocess can notice, which proves that the subprocess runs the mutated copy.
    install(workspace, module, original + CANARY)
    try:
        canary, _ = run_tests(workspace, tests[:1], timeout=600)
    finally:
        install(workspace, module, original)
    if canary != "killed":
        raise SystemExit(f"{module}: a module that cannot import went unnoticed by {tests[0]}; the setup is wrong")
    return seconds


def run_module(
    module: str, workspaces: queue.Queue[Path], jobs: int, deadline: float
) -> tuple[list[Outcome], float, float]:
    tests = MODULES[module]
    workspace = workspaces.get()
    try:
        baseline = check_setup(workspace, module, tests)
    finally:
        workspaces.put(workspace)
    timeout = 3 * baseline + 10
    original = (REPO / module).read_text(encoding="utf-8")

    def one(mutant: Mutant) -> Outcome:
        text, diff = mutated_source(mutant)
        if time.monotonic() > deadline:
            return Outcome(mutant, "not run", 0.0, diff)
        workspace = workspaces.get()
        try:
            install(workspace, module, text)
            status, seconds = run_tests(workspace, tests, timeout)
        finally:
            install(workspace, module, original)
            workspaces.put(workspace)
        print(f"  {status:8} {module}:{mutant.line} {mutant.description}", flush=True)
        return Outcome(mutant, status, seconds, diff)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(one, list_mutants(module)))
    return outcomes, baseline, timeout


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    return {
        status: sum(o.status == status for o in outcomes) for status in ("killed", "survived", "timeout", "not run")
    }


def survivors_text(outcomes: list[Outcome]) -> Iterator[str]:
    for outcome in outcomes:
        if outcome.status == "survived":
            yield f"{outcome.mutant.module}:{outcome.mutant.line} #{outcome.mutant.index}: {outcome.mutant.description}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", action="append", choices=list(MODULES), help="only these modules (repeatable)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="mutants tested at once")
    parser.add_argument("--budget", type=float, default=1200, help="start no mutant after this many seconds")
    args = parser.parse_args()
    modules = args.module or list(MODULES)
    started = time.monotonic()
    deadline = started + args.budget
    WORK.mkdir(parents=True, exist_ok=True)
    workspaces: queue.Queue[Path] = queue.Queue()
    for number in range(args.jobs):
        workspaces.put(make_workspace(number))
    rows, everything = [], []
    for module in modules:
        print(f"{module}: tests {' '.join(MODULES[module])}", flush=True)
        outcomes, baseline, timeout = run_module(module, workspaces, args.jobs, deadline)
        everything.extend(outcomes)
        found = counts(outcomes)
        tested = found["killed"] + found["survived"] + found["timeout"]
        score = f"{(found['killed'] + found['timeout']) / tested:.0%}" if tested else "-"
        rows.append(
            f"| `{module}` | {len(outcomes)} | {found['killed']} | {found['survived']} | {found['timeout']} | "
            f"{found['not run']} | {score} | {baseline:.1f} s / {timeout:.0f} s |"
        )
    elapsed = time.monotonic() - started
    print()
    for outcome in everything:
        if outcome.status == "survived":
            print(
                f"SURVIVED {outcome.mutant.module}:{outcome.mutant.line} #{outcome.mutant.index} "
                f"{outcome.mutant.description}\n{outcome.diff}\n"
            )
    table = [
        "| Module | Mutants | Killed | Survived | Timeout | Not run | Score | Tests unmutated / timeout |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        *rows,
    ]
    print("\n".join(table))
    print(f"\n{elapsed / 60:.1f} minutes with {args.jobs} jobs")
    if args.module:
        return 0
    survivors = list(survivors_text(everything))
    listing = "\n".join(f"- `{line}`" for line in survivors) or "None."
    tests_used = "\n".join(f"- `{module}`: {', '.join(f'`{t}`' for t in MODULES[module])}" for module in MODULES)
    report.update_section(
        "Mutation testing",
        "Command: `python benchmarks/mutation.py` (or `make mutation`): one mutant at a time (flipped comparison, "
        "negated condition, and/or swapped, `not` dropped, constant returned, statement dropped, string blanked) "
        "written into a copy of the repository, then the module's tests with a fixed Hypothesis seed; score = "
        f"killed or timed out / tested. {elapsed / 60:.1f} minutes with {args.jobs} jobs, budget "
        f"{args.budget / 60:.0f} minutes.\n\n"
        + "\n".join(table)
        + "\n\nTests per module:\n\n"
        + tests_used
        + "\n\nSurviving mutants (`python benchmarks/mutation.py --module <file>` prints each diff):\n\n"
        + listing,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
