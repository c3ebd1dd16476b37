"""Email addresses and phone numbers: validated with email-validator and phonenumbers.

Both libraries cost tens of microseconds per call, so callers map each distinct value once
(see ``identity.standardise.frames.map_distinct``) and this module trims what a call costs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import EMAIL_MAX_LENGTH
from email_validator.syntax import validate_email_domain_name, validate_email_local_part

from identity.standardise._phone_fast import NOT_A_NUMBER, fast_parse, valid_region
from identity.standardise.placeholders import is_placeholder, is_placeholder_phone
from identity.standardise.text import strip_invisible

GMAIL_DOMAINS: frozenset[str] = frozenset({"gmail.com", "googlemail.com"})
CANONICAL_DOMAINS: dict[str, str] = {"googlemail.com": "gmail.com"}

# Addresses made only of these characters with one "@" cannot hold a display name, quoting,
# comments or a domain literal, so email-validator's own split would give the same two parts.
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$")

# A trailing extension ("x12", "ext. 12", "#12", "poste 12"): extensions are dropped.
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#|poste)\s*\d{1,6}\s*$", re.IGNORECASE)
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s.\-/()]+$")
_NOT_DIGIT = re.compile(r"\D")


@lru_cache(maxsize=100_000)
def _domain(domain: str) -> str | None:
    # Domains repeat (gmail.com...) and are most of what a validation costs: check each once.
    try:
        return validate_email_domain_name(
            domain, test_environment=False, globally_deliverable=True
        )["domain"]
    except EmailNotValidError:
        return None


def _validated(address: str) -> str | None:
    """Return email-validator's normalised address, or None when it rejects it."""
    if _PLAIN_ADDRESS.match(address):
        # The same checks validate_email runs on a plain ASCII address, with the domain cached.
        # These are email-validator's own (internal) syntax functions; a property test checks
        # this path answers exactly like validate_email.
        local, _, domain = address.partition("@")
        try:
            local_info = validate_email_local_part(
                local, allow_smtputf8=True, allow_empty_local=False, quoted_local_part=False
            )
        except EmailNotValidError:
            return None
        normal_domain = _domain(domain)
        if normal_domain is None or len(address) > EMAIL_MAX_LENGTH:
            return None
        return f"{local_info['local_part']}@{normal_domain}"
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def normalise_email(text: str | None) -> str | None:
    """Validate an email address's syntax (no DNS) and lower-case it.

    Args:
        text: The address as exported.

    Returns:
        The whole address in lower case, NFKC-normalised so full-width letters typed with an
        East Asian keyboard (``"ｊｏｈｎ＠ｍａｉｌ．ｃｏｍ"``) read as the ASCII address the
        mail server delivers to; None when it is missing, a placeholder
        (``"noemail@shop.com"``) or rejected by email-validator.

    Example:
        >>> normalise_email(" Jean.Dupont@GMAIL.com "), normalise_email("jean@@x.com")
        ('jean.dupont@gmail.com', None)
    """
    if text is None:
        return None
    if not text.isascii():
        # Compatibility forms (full-width letters, "＠", ligatures) are the same characters
        # to the person typing them; NFKC folds them before anything else looks.
        text = unicodedata.normalize("NFKC", strip_invisible(text))
    if is_placeholder(text):
        return None
    candidate = strip_invisible(text).strip().lower()
    if candidate.startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    address = _validated(candidate)
    if address is None or is_placeholder(address):
        return None
    return address.lower()


def email_match_parts(address: str) -> tuple[str, str]:
    """Split a normalised address into the parts used for matching.

    Args:
        address: Output of ``normalise_email``.

    Returns:
        ``(local, domain)``: the local part without its ``+tag`` (and without dots at Gmail,
        which ignores them), and the domain with ``googlemail.com`` read as ``gmail.com``.

    Example:
        >>> email_match_parts("jean.dupont+shop@googlemail.com")
        ('jeandupont', 'gmail.com')
    """
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
    return local, CANONICAL_DOMAINS.get(domain, domain)


