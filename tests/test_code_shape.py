"""Small functions (issue 15): no function or method in sitegen/ above cyclomatic complexity 15, as radon counts it.

A function that branches more than that is split into steps with names. There is no allow-list."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from radon.complexity import add_inner_blocks, cc_visit
from radon.visitors import Function

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
MAX_COMPLEXITY = 15


@cache
def complexities(package: Path) -> dict[str, int]:
    """`file:function` (methods as Class.method, closures by their own name) -> radon's cyclomatic complexity."""
    found: dict[str, int] = {}
    for path in sorted(package.rglob("*.py")):
        shown = path.relative_to(package.parent).as_posix()
        for block in add_inner_blocks(cc_visit(path.read_text(encoding="utf-8"))):
            if isinstance(block, Function):
                found[f"{shown}:{block.fullname}"] = block.complexity
    return found


def test_no_function_is_above_the_complexity_limit() -> None:
    found = complexities(PACKAGE)
    too_complex = {name: cc for name, cc in found.items() if cc > MAX_COMPLEXITY}
    assert not too_complex, "split these into named steps (complexity above 15): " + ", ".join(
        f"{name} ({cc})" for name, cc in sorted(too_complex.items())
    )


def test_the_measure_sees_a_function_above_the_limit(tmp_path: Path) -> None:
    branches = "\n".join(f"    if x == {n}:\n        return {n}" for n in range(MAX_COMPLEXITY))
    module = tmp_path / "sitegen" / "branchy.py"
    module.parent.mkdir()
    module.write_text(f"def branchy(x: int) -> int:\n{branches}\n    return -1\n", encoding="utf-8")
    assert complexities(module.parent) == {"sitegen/branchy.py:branchy": MAX_COMPLEXITY + 1}
