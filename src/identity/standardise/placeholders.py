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
        "test@test.com",
        "test@example.com",
        "none@none.com",
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
    }
)

# Domains nobody receives customer mail at.
PLACEHOLDER_EMAIL_DOMAINS: frozenset[str] = frozenset(
    {"test.com", "none.com", "noemail.com", "nomail.com", "no-email.com"}
)

# Digit runs people type to get past a mandatory phone or postcode field.
PLACEHOLDER_DIGIT_RUNS: frozenset[str] = frozenset(
    {"123456", "1234567", "12345678", "123456789", "1234567890", "0123456789", "9876543210"}
)

# Only digits and the punctuation phones, postcodes and dates are written with.
_DIGITS_AND_SEPARATORS = re.compile(r"^[\d\s.\-/()+]+$")
_NOT_DIGIT = re.compile(r"\D")


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
    if folded in PLACEHOLDER_VALUES:
        return True
    if "@" in folded:
        local, _, domain = folded.rpartition("@")
        return local in PLACEHOLDER_EMAIL_LOCAL_PARTS or domain in PLACEHOLDER_EMAIL_DOMAINS
    if _DIGITS_AND_SEPARATORS.match(folded):
        digits = _NOT_DIGIT.sub("", folded)
        # Five identical digits is already no real postcode or phone ("00000", "99999").
        if len(digits) >= 5 and len(set(digits)) == 1:
            return True
        return digits in PLACEHOLDER_DIGIT_RUNS
    return False
