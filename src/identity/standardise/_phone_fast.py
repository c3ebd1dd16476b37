"""A fast path through phonenumbers for the phone keys most exports hold.

``phonenumbers.parse`` and ``is_valid_number_for_region`` are general (any text, any format,
RFC 3966, vanity letters, extensions) and cost about 100 microseconds a call, most of it Python
overhead: re-looking up compiled patterns, normalising digits one character at a time, building
number objects. A ``phone_key`` is already just an optional ``+`` and ASCII digits, and most keys
take the plainest route through the library: a country code after ``+``, or a national number
in the record's region with at most a simple national prefix (``0``) to strip.

This module follows that route step by step, with the library's own metadata (patterns, possible
lengths, prefixes) compiled once. Whenever a key would take any other branch of the library's
code (an international dialling prefix, a number starting with its own country code, a national
prefix transform rule, Italian leading zeros, non-geographic numbers, shared country codes whose
region must be searched), it answers None and the caller uses the library itself. A test checks
both paths give the same answer on many keys, tricky ones included.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

# The library's bounds (phonenumberutil._MIN_LENGTH_FOR_NSN, _MAX_LENGTH_FOR_NSN); keys near
# them go through the library, so its own checks decide.
_MIN_NSN = 2
_MAX_NSN = 17
_MAX_CC_DIGITS = 3
_NON_GEO = "001"
# The number types _number_type_helper tries before mobile. Validity only asks whether any
# matches, so the order is free: the common fixed-line type first (mobile follows).
_TYPES = (
    "fixed_line",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)

# fast_parse's answer for keys the library can never read as a valid number.
NOT_A_NUMBER = (0, "")

_Desc = tuple[frozenset[int], "re.Pattern[str] | None"]


class _Region(NamedTuple):
    """One region's metadata, compiled once."""

    country_code: int
    general: _Desc | None
    types: tuple[_Desc, ...]  # every type (mobile only when its pattern differs)
    general_lengths: tuple[int, ...]
    general_local_lengths: frozenset[int]
    leading_digits: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None
    transform_rule: str | None
    international_prefix: re.Pattern[str] | None


def _desc(desc: object) -> _Desc | None:
    if desc is None:
        return None
    pattern = desc.national_number_pattern  # type: ignore[attr-defined]
    compiled = re.compile(pattern) if pattern else None
    return frozenset(desc.possible_length), compiled  # type: ignore[attr-defined]


@cache
def _region(region: str) -> _Region | None:
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.country_code is None:
        return None
    types = [_desc(getattr(metadata, name)) for name in _TYPES]
    if not metadata.same_mobile_and_fixed_line_pattern:
        types.insert(1, _desc(metadata.mobile))
    general = metadata.general_desc
    return _Region(
        country_code=metadata.country_code,
        general=_desc(general),
        types=tuple(t for t in types if t is not None),
        general_lengths=tuple(general.possible_length) if general is not None else (),
        general_local_lengths=frozenset(
            general.possible_length_local_only if general is not None else ()
        ),
        leading_digits=(
            re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        ),
        national_prefix=(
            re.compile(metadata.national_prefix_for_parsing)
            if metadata.national_prefix_for_parsing
            else None
        ),
        transform_rule=metadata.national_prefix_transform_rule or None,
        international_prefix=(
            re.compile(metadata.international_prefix) if metadata.international_prefix else None
        ),
    )


def _matches(number: str, desc: _Desc) -> bool:
    """``_is_number_matching_desc``: a possible length (when listed) and the whole pattern."""
    lengths, pattern = desc
    if lengths and len(number) not in lengths:
        return False
    return pattern is not None and pattern.fullmatch(number) is not None


def _pattern_matches(number: str, desc: _Desc | None) -> bool:
    """``_match_national_number`` (no length check, whole pattern)."""
    return desc is not None and desc[1] is not None and desc[1].fullmatch(number) is not None


def _has_known_type(number: str, meta: _Region) -> bool:
    """``_number_type_helper(number, metadata) != UNKNOWN``."""
    if meta.general is None or not _matches(number, meta.general):
        return False
    return any(_matches(number, desc) for desc in meta.types)


def _strip_national_prefix(number: str, meta: _Region) -> str | None:
    """What ``parse`` keeps after ``_maybe_strip_national_prefix_carrier_code`` and its length
    test; None when the library's transform-rule branch would run."""
    if meta.national_prefix is None:
        return number
    found = meta.national_prefix.match(number)
    if found is None:
        return number
    if meta.transform_rule is not None:
        return None
    stripped = number[found.end() :]
    if _pattern_matches(number, meta.general) and not _pattern_matches(stripped, meta.general):
        return number
    # _test_number_length with the general description: keep the stripped number unless it is
    # too short, possible only locally, or of an impossible length.
    if meta.general is None:
        return number
    lengths = meta.general_lengths
    if not lengths:
        return None  # the library would fail here; let it
    size = len(stripped)
    if size in meta.general_local_lengths:
        return number
    if lengths[0] == size or lengths[-1] < size or size in lengths[1:]:
        return stripped
    return number


