"""The one slugify (sitegen/read/slugs.py): `build.py new` and the importer name files the same way."""

from __future__ import annotations

from sitegen.read.slugs import slugify


def test_words_become_lower_case_ascii_joined_by_hyphens() -> None:
    assert slugify("Numb hands? Café & tingling -- at night!") == "numb-hands-cafe-tingling-at-night"


def test_a_long_slug_is_cut_at_a_hyphen_only_when_a_length_is_given() -> None:
    title = "carpal tunnel syndrome and what to do about it"
    assert slugify(title) == "carpal-tunnel-syndrome-and-what-to-do-about-it"
    assert slugify(title, max_length=20) == "carpal-tunnel"


def test_nothing_left_gives_the_fallback() -> None:
    assert slugify("???") == ""
    assert slugify("???", fallback="article") == "article"
