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
    subdivision_code,
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
        # pycountry's names, official and common names, codes; names in the languages read.
        ("Australia", "AU"),
        ("AUS", "AU"),
        ("Australie", "AU"),
        ("Australien", "AU"),
        ("Deutschland", "DE"),
        ("Bundesrepublik Deutschland", "DE"),
        ("Federal Republic of Germany", "DE"),
        ("España", "ES"),
        ("ESPAÑA", "ES"),
        ("Espagne", "ES"),
        ("Reino de España", "ES"),
        ("ESP", "ES"),
        ("Italia", "IT"),
        ("Italien", "IT"),
        ("Repubblica Italiana", "IT"),
        ("ITA", "IT"),
        ("Nederland", "NL"),
        ("The Netherlands", "NL"),
        ("Países Bajos", "NL"),
        ("Koninkrijk der Nederlanden", "NL"),
        ("NLD", "NL"),
        ("Holland", "NL"),
        ("Österreich", "AT"),
        ("Schweiz", "CH"),
        ("Svizzera", "CH"),
        ("Suisse", "CH"),
        ("België", "BE"),
        ("Kanada", "CA"),
        ("CAN", "CA"),
        ("Portugal", "PT"),
        ("Estados Unidos", "US"),
        ("Vereinigtes Königreich", "GB"),
        ("Reino Unido", "GB"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Czechia", "CZ"),
        ("Türkiye", "TR"),
        ("Viet Nam", "VN"),
    ],
)
def test_country_code(raw: str, expected: str) -> None:
    assert country_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "N/A", "unknown", "Narnia", "-", "Aust."],  # Australia or Austria
)
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
        ("1067", "DE", "01067"),  # Dresden: its leading zero lost to a spreadsheet
        ("D-10115", "DE", "10115"),  # the old plate-letter prefix
        ("10115 Berlin", "DE", None),
        ("2000", "AU", "2000"),
        ("800", "AU", "0800"),  # Darwin (NT): 08xx codes lose their zero
        ("0800", "AU", "0800"),
        ("100", "AU", None),  # no Australian code starts 01
        ("20000", "AU", None),
        ("28001", "ES", "28001"),
        ("8001", "ES", "08001"),  # Barcelona
        ("E-28001", "ES", "28001"),
        ("60001", "ES", None),  # the first two digits are a province, 01 to 52
        ("00184", "IT", "00184"),  # Rome
        ("184", "IT", "00184"),
        ("20121", "IT", "20121"),
        ("1234ab", "NL", "1234 AB"),
        ("1234 AB", "NL", "1234 AB"),
        ("NL-1234 AB", "NL", "1234 AB"),
        ("1234", "NL", "1234"),  # the digits alone are a real (coarser) Dutch code
        ("0123 AB", "NL", None),
        ("1010", "AT", "1010"),
        ("A-1010", "AT", "1010"),
        ("8001", "CH", "8001"),
        ("150", "NO", "0150"),  # Oslo
        ("11455", "SE", "114 55"),
        ("00950", "PL", "00-950"),
        ("1000001", "PT", "1000-001"),
        ("F-75011", "FR", "75011"),
        ("m5v2t6", "CA", "M5V 2T6"),
        # No rule for these countries: the code as given, never a guessed shape, never None.
        ("D02 X285", "IE", "D02 X285"),
        ("100-0001", "JP", "100-0001"),
        ("01310-100", "BR", "01310-100"),
        ("sw1a 1aa", "IE", "SW1A 1AA"),
        ("1234", "ZZ", "1234"),
        (" 12-345 ", "XK", "12-345"),
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
        ("2000", "NSW", "AU"),
        ("2000", "New South Wales", "AU"),
        ("3000", "Vic", "AU"),
        ("4000", "QLD", "AU"),
        ("7000", "tas", "AU"),
        ("2600", "ACT", "AU"),
        ("5000", "SA", "AU"),
        ("6000", "Western Australia", "AU"),
        ("800", "NT", "AU"),  # Darwin, 0800, with its zero lost
        ("0800", "Northern Territory", "AU"),
        ("800", "NSW", None),  # only NT and ACT codes start with 0
        ("20000", "NSW", None),  # five digits are no Australian code
        ("6000", "WA", None),  # Perth, or a Washington ZIP that lost a zero: we do not guess
        ("98101", "WA", "US"),  # five digits: no Australian code
        ("2000", "CA", "US"),  # California (a ZIP that lost its zero), never Canada
        ("M5V 2T6", "Ontario", "CA"),
        ("H2X 1Y4", "QC", "CA"),
        ("10115", "Berlin", None),
        ("28001", "Madrid", None),
        ("1234 AB", None, None),
    ],
)
def test_region_from_postcode(
    postcode: str | None, state: str | None, expected: str | None
) -> None:
    assert region_from_postcode(postcode, state) == expected


def test_is_us_state() -> None:
    assert is_us_state("IL") and is_us_state("new york") and is_us_state("District of Columbia")
    assert not is_us_state("Bretagne") and not is_us_state(None)
    assert is_us_state("NC") and is_us_state("Virgin Islands") and is_us_state("PR")
    assert not is_us_state("NSW") and not is_us_state("Ontario")


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("NSW", "AU", "NSW"),
        ("n.s.w.", "AU", "NSW"),
        ("Victoria", "AU", "VIC"),
        ("WA", "AU", "WA"),
        ("WA", "US", "WA"),
        ("Washington", "US", "WA"),
        ("Québec", "CA", "QC"),
        ("Quebec", "CA", "QC"),
        ("british columbia", "CA", "BC"),
        ("Bayern", "DE", "BY"),
        ("NSW", "US", None),
        ("California", "CA", None),
        ("", "AU", None),
        (None, "AU", None),
    ],
)
def test_subdivision_code(text: str | None, country: str, expected: str | None) -> None:
    assert subdivision_code(text, country) == expected


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
