"""Countries, streets and cities: display forms and folded matching keys.

Postcodes are in ``identity.standardise.postcodes``, states and provinces in
``identity.standardise.subdivisions``.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry
from phonenumbers.geodata.locale import LOCALE_DATA
from unidecode import unidecode

from identity.standardise.names import fix_case
from identity.standardise.placeholders import is_placeholder

# What phonenumbers' and pycountry's tables do not say: everyday names and abbreviations.
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
    "the netherlands": "NL",
    # Not "aust": it abbreviates Austria as well as Australia.
}

# Languages of country names read besides English: those of the markets the exports come from.
COUNTRY_NAME_LANGUAGES: tuple[str, ...] = ("fr", "de", "es", "it", "nl", "pt")

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


def _pycountry_names(language: str | None) -> dict[str, str]:
    """Folded name, official name and common name of every country -> its alpha-2 code."""
    # pycountry ships its ISO 3166-1 names translated (gettext catalogues, no download).
    translate = (
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
        if language
        else str
    )
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names.setdefault(fold_text(translate(name)), country.alpha_2)
    return names


def _add_locale_names(lookup: dict[str, str], languages: tuple[str, ...]) -> None:
    """Add phonenumbers' region names in ``languages``, keeping names already in ``lookup``."""
    for language in languages:
        for region in sorted(LOCALE_DATA):
            name = _locale_name(region, language)
            if name:
                lookup.setdefault(fold_text(name), region)


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    # Earlier sources win a name: phonenumbers' everyday English and French names first, then
    # pycountry's ISO names in English and in the other languages. (Today no name folds the
    # same for two countries across these sources; the order decides should a release add one.)
    lookup: dict[str, str] = {}
    _add_locale_names(lookup, ("en", "fr"))
    for language in (None, *COUNTRY_NAME_LANGUAGES):
        for name, region in _pycountry_names(language).items():
            lookup.setdefault(name, region)
    _add_locale_names(lookup, COUNTRY_NAME_LANGUAGES)
    for country in pycountry.countries:
        lookup.setdefault(country.alpha_3.lower(), country.alpha_2)
    for region in LOCALE_DATA:
        lookup[region.lower()] = region
    lookup.update(COUNTRY_ALIASES)
    return lookup


def country_code(text: str | None) -> str | None:
    """Return the ISO 3166 alpha-2 code of a country written as a name or a code.

    Args:
        text: ``"France"``, ``"FRA"``, ``"fr"``, ``"United Kingdom"``, ``"UK"``, ``"England"``,
            ``"U.S.A."``, ``"Royaume-Uni"``, ``"États-Unis"``, ``"Deutschland"``, ``"España"``,
            ``"Koninkrijk der Nederlanden"``, ``"AUS"``...

    Returns:
        ``"FR"``, ``"GB"``, ``"US"``, ``"DE"``...; None when missing or not recognised. Names
        come from phonenumbers' region names and pycountry's ISO 3166-1 names (official and
        common ones too) in English and ``COUNTRY_NAME_LANGUAGES``; alpha-3 codes from
        pycountry.
    """
    if text is None or is_placeholder(text):
        return None
    return _country_lookup().get(fold_text(text))


def normalise_street(text: str | None) -> str | None:
    """Return a street for display: trimmed, line breaks as ``", "``, single spaces."""
    if text is None or is_placeholder(text):
        return None
    street = _SPACES.sub(" ", _LINE_BREAKS.sub(", ", text.strip())).strip(_EDGE)
    street = _REPEATED_COMMAS.sub(",", street)
    # Trimming can reveal one ("0," is "0"): the contacts suite must never see a placeholder.
    return None if not street or is_placeholder(street) else street


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
