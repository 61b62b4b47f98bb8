"""Security guide section 8, cases 19-26: front matter and encoding.

A case page (tests/test_check.py `page`) has its front matter on lines 1-16 (title 2, type 3, status 4, summary 5,
topics 6, ..., date_published 10, last_reviewed 11, next_review_due 12) and its body from line 18.
"""

from __future__ import annotations

import re
import resource

from tests.security.harness import Case, page


def test_19_yaml_tags_are_refused_and_never_run(case: Case) -> None:
    case.write("content/apply.md", page(summary='summary: !!python/object/apply:os.system ["touch pwned"]'))
    case.write("content/plain-tag.md", page(title="title: !!str Tagged"))
    case.write("content/local-tag.md", page(title="title: !custom Tagged"))
    case.build().error(
        "content/apply.md:5: YAML tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed",
        "content/local-tag.md:2: YAML tags such as '!custom' are not allowed",
        "content/plain-tag.md:2: YAML tags such as 'tag:yaml.org,2002:str' are not allowed",
    )
    assert not list(case.root.rglob("pwned"))  # run from the case folder: a relative `touch pwned` lands there


def _limit_memory() -> None:
    one_gib = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (one_gib, one_gib))


def test_20_alias_bomb_is_refused_before_expansion(case: Case) -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        levels.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    bomb = page(sources="\n".join(levels) + "\nsources:")  # lines 13-21, then sources
    case.write("content/bomb.md", bomb)
    # Expanded, the bomb is 9**9 strings: with 1 GiB of address space a build that expands it cannot finish.
    result = case.build("--jobs", "1", preexec_fn=_limit_memory)
    result.error("content/bomb.md:13: anchors and aliases (& and *) are not allowed")


def test_21_duplicate_key_names_both_lines(case: Case) -> None:
    case.write("content/twice.md", page(title="title: Case page\ntitle: Case page again"))
    (line,) = case.build().error("content/twice.md:3: duplicate key 'title'")
    assert "line 2" in line


def test_22_yaml_1_1_values_stay_the_strings_typed(case: Case) -> None:
    typed = {"norway": "NO", "answer": "no", "version": "1.10", "time": "12:30", "octal": "0777"}
    for name, value in typed.items():
        case.write(f"content/{name}.md", page(title=f"title: {value}"))
    case.build().built()
    for name, value in typed.items():
        html = (case.site / name / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{value}</h1>" in html, name
        assert f"<title>{value} " in html, name
    for wrong in ("False", "1.1<", "750", "45000", "511"):
        assert not any(wrong in (case.site / name / "index.html").read_text() for name in typed), wrong


def test_22_yaml_1_1_values_in_unknown_keys_and_status_are_rejected_by_the_schema(case: Case) -> None:
    extra = "reviewed: no\nversion: 1.10\ntime: 12:30\ncode: 0777\ncountry: NO"
    case.write("content/odd.md", page(status=f"status: no\n{extra}"))
    case.build().error(
        "content/odd.md:4: status: 'no' is not allowed",
        "content/odd.md:5: reviewed: unknown field",
        "content/odd.md:6: version: unknown field",
        "content/odd.md:7: time: unknown field",
        "content/odd.md:8: code: unknown field",
        "content/odd.md:9: country: unknown field",
    )


def test_23_impossible_dates_are_named_at_their_lines(case: Case) -> None:
    case.write(
        "content/dates.md",
        page(
            date_published="date_published: 2024-02-30",
            last_reviewed="last_reviewed: 0000-00-00",
            next_review_due="next_review_due: 2024-13-01",
        ),
    )
    case.build().error(
        "content/dates.md:10: date_published: '2024-02-30' is not a valid date (YYYY-MM-DD)",
        "content/dates.md:11: last_reviewed: '0000-00-00' is not a valid date (YYYY-MM-DD)",
        "content/dates.md:12: next_review_due: '2024-13-01' is not a valid date (YYYY-MM-DD)",
    )


def test_24_malformed_yaml_is_reported_at_the_file_line(case: Case) -> None:
    case.write("content/tab.md", page(topics="topics:\n\t- hands"))  # the tab is on file line 7
    case.write("content/bracket.md", page(topics="topics: [hands"))  # never closed: line 6
    # Reported where the bracket opens (PyYAML notices it only on the next line).
    problems = case.build().error("content/bracket.md:6: ", "content/tab.md:7: ")
    assert "tab" in problems[1]


def test_25_broken_front_matter_shapes_each_get_their_own_line(case: Case) -> None:
    case.write("content/a-unclosed.md", page().replace("\n---\n", "\n", 1))
    case.write("content/b-empty.md", "---\n---\n\nText.\n")
    case.write("content/c-list.md", "---\n- title\n- type\n---\n\nText.\n")
    case.write("content/d-scalar.md", "---\njust a sentence\n---\n\nText.\n")
    case.write("content/e-missing.md", page(title="medical_name: Case page"))
    case.write("content/f-wrong-type.md", page(topics="topics: {hands: yes}"))
    case.write("content/g-unknown.md", page(title="title: Case page\ncolour: blue"))
    problems = case.build().error(
        "content/a-unclosed.md:1: front matter is not closed",
        "content/b-empty.md:1: front matter is empty",
        "content/c-list.md:2: front matter must be 'name: value' fields",
        "content/d-scalar.md:2: front matter must be 'name: value' fields",
        "content/e-missing.md:",
        "content/f-wrong-type.md:6: topics: must be a list",
        "content/g-unknown.md:3: colour: unknown field",
    )
    assert any(re.match(r"content/e-missing\.md:\d+: title: is required", line) for line in problems), problems


def test_26_bom_and_crlf_build_normally(case: Case) -> None:
    text = page(title="title: Windows file")
    case.write("content/windows.md", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    case.build().built()
    html = (case.site / "windows" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Windows file</h1>" in html
    assert "\r" not in html and "\ufeff" not in html


def test_26_bytes_that_are_not_utf8_are_named_with_their_offset(case: Case) -> None:
    case.write("content/latin1.md", page(title="title: Caf\xe9").encode("latin-1"))
    case.write("content/nul.md", page(title="title: Nul\x00").encode())
    case.write("content/utf16.md", page().encode("utf-16"))
    case.build().error(
        "content/latin1.md:2: is not valid UTF-8 at byte 14",
        "content/nul.md:2: contains a NUL byte",
        "content/utf16.md:1: is not valid UTF-8 at byte 0",
    )


def test_26_bidi_controls_and_zero_width_characters_are_flagged_by_check(clean: Case) -> None:
    body = "Hands can ache after a long\u200b day of typing.[^a] Short breaks help them recover.[^b]"
    clean.write("content/case.md", page(body + "\n\n## Rest\u2067 often\n", title="title: Case \u202epage"))
    problems = clean.check().checked(1)
    flagged = {
        int(match[1]): match[2] for line in problems if (match := re.match(r"content/case\.md:(\d+):\d+: (\w+)", line))
    }
    assert flagged.get(2) == "error", problems  # the title (line 2, with its column)
    assert flagged.get(20) == "error", problems  # the heading
    assert 18 in flagged, problems  # the zero-width space in body text
