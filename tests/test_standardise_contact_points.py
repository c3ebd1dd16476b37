"""Emails and phones: validation, normalisation and the fast paths that must not change results."""

from __future__ import annotations

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from identity.standardise import (
    email_match_parts,
    normalise_email,
    normalise_phone,
    parse_phone_key,
    phone_key,
)
from identity.standardise.contact_points import _region_if_valid, _validated

FR = ("+33612345678", "612345678")
GB = ("+447400123456", "7400123456")
US = ("+13125550199", "3125550199")
NONE = (None, None)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("06 12 34 56 78", "FR", FR),
        ("06.12.34.56.78", "FR", FR),
        ("+33 6 12 34 56 78", "US", FR),
        ("+33 (0)6 12 34 56 78", None, FR),
        ("0033612345678", "FR", FR),
        ("0033612345678", "US", FR),  # "00" read as the international prefix
        ("33612345678", "US", FR),  # the "+" lost in a spreadsheet
        ("07400 123456", "GB", GB),
        ("+44 7400 123456", "US", GB),
        ("+44 (0)7400 123456", None, GB),
        ("(312) 555-0199", "US", US),
        ("312.555.0199", "US", US),
        ("312-555-0199", "US", US),
        ("+1 312 555 0199 x12", "US", US),  # extension dropped
        ("312-555-0199 ext. 7", "US", US),
        ("1 (312) 555-0199", "US", US),
        ("+13125550199", "FR", US),
        # Ofcom's drama range: phonenumbers does not hold them valid, so neither do we.
        ("07700 900123", "GB", NONE),
        ("+44 7700 900123", "US", NONE),
        ("06 12 34 56 78", "US", NONE),  # a French national number read in the US
        ("0000000000", "US", NONE),
        ("1234567890", "US", NONE),
        ("+1 111 111 1111", "US", NONE),
        ("123", "US", NONE),
        ("call me", "US", NONE),
        ("N/A", "FR", NONE),
        ("", "FR", NONE),
        (None, "FR", NONE),
    ],
)
def test_normalise_phone(
    raw: str | None, region: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert normalise_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("04 1234 5678", "AU", ("+61412345678", "412345678")),
        ("0412 345 678", "AU", ("+61412345678", "412345678")),
        ("(02) 9876 5432", "AU", ("+61298765432", "298765432")),
        ("+61 (0)2 9876 5432", "US", ("+61298765432", "298765432")),
        ("030 1234567", "DE", ("+49301234567", "301234567")),
        ("0151 23456789", "DE", ("+4915123456789", "15123456789")),
        ("089 / 1234 5678", "DE", ("+498912345678", "8912345678")),
        ("612 34 56 78", "ES", ("+34612345678", "612345678")),
        ("91 123 45 67", "ES", ("+34911234567", "911234567")),
        ("(416) 555-0199", "CA", ("+14165550199", "4165550199")),
        ("1-604-555-0199", "CA", ("+16045550199", "6045550199")),
        ("06 1234 5678", "IT", ("+390612345678", "0612345678")),  # Italian leading zero kept
        ("347 123 4567", "IT", ("+393471234567", "3471234567")),
        ("020 123 4567", "NL", ("+31201234567", "201234567")),
        ("06 12345678", "NL", ("+31612345678", "612345678")),
        ("0664 1234567", "AT", ("+436641234567", "6641234567")),
        ("044 123 45 67", "CH", ("+41441234567", "441234567")),
        # The same national numbers read in the default (US) region are not valid.
        ("04 1234 5678", "US", NONE),
        ("612 34 56 78", "US", NONE),
        ("030 1234567", "US", NONE),
    ],
)
def test_normalise_phone_in_the_records_country(
    raw: str, region: str, expected: tuple[str | None, str | None]
) -> None:
    assert normalise_phone(raw, region) == expected


def test_phone_key_shares_formats_and_drops_extensions() -> None:
    assert phone_key("(312) 555-0199 x12") == phone_key("312.555.0199") == "3125550199"
    assert phone_key("+33 6 12 34 56 78") == "+33612345678"
    assert phone_key("1-800-FLOWERS") == "1-800-FLOWERS"  # letters: left to phonenumbers
    assert phone_key("0000000000") is None


def test_parse_phone_key_reports_region() -> None:
    parsed = parse_phone_key("+447911123456", None)
    assert parsed is not None and parsed.region == "GG"  # phonenumbers' own attribution
    parsed = parse_phone_key("4165550199", "CA")
    assert parsed is not None and (parsed.e164, parsed.region) == ("+14165550199", "CA")
    assert parse_phone_key("0612345678", "XX") is None  # unknown region: national is unreadable


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([1, 7, 33, 39, 44, 47, 61, 212, 262, 358, 590, 599]),
    st.integers(min_value=10**5, max_value=10**11),
)
def test_region_shortcut_matches_is_valid_number(country_code: int, national: int) -> None:
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=national)
    expected = (
        phonenumbers.region_code_for_number(number)
        if phonenumbers.is_valid_number(number)
        else None
    )
    assert _region_if_valid(number) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jean.Dupont@Example.FR", "jean.dupont@example.fr"),
        ("  john@gmail.com ", "john@gmail.com"),
        ("JOHN.DOE+SHOP@GMAIL.COM", "john.doe+shop@gmail.com"),
        ("o'neil@yahoo.co.uk", "o'neil@yahoo.co.uk"),
        ("mailto:JOHN@gmail.com", "john@gmail.com"),
        ("hélène@exämple.fr", "hélène@exämple.fr"),
        ("jean@xn--exmple-cua.fr", "jean@exämple.fr"),
    ],
)
def test_normalise_email_valid(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "john@",
        "@gmail.com",
        "john@@gmail.com",
        "john gmail.com",
        "john@gmail",
        "john..doe@gmail.com",
        ".john@gmail.com",
        "john@localhost",
        "john@foo.test",  # special-use domain
        "john@-bad-.com",
        '"john doe"@gmail.com',
        "Jean <jean@gmail.com>",
        "a" * 60 + "@" + "b" * 60 + ".com" * 50,  # over 254 characters
        None,
        "",
    ],
)
def test_normalise_email_invalid(raw: str | None) -> None:
    assert normalise_email(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "test@test.com",
        "TEST@EXAMPLE.COM",
        "test@example.com",
        "noemail@shop.com",
        "no-email@boutique.fr",
        "none@none.com",
        "unknown@gmail.com",
        "N/A",
    ],
)
def test_normalise_email_placeholders(raw: str) -> None:
    assert normalise_email(raw) is None


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("j.ohn.doe+shop@gmail.com", ("johndoe", "gmail.com")),
        ("j.doe+x@googlemail.com", ("jdoe", "gmail.com")),
        ("j.doe+x@yahoo.fr", ("j.doe", "yahoo.fr")),
        ("jean@orange.fr", ("jean", "orange.fr")),
    ],
)
def test_email_match_parts(address: str, expected: tuple[str, str]) -> None:
    assert email_match_parts(address) == expected


def _library_answer(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab9.-_+'!@", min_size=1, max_size=12),
    st.sampled_from(["", "@gmail.com", "@a.b", "@x-.fr", "@ex..com", "@foo.test", "@123.456"]),
)
def test_email_fast_path_agrees_with_email_validator(local: str, domain: str) -> None:
    address = local + domain
    assert _validated(address) == _library_answer(address)
