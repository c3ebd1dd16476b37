"""The one placeholder list: every entry means missing, real values never do."""

from __future__ import annotations

import pytest

from identity.standardise import is_placeholder
from identity.standardise.placeholders import PLACEHOLDER_VALUES

SPEC_EXAMPLES = [
    "test@test.com",
    "test@example.com",
    "noemail@shop.com",
    "noemail@gmail.com",
    "none@none.com",
    "0000000000",
    "1234567890",
    "N/A",
    "NA",
    "n/a",
    "none",
    "None",
    "null",
    "NULL",
    "unknown",
    "Unknown",
    "-",
    "?",
    "xxx",
    "XXX",
    "test",
    "Test",
    " n/a ",
    "",
    "   ",
    "00000",
    "000-000-0000",
    "(111) 111-1111",
    "0000-00-00",
    "non renseigné",
    "Inconnu",
]


@pytest.mark.parametrize("value", SPEC_EXAMPLES)
def test_spec_placeholders_are_missing(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", sorted(PLACEHOLDER_VALUES))
def test_every_listed_placeholder_is_missing(value: str) -> None:
    assert is_placeholder(value)
    assert is_placeholder(value.upper())


def test_none_is_missing() -> None:
    assert is_placeholder(None)


@pytest.mark.parametrize(
    "value",
    [
        "Hélène",
        "Na Li",
        "jean@gmail.com",
        "tester@gmail.com",
        "0612345678",
        "75011",
        "SW1A 1AA",
        "12345",  # a real ZIP (Schenectady)
        "1974-08-14",
        "Paris",
        "Nancy",
        "X Æ A-12",
    ],
)
def test_real_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)