def fast_parse(key: str, region: str | None) -> tuple[int, str] | None:
    """Parse a ``phone_key`` as ``phonenumbers.parse(key, region)`` would, on its plain route.

    Args:
        key: ``"+"`` and digits, or digits (anything else is left to the library).
        region: The region for national numbers (an upper-case supported region or None).

    Returns:
        ``(country_code, national_significant_number)``; ``NOT_A_NUMBER`` when the library would
        find no valid number; None when the library must decide.
    """
    if key.startswith("+"):
        return _after_plus(key[1:], region)
    if region is None or region == _NON_GEO or region != region.upper():
        return None
    if not (_MIN_NSN <= len(key) <= 20 and key.isascii() and key.isdigit()):
        return None
    meta = _region(region)
    if meta is None:
        return None
    return _national(key, meta)


def _after_plus(digits: str, region: str | None) -> tuple[int, str] | None:
    """``fast_parse`` of a key written with a leading "+" (``digits`` follow it)."""
    if not (4 <= len(digits) <= 20 and digits.isascii() and digits.isdigit()):
        return None
    if digits[0] == "0":
        # No country code starts with 0; without a region the library's retry without the
        # "+" has nothing to read it with either: never a number.
        return NOT_A_NUMBER if region is None else None
    return _international(digits)


def _national(key: str, meta: _Region) -> tuple[int, str] | None:
    """``fast_parse`` of plain digits dialled in the region of ``meta``."""
    if meta.international_prefix is not None:
        idd = meta.international_prefix.match(key)
        if idd is not None:
            # "00 44 ..." from the UK: the international prefix, then as after a "+". The
            # library keeps the prefix when a 0 follows it; leave that case to it.
            rest = key[idd.end() :]
            if len(rest) < 4 or rest[0] == "0":
                return None
            return _international(rest)
    code = meta.country_code
    if key.startswith(str(code)):
        return None
    national = _strip_national_prefix(key, meta)
    if national is None or not _MIN_NSN <= len(national) <= _MAX_NSN:
        return None
    return code, national


def _international(digits: str) -> tuple[int, str] | None:
    """``parse`` of a number after its "+" (or international prefix): country code first."""
    for size in range(1, _MAX_CC_DIGITS + 1):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    number_region = COUNTRY_CODE_TO_REGION_CODE[code][0]
    if number_region == _NON_GEO:
        return None
    meta = _region(number_region)
    national = digits[size:]
    if meta is None or not _MIN_NSN <= len(national) <= _MAX_NSN:
        return None
    if meta.national_prefix is not None and meta.national_prefix.match(national):
        return None
    return code, national


def _valid_for_region(code: int, national: str, region: str) -> bool:
    """``is_valid_number_for_region`` for a geographic region."""
    meta = _region(region)
    return meta is not None and meta.country_code == code and _has_known_type(national, meta)


def valid_region(code: int, national: str) -> str | None:
    """The region of a valid number, None when invalid (as ``_region_if_valid`` decides).

    Args:
        code: Country calling code.
        national: National significant number, leading zeros included (``"0612345678"``
            for Italy): the library keeps them as "Italian leading zeros" and writes them back.

    Returns:
        The ISO region, or None.
    """
    regions = COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    if not regions:
        return None
    if _NON_GEO in regions:
        return _library_region(code, national)
    main = regions[0]
    meta = _region(main)
    if meta is not None and meta.leading_digits is None:
        if _valid_for_region(code, national, main):
            return main
        if len(regions) == 1:
            return None
    # region_code_for_number: the only region, else the first whose leading digits match
    # or whose patterns know the number; then validated for that region.
    found = regions[0] if len(regions) == 1 else _region_from_list(national, regions)
    if found is None or not _valid_for_region(code, national, found):
        return None
    return found


def _region_from_list(national: str, regions: tuple[str, ...]) -> str | None:
    """``_region_code_for_number_from_list``."""
    for region in regions:
        meta = _region(region)
        if meta is None:
            continue
        if meta.leading_digits is not None:
            if meta.leading_digits.match(national):
                return region
        elif _has_known_type(national, meta):
            return region
    return None


def _library_region(code: int, national: str) -> str | None:
    """The library's own answer, for the rare numbers of non-geographic codes."""
    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    if len(national) > 1 and national[0] == "0":
        # As parse sets them (_set_italian_leading_zeros_for_phone_number).
        number.italian_leading_zero = True
        zeros = min(len(national) - len(national.lstrip("0")), len(national) - 1)
        if zeros != 1:
            number.number_of_leading_zeros = zeros
    found = phonenumbers.region_code_for_number(number)
    if found is None or not phonenumbers.is_valid_number_for_region(number, found):
        return None
    return found
