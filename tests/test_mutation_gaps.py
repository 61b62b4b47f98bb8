"""Behaviour that surviving mutants of benchmarks/mutation.py showed no other test pinned down.

Each test names the mutant it kills; see the "Mutation testing" section of BENCHMARKS.md.
"""

from __future__ import annotations

from pathlib import Path

from sitegen.render.markdown import BodyRenderer, RenderedBody
from tests.sample_site import run_build


def render(body: str, base_path: str = "/") -> str:
    result = BodyRenderer(base_path).render(body, {}, "a.md", 5)
    assert isinstance(result, RenderedBody)
    return result.html


def test_text_attributes_with_a_colon_are_not_treated_as_links() -> None:
    # Mutant: sanitize.py passes every attribute, not only href and src, through the URL check, which drops
    # alt and title text whose first word ends in a colon (it looks like a scheme).
    html = render(
        "*[NSAID]: Anti-inflammatory: ibuprofen or naproxen\n\nTake an NSAID.\n\n![Diagram: the wrist](/img/a.png)",
        base_path="/preview/",
    )
    assert '<abbr title="Anti-inflammatory: ibuprofen or naproxen">NSAID</abbr>' in html
    assert 'alt="Diagram: the wrist"' in html
    assert 'src="/preview/img/a.png"' in html


def test_an_output_folder_that_is_a_symbolic_link_is_refused(project: Path) -> None:
    # Mutant: writer.py without the symbolic-link check. The parametrised refusals in test_safe_output.py all
    # point the link outside the project, where another check refuses it too; this one points inside.
    real = project / "real-output"
    real.mkdir()
    (project / "_site").symlink_to(real)
    result = run_build(project, "--out", str(project / "_site"))
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"error: output folder {project / '_site'} is a symbolic link; choose a real folder\n"
    assert list(real.iterdir()) == []
