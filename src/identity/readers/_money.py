"""Add up exported money amounts (``$1,234.56``, ``-$0.95``, ``1.234,56 €``, ``13175.00``)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NOT_NUMBER = re.compile(r"[^\d.,]")
# A comma followed by one or two digits at the end is a decimal comma ("8,50"); otherwise it
# separates thousands ("1,234").
_DECIMAL_COMMA = re.compile(r",\d{1,2}$")


def parse_money(text: str | None) -> Decimal | None:
    """Read an exported amount.

    Args:
        text: The amount as exported: optional currency symbol, sign or parentheses, thousands
            separators, decimal point or (European re-save) decimal comma.

    Returns:
        The amount, or None when the text holds no number.
    """
    if text is None:
        return None
    text = text.strip().lstrip("'")
    digits = _NOT_NUMBER.sub("", text)
    if not any(ch.isdigit() for ch in digits):
        return None
    negative = "-" in text or (text.startswith("(") and text.endswith(")"))
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif "," in digits:
        decimal_mark = "," if _DECIMAL_COMMA.search(digits) else ""
    else:
        decimal_mark = "." if digits.count(".") == 1 else ""
    thousands = {",", "."} - {decimal_mark}
    number = "".join(ch for ch in digits if ch not in thousands).replace(",", ".")
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return -value if negative else value


def format_money(value: Decimal) -> str:
    """Write a computed amount as plain text (``"7.05"``, ``"-0.95"``).

    Args:
        value: The amount.

    Returns:
        Digits with a decimal point, no symbol, no thousands separator, no exponent.
    """
    return format(value, "f")
