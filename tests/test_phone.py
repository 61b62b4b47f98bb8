"""The one phone-number detector (sitegen/read/phone.py), used for care-card lines in front matter (and, once the
one-parse change lands, for article text): numbers come from site.yml so they are right in one place."""

from __future__ import annotations

import pytest

from sitegen.read.phone import PHONE_NUMBER


@pytest.mark.parametrize(
    "text",
    [
        "call 999 now",
        "ring 111 if it gets worse",
        "112 in Europe",
        "dial 911",
        "call 0300 123 4567",
        "call 0300 1234567",
        "call +44 20 7946 0958",
        "call (01632) 960 001",
        "call 020-7946-0958",
        "[ring us](tel:01632960001)",
    ],
)
def test_a_phone_number_is_found(text: str) -> None:
    assert PHONE_NUMBER.search(text), text


@pytest.mark.parametrize(
    "text",
    [
        "walk 100 metres",
        "wear it for 2-3 weeks",
        "since 2021",
        "see /page-111/ for more",
        "doi 10.1136/bmj.999",
        "ICD-10 code G56.0",
        "number999",
    ],
)
def test_counts_years_ranges_and_addresses_are_not_phone_numbers(text: str) -> None:
    assert not PHONE_NUMBER.search(text), text
