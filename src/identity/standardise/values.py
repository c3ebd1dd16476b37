"""Money, counts, booleans and consent flags as the exports write them."""

from __future__ import annotations

import re

TRUE_WORDS: frozenset[str] = frozenset({"true", "t", "1", "yes", "y", "oui"})
FALSE_WORDS: frozenset[str] = frozenset({"false", "f", "0", "no", "n", "non"})
# Square's "Email Subscription Status" and similar newsletter states.
CONSENT_WORDS: dict[str, bool | None] = {
    "subscribed": True,
    "opted in": True,
    "opt-in": True,
    "unsubscribed": False,
    "not subscribed": False,
    "opted out": False,
    "opt-out": False,
    "unknown": None,
    "pending": None,
}
# Salesforce exports HasOptedOutOfEmail; the reader tags it so consent is read inverted.
OPT_OUT_PREFIX = "optout:"

# Everything but digits, separators and signs: currency symbols and codes, (no-break) spaces.
_MONEY_NOISE = re.compile(r"[^\d,.\-()]")
_MONEY_BODY = re.compile(r"^\d[\d,.]*$|^[.,]\d+$")


def parse_bool(text: str | None) -> bool | None:
    """Read ``true``/``false``, ``1``/``0``, ``yes``/``no`` (and French ``oui``/``non``).

    Returns:
        The boolean, or None when missing or anything else.
    """
    if text is None:
        return None
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_consent(text: str | None) -> bool | None:
    """Read a marketing consent flag.

    Args:
        text: ``"optout:true"`` (Salesforce HasOptedOutOfEmail, so consent is the inverse),
            ``"yes"``/``"no"`` (Shopify), ``"Subscribed"``/``"Unsubscribed"``/``"Unknown"``
            (Square)...

    Returns:
        True (may be contacted), False, or None when unknown.

    Example:
        >>> parse_consent("optout:false"), parse_consent("Unsubscribed"), parse_consent("Unknown")
        (True, False, None)
    """
    if text is None:
        return None
    word = text.strip().lower()
    if word.startswith(OPT_OUT_PREFIX):
        opted_out = parse_bool(word[len(OPT_OUT_PREFIX) :])
        return None if opted_out is None else not opted_out
    if word in CONSENT_WORDS:
        return CONSENT_WORDS[word]
    return parse_bool(word)


def _decimal_point(body: str) -> str | None:
    """Which of "," and "." is the decimal separator in ``body`` (None: it has none)."""
    comma, dot = body.rfind(","), body.rfind(".")
    if comma >= 0 and dot >= 0:
        return "," if comma > dot else "."
    if comma >= 0:
        # "1234,56" is a decimal comma; "1,234" and "1,234,567" group thousands.
        return "," if body.count(",") == 1 and len(body) - comma - 1 != 3 else None
    if dot >= 0:
        # "1.234.567" groups thousands the European way; a single dot is a decimal point.
        return "." if body.count(".") == 1 else None
    return None


def parse_money(text: str | None) -> float | None:
    """Read an amount of money.

    Args:
        text: ``13175.00``, ``$1,234.56``, ``-$0.95``, ``(0.95)``, ``1 234,56``, ``1234,56 €``.

    Returns:
        The amount (negative when signed or in accounting brackets), or None when missing or
        not a number.

    Example:
        >>> parse_money("$1,234.56"), parse_money("1 234,56"), parse_money("-$0.95")
        (1234.56, 1234.56, -0.95)
    """
    if text is None:
        return None
    value = _MONEY_NOISE.sub("", text)
    negative = value.startswith("-") or value.endswith("-") or value.startswith("(")
    body = value.strip("-()")
    if not _MONEY_BODY.match(body):
        return None
    point = _decimal_point(body)
    grouping = {",": ".", ".": ",", None: ",."}[point]
    for mark in grouping:
        body = body.replace(mark, "")
    if point is not None:
        body = body.replace(point, ".")
    amount = float(body)
    return -amount if negative else amount


def parse_count(text: str | None) -> int | None:
    """Read a non-negative whole count such as an order count: ``12``, ``12.0``, ``1,204``.

    Returns:
        The count, or None when missing, negative, fractional or not a number.
    """
    amount = parse_money(text)
    if amount is None or amount < 0 or not amount.is_integer():
        return None
    return int(amount)
