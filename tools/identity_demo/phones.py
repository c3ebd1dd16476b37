"""Valid phone numbers per country and the ways people write them.

Numbers are drawn at random inside each country's numbering plan and kept only when
``phonenumbers`` says they are valid, so the standardisation stage can parse every one of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat

COUNTRY_CODES: dict[str, int] = {"FR": 33, "GB": 44, "US": 1}

# Ways a person or a sales rep types a number; "" means the source's own default.
STYLES: tuple[str, ...] = ("e164", "national", "international", "dotted", "compact", "idd")

_MAX_TRIES = 200


@dataclass(frozen=True)
class Phone:
    """One phone number.

    Attributes:
        country: ISO 3166 alpha-2 code of the numbering plan (FR, GB, US).
        number: The national significant number, without trunk prefix or country code.
    """

    country: str
    number: int

    @property
    def e164(self) -> str:
        """The number as ``+<country code><national number>``."""
        return f"+{COUNTRY_CODES[self.country]}{self.number}"


def _valid(country: str, number: int) -> bool:
    parsed = PhoneNumber(country_code=COUNTRY_CODES[country], national_number=number)
    # For the region, not just the country code: +44 7xxx can be Jersey or the Isle of Man.
    return phonenumbers.is_valid_number_for_region(parsed, country)


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10**count)).zfill(count)


def _draw_mobile(rng: random.Random, country: str, area_codes: tuple[str, ...]) -> str:
    if country == "FR":
        return rng.choice("66667") + _digits(rng, 8)
    if country == "GB":
        # 070 is personal numbering and 076 pagers: real mobiles are 074-079 minus 076.
        return "7" + rng.choice("45789") + _digits(rng, 8)
    return _draw_us(rng, area_codes)


def _draw_landline(rng: random.Random, country: str, area_codes: tuple[str, ...]) -> str:
    area = rng.choice(area_codes)
    if country == "FR":
        return area + _digits(rng, 8)
    if country == "GB":
        # UK geographic numbers have 10 national digits whatever the area code length.
        return area + rng.choice("2345678") + _digits(rng, 9 - len(area))
    return _draw_us(rng, area_codes)


def _draw_us(rng: random.Random, area_codes: tuple[str, ...]) -> str:
    area = rng.choice(area_codes)
    # 555-0100..0199 is reserved for fiction: use it often, but it holds only 100 numbers per
    # area code, so fall back to ordinary exchanges.
    if rng.random() < 0.3:
        return f"{area}5550{rng.randrange(100, 200)}"
    return area + rng.choice("23456789") + _digits(rng, 6)


def new_phone(
    rng: random.Random,
    country: str,
    area_codes: tuple[str, ...],
    used: set[int],
    *,
    mobile: bool,
) -> Phone:
    """Draw a valid number nobody else has.

    Args:
        rng: The seeded generator.
        country: FR, GB or US.
        area_codes: Local landline prefixes (after the trunk 0) or US area codes.
        used: National numbers already handed out; the new one is added.
        mobile: A mobile rather than a landline number.

    Returns:
        A phone number valid for ``phonenumbers``.

    Raises:
        RuntimeError: No valid unused number was found (the plan is exhausted).
    """
    draw = _draw_mobile if mobile else _draw_landline
    for _ in range(_MAX_TRIES):
        number = int(draw(rng, country, area_codes))
        if number not in used and _valid(country, number):
            used.add(number)
            return Phone(country, number)
    raise RuntimeError(f"no unused valid {country} number after {_MAX_TRIES} draws")


@lru_cache(maxsize=65536)
def _formatted(phone: Phone, fmt: int) -> str:
    parsed = PhoneNumber(country_code=COUNTRY_CODES[phone.country], national_number=phone.number)
    return phonenumbers.format_number(parsed, fmt)


def format_phone(phone: Phone, style: str, extension: str = "") -> str:
    """Write a number the way a person or a tool would.

    Args:
        phone: The number.
        style: One of ``STYLES``.
        extension: Digits of an extension, appended as `` x12``; empty for none.

    Returns:
        The number as text, e.g. ``06 12 34 56 78``, ``+44 7400 123456``, ``(312) 555-0199``.
    """
    if style == "e164":
        text = phone.e164
    elif style == "international":
        text = _formatted(phone, PhoneNumberFormat.INTERNATIONAL)
    else:
        national = _formatted(phone, PhoneNumberFormat.NATIONAL)
        if style == "national":
            text = national
        elif style == "dotted":
            text = national.replace("(", "").replace(") ", ".").replace(" ", ".").replace("-", ".")
        elif style == "compact":
            text = "".join(ch for ch in national if ch.isdigit())
        elif style == "idd":
            # Dialled from abroad: 00 (Europe) or 1- (North America) in front of the number.
            text = f"1-{phone.number}" if phone.country == "US" else f"00{phone.e164[1:]}"
        else:
            raise ValueError(f"unknown phone style {style!r}; expected one of {STYLES}")
    return f"{text} x{extension}" if extension else text
