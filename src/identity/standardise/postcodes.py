"""Postcodes: display forms per country, matching keys, and the country a postcode tells.

A country gets a display form here only where its format is certain (every code of the country
has that shape). A code that does not fit its country's form is no code of that country and is
dropped; a country with no form here keeps the trimmed upper-case text, never a guessed shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unidecode import unidecode

from identity.standardise.placeholders import is_placeholder
from identity.standardise.subdivisions import subdivision_code

_GB_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
_CA_POSTCODE = re.compile(r"^[A-Z]\d[A-Z]\d[A-Z]\d$")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_SPACES = re.compile(r"\s+")
_EDGE = " \t,;.-/"


@dataclass(frozen=True)
class PostcodeFormat:
    """The one shape every postcode of a country has.

    Attributes:
        pattern: Matches the whole compact code (``compact_postcode``); its non-empty groups,
            joined by ``separator``, are the display form.
        separator: ``" "`` for ``"1234 AB"``, ``"-"`` for ``"00-950"``.
        digits: Length of the country's all-digit codes, for restoring lost leading zeros.
        shortest: Shortest all-digit value read as a code whose leading zeros a spreadsheet
            dropped (``"800"`` for ``"0800"``); 0 (never padded) when no code starts with 0.
    """

    pattern: re.Pattern[str]
    separator: str = ""
    digits: int = 0
    shortest: int = 0

    def display(self, code: str) -> str | None:
        """Return ``code`` (compact) in display form, None when it is no code of the country."""
        if self.shortest and code.isdigit() and self.shortest <= len(code) < self.digits:
            code = code.zfill(self.digits)
        found = self.pattern.fullmatch(code)
        return None if found is None else self.separator.join(g for g in found.groups() if g)


def _digits(pattern: str, digits: int, shortest: int = 0) -> PostcodeFormat:
    return PostcodeFormat(re.compile(f"({pattern})"), digits=digits, shortest=shortest)


# Each country's format as its postal operator defines it (Australia Post, Deutsche Post,
# Correos, Poste Italiane, PostNL, ...). ``shortest`` is set where codes starting with 0 exist:
# the NT and ACT in Australia, Dresden and Leipzig (01-09) in Germany, Álava to Burgos
# (01-09) in Spain, Rome (00) in Italy, Oslo (0) in Norway, Warsaw (00) in Poland, Helsinki
# (00) in Finland.
POSTCODE_FORMATS: dict[str, PostcodeFormat] = {
    "AT": _digits(r"[1-9]\d{3}", 4),
    "AU": _digits(r"0[289]\d{2}|[1-9]\d{3}", 4, shortest=3),
    "BE": _digits(r"[1-9]\d{3}", 4),
    "CH": _digits(r"[1-9]\d{3}", 4),
    "DE": _digits(r"0[1-9]\d{3}|[1-9]\d{4}", 5, shortest=4),
    "DK": _digits(r"0[89]\d{2}|[1-9]\d{3}", 4),
    "ES": _digits(r"(?:0[1-9]|[1-4]\d|5[0-2])\d{3}", 5, shortest=4),
    "FI": _digits(r"(?!00000)\d{5}", 5, shortest=3),
    "FR": _digits(r"\d{5}", 5, shortest=4),
    "IT": _digits(r"(?!0000)\d{5}", 5, shortest=3),
    "NL": PostcodeFormat(re.compile(r"([1-9]\d{3})((?!SA|SD|SS)[A-Z]{2})?"), separator=" "),
    "NO": _digits(r"(?!0000)\d{4}", 4, shortest=3),
    "NZ": _digits(r"0[1-9]\d{2}|[1-9]\d{3}", 4, shortest=3),
    "PL": PostcodeFormat(re.compile(r"(\d{2})(\d{3})"), separator="-", digits=5, shortest=3),
    "PT": PostcodeFormat(re.compile(r"([1-9]\d{3})(\d{3})?"), separator="-"),
    "SE": PostcodeFormat(re.compile(r"([1-9]\d{2})(\d{2})"), separator=" "),
}

# European addresses used to put the country's car plate letters before the code: "D-10115",
# "CH-8001", "NL-1234 AB". Every format above starts with a digit, so letters before the first
# digit that spell the country can only be such a prefix.
_COUNTRY_PREFIXES: dict[str, tuple[str, ...]] = {
    "AT": ("A",),
    "BE": ("B",),
    "DE": ("D",),
    "ES": ("E",),
    "FI": ("FIN", "SF"),
    "FR": ("F",),
    "IT": ("I",),
    "NO": ("N",),
    "PT": ("P",),
    "SE": ("S",),
}

# Australian codes that start with 0: the Northern Territory (08xx, 09xx) and ACT (02xx).
_ZERO_AU_STATES = frozenset({"ACT", "NT"})


def compact_postcode(text: str | None) -> str | None:
    """Upper-case letters and digits only: the postcode matching key (``"SW1A1AA"``)."""
    if text is None or is_placeholder(text):
        return None
    return _NOT_ALNUM.sub("", unidecode(text).upper()) or None


def _without_country_prefix(code: str, country: str) -> str:
    for prefix in (country, *_COUNTRY_PREFIXES.get(country, ())):
        rest = code[len(prefix) :]
        if code.startswith(prefix) and rest[:1].isdigit():
            return rest
    return code


def _us_fits(code: str, state: str | None) -> bool:
    # 3, 4 and 8 digits: a ZIP or ZIP+4 whose leading zeros a spreadsheet dropped.
    return len(code) in (3, 4, 5, 8, 9) and subdivision_code(state, "US") is not None


def _au_fits(code: str, state: str | None) -> bool:
    if len(code) not in (3, 4):
        return False
    found = subdivision_code(state, "AU")
    return found is not None and (len(code) == 4 or found in _ZERO_AU_STATES)


def region_from_postcode(text: str | None, state: str | None) -> str | None:
    """Guess a country from a postcode's shape and state, only where they leave no doubt.

    Args:
        text: Postcode as exported.
        state: State or province as exported, if any.

    Returns:
        ``"GB"`` for a UK postcode, ``"CA"`` for a Canadian one; ``"US"`` for 3 to 5 digits
        (or a ZIP+4) next to a US state; ``"AU"`` for 4 digits next to an Australian state
        (3 for the NT and ACT, whose codes start with 0). None otherwise, and None when both
        fit: five digits alone could be French, German, Italian or a ZIP, and ``"6000 WA"``
        could be Perth or a Washington ZIP that lost a zero.
    """
    code = compact_postcode(text)
    if code is None:
        return None
    if _GB_POSTCODE.match(code):
        return "GB"
    if _CA_POSTCODE.match(code):
        return "CA"
    if not code.isdigit():
        return None
    fits = {country for country, test in (("US", _us_fits), ("AU", _au_fits)) if test(code, state)}
    return fits.pop() if len(fits) == 1 else None


def normalise_postcode(text: str | None, country: str | None) -> str | None:
    """Return a postcode in its country's display form.

    Args:
        text: Postcode as exported (leading zeros may have been lost to a spreadsheet).
        country: ISO alpha-2 country of the address, None when unknown.

    Returns:
        GB ``"SW1A 1AA"``; US the 5-digit ZIP (ZIP+4 cut, lost leading zeros restored); CA
        ``"K1A 0B1"``; the countries of ``POSTCODE_FORMATS`` in their form (AU ``"0800"`` from
        ``"800"``, DE ``"01067"``, NL ``"1234 AB"``, PL ``"00-950"``; a plate prefix such as
        ``"D-"`` dropped). None when the code does not fit its country's form. Any other
        country, or none, keeps the trimmed upper-case text (a UK-shaped one still gets its
        space). None too when the display form is a placeholder (``"00000-1234"`` gives
        ``"00000"``): the contacts suite must never see one.
    """
    display = _display(text, country)
    return None if display is None or is_placeholder(display) else display


def _display(text: str | None, country: str | None) -> str | None:
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
    form = POSTCODE_FORMATS.get(country or "")
    if form is not None and country is not None:
        return form.display(_without_country_prefix(code, country))
    return _SPACES.sub(" ", unidecode(text).upper()).strip(_EDGE) or None
