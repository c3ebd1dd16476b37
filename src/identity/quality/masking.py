"""Masking of example values: quality results travel to Dagster metadata and HTML reports.

Analysts need to see *what kind* of value broke a rule (an email with a placeholder domain, a
phone with too few digits) without seeing whose value it was. Masks keep the shape (separators,
domain suffix, a couple of leading characters) and hide the rest.
"""

from __future__ import annotations

import math
import re

from identity import schema as s

# Columns whose values identify records or describe them without personal data: showing them
# unmasked lets analysts find the offending row (house rules allow logging ids).
SAFE_COLUMNS: frozenset[str] = frozenset(
    {
        s.SOURCE_SYSTEM,
        s.SOURCE_RECORD_ID,
        s.RECORD_KEY,
        s.CUSTOMER_ID,
        s.CLUSTER_ID,
        s.SOURCE_FILE,
        s.SOURCE_LINE,
        s.RUN_ID,
        s.COUNTRY,
        s.TOTAL_SPENT,
        s.ORDER_COUNT,
        s.SOURCE_RECORD_COUNT,
        s.SOURCE_SYSTEM_LIST,
        s.EMAIL_CONSENT,
        s.SMS_CONSENT,
        s.IS_DELETED,
        s.CREATED_AT,
        s.UPDATED_AT,
        s.FIRST_SEEN_AT,
        s.LAST_SEEN_AT,
        s.REASON,
    }
)

_SAFE_VALUE = re.compile(r"[\w:./,\-+ ]{1,80}")
_PHONE_LIKE = re.compile(r"(?:p:)?'?\+?[\d\s().\-/]+")
_MIN_PHONE_DIGITS = 6
_MAX_SAFE_LENGTH = 60


def mask_value(value: object) -> str:
    """Mask one value so that it can be shown without revealing personal data.

    Emails keep their first character, the first character of the domain and the top-level
    domain; phones keep up to three leading and two trailing digits and their separators;
    other text keeps at most two leading characters. The mask never contains the raw value.

    Args:
        value: Any value (str, number, date, None).

    Returns:
        The mask, e.g. ``"j***@g****.com"``, ``"+33 6** ** ** 78"``, ``"Hé***"``; ``"<null>"`` for
        missing values and ``"<empty>"`` for blank strings.

    Examples:
        >>> mask_value("jean.dupont@gmail.com")
        'j***@g****.com'
        >>> mask_value("+33 612 34 56 78")
        '+33 6** ** ** 78'
        >>> mask_value("Hélène")
        'Hé***'
    """
    if is_missing(value):
        return "<null>"
    text = str(value).strip()
    if not text:
        return "<empty>"
    if "@" in text:
        return _mask_email(text)
    if _PHONE_LIKE.fullmatch(text) and sum(c.isdigit() for c in text) >= _MIN_PHONE_DIGITS:
        return _mask_phone(text)
    return _mask_text(text)


def example_for(column: str | None, value: object) -> str:
    """Render an unexpected value for display, masking it unless its column is non-personal.

    Args:
        column: The column the value came from (None for table-level checks).
        value: The unexpected value.

    Returns:
        The value itself for id-like columns in ``SAFE_COLUMNS`` (truncated), otherwise
        ``mask_value(value)``. Values that look like an email or a phone are always masked, so a
        mis-mapped column cannot leak personal data through a "safe" name.
    """
    if is_missing(value):
        return "<null>"
    text = str(value).strip()
    safe_column = column is not None and set(column.split(", ")) <= SAFE_COLUMNS
    looks_personal = "@" in text or text.startswith(("+", "p:"))
    if safe_column and not looks_personal and _SAFE_VALUE.fullmatch(text):
        return text if len(text) <= _MAX_SAFE_LENGTH else text[:_MAX_SAFE_LENGTH] + "…"
    return mask_value(value)


def is_missing(value: object) -> bool:
    """Whether a value is missing: None, NaN, or pandas' NA/NaT."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    # pandas NA/NaT compare unequal to themselves without importing pandas here.
    return type(value).__name__ in {"NAType", "NaTType"}


def _mask_text(text: str) -> str:
    # Longer values may keep a two-character prefix; short ones must not be recoverable.
    keep = 0 if len(text) <= 2 else 1 if len(text) <= 4 else 2
    return text[:keep] + "***"


def _mask_email(text: str) -> str:
    local, _, domain = text.rpartition("@")
    masked_local = (local[:1] if len(local) > 1 else "") + "***"
    host, dot, suffix = domain.rpartition(".")
    if not dot or not host:
        return f"{masked_local}@{domain[:1] if len(domain) > 1 else ''}****"
    # The top-level domain ("com", "fr") is shared by millions and helps spot typos like ".con".
    tld = suffix if len(suffix) <= 6 else suffix[:1] + "***"
    return f"{masked_local}@{host[:1] if len(host) > 1 else ''}****.{tld}"


def _mask_phone(text: str) -> str:
    digits = sum(c.isdigit() for c in text)
    head, tail = (3, 2) if digits >= 9 else (1, 1)
    seen = 0
    out: list[str] = []
    for char in text:
        if char.isdigit():
            seen += 1
            out.append(char if seen <= head or seen > digits - tail else "*")
        else:
            out.append(char)
    return "".join(out)
