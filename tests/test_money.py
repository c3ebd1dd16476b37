"""The one money parser: exact amounts from every way the exports write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from identity.money import format_money, parse_money


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("13175.00", "13175.00"),
        ("$1,234.56", "1234.56"),
        ("-$0.95", "-0.95"),
        ("$-0.95", "-0.95"),
        ("0.95-", "-0.95"),
        ("(12.50)", "-12.50"),
        ("(3.00)", "-3.00"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1.234,56 €", "1234.56"),
        ("1234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("8,00", "8.00"),
        ("1,234", "1234"),
        ("1,234,567", "1234567"),
        ("1.234.567", "1234567"),
        ("€12,5", "12.5"),
        ("'12.5", "12.5"),
        ("0", "0"),
        (".95", "0.95"),
    ],
)
def test_parse_money_reads_the_amount_as_written(text: str, value: str) -> None:
    amount = parse_money(text)
    assert isinstance(amount, Decimal)
    # Equal and written alike: "8,00" keeps its cents, so sums print as the exports did.
    assert (amount, str(amount)) == (Decimal(value), value)


@pytest.mark.parametrize("text", ["", "N/A", "n/a", "abc", "12-3", "$", "1.2.3,4,5", None])
def test_parse_money_not_a_number(text: str | None) -> None:
    assert parse_money(text) is None


def test_sums_of_parsed_amounts_are_exact() -> None:
    amounts = [parse_money(text) for text in ("$0.10", "0,20", "(0.30)")]
    assert sum((a for a in amounts if a is not None), Decimal(0)) == Decimal("0.00")
    assert format_money(Decimal("7.05")) == "7.05"
    assert format_money(Decimal("-0.95") * 1) == "-0.95"
    assert format_money(Decimal("1E+3")) == "1000"
