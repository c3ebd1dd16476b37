"""Amounts of money as exports write them: ``$1,234.56``, ``-$0.95``, ``(12.50)``, ``1 234,56 €``.

The one money parser of the library. It returns a ``Decimal``: the transaction reader adds order
lines up and must get the order's total to the cent, which binary floats do not promise (0.1 +
0.2). Columns that are float64 by schema (a contact's ``total_spent``, a touchpoint's
``amount``) convert once the text is parsed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Everything but digits, separators and signs: currency symbols and codes, (no-break) spaces,
# a spreadsheet's leading apostrophe.
_NOISE = re.compile(r"[^\d,.\-()]")
_BODY = re.compile(r"^\d[\d,.]*$|^[.,]\d+$")


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


def parse_money(text: str | None) -> Decimal | None:
    """Read an amount of money exactly.

    Args:
        text: The amount as exported: an optional currency symbol or code, a sign (leading or
            trailing) or accounting brackets, thousands separators, and a decimal point or
            (European re-save) decimal comma.

    Returns:
        The amount, negative when signed or in brackets, with the digits as written
        (``"8,00"`` is ``Decimal("8.00")``); None when missing or not one number.

    Example:
        >>> parse_money("$1,234.56"), parse_money("1 234,56 €"), parse_money("(0.95)")
        (Decimal('1234.56'), Decimal('1234.56'), Decimal('-0.95'))
    """
    if text is None:
        return None
    value = _NOISE.sub("", text)
    negative = value.startswith("-") or value.endswith("-") or value.startswith("(")
    body = value.strip("-()")
    if not _BODY.match(body):
        return None
    point = _decimal_point(body)
    for mark in {",": ".", ".": ",", None: ",."}[point]:
        body = body.replace(mark, "")
    if point is not None:
        body = body.replace(point, ".")
    try:
        amount = Decimal(body)
    except InvalidOperation:  # several decimal marks: "1.2.3,4,5"
        return None
    return -amount if negative else amount


def format_money(value: Decimal) -> str:
    """Write a computed amount as plain text (``"7.05"``, ``"-0.95"``).

    Args:
        value: The amount.

    Returns:
        Digits with a decimal point, no symbol, no thousands separator, no exponent.
    """
    return format(value, "f")
