"""Values people type when they have nothing to type: treated as missing for every attribute.

One list serves every column, so a sales rep's ``N/A`` is missing whether it sits in a name, an
email or a postcode. Comparison is on the trimmed, case-folded, NFKC-normalised text.

This is the one place the rules live: whatever a blocking expectation of the contacts suite
forbids in a cell (``expectations/contacts.json``: ``N/A``, ``????``, ``0``, ``-``, a test
lead's dummy data...) is a placeholder here, so standardisation turns it into a null with a
counted reason (``placeholder_reason``) and one cell never stops a night. Decisions taken with
real values in mind:

- Zeros alone (``0``, ``00``, ``0000``) are no value in any attribute: no postcode is all
  zeros and a street of ``0`` is a form filler's. Other short runs of one digit stay (``1111``
  and ``2222`` are Australian postcodes, ``1`` may be a house number); five or more of one
  digit are no real postcode or phone.
- Question marks with no letter (``????``, ``12 ????``, ``??@qq.com``) are what Excel's
  "CSV (Comma delimited)" save leaves of Chinese, Cyrillic or Greek text: the value is lost.
- Text with no letter or digit at all (``-``, ``...``, ``--/--``) says nothing.
- ``test`` stays a placeholder in every attribute, names included: in these exports a contact
  named "Test" is a sales rep's test record far more often than a real Mr Test, who still
  links on his email or phone (only the name is dropped).
- Real values that look close are kept: a street ``10``, a postcode ``0800`` (Darwin), the
  name ``Na Li``, ``tester@gmail.com``.
"""

from __future__ import annotations

import re
import unicodedata

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
        "empty",
        "blank",
        "dummy",
        "fake",
        "no data",
        "not known",
        "not given",
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
        "keine angabe",
        "k.a.",
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
# A letter or a digit in any script; a letter in any script.
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_LETTER = re.compile(r"[^\W\d_]")
# Meta's form testing tool fills every field with "<test lead: dummy data for ...>".
_TEST_LEAD_MARK = "<test lead"

# Why a value was taken for missing: categories for counts and reports, never the value itself.
BLANK = "blank"
PLACEHOLDER_WORD = "placeholder word"
PLACEHOLDER_EMAIL = "placeholder email"
QUESTION_MARKS = "question marks (text lost to a legacy-encoding save)"
NO_LETTERS_OR_DIGITS = "no letters or digits"
REPEATED_DIGIT = "repeated digit"
COUNTING_DIGITS = "counting digits"
SPREADSHEET_FORMULA = "spreadsheet formula"
TEST_LEAD_DATA = "test lead dummy data"
PLACEHOLDER_PHONE = "placeholder phone"


def placeholder_reason(text: str | None) -> str | None:
    """Tell why a value means "nothing here", or that it is a real value.

    Args:
        text: A raw value as exported, or None.

    Returns:
        None for a real value; otherwise one of the reason labels of this module: ``BLANK``
        for None or blank text, ``PLACEHOLDER_WORD`` (``"N/A"``, ``"unknown"``, ``"xxx"``),
        ``PLACEHOLDER_EMAIL`` (``"test@test.com"``, ``"noemail@shop.com"``),
        ``QUESTION_MARKS`` (``"????"``), ``NO_LETTERS_OR_DIGITS`` (``"-"``, ``"..."``),
        ``REPEATED_DIGIT`` (``"0"``, ``"00000"``), ``COUNTING_DIGITS`` (``"1234567890"``),
        ``SPREADSHEET_FORMULA`` (``"=HYPERLINK(...)"``) or ``TEST_LEAD_DATA``.

    Example:
        >>> placeholder_reason(" N/A "), placeholder_reason("????"), placeholder_reason("Li")
        ('placeholder word', 'question marks (text lost to a legacy-encoding save)', None)
    """
    if text is None:
        return BLANK
    folded = text.strip().casefold()
    if not folded.isascii():
        # Full-width "Ｎ／Ａ" and "ｔｅｓｔ＠ｔｅｓｔ．ｃｏｍ" are the same placeholders.
        folded = unicodedata.normalize("NFKC", folded).casefold().strip()
    if not folded:
        return BLANK
    # Cheap first-character tests before each regular expression: this runs several times
    # per distinct value of every column.
    if "?" in folded and not _LETTER.search(folded):
        # "???" for a three-character Chinese city; "12 ????": the house number survived.
        return QUESTION_MARKS
    if folded in PLACEHOLDER_VALUES or (folded.startswith("xx") and _ONLY_X.fullmatch(folded)):
        return PLACEHOLDER_EMAIL if "@" in folded else PLACEHOLDER_WORD
    if folded.startswith("="):
        return SPREADSHEET_FORMULA
    if "<" in folded and _TEST_LEAD_MARK in folded:
        return TEST_LEAD_DATA
    if not _LETTER_OR_DIGIT.search(folded):
        return NO_LETTERS_OR_DIGITS
    if "@" in folded:
        return _email_reason(folded)
    return _digits_reason(folded)


def _digits_reason(folded: str) -> str | None:
    """``REPEATED_DIGIT`` or ``COUNTING_DIGITS`` for digits and separators alone, else None."""
    first = folded[0]
    # \d is a Unicode decimal digit (str.isdecimal); the rest are the class's separators.
    if (first.isdecimal() or first in _SEPARATOR_STARTS) and _DIGITS_AND_SEPARATORS.match(folded):
        digits = _NOT_DIGIT.sub("", folded)
        # Zeros alone are never a value; five identical digits are no real postcode or phone.
        if set(digits) == {"0"} or (len(digits) >= 5 and len(set(digits)) == 1):
            return REPEATED_DIGIT
        if digits in PLACEHOLDER_DIGIT_RUNS:
            return COUNTING_DIGITS
    return None


def _email_reason(folded: str) -> str | None:
    local, _, domain = folded.rpartition("@")
    if local in PLACEHOLDER_EMAIL_LOCAL_PARTS or domain in PLACEHOLDER_EMAIL_DOMAINS:
        return PLACEHOLDER_EMAIL
    # "?" is a valid character of an address, but an address of question marks alone is
    # someone's Chinese or Cyrillic address after a legacy-encoding save.
    if "?" in local and not _LETTER_OR_DIGIT.search(local):
        return QUESTION_MARKS
    return None


def is_placeholder(text: str | None) -> bool:
    """Tell whether a value means "nothing here" and must be treated as missing.

    Args:
        text: A raw value as exported, or None.

    Returns:
        True for None, blank text, a known placeholder word (``"N/A"``, ``"unknown"``, ``"-"``),
        a placeholder email (``"test@test.com"``, ``"noemail@shop.com"``), question marks left
        by a legacy-encoding save (``"????"``), zeros alone (``"0"``) or a repeated or counting
        digit run (``"0000000000"``, ``"1234567890"``, ``"00000"``): every value that
        ``placeholder_reason`` gives a reason for.

    Example:
        >>> is_placeholder(" N/A "), is_placeholder("Hélène")
        (True, False)
    """
    return placeholder_reason(text) is not None


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
