"""Email addresses derived from names, the way people pick them."""

from __future__ import annotations

import random
import re
from itertools import accumulate

from unidecode import unidecode

from identity_demo.pools import FREE_MAIL, FREE_MAIL_WEIGHTS

_NOT_LOCAL = re.compile(r"[^a-z0-9-]+")

# (pattern, weight): f = first name, l = last name, i = first initial, y = two-digit birth year.
_PATTERNS: tuple[tuple[str, int], ...] = (
    ("{f}.{l}", 40),
    ("{f}{l}", 14),
    ("{i}.{l}", 10),
    ("{i}{l}", 10),
    ("{f}_{l}", 5),
    ("{l}.{f}", 5),
    ("{f}.{l}{y}", 10),
    ("{f}{y}", 6),
)
_PATTERN_TEXTS = tuple(pattern for pattern, _ in _PATTERNS)
_PATTERN_CUMULATIVE = tuple(accumulate(weight for _, weight in _PATTERNS))
_DOMAIN_CUMULATIVE = {country: tuple(accumulate(w)) for country, w in FREE_MAIL_WEIGHTS.items()}


def _free_domain(rng: random.Random, country: str) -> str:
    return rng.choices(FREE_MAIL[country], cum_weights=_DOMAIN_CUMULATIVE[country])[0]


def mail_part(name: str) -> str:
    """A name as it can appear in an address: ASCII, lower case, no spaces or apostrophes."""
    return _NOT_LOCAL.sub("", unidecode(name).lower().replace(" ", "-")).strip("-")


def _unique(rng: random.Random, local: str, domain: str, used: set[str]) -> str:
    address = f"{local}@{domain}"
    tries = 0
    while address in used:  # jean.martin is taken: jean.martin27, as mail providers suggest
        tries += 1
        # Very common names exhaust two digits at large scale: widen the suffix then.
        address = f"{local}{rng.randint(1, 99 if tries < 20 else 99999)}@{domain}"
    used.add(address)
    return address


def new_email(
    rng: random.Random, first: str, last: str, country: str, born_year: int, used: set[str]
) -> str:
    """A personal address on a common free mail domain of the country.

    Args:
        rng: The seeded generator.
        first: First name (accents and spaces are folded).
        last: Last name.
        country: FR, GB or US, for the choice of mail provider.
        born_year: Birth year, for ``jean.martin84`` style addresses.
        used: Addresses already taken; the new one is added.

    Returns:
        A syntactically valid, unused address such as ``jean.martin@orange.fr``.
    """
    pattern = rng.choices(_PATTERN_TEXTS, cum_weights=_PATTERN_CUMULATIVE)[0]
    given, family = mail_part(first), mail_part(last)
    local = pattern.format(f=given, l=family, i=given[:1], y=f"{born_year % 100:02d}")
    domain = _free_domain(rng, country)
    return _unique(rng, local, domain, used)


def work_email(rng: random.Random, first: str, last: str, domain: str, used: set[str]) -> str:
    """The ``first.last@employer`` address used on business contacts."""
    return _unique(rng, f"{mail_part(first)}.{mail_part(last)}", domain, used)


def family_email(rng: random.Random, last: str, country: str, used: set[str]) -> str:
    """A household's shared inbox: ``dupont.famille@orange.fr``, ``thesmiths@gmail.com``."""
    name = mail_part(last)
    if country == "FR":
        local = rng.choice((f"{name}.famille", f"famille.{name}", f"famille{name}"))
    else:
        local = rng.choice((f"the{name}s", f"{name}.family", f"{name}family"))
    domain = _free_domain(rng, country)
    return _unique(rng, local, domain, used)
