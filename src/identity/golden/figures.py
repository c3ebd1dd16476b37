"""What an analyst asks first about the golden table: channels, source overlap, completeness.

Counts and shares only, never a value: the report (``identity.report``) draws them. Shares are
fractions of 0 to 1, or None when there is nothing to divide by (no customers, no rows).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pandas as pd

from identity import schema as s
from identity.golden.touchpoints import TRANSACTION_TYPE

# A postal address is a street a letter can reach: the street with its postcode or city.
_ADDRESS_PLACE = (s.POSTAL_CODE, s.CITY)
_CONSENTS = (s.EMAIL_CONSENT, s.SMS_CONSENT)


def golden_figures(
    golden: pd.DataFrame,
    crosswalk: pd.DataFrame,
    touchpoints: pd.DataFrame,
    transactions: pd.DataFrame,
) -> dict[str, Any]:
    """Channel overlap, source-pair match rates, completeness and transactions matched.

    Args:
        golden: The golden customers (``source_systems``, the surviving attributes, consents).
        crosswalk: Source record -> customer (records per source).
        touchpoints: Every dated interaction; a transaction naming no known record has none.
        transactions: The orders and store sales read (``schema.TRANSACTION_COLUMNS``).

    Returns:
        ``customers``; ``channels`` (customers by number of distinct sources, 1 to 4);
        ``combinations`` (customers per set of sources, largest first); ``sources`` (customers
        and records per source); ``source_pairs`` (customers in both of two sources, and that
        as a share of each side); ``completeness`` (customers with each attribute);
        ``consent`` (granted, refused, unknown per flag); ``transactions`` (rows read, matched
        to a customer and unmatched, per source and file).
    """
    sets = _combinations(golden)
    return {
        "customers": len(golden),
        "channels": channel_overlap(sets),
        "combinations": source_combinations(sets),
        "sources": source_counts(sets, crosswalk),
        "source_pairs": source_pairs(sets),
        "completeness": completeness(golden),
        "consent": consent(golden),
        "transactions": transactions_matched(transactions, touchpoints),
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _ordered(names: set[str]) -> list[str]:
    """Known source systems in their usual order, then any other name sorted."""
    known = [name for name in s.SOURCE_SYSTEMS if name in names]
    return known + sorted(names - set(s.SOURCE_SYSTEMS))


def _combinations(golden: pd.DataFrame) -> dict[frozenset[str], int]:
    """Customers per exact set of source systems holding their records.

    Counted on the distinct ``source_systems`` texts (a handful of combinations), never per
    customer: this reads the golden table of a million customers in well under a second.
    """
    if s.SOURCE_SYSTEM_LIST not in golden.columns:
        return {frozenset(): len(golden)} if len(golden) else {}
    texts = (
        golden[s.SOURCE_SYSTEM_LIST]
        .astype("object")
        .where(golden[s.SOURCE_SYSTEM_LIST].notna(), "")
    )
    out: dict[frozenset[str], int] = {}
    for text, count in texts.value_counts().items():
        held = frozenset(p.strip() for p in str(text).split(",") if p.strip())
        out[held] = out.get(held, 0) + int(count)
    return out


def _names(sets: dict[frozenset[str], int]) -> list[str]:
    return _ordered(set().union(*sets)) if sets else []


def channel_overlap(sets: dict[frozenset[str], int]) -> list[dict[str, int]]:
    """Customers by the number of distinct source systems they span, 1 to 4 (and beyond)."""
    by_size: dict[int, int] = {}
    for held, count in sets.items():
        by_size[len(held)] = by_size.get(len(held), 0) + count
    top = max([len(s.SOURCE_SYSTEMS), *by_size])
    out = [{"systems": n, "customers": by_size.get(n, 0)} for n in range(1, top + 1)]
    if by_size.get(0):  # a golden row naming no source: shown, never dropped
        out.insert(0, {"systems": 0, "customers": by_size[0]})
    return out


def source_combinations(sets: dict[frozenset[str], int]) -> list[dict[str, Any]]:
    """Customers per exact set of sources, largest first (ties by name)."""
    rows = [
        {"sources": "+".join(_ordered(set(held))) or "(none)", "customers": count}
        for held, count in sets.items()
    ]
    return sorted(rows, key=lambda r: (-r["customers"], r["sources"]))


def _customers_in(sets: dict[frozenset[str], int], *names: str) -> int:
    return sum(count for held, count in sets.items() if held.issuperset(names))


def source_counts(
    sets: dict[frozenset[str], int], crosswalk: pd.DataFrame
) -> dict[str, dict[str, int]]:
    """Per source: customers with a record there, and records it holds."""
    records: dict[str, int] = {}
    if s.SOURCE_SYSTEM in crosswalk.columns:
        records = {str(k): int(v) for k, v in crosswalk[s.SOURCE_SYSTEM].value_counts().items()}
    return {
        name: {"customers": _customers_in(sets, name), "records": records.get(name, 0)}
        for name in _ordered(set(_names(sets)) | set(records))
    }


def source_pairs(sets: dict[frozenset[str], int]) -> list[dict[str, Any]]:
    """For every two sources present: customers in both, and that share of each side.

    ``left_share`` is the share of the left source's customers also found in the right one: of
    the CRM's customers, how many the shop knows too.
    """
    out = []
    for left, right in combinations(_names(sets), 2):
        both = _customers_in(sets, left, right)
        left_n, right_n = _customers_in(sets, left), _customers_in(sets, right)
        out.append(
            {
                "left": left,
                "right": right,
                "customers": both,
                "left_customers": left_n,
                "right_customers": right_n,
                "left_share": _share(both, left_n),
                "right_share": _share(both, right_n),
            }
        )
    return out


def _present(frame: pd.DataFrame, column: str, *, raw: bool = False) -> pd.Series:
    """Whether each row has a value (blank text counts as none); all False if absent.

    Standardised values hold None for blank text, so an empty string is all to look for;
    ``raw`` text as exported (transactions) is stripped first.
    """
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    values = frame[column]
    filled = values.notna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        text = values.astype("string").str.strip() if raw else values
        filled &= ~text.isin([""]).fillna(False).astype(bool)
    return filled.astype(bool)


def completeness(golden: pd.DataFrame) -> list[dict[str, Any]]:
    """Customers whose golden record has a name, email, phone, postal address, birth date."""
    name = _present(golden, s.FIRST_NAME) & _present(golden, s.LAST_NAME)
    email, phone = _present(golden, s.EMAIL), _present(golden, s.PHONE)
    place = pd.Series(False, index=golden.index)
    for column in _ADDRESS_PLACE:
        place |= _present(golden, column)
    address = _present(golden, s.STREET) & place
    checks = [
        ("name", "first and last name", name),
        (s.EMAIL, "email", email),
        (s.PHONE, "phone", phone),
        ("email_or_phone", "email or phone (reachable)", email | phone),
        ("address", "postal address (street with postcode or city)", address),
        (s.DATE_OF_BIRTH, "date of birth", _present(golden, s.DATE_OF_BIRTH)),
    ]
    total = len(golden)
    return [
        {
            "attribute": key,
            "label": label,
            "customers": int(mask.sum()),
            "share": _share(int(mask.sum()), total),
        }
        for key, label, mask in checks
    ]


def consent(golden: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per consent flag: customers who granted, refused, or never stated it."""
    out = {}
    total = len(golden)
    for column in _CONSENTS:
        values = golden[column] if column in golden.columns else pd.Series([None] * total)
        known = values.notna()
        granted = int(values[known].astype(bool).sum())
        refused = int(known.sum()) - granted
        unknown = total - int(known.sum())
        out[column] = {
            "granted": granted,
            "refused": refused,
            "unknown": unknown,
            "granted_share": _share(granted, total),
            "known_share": _share(total - unknown, total),
        }
    return out


