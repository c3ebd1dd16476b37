"""Countries, postcodes, streets and cities: display forms and folded matching keys."""

from __future__ import annotations

import re
from functools import lru_cache

from phonenumbers.geodata.locale import LOCALE_DATA
from unidecode import unidecode

from identity.standardise.names import fix_case
from identity.standardise.placeholders import is_placeholder

# What phonenumbers' and Faker's country tables do not say: everyday names and abbreviations.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "grande bretagne": "GB",
    "angleterre": "GB",
    "ecosse": "GB",
    "pays de galles": "GB",
    "irlande du nord": "GB",
    "usa": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
    "etats unis d amerique": "US",
    "amerique": "US",
    "republique francaise": "FR",
    "france metropolitaine": "FR",
    "holland": "NL",
}

# US states, DC and territories (USPS codes and names): a state next to a 5-digit postcode is
# what tells a US ZIP from a French or German one.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip

# Street words written several ways, each mapped to one spelling (the usual abbreviation).
STREET_WORDS: dict[str, str] = {
    "street": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "boulevard": "blvd",
    "bd": "blvd",
    "bld": "blvd",
    "boul": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "highway": "hwy",
    "parkway": "pkwy",
    "apartment": "apt",
    "appartement": "apt",
    "suite": "ste",
    "chemin": "ch",
    "route": "rte",
    "impasse": "imp",
}

# City words abbreviated in addresses: "St Etienne" and "Saint-Étienne" are one city.
CITY_WORDS: dict[str, str] = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}

