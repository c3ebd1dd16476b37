"""Person names: a display form that keeps accents and a folded form for matching."""

from __future__ import annotations

import re

from unidecode import unidecode

from identity.standardise.placeholders import is_placeholder
from identity.standardise.text import is_formula, strip_invisible

# Leading courtesy titles, compared without a trailing dot. "M." (Monsieur) needs its dot:
# a bare "M" is as likely an initial.
TITLES: frozenset[str] = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "mme", "mlle", "mmes", "mm", "sir"}
)
TITLES_WITH_DOT: frozenset[str] = frozenset({"m."})

# Trimmed from both ends of a name: stray separators left by exports and form fillers, and
# the "+", "-" and "@" that make a spreadsheet read a cell as a formula.
_EDGE_PUNCTUATION = " \t\r\n.,;:-_/\\'\"`´’‘()[]{}*#!?|+@"
_SPACES = re.compile(r"\s+")
# A letter that starts a name part: after the start, a space, a hyphen or an apostrophe.
_PART_START = re.compile(r"(^|[\s\-'’])(\w)")
# Apostrophes and dots vanish ("O'Brien" -> "obrien", "J.P." -> "jp") because people and
# forms drop them freely; every other separator (hyphen, comma, space) becomes one space so
# "Jean-Pierre" and "Jean Pierre" fold alike.
_VANISHING = re.compile(r"['.`´]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def fix_case(text: str) -> str:
    """Capitalise each part of a value typed all upper or all lower case; leave mixed case alone.

    Args:
        text: A name or place name.

    Returns:
        ``"JEAN-PIERRE"`` -> ``"Jean-Pierre"``, ``"o'neil"`` -> ``"O'Neil"``; ``"McDonald"``
        is returned unchanged because someone chose that case.
    """
    if text != text.upper() and text != text.lower():
        return text
    return _PART_START.sub(lambda m: m.group(1) + m.group(2).upper(), text.lower())


def _strip_titles(tokens: list[str]) -> list[str]:
    # Keep at least one token: a lone "Dr" is a (bad) name, not an empty one.
    while len(tokens) > 1:
        head = tokens[0].casefold()
        if head.rstrip(".") in TITLES or head in TITLES_WITH_DOT:
            tokens = tokens[1:]
        else:
            break
    return tokens


def clean_name(text: str | None) -> str | None:
    """Return the display form of a first or last name.

    Args:
        text: The name as exported.

    Returns:
        The name without titles, surrounding punctuation, invisible characters or repeated
        spaces, re-cased when it was typed all upper or all lower case, accents kept; None
        when nothing usable is left or the cell is a spreadsheet formula (``=HYPERLINK(...)``).

    Example:
        >>> clean_name("  mme HÉLÈNE "), clean_name("N/A")
        ('Hélène', None)
    """
    if text is None or is_placeholder(text):
        return None
    text = strip_invisible(text, keep_joiners=True)
    if is_formula(text):
        return None
    tokens = _strip_titles(_SPACES.split(text.strip()))
    name = " ".join(tokens).strip(_EDGE_PUNCTUATION)
    if not any(ch.isalpha() for ch in name) or is_placeholder(name):
        return None
    return fix_case(name)


def fold_name(text: str | None) -> str | None:
    """Fold a name into its matching key.

    Args:
        text: A name, ideally already cleaned with ``clean_name``.

    Returns:
        ASCII lower case, apostrophes and dots removed, other separators turned into single
        spaces: ``"Hélène"`` -> ``"helene"``, ``"O'Brien"`` -> ``"obrien"``,
        ``"Jean-Pierre"`` -> ``"jean pierre"``; None when nothing is left.
    """
    if text is None or is_placeholder(text):
        return None
    folded = _VANISHING.sub("", unidecode(text).lower())
    folded = _SEPARATORS.sub(" ", folded).strip()
    return folded or None


def split_full_name(text: str | None) -> tuple[str | None, str | None]:
    """Split a one-field name (Meta lead forms) into first and last name display forms.

    Args:
        text: ``"Jean Dupont"``, ``"DUPONT, Jean"`` or ``"Mme Hélène de la Tour"``.

    Returns:
        ``(first, last)``: with a comma the part before it is the last name; otherwise the
        first token (after titles) is the first name and the rest the last name. A single
        word is taken as a first name.
    """
    if text is None or is_placeholder(text) or is_formula(text):
        return None, None
    text = strip_invisible(text, keep_joiners=True)
    if "," in text:
        last, _, first = text.partition(",")
        return clean_name(first), clean_name(last)
    tokens = _strip_titles(_SPACES.split(text.strip()))
    return clean_name(tokens[0]), clean_name(" ".join(tokens[1:]) or None)