@dataclass(frozen=True)
class ParsedPhone:
    """A valid phone number.

    Attributes:
        e164: ``"+33612345678"``.
        national: The national significant number, ``"612345678"``.
        region: ISO 3166 alpha-2 region the number belongs to (``"FR"``).
    """

    e164: str
    national: str
    region: str


def phone_key(text: str | None) -> str | None:
    """Reduce a typed phone number to what parsing depends on, so each is parsed once.

    Args:
        text: The number as exported.

    Returns:
        ``"+"`` (when given) and the digits, without any extension: ``"(312) 555-0199 x12"``
        and ``"312.555.0199"`` both give ``"3125550199"``. Text with letters (``1-800-FLOWERS``)
        is returned trimmed for phonenumbers to read. None for missing values and placeholders.
    """
    if text is None or is_placeholder(text):
        return None
    trimmed = _EXTENSION.sub("", strip_invisible(text).strip())
    if not _PHONE_CHARACTERS.match(trimmed):
        return trimmed or None
    digits = _NOT_DIGIT.sub("", trimmed)
    if not digits or is_placeholder(digits):
        return None
    return ("+" if trimmed.startswith("+") else "") + digits


def _region_if_valid(number: phonenumbers.PhoneNumber) -> str | None:
    """The region of a valid number (what is_valid_number decides), None when invalid."""
    if number.country_code is None:
        return None
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code, ())
    if not regions:
        return None
    # is_valid_number tries the country code's regions in order and validates the first that
    # fits: for the main region without leading-digit rules, one validation decides both.
    # It saves a full second pattern scan for the common case (a US number in +1, a UK in +44).
    main = regions[0]
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(main, None)
    if metadata is not None and metadata.leading_digits is None:
        if phonenumbers.is_valid_number_for_region(number, main):
            return main
        if len(regions) == 1:
            return None
    found = phonenumbers.region_code_for_number(number)
    if found is None or not phonenumbers.is_valid_number_for_region(number, found):
        return None
    return found


def _parse_valid(candidate: str, region: str | None) -> ParsedPhone | None:
    fast = fast_parse(candidate, region)
    if fast is None:
        return _parse_valid_slow(candidate, region)
    if fast == NOT_A_NUMBER:
        return None
    code, national = fast
    found = valid_region(code, national)
    if found is None:
        return None
    e164 = f"+{code}{national}"
    if is_placeholder_phone(e164):
        return None
    return ParsedPhone(e164=e164, national=national, region=found)


def _parse_valid_slow(candidate: str, region: str | None) -> ParsedPhone | None:
    # The library's own route: every key the fast path leaves to it.
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    found = _region_if_valid(number)
    if found is None:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if is_placeholder_phone(e164):
        return None
    return ParsedPhone(
        e164=e164,
        national=phonenumbers.national_significant_number(number),
        region=found,
    )


def parse_phone_key(key: str, region: str | None) -> ParsedPhone | None:
    """Parse a ``phone_key`` in a region and keep it only when phonenumbers says it is valid.

    Args:
        key: Output of ``phone_key``.
        region: Region for numbers written without a country code; None when unknown.

    Returns:
        The valid number, or None. Two fallbacks read numbers whose "+" was lost: ``00`` as
        the international prefix (``0033612345678`` in a US record), and 11 or more digits as
        a full international number (``33612345678``).
    """
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        region = None
    parsed = _parse_valid(key, region)
    if parsed is not None or key.startswith("+") or not key.isdigit():
        return parsed
    if key.startswith("00"):
        return _parse_valid("+" + key[2:], None)
    if len(key) >= 11:
        return _parse_valid("+" + key, None)
    return None


def normalise_phone(text: str | None, region: str | None) -> tuple[str | None, str | None]:
    """Return a valid phone number in E.164 and its national significant number.

    Args:
        text: The number as exported, in any common format, extension allowed.
        region: ISO alpha-2 region for numbers written without a country code.

    Returns:
        ``(e164, national)``, e.g. ``("+33612345678", "612345678")`` for ``"06 12 34 56 78"``
        in ``"FR"``; ``(None, None)`` when missing, a placeholder or not a valid number.
    """
    key = phone_key(text)
    parsed = parse_phone_key(key, region) if key is not None else None
    if parsed is None:
        return None, None
    return parsed.e164, parsed.national