def _named(transactions: pd.DataFrame) -> pd.Series:
    """Whether a transaction names a customer at all (an email or a customer id)."""
    named = pd.Series(False, index=transactions.index)
    for column in (s.CUSTOMER_EMAIL, s.CUSTOMER_REF):
        named |= _present(transactions, column, raw=True)
    return named


def transactions_matched(transactions: pd.DataFrame, touchpoints: pd.DataFrame) -> dict[str, Any]:
    """Orders and store sales read, matched to a customer, and unmatched, per source and file.

    A transaction is matched when it became a touchpoint (``golden.touchpoints``), so matched
    counts are per source; unmatched ones are split into those naming no customer at all and
    those naming a record the run does not know.
    """
    if s.SOURCE_SYSTEM not in transactions.columns or transactions.empty:
        return {"rows": 0, "matched": 0, "unmatched": 0, "by_source": {}}
    kinds = set(TRANSACTION_TYPE.values())
    matched_by: dict[str, int] = {}
    if {s.TOUCHPOINT_TYPE, s.SOURCE_SYSTEM} <= set(touchpoints.columns):
        bought = touchpoints[touchpoints[s.TOUCHPOINT_TYPE].isin(kinds)]
        matched_by = {str(k): int(v) for k, v in bought[s.SOURCE_SYSTEM].value_counts().items()}
    named = _named(transactions)
    by_source: dict[str, dict[str, Any]] = {}
    for name in _ordered(set(transactions[s.SOURCE_SYSTEM].dropna().astype(str))):
        rows = transactions[s.SOURCE_SYSTEM] == name
        read = int(rows.sum())
        matched = min(matched_by.get(name, 0), read)
        files = []
        if s.FILE in transactions.columns:
            per_file = transactions.loc[rows, s.FILE].fillna("").astype(str).value_counts()
            files = [{s.FILE: str(k), "rows": int(v)} for k, v in sorted(per_file.items())]
        by_source[name] = {
            "rows": read,
            "matched": matched,
            "unmatched": read - matched,
            "no_customer_named": int((rows & ~named).sum()),
            "matched_share": _share(matched, read),
            "files": files,
        }
    rows_total = sum(v["rows"] for v in by_source.values())
    matched_total = sum(v["matched"] for v in by_source.values())
    return {
        "rows": rows_total,
        "matched": matched_total,
        "unmatched": rows_total - matched_total,
        "by_source": by_source,
    }
