"""Cross-channel facts per customer: channels, first/last seen, spend, consent, touchpoints."""

from __future__ import annotations

import pandas as pd

from identity import schema as s
from identity.golden._order import order_rows

# What a record's creation means in each channel's own words.
RECORD_TOUCHPOINT = {
    "crm": "crm record created",
    "ecommerce": "shop account created",
    "pos": "store visit",
    "social": "lead form",
}


def resolve_consent(records: pd.DataFrame, column: str) -> pd.DataFrame:
    """Resolve a consent flag most-restrictively per customer.

    Any source saying no wins over every yes; with no "no", a "yes" grants consent; with
    neither, consent is unknown (None). The deciding record and its date are kept.

    Args:
        records: Contacts with ``customer_id`` and the consent column.
        column: ``email_consent`` or ``sms_consent``.

    Returns:
        ``customer_id``, the resolved flag, and the deciding record and its date
        (``schema.CONSENT_EVIDENCE``: ``<column>_source`` and ``<column>_at``).
    """
    source, at = s.CONSENT_EVIDENCE[column]
    known = records[records[column].notna()].copy()
    known["_rank"] = known[column].astype(bool).map({False: 0, True: 1})
    known["_at"] = known[s.UPDATED_AT].fillna(known[s.CREATED_AT])
    # Most restrictive first, then most recent statement, then record key for determinism.
    known = order_rows(
        known, [s.CUSTOMER_ID, "_rank", "_at", s.RECORD_KEY], [True, True, False, True]
    ).drop_duplicates(s.CUSTOMER_ID)
    return pd.DataFrame(
        {
            s.CUSTOMER_ID: known[s.CUSTOMER_ID],
            column: known[column].astype("boolean"),
            source: known[s.RECORD_KEY],
            at: known["_at"],
        }
    )


def record_touchpoints(records: pd.DataFrame) -> pd.DataFrame:
    """A dated touchpoint for every source record that carries a creation date."""
    dated = records[records[s.CREATED_AT].notna()]
    return pd.DataFrame(
        {
            s.CUSTOMER_ID: dated[s.CUSTOMER_ID],
            s.CHANNEL: dated[s.SOURCE_SYSTEM],
            s.TOUCHPOINT_TYPE: dated[s.SOURCE_SYSTEM].map(RECORD_TOUCHPOINT),
            s.OCCURRED_AT: dated[s.CREATED_AT],
            s.SOURCE_SYSTEM: dated[s.SOURCE_SYSTEM],
            s.SOURCE_RECORD_ID: dated[s.SOURCE_RECORD_ID],
            s.REFERENCE: dated[s.SOURCE_RECORD_ID],
            s.AMOUNT: pd.Series(float("nan"), index=dated.index),
        }
    )


def _systems(records: pd.DataFrame) -> pd.Series:
    """Sorted, comma-joined source systems per customer, without a Python call per customer."""
    names = sorted(records[s.SOURCE_SYSTEM].dropna().unique())
    bit = records[s.SOURCE_SYSTEM].map({name: 1 << i for i, name in enumerate(names)})
    pairs = pd.DataFrame({s.CUSTOMER_ID: records[s.CUSTOMER_ID], "bit": bit}).drop_duplicates()
    mask = pairs.groupby(s.CUSTOMER_ID, sort=True)["bit"].sum().astype(int)
    labels = {m: ",".join(n for i, n in enumerate(names) if m & (1 << i)) for m in mask.unique()}
    return mask.map(labels)


def rollups(records: pd.DataFrame, touchpoints: pd.DataFrame) -> pd.DataFrame:
    """Per-customer channel facts.

    Args:
        records: Contacts with ``customer_id``.
        touchpoints: Every dated interaction with ``customer_id``.

    Returns:
        One row per customer: source_systems, source_record_count, first_seen_at, last_seen_at,
        total_spent, order_count, both consents with their source and date, preferred_channel.
    """
    grouped = records.groupby(s.CUSTOMER_ID, sort=True)
    out = pd.DataFrame(
        {
            s.SOURCE_SYSTEM_LIST: _systems(records),
            s.SOURCE_RECORD_COUNT: grouped.size(),
            s.TOTAL_SPENT: grouped[s.TOTAL_SPENT].sum(min_count=1),
            s.ORDER_COUNT: grouped[s.ORDER_COUNT].sum(min_count=1),
        }
    )
    stamps = pd.concat(
        [
            records[[s.CUSTOMER_ID, s.CREATED_AT]].rename(columns={s.CREATED_AT: "at"}),
            records[[s.CUSTOMER_ID, s.UPDATED_AT]].rename(columns={s.UPDATED_AT: "at"}),
            touchpoints[[s.CUSTOMER_ID, s.OCCURRED_AT]].rename(columns={s.OCCURRED_AT: "at"}),
        ]
    ).dropna(subset=["at"])
    stamps["at"] = pd.to_datetime(stamps["at"], utc=True)
    seen = stamps.groupby(s.CUSTOMER_ID)["at"]
    out[s.FIRST_SEEN_AT] = seen.min()
    out[s.LAST_SEEN_AT] = seen.max()
    latest = order_rows(
        touchpoints.dropna(subset=[s.OCCURRED_AT]),
        [s.CUSTOMER_ID, s.OCCURRED_AT, s.CHANNEL],
        [True, False, True],
    )
    # The channel of the most recent activity is where the customer is reachable now.
    latest = latest.drop_duplicates(s.CUSTOMER_ID).set_index(s.CUSTOMER_ID)
    out[s.PREFERRED_CHANNEL] = latest[s.CHANNEL]
    out = out.reset_index()
    for column in (s.EMAIL_CONSENT, s.SMS_CONSENT):
        out = out.merge(resolve_consent(records, column), on=s.CUSTOMER_ID, how="left")
    out[s.ORDER_COUNT] = out[s.ORDER_COUNT].astype("Int64")
    return out
