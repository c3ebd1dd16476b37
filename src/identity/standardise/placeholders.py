"""Values people type when they have nothing to type: treated as missing for every attribute.

One list serves every column, so a sales rep's ``N/A`` is missing whether it sits in a name, an
email or a postcode. Comparison is on the trimmed, case-folded text.
"""

from __future__ import annotations

import re

# Whole values that mean "nothing here", in English and French, as typed into CRM forms.
# "na" is also a (rare) surname; a form filler's "NA" is far more common in these exports.
PLACEHOLDER_VALUES: frozenset[str] = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        ".",
        "..",
        "...",
        "?",
        "??",
        "???",
        "*",
        "#n/a",
        "n/a",
        "n.a.",
        "n.a",
        "na",
        "nan",
        "nc",
        "n.c.",
        "none",
        "null",
        "nil",
        "undefined",
        "unknown",
        "unk",
        "x",
        "xx",
        "xxx",
        "xxxx",
        "test",
        "testing",
        "asdf",
        "tbd",
        "tba",
        "anonymous",
        "not provided",
        "not available",
        "not applicable",
        "no email",
        "noemail",
        "no phone",
        "nophone",
        "no name",
        "inconnu",
        "inconnue",
        "aucun",
        "aucune",
        "néant",
        "neant",
        "non communiqué",
        "non communique",
        "non renseigné",
        "non renseigne",
        "unbekannt",
        "desconocido",
        "test@test.com",
        "test@example.com",
        "none@none.com",
        # What a spreadsheet shows when a formula fails; re-saved exports keep the text.
        "#value!",
        "#ref!",
        "#name?",
        "#div/0!",
        "#null!",
        "#num!",
        "#error!",
    }
)

# Local parts that say "I have no address" whatever the domain (noemail@shop.com, none@x.fr).
PLACEHOLDER_EMAIL_LOCAL_PARTS: frozenset[str] = frozenset(
    {
        "noemail",
        "no-email",
        "no.email",
        "no_email",
        "nomail",
        "no-mail",
        "none",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "null",
        "na",
        "n/a",
        "unknown",
        "test",
        "xxx",
        "sansemail",
        "pasdemail",
        "tests",
        "testing",
        "asdf",
        "qwerty",
        "fake",
        "dummy",
    }
)

# Domains nobody receives customer mail at.
# The reserved example domains (RFC 2606) are where sales reps park test contacts.
PLACEHOLDER_EMAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "test.com",
        "testing.com",
        "none.com",
        "noemail.com",
        "nomail.com",
        "no-email.com",
        "domain.com",
        "example.com",
        "example.net",
        "example.org",
        "invalid",
        "localhost",
    }
)

# Digit runs people type to get past a mandatory phone or postcode field.
PLACEHOLDER_DIGIT_RUNS: frozenset[str] = frozenset(
    {"123456", "1234567", "12345678", "123456789", "1234567890", "0123456789", "9876543210"}
)

# E.164 numbers people type to get past a mandatory field: one digit repeated, a country code
# followed by zeros, or a counting run ("+1 123-456-7890").
_PLACEHOLDER_E164 = re.compile(r"\+(?:(\d)\1{6,14}|\d{1,3}0{6,}|\d{1,3}0?1234567890?|1(\d)\2{9})")
# "xx", "XXXXX": a form filler's way of leaving a field blank.
_ONLY_X = re.compile(r"x{2,}")
# Only digits and the punctuation phones, postcodes and dates are written with.
_DIGITS_AND_SEPARATORS = re.compile(r"^[\d\s.\-/()+]+$")
_NOT_DIGIT = re.compile(r"\D")
# Non-digit characters _DIGITS_AND_SEPARATORS can start with (a stripped value starts with no
# space).
_SEPARATOR_STARTS = frozenset(".-/()+")


def is_placeholder(text: str | None) -> bool:
    """Tell whether a value means "nothing here" and must be treated as missing.

    Args:
        text: A raw value as exported, or None.

    Returns:
        True for None, blank text, a known placeholder word (``"N/A"``, ``"unknown"``, ``"-"``),
        a placeholder email (``"test@test.com"``, ``"noemail@shop.com"``) or a repeated or
        counting digit run (``"0000000000"``, ``"1234567890"``, ``"00000"``).

    Example:
        >>> is_placeholder(" N/A "), is_placeholder("Hélène")
        (True, False)
    """
    if text is None:
        return True
    folded = text.strip().casefold()
    # Cheap first-character tests before each regular expression: this runs several times
    # per value of every column. ("" is a placeholder value, so ``folded`` is not empty below.)
    if folded in PLACEHOLDER_VALUES or (folded.startswith("xx") and _ONLY_X.fullmatch(folded)):
        return True
    if "@" in folded:
        local, _, domain = folded.rpartition("@")
        return local in PLACEHOLDER_EMAIL_LOCAL_PARTS or domain in PLACEHOLDER_EMAIL_DOMAINS
    first = folded[0]
    # \d is a Unicode decimal digit (str.isdecimal); the rest are the class's separators.
    if (first.isdecimal() or first in _SEPARATOR_STARTS) and _DIGITS_AND_SEPARATORS.match(folded):
        digits = _NOT_DIGIT.sub("", folded)
        # Five identical digits is already no real postcode or phone ("00000", "99999").
        if len(digits) >= 5 and len(set(digits)) == 1:
            return True
        return digits in PLACEHOLDER_DIGIT_RUNS
    return False


def is_placeholder_phone(e164: str) -> bool:
    """Tell whether a valid-looking E.164 number is one people type to skip the field.

    Args:
        e164: A number in E.164 (``"+11234567890"``).

    Returns:
        True for one digit repeated, a country code followed by six or more zeros, or a
        counting run after the country code.

    Example:
        >>> is_placeholder_phone("+11234567890"), is_placeholder_phone("+13125550142")
        (True, False)
    """
    return _PLACEHOLDER_E164.fullmatch(e164) is not None
