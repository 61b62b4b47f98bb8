"""Behaviour that surviving mutants of benchmarks/mutation.py showed no other test pinned down.

Each test names the mutant it kills; see the "Mutation testing" section of BENCHMARKS.md.
"""

from __future__ import annotations

from sitegen.render.markdown import BodyRenderer, RenderedBody


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
