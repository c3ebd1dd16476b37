"""Countries, postcodes, streets and cities."""

from __future__ import annotations

import pytest

from identity.standardise import (
    compact_postcode,
    country_code,
    fold_city,
    fold_street,
    is_us_state,
    normalise_city,
    normalise_postcode,
    normalise_street,
    region_from_postcode,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("France", "FR"),
        (" france ", "FR"),
        ("FR", "FR"),
        ("fr", "FR"),
        ("FRA", "FR"),
        ("République française", "FR"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("GB", "GB"),
        ("GBR", "GB"),
        ("Royaume-Uni", "GB"),
        ("United States", "US"),
        ("USA", "US"),
        ("US", "US"),
        ("U.S.A.", "US"),
        ("États-Unis", "US"),
        ("Etats Unis", "US"),
        ("Germany", "DE"),
        ("Allemagne", "DE"),
        ("DEU", "DE"),
        ("Belgique", "BE"),
        ("Canada", "CA"),
    ],
)
def test_country_code(raw: str, expected: str) -> None:
    assert country_code(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "N/A", "unknown", "Narnia", "-"])
def test_country_code_unknown(raw: str | None) -> None:
    assert country_code(raw) is None


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("75011", "FR", "75011"),
        ("1000", "FR", "01000"),
        (" 01000 ", "FR", "01000"),
        ("123456", "FR", None),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("SW1A 1AA", "GB", "SW1A 1AA"),
        ("m1 1ae", "GB", "M1 1AE"),
        ("75011", "GB", None),
        ("SW1A 1AA", None, "SW1A 1AA"),
        ("2118", "US", "02118"),
        ("02118-1234", "US", "02118"),
        ("021181234", "US", "02118"),
        ("60614", "US", "60614"),
        ("ABC", "US", None),
        ("k1a0b1", "CA", "K1A 0B1"),
        ("10115", "DE", "10115"),
        ("75011", None, "75011"),
        ("1000", None, "1000"),  # no country: a lost zero cannot be told from a 4-digit code
        ("00000", "FR", None),  # placeholder
        ("N/A", "US", None),
        (None, "FR", None),
    ],
)
def test_normalise_postcode(raw: str | None, country: str | None, expected: str | None) -> None:
    assert normalise_postcode(raw, country) == expected


def test_compact_postcode() -> None:
    assert compact_postcode("SW1A 1AA") == "SW1A1AA"
    assert compact_postcode("02118-1234") == "021181234"
    assert compact_postcode(" - ") is None


@pytest.mark.parametrize(
    ("postcode", "state", "expected"),
    [
        ("SW1A 1AA", None, "GB"),
        ("sw1a1aa", "London", "GB"),
        ("K1A 0B1", None, "CA"),
        ("60614", "IL", "US"),
        ("60614", "Illinois", "US"),
        ("2118", "MA", "US"),
        ("02118-1234", "ma", "US"),
        ("75011", None, None),  # French, German or American: we do not guess
        ("75011", "Île-de-France", None),
        (None, "IL", None),
    ],
)
def test_region_from_postcode(
    postcode: str | None, state: str | None, expected: str | None
) -> None:
    assert region_from_postcode(postcode, state) == expected


def test_is_us_state() -> None:
    assert is_us_state("IL") and is_us_state("new york") and is_us_state("District of Columbia")
    assert not is_us_state("Bretagne") and not is_us_state(None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  12  Baker Street\n Flat 3 ", "12 Baker Street, Flat 3"),
        ("12 rue de la Paix\r\n\r\nBât. B", "12 rue de la Paix, Bât. B"),
        ("1 Main St,\n", "1 Main St"),
        ("N/A", None),
        (None, None),
    ],
)
def test_normalise_street(raw: str | None, expected: str | None) -> None:
    assert normalise_street(raw) == expected


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (["12 Baker Street", "12 baker st.", "12 BAKER ST"], "12 baker st"),
        (["5 Avenue Foch", "5 av. Foch", "5 ave Foch"], "5 ave foch"),
        (["10 Boulevard Haussmann", "10 bd Haussmann", "10 Blvd. Haussmann"], "10 blvd haussmann"),
        (["3 Road Lane", "3 rd ln"], "3 rd ln"),
    ],
)
def test_fold_street_unifies_spellings(variants: list[str], expected: str) -> None:
    assert {fold_street(v) for v in variants} == {expected}


def test_fold_street_keeps_rue_and_drops_punctuation() -> None:
    assert fold_street("3, Rue de l'Église") == "3 rue de leglise"
    assert fold_street("N/A") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PARIS", "Paris"),
        ("saint-étienne", "Saint-Étienne"),
        ("  New   York ", "New York"),
        ("London,", "London"),
        ("unknown", None),
        ("", None),
    ],
)
def test_normalise_city(raw: str, expected: str | None) -> None:
    assert normalise_city(raw) == expected


def test_fold_city_reads_saint_abbreviations() -> None:
    forms = ["Saint-Étienne", "St Etienne", "ST. ETIENNE", "saint etienne"]
    assert {fold_city(f) for f in forms} == {"saint etienne"}
    assert fold_city("Ste-Foy") == "sainte foy"
    assert fold_city("n/a") is None
