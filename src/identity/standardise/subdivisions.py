"""States, provinces and territories, as codes or names, from pycountry's ISO 3166-2 table.

Exports write a state as its code (``"NSW"``, ``"IL"``, ``"ON"``) or its name (``"New South
Wales"``, ``"Illinois"``). Codes are only unique within a country: ``"WA"`` is Washington and
Western Australia, ``"CA"`` California and (as a country) Canada, so a state alone never says
which country an address is in. ``identity.standardise.postcodes`` combines it with a postcode.
"""

from __future__ import annotations

from functools import cache

import pycountry

from identity.standardise.places import fold_text


@cache
def _subdivisions(country: str) -> dict[str, str]:
    """Folded code and name of each subdivision of ``country`` -> its code (``"NSW"``)."""
    keys: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        code = subdivision.code.split("-", 1)[1]
        keys.setdefault(code.lower(), code)
        keys.setdefault(fold_text(subdivision.name), code)
        # "Virgin Islands, U.S.": people write the part before the qualifier.
        keys.setdefault(fold_text(subdivision.name.split(",", 1)[0]), code)
    keys.pop("", None)
    return keys


def subdivision_code(text: str | None, country: str) -> str | None:
    """Return the ISO 3166-2 code, within ``country``, of a state written as a code or name.

    Args:
        text: ``"NSW"``, ``"N.S.W."``, ``"New South Wales"``, ``"il"``, ``"Québec"``...
        country: ISO alpha-2 country whose subdivisions to look in (``"AU"``).

    Returns:
        The part of the code after the country (``"NSW"``, ``"IL"``, ``"QC"``); None when
        missing or not a subdivision of that country.

    Example:
        >>> subdivision_code("New South Wales", "AU"), subdivision_code("WA", "US")
        ('NSW', 'WA')
    """
    # No placeholder check: "NC" (North Carolina) and "NA" are codes here, not "no value".
    if text is None:
        return None
    return _subdivisions(country).get(fold_text(text))


def is_us_state(text: str | None) -> bool:
    """Tell whether a value is a US state (or DC, or a territory) code or name."""
    return subdivision_code(text, "US") is not None
