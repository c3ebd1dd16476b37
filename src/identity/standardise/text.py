"""Characters nobody can see and spreadsheet formulas: removed before a value is read.

Exports pick up invisible characters from web forms and copy-paste (zero-width spaces, word
joiners, soft hyphens, direction marks around right-to-left names, a byte-order mark left
mid-file when two exports are joined). They make ``maria\u200b@example.com`` an invalid email
and ``Jean`` and ``Je\u200ban`` different names, so they go before anything else.
"""

from __future__ import annotations

# Never meaningful in a customer value.
_INVISIBLE = (
    "\ufeff\u200b\u2060\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Zero-width non-joiner and joiner shape Persian and Indic names and emoji sequences: kept in
# names, removed from emails, phones and ids where they can only be noise.
_JOINERS = "\u200c\u200d"
_NAME_TABLE = dict.fromkeys(map(ord, _INVISIBLE))
_ALL_TABLE = dict.fromkeys(map(ord, _INVISIBLE + _JOINERS))

# What makes a spreadsheet evaluate a cell ("=HYPERLINK(...)", "+cmd|...", "@SUM(...)").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def strip_invisible(text: str, *, keep_joiners: bool = False) -> str:
    """Remove invisible characters from a value.

    Args:
        text: The value as exported.
        keep_joiners: Keep zero-width (non-)joiners, which matter inside names in some
            scripts.

    Returns:
        The value without them; the same object when there were none.

    Example:
        >>> strip_invisible("maria\u200b@example.com")
        'maria@example.com'
    """
    if text.isascii():
        return text
    return text.translate(_NAME_TABLE if keep_joiners else _ALL_TABLE)


def is_formula(text: str) -> bool:
    """Tell whether a value is a spreadsheet formula rather than data.

    Args:
        text: The value, trimmed or not.

    Returns:
        True when it starts with ``=`` (after spaces): a spreadsheet computes such a cell, so
        it is not a name or an address someone typed.
    """
    return text.lstrip().startswith("=")
