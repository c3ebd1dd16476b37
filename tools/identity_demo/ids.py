"""Vendor-shaped record ids: Salesforce, Shopify, Square and Meta."""

from __future__ import annotations

import base64
import random
import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX_ALPHABET = string.ascii_uppercase + "012345"
# Square ids use upper-case letters and digits without the easily confused I, L, O, U.
_SQUARE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Base64 has two symbols vendors' ids do not use; map them onto letters.
_NO_SYMBOLS = str.maketrans("+/", "xQ")


def _base62(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 62)
        chars.append(_BASE62[digit])
    return "".join(reversed(chars))


def salesforce_suffix(id15: str) -> str:
    """The 3-character case-safe suffix that turns a 15-character Salesforce id into 18.

    Each suffix character encodes, as a 5-bit number, which of 5 id characters are upper-case,
    so an id stays unique when compared case-insensitively (Excel, SQL collations).
    """
    suffix = ""
    for block in range(3):
        bits = 0
        for position, char in enumerate(id15[block * 5 : block * 5 + 5]):
            if char.isupper():
                bits |= 1 << position
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


class SalesforceIds:
    """Increasing 18-character ids for one object prefix (``003`` Contact, ``001`` Account)."""

    def __init__(self, rng: random.Random, prefix: str = "003", pod: str = "8d") -> None:
        self._rng = rng
        self._prefix = f"{prefix}{pod}0"
        self._counter = rng.randrange(62**6, 62**7)

    def next(self) -> str:
        """The next id, e.g. ``0038d00000Xk1AbAAJ``."""
        self._counter += self._rng.randint(1, 9000)
        id15 = self._prefix + _base62(self._counter, 9)
        return id15 + salesforce_suffix(id15)


class NumericIds:
    """Increasing numeric ids of a fixed width (Shopify customers and orders, Meta objects)."""

    def __init__(self, rng: random.Random, start: int, max_step: int) -> None:
        self._rng = rng
        self._value = start
        self._max_step = max_step

    def next(self) -> str:
        """The next id as digits."""
        self._value += self._rng.randint(1, self._max_step)
        return str(self._value)


def square_id(rng: random.Random, used: set[str], length: int = 26) -> str:
    """A new Square-style id such as ``4N1C2QK9T0WA7S6YF3M5B8HEJR``.

    Args:
        rng: The seeded generator.
        used: Ids already handed out; the new one is added.
        length: Number of characters.

    Returns:
        An unused id.
    """
    while True:
        bits = rng.getrandbits(5 * length)  # 5 bits per character of a 32-letter alphabet
        value = "".join(_SQUARE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(length))
        if value not in used:
            used.add(value)
            return value


def token(rng: random.Random, length: int) -> str:
    """A mixed-case alphanumeric token (transaction and payment ids)."""
    raw = rng.randbytes((length * 3 + 3) // 4)
    return base64.b64encode(raw).decode("ascii")[:length].translate(_NO_SYMBOLS)
