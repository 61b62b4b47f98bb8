"""The strict YAML reader on its own: strings stay strings, lines are file lines, dangerous features refused."""

from __future__ import annotations

import pytest

from sitegen.read.yaml_tree import Mapping, Scalar, Sequence, YamlError, parse


def test_values_stay_the_strings_editors_typed() -> None:
    root = parse("reviewed: no\nversion: 1.10\ntime: 12:30:00\ncode: 0777\ncountry: NO\nwhen: 2025-01-01\n")
    assert isinstance(root, Mapping)
    values = {key.value: value.value for key, value in root.items if isinstance(value, Scalar)}
    assert values == {
        "reviewed": "no",
        "version": "1.10",
        "time": "12:30:00",
        "code": "0777",
        "country": "NO",
        "when": "2025-01-01",
    }


def test_lines_are_counted_from_the_given_first_line() -> None:
    root = parse("a: 1\nb:\n  - x\n  - y\n", first_line=2)
    assert isinstance(root, Mapping)
    (_, a), (b_key, b) = root.items
    assert isinstance(a, Scalar) and a.line == 2
    assert b_key.line == 3
    assert isinstance(b, Sequence) and [item.line for item in b.items] == [4, 5]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\na: 2\n", 3, "duplicate key 'a' (first on line 2)"),
        ("a: &x 1\nb: *x\n", 2, "anchors and aliases (& and *) are not allowed"),
        (
            "a: !!python/name:os.system\n",
            2,
            "YAML tags such as 'tag:yaml.org,2002:python/name:os.system' are not allowed",
        ),
        ("a: !custom x\n", 2, "YAML tags such as '!custom' are not allowed"),
        ("a: [1\n", 2, "a list that opens with '[' is not closed"),
        ("a: 1\n---\nb: 2\n", 3, "more than one YAML document"),
    ],
)
def test_refused_yaml(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse(text, first_line=2)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(YamlError, match="anchors and aliases"):
        parse(bomb)


def test_empty_document_is_none() -> None:
    assert parse("") is None
    assert parse("# only a comment\n") is None
