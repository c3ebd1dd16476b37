"""Dated interactions per customer, from orders, store sales, lead forms and CRM records."""

from __future__ import annotations

import logging

import pandas as pd

from identity import schema as s
from identity.golden._order import order_rows
from identity.golden.rollups import record_touchpoints
from identity.money import parse_money

logger = logging.getLogger(__name__)

TRANSACTION_TYPE = {"ecommerce": "online order", "pos": "store purchase"}


# Square writes the location's time zone by its Rails name; map the common ones to IANA zones.
SQUARE_ZONES = {
    "Eastern Time (US & Canada)": "America/New_York",
    "Central Time (US & Canada)": "America/Chicago",
    "Mountain Time (US & Canada)": "America/Denver",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Arizona": "America/Phoenix",
    "Alaska": "America/Juneau",
    "Hawaii": "Pacific/Honolulu",
    "London": "Europe/London",
    "Edinburgh": "Europe/London",
    "Dublin": "Europe/Dublin",
    "Paris": "Europe/Paris",
    "Berlin": "Europe/Berlin",
    "Madrid": "Europe/Madrid",
    "Rome": "Europe/Rome",
    "Amsterdam": "Europe/Amsterdam",
    "Brussels": "Europe/Brussels",
    "Lisbon": "Europe/Lisbon",
    "Sydney": "Australia/Sydney",
    "Tokyo": "Asia/Tokyo",
    "UTC": "UTC",
}
_OFFSET_SHAPE = r"\S+\s+\S+\s+(?:[+-]\S*|Z)$"
_LOCAL_WITH_ZONE = r"(?P<local>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)\s+(?P<zone>[^\d+-].*)"


def _amount(text: pd.Series) -> pd.Series:
    """Amounts as floats: plain decimals (what readers write) at C speed, the rest parsed."""
    values = pd.to_numeric(text, errors="coerce").astype(float)
    odd = values.isna() & text.notna()
    if odd.any():
        parsed = text[odd].map(lambda v: parse_money(v) if isinstance(v, str) else None)
        values[odd] = parsed.astype(float)
    return values.astype(float)


def _when(text: pd.Series) -> pd.Series:
    """Instants in UTC from Shopify (``2025-04-01 17:18:52 -0700``) and Square (``2026-01-06
    08:01:21 Eastern Time (US & Canada)``) text, and from ISO 8601; NaT when unreadable."""
    text = text.astype("object").where(text.notna(), None).astype("string").str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    # The offset format can only read "<date> <time> <offset>", the offset starting with a sign
    # or being "Z"; failing rows are slow to fail (Square's named zones are half the rows), so
    # only rows of that shape are tried.
    shaped = text.str.match(_OFFSET_SHAPE).fillna(False).astype(bool)
    offset = pd.to_datetime(text[shaped], format="%Y-%m-%d %H:%M:%S %z", errors="coerce", utc=True)
    out[offset[offset.notna()].index] = offset[offset.notna()]
    named = text[out.isna()].str.extract(_LOCAL_WITH_ZONE).dropna()
    zones = named["zone"].map(lambda z: SQUARE_ZONES.get(z, z if "/" in z else None))
    for zone, part in named.groupby(zones, sort=True):
        local = pd.to_datetime(part["local"], format="ISO8601", errors="coerce")
        try:
            # Ambiguous fall-back hours and skipped spring-forward hours still get an instant.
            stamped = local.dt.tz_localize(
                str(zone), ambiguous="NaT", nonexistent="shift_forward"
            ).dt.tz_convert("UTC")
        except (KeyError, ValueError):  # not a zone we know: leave those NaT
            continue
        out[stamped.index] = stamped
    for fmt in ("ISO8601", "mixed"):  # ISO first: it is vectorised, "mixed" parses one by one
        rest = out.isna() & text.notna()
        if rest.any():
            out[rest] = pd.to_datetime(text[rest], utc=True, errors="coerce", format=fmt)
    return out


