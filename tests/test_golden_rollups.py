"""Omnichannel rollups and touchpoints against hand-computed values; consent never loosens."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import schema as s
from identity.golden import GoldenResult, PreviousRun, build_golden
from identity.golden.rollups import resolve_consent


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def contact(key: str, cluster: str, **values: object) -> dict[str, object]:
    """One standardised contact; unspecified columns are missing."""
    system, record_id = s.split_record_key(key)
    row = dict.fromkeys(s.CONTACT_COLUMNS)
    row.update(
        {
            s.RECORD_KEY: key,
            s.SOURCE_SYSTEM: system,
            s.SOURCE_RECORD_ID: record_id,
            s.CLUSTER_ID: cluster,
        }
    )
    row.update(values)
    return row


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    for column in (s.CREATED_AT, s.UPDATED_AT):
        out[column] = pd.to_datetime(out[column], utc=True)
    for column in (s.EMAIL_CONSENT, s.SMS_CONSENT):
        out[column] = out[column].astype("boolean")
    out[s.TOTAL_SPENT] = out[s.TOTAL_SPENT].astype(float)
    out[s.ORDER_COUNT] = out[s.ORDER_COUNT].astype("Int64")
    return out


# Ana: a CRM contact, a Shopify account and a Square profile; Ben: one lead form.
FIXTURE = [
    contact(
        "crm:003A",
        "c-ana",
        first_name="Ana",
        email="ana@mail.com",
        created_at=utc("2020-01-01"),
        updated_at=utc("2024-03-01"),
        email_consent=True,
    ),
    contact(
        "ecommerce:7001",
        "c-ana",
        first_name="Ana",
        email="ana@mail.com",
        created_at=utc("2021-06-01"),
        total_spent=120.50,
        order_count=3,
        email_consent=True,
        sms_consent=True,
    ),
    contact(
        "pos:SQ1",
        "c-ana",
        first_name="Ana",
        created_at=utc("2022-02-02"),
        updated_at=utc("2025-01-10"),
        total_spent=30.25,
        order_count=2,
        email_consent=False,  # unsubscribed in the store: this wins over both yeses
    ),
    contact("social:9001", "c-ben", first_name="Ben", created_at=utc("2025-09-05")),
]

# As ``read_transactions`` returns them: exported text.
TRANSACTIONS = pd.DataFrame(
    {
        s.SOURCE_SYSTEM: ["ecommerce", "pos", "pos"],
        "order_id": ["#1001", "T-1", "T-2"],
        "occurred_at": [
            "2025-04-01 17:18:52 -0700",
            "2025-06-01 10:00:00 Eastern Time (US & Canada)",
            "2025-06-02 10:00:00 London",
        ],
        "amount": ["99.90", "$8.00", "4.50"],
        "customer_email": [" Ana@Mail.com", None, None],
        "customer_ref": [None, "SQ1", "UNKNOWN"],  # T-2 names no customer record
    }
)


def build(rows: list[dict[str, object]], transactions: pd.DataFrame | None) -> GoldenResult:
    records = frame(rows)
    clusters = records[[s.RECORD_KEY, s.CLUSTER_ID]]
    return build_golden(
        records.drop(columns=[s.CLUSTER_ID]), clusters, PreviousRun.empty(), "r1", transactions
    )


def by_record(result: GoldenResult, key: str) -> pd.Series:
    walk = result.crosswalk.assign(
        **{
            s.RECORD_KEY: result.crosswalk[s.SOURCE_SYSTEM]
            + ":"
            + result.crosswalk[s.SOURCE_RECORD_ID]
        }
    )
    customer = walk.set_index(s.RECORD_KEY).at[key, s.CUSTOMER_ID]
    return result.golden.set_index(s.CUSTOMER_ID).loc[customer]


def test_rollups_match_hand_computed_values() -> None:
    result = build(FIXTURE, TRANSACTIONS)
    assert len(result.golden) == 2
    ana = by_record(result, "crm:003A")
    assert ana["source_systems"] == "crm,ecommerce,pos"
    assert ana["source_record_count"] == 3
    assert ana["total_spent"] == 120.50 + 30.25
    assert ana["order_count"] == 5
    assert ana["first_seen_at"] == utc("2020-01-01")
    # The store sale at 10:00 New York summer time is the latest thing we know.
    assert ana["last_seen_at"] == utc("2025-06-01 14:00:00")
    assert ana["preferred_channel"] == "pos"
    assert (ana[s.EMAIL_CONSENT], ana["email_consent_source"]) == (False, "pos:SQ1")
    assert ana["email_consent_at"] == utc("2025-01-10")
    assert (ana[s.SMS_CONSENT], ana["sms_consent_source"]) == (True, "ecommerce:7001")
    assert ana["sms_consent_at"] == utc("2021-06-01")

    ben = by_record(result, "social:9001")
    assert ben["source_systems"] == "social"
    assert ben["source_record_count"] == 1
    assert pd.isna(ben["total_spent"]) and pd.isna(ben["order_count"])
    assert ben["first_seen_at"] == ben["last_seen_at"] == utc("2025-09-05")
    assert ben["preferred_channel"] == "social"
    assert pd.isna(ben[s.EMAIL_CONSENT]) and pd.isna(ben[s.SMS_CONSENT])
    assert pd.isna(ben["email_consent_source"])


def test_touchpoints_follow_the_customer_across_channels() -> None:
    result = build(FIXTURE, TRANSACTIONS)
    ana = by_record(result, "crm:003A").name
    mine = result.touchpoints[result.touchpoints[s.CUSTOMER_ID] == ana]
    got = list(
        mine[["occurred_at", "channel", "touchpoint_type", "reference", "amount"]].itertuples(
            index=False, name=None
        )
    )
    expected = [
        (utc("2020-01-01"), "crm", "crm record created", "003A", None),
        (utc("2021-06-01"), "ecommerce", "shop account created", "7001", None),
        (utc("2022-02-02"), "pos", "store visit", "SQ1", None),
        (utc("2025-04-02 00:18:52"), "ecommerce", "online order", "#1001", 99.90),
        (utc("2025-06-01 14:00:00"), "pos", "store purchase", "T-1", 8.00),
    ]
    assert [row[:4] for row in got] == [row[:4] for row in expected]
    assert [None if pd.isna(row[4]) else row[4] for row in got] == [row[4] for row in expected]
    # The order is tied to the shop record the email names; the sale to the Square profile.
    order = mine[mine["reference"] == "#1001"].iloc[0]
    assert (order[s.SOURCE_SYSTEM], order[s.SOURCE_RECORD_ID]) == ("ecommerce", "7001")
    # A sale naming no known customer is not anybody's touchpoint.
    assert "T-2" not in set(result.touchpoints["reference"])
    assert len(result.touchpoints) == 4 + 2
    assert set(result.touchpoints[s.RUN_ID]) == {"r1"}


def test_without_transactions_rollups_come_from_the_records() -> None:
    result = build(FIXTURE, None)
    ana = by_record(result, "crm:003A")
    assert ana["last_seen_at"] == utc("2025-01-10")
    assert ana["preferred_channel"] == "pos"  # the store profile was created most recently
    assert ana["total_spent"] == 150.75


# --- consent: most restrictive, property-tested ------------------------------------------------

STATEMENT = st.tuples(
    st.sampled_from([True, False, None]),
    st.datetimes(
        min_value=pd.Timestamp("2015-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2026-01-01").to_pydatetime(),
    ),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(STATEMENT, min_size=1, max_size=5), min_size=1, max_size=4))
def test_consent_is_never_more_permissive_than_any_source(customers: list) -> None:
    rows = []
    for number, statements in enumerate(customers):
        for index, (flag, when) in enumerate(statements):
            rows.append(
                {
                    s.CUSTOMER_ID: f"cus_{number}",
                    s.RECORD_KEY: f"crm:{number}-{index}",
                    s.EMAIL_CONSENT: flag,
                    s.CREATED_AT: pd.Timestamp(when, tz="UTC"),
                    s.UPDATED_AT: pd.NaT,
                }
            )
    records = pd.DataFrame(rows)
    records[s.EMAIL_CONSENT] = records[s.EMAIL_CONSENT].astype("boolean")
    records[s.UPDATED_AT] = pd.to_datetime(records[s.UPDATED_AT], utc=True)
    resolved = resolve_consent(records, s.EMAIL_CONSENT).set_index(s.CUSTOMER_ID)
    for number, statements in enumerate(customers):
        said = [flag for flag, _ in statements if flag is not None]
        customer = f"cus_{number}"
        if not said:
            assert customer not in resolved.index  # unknown stays unknown, never "yes"
            continue
        got = resolved.loc[customer]
        assert bool(got[s.EMAIL_CONSENT]) == all(said)  # any "no" wins
        # The named source said exactly what was resolved, and it is the latest such statement.
        source = records.set_index(s.RECORD_KEY).loc[got["email_consent_source"]]
        assert bool(source[s.EMAIL_CONSENT]) == bool(got[s.EMAIL_CONSENT])
        same = [when for flag, when in statements if flag is not None and flag == all(said)]
        assert got["email_consent_at"] == pd.Timestamp(max(same), tz="UTC")


def test_golden_consent_never_loosens_across_customers() -> None:
    """End to end on the fixture: no golden "yes" where any of its records said "no"."""
    result = build(FIXTURE, TRANSACTIONS)
    records = frame(FIXTURE)
    walk = result.crosswalk.assign(
        **{
            s.RECORD_KEY: result.crosswalk[s.SOURCE_SYSTEM]
            + ":"
            + result.crosswalk[s.SOURCE_RECORD_ID]
        }
    )
    joined = records.merge(walk[[s.RECORD_KEY, s.CUSTOMER_ID]], on=s.RECORD_KEY)
    golden = result.golden.set_index(s.CUSTOMER_ID)
    for column in (s.EMAIL_CONSENT, s.SMS_CONSENT):
        said_no = joined[joined[column].eq(False).fillna(False)][s.CUSTOMER_ID]
        assert not golden.loc[said_no, column].fillna(False).any()
        unknown = joined.groupby(s.CUSTOMER_ID)[column].apply(lambda v: v.isna().all())
        assert golden.loc[unknown[unknown].index, column].isna().all()