_GB_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
_CA_POSTCODE = re.compile(r"^[A-Z]\d[A-Z]\d[A-Z]\d$")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_SPACES = re.compile(r"\s+")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_VANISHING = re.compile(r"['.`´]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_REPEATED_COMMAS = re.compile(r",(\s*,)+")
_EDGE = " \t,;.-/"


def fold_text(text: str) -> str:
    """ASCII lower case, apostrophes and dots dropped, other separators as single spaces."""
    folded = _VANISHING.sub("", unidecode(text).lower())
    return _SEPARATORS.sub(" ", folded).strip()


def _locale_name(region: str, language: str) -> str:
    # phonenumbers stores "*xx" when the name is the same as in language xx.
    names = LOCALE_DATA.get(region, {})
    name = names.get(language, "")
    return names.get(name[1:], "") if name.startswith("*") else name


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    # Faker ships ISO alpha-3 codes; imported here only, as its import takes a moment.
    from faker.providers.date_time import Provider

    lookup: dict[str, str] = {}
    for region in sorted(LOCALE_DATA):
        for language in ("en", "fr"):
            name = _locale_name(region, language)
            if name:
                lookup.setdefault(fold_text(name), region)
    for country in Provider.countries:
        lookup.setdefault(fold_text(country.name), country.alpha_2_code)
        lookup.setdefault(country.alpha_3_code.lower(), country.alpha_2_code)
    for region in LOCALE_DATA:
        lookup[region.lower()] = region
    lookup.update(COUNTRY_ALIASES)
    return lookup


def country_code(text: str | None) -> str | None:
    """Return the ISO 3166 alpha-2 code of a country written as a name or a code.

    Args:
        text: ``"France"``, ``"FRA"``, ``"fr"``, ``"United Kingdom"``, ``"UK"``, ``"England"``,
            ``"U.S.A."``, ``"Royaume-Uni"``, ``"États-Unis"``...

    Returns:
        ``"FR"``, ``"GB"``, ``"US"``...; None when missing or not recognised. Names come from
        phonenumbers' region names in English and French, alpha-3 codes from Faker.
    """
    if text is None or is_placeholder(text):
        return None
    return _country_lookup().get(fold_text(text))


@lru_cache(maxsize=1)
def _us_state_keys() -> frozenset[str]:
    return frozenset(
        [code.lower() for code in US_STATES] + [fold_text(name) for name in US_STATES.values()]
    )


def is_us_state(text: str | None) -> bool:
    """Tell whether a value is a US state (or DC, or a territory) code or name."""
    return text is not None and fold_text(text) in _us_state_keys()


def compact_postcode(text: str | None) -> str | None:
    """Upper-case letters and digits only: the postcode matching key (``"SW1A1AA"``)."""
    if text is None or is_placeholder(text):
        return None
    return _NOT_ALNUM.sub("", unidecode(text).upper()) or None


def region_from_postcode(text: str | None, state: str | None) -> str | None:
    """Guess a country from a postcode's shape, only where the shape leaves no doubt.

    Args:
        text: Postcode as exported.
        state: State or province as exported, if any.

    Returns:
        ``"GB"`` for a UK postcode, ``"CA"`` for a Canadian one, ``"US"`` for 3 to 5 digits
        (or a ZIP+4) next to a US state; None otherwise: five digits alone could be French,
        German, Italian or an American ZIP.
    """
    code = compact_postcode(text)
    if code is None:
        return None
    if _GB_POSTCODE.match(code):
        return "GB"
    if _CA_POSTCODE.match(code):
        return "CA"
    if code.isdigit() and len(code) in (3, 4, 5, 8, 9) and is_us_state(state):
        return "US"
    return None


def normalise_postcode(text: str | None, country: str | None) -> str | None:
    """Return a postcode in its country's display form.

    Args:
        text: Postcode as exported (leading zeros may have been lost to a spreadsheet).
        country: ISO alpha-2 country of the address, None when unknown.

    Returns:
        GB ``"SW1A 1AA"``; US the 5-digit ZIP (ZIP+4 cut, lost leading zeros restored);
        FR 5 digits (``"1000"`` -> ``"01000"``); CA ``"K1A 0B1"``; None when it does not fit
        the country's pattern. Elsewhere, or with no country, the trimmed upper-case text
        (a UK-shaped one still gets its space).
    """
    code = compact_postcode(text)
    if code is None or text is None:
        return None
    if country == "GB" or (country is None and _GB_POSTCODE.match(code)):
        return f"{code[:-3]} {code[-3:]}" if _GB_POSTCODE.match(code) else None
    if country == "CA":
        return f"{code[:3]} {code[3:]}" if _CA_POSTCODE.match(code) else None
    if country == "US":
        if code.isdigit() and len(code) in (8, 9):
            return code.zfill(9)[:5]
        return code.zfill(5) if code.isdigit() and 3 <= len(code) <= 5 else None
    if country == "FR":
        return code.zfill(5) if code.isdigit() and len(code) in (4, 5) else None
    return _SPACES.sub(" ", unidecode(text).upper()).strip(_EDGE) or None


def normalise_street(text: str | None) -> str | None:
    """Return a street for display: trimmed, line breaks as ``", "``, single spaces."""
    if text is None or is_placeholder(text):
        return None
    street = _SPACES.sub(" ", _LINE_BREAKS.sub(", ", text.strip())).strip(_EDGE)
    street = _REPEATED_COMMAS.sub(",", street)
    return street or None


def fold_street(text: str | None) -> str | None:
    """Return a street's matching key.

    Args:
        text: A street (ideally from ``normalise_street``).

    Returns:
        ASCII lower case without punctuation, with street words unified
        (``"12 Baker Street"`` and ``"12 baker st."`` both give ``"12 baker st"``; ``rue``
        stays ``rue``); None when nothing is left.
    """
    if text is None or is_placeholder(text):
        return None
    words = [STREET_WORDS.get(word, word) for word in fold_text(text).split()]
    return " ".join(words) or None


def normalise_city(text: str | None) -> str | None:
    """Return a city for display: trimmed, single spaces, re-cased if typed all upper/lower."""
    if text is None or is_placeholder(text):
        return None
    city = _SPACES.sub(" ", text).strip(_EDGE)
    if not city or is_placeholder(city):
        return None
    return fix_case(city)


def fold_city(text: str | None) -> str | None:
    """Return a city's matching key: ``"Saint-Étienne"``, ``"St Etienne"``: ``"saint etienne"``."""
    if text is None or is_placeholder(text):
        return None
    words = [CITY_WORDS.get(word, word) for word in fold_text(text).split()]
    return " ".join(words) or None