def transaction_touchpoints(transactions: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Attach each order or store sale to the customer of the record it names.

    Shopify orders name the customer by email (matched to a Shopify customer record); Square item
    sales by the Square customer id. Transactions naming no known record are counted and left out
    of touchpoints (they are not customer records, so no quarantine applies).

    Args:
        transactions: From ``identity.readers.read_transactions`` for every source.
        records: Contacts with ``customer_id``.

    Returns:
        Touchpoint rows (``schema.TOUCHPOINT_COLUMNS``).
    """
    if transactions.empty:
        return pd.DataFrame(columns=s.TOUCHPOINT_COLUMNS)
    shop = records[records[s.SOURCE_SYSTEM] == "ecommerce"].dropna(subset=[s.EMAIL])
    shop = shop.sort_values(s.RECORD_KEY).drop_duplicates(s.EMAIL)
    by_email = shop.set_index(s.EMAIL)[[s.CUSTOMER_ID, s.SOURCE_RECORD_ID]]
    store = records[records[s.SOURCE_SYSTEM] == "pos"]
    by_ref = store.set_index(s.SOURCE_RECORD_ID)[s.CUSTOMER_ID]

    frames = []
    orders = transactions[transactions[s.SOURCE_SYSTEM] == "ecommerce"]
    if not orders.empty:
        email = orders[s.CUSTOMER_EMAIL].str.strip().str.lower()
        matched = by_email.reindex(email.to_numpy())
        frames.append(
            pd.DataFrame(
                {
                    s.CUSTOMER_ID: matched[s.CUSTOMER_ID].to_numpy(),
                    s.SOURCE_RECORD_ID: matched[s.SOURCE_RECORD_ID].to_numpy(),
                    s.SOURCE_SYSTEM: "ecommerce",
                    s.REFERENCE: orders[s.ORDER_ID].to_numpy(),
                    s.OCCURRED_AT: _when(orders[s.OCCURRED_AT]).to_numpy(),
                    s.AMOUNT: _amount(orders[s.AMOUNT]).to_numpy(),
                }
            )
        )
    sales = transactions[transactions[s.SOURCE_SYSTEM] == "pos"]
    if not sales.empty:
        ref = sales[s.CUSTOMER_REF].str.strip()
        frames.append(
            pd.DataFrame(
                {
                    s.CUSTOMER_ID: by_ref.reindex(ref.to_numpy()).to_numpy(),
                    s.SOURCE_RECORD_ID: ref.to_numpy(),
                    s.SOURCE_SYSTEM: "pos",
                    s.REFERENCE: sales[s.ORDER_ID].to_numpy(),
                    s.OCCURRED_AT: _when(sales[s.OCCURRED_AT]).to_numpy(),
                    s.AMOUNT: _amount(sales[s.AMOUNT]).to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=s.TOUCHPOINT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    unmatched = int(out[s.CUSTOMER_ID].isna().sum())
    if unmatched:
        logger.info("touchpoints: %d transactions name no known customer record", unmatched)
    out = out.dropna(subset=[s.CUSTOMER_ID])
    out[s.CHANNEL] = out[s.SOURCE_SYSTEM]
    out[s.TOUCHPOINT_TYPE] = out[s.SOURCE_SYSTEM].map(TRANSACTION_TYPE)
    return out[s.TOUCHPOINT_COLUMNS]


def all_touchpoints(records: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """Every dated interaction, sorted by customer and time."""
    frames = [record_touchpoints(records), transaction_touchpoints(transactions, records)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=s.TOUCHPOINT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out[s.OCCURRED_AT] = pd.to_datetime(out[s.OCCURRED_AT], utc=True)
    by = [s.CUSTOMER_ID, s.OCCURRED_AT, s.CHANNEL, s.REFERENCE]
    return order_rows(out, by).reset_index(drop=True)
