"""Counts, booleans and consent flags as the exports write them (money: ``identity.money``)."""

from __future__ import annotations

from identity.money import parse_money

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


def parse_count(text: str | None) -> int | None:
    """Read a non-negative whole count such as an order count: ``12``, ``12.0``, ``1,204``.

    Returns:
        The count, or None when missing, negative, fractional or not a number.
    """
    amount = parse_money(text)
    if amount is None or amount < 0 or amount != amount.to_integral_value():
        return None
    return int(amount)
