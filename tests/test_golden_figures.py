"""The golden figures the report shows: channel overlap, source pairs, completeness, orders.

Hand-built frames with hand-counted answers, plus the degenerate ones: no golden rows, one
source only, missing columns, transactions naming nobody.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from identity import schema as s
from identity.golden.figures import golden_figures


def golden(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Golden rows; unspecified attributes are missing."""
    columns = [s.CUSTOMER_ID, *s.GOLDEN_ATTRIBUTES, s.SOURCE_SYSTEM_LIST, *s.CONSENT_EVIDENCE]
    out = pd.DataFrame([{**dict.fromkeys(columns), **row} for row in rows], columns=columns)
    for column in s.CONSENT_EVIDENCE:
        out[column] = out[column].astype("boolean")
    return out


def crosswalk(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            s.SOURCE_SYSTEM: [system for system, _ in pairs],
            s.SOURCE_RECORD_ID: [f"r{i}" for i in range(len(pairs))],
            s.CUSTOMER_ID: [customer for _, customer in pairs],
        }
    )


def transactions(rows: list[tuple[str, str, str | None, str | None]]) -> pd.DataFrame:
    """``(source, file, customer_email, customer_ref)`` per order or store sale."""
    frame = pd.DataFrame(rows, columns=[s.SOURCE_SYSTEM, s.FILE, s.CUSTOMER_EMAIL, s.CUSTOMER_REF])
    frame[s.ORDER_ID] = [f"o{i}" for i in range(len(frame))]
    return frame.reindex(columns=s.TRANSACTION_COLUMNS)


def touchpoints(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """``(source, touchpoint_type)`` per touchpoint."""
    frame = pd.DataFrame(rows, columns=[s.SOURCE_SYSTEM, s.TOUCHPOINT_TYPE])
    frame[s.CUSTOMER_ID] = "cus_x"
    return frame.reindex(columns=s.TOUCHPOINT_COLUMNS)


# Ana is in every source, Ben in the CRM and the shop, Cleo only in the store, Dan only a lead.
GOLDEN = golden(
    [
        {
            s.CUSTOMER_ID: "cus_ana",
            s.FIRST_NAME: "Ana",
            s.LAST_NAME: "Lima",
            s.EMAIL: "ana@example.com",
            s.PHONE: "+15555550101",
            s.STREET: "1 Main St",
            s.POSTAL_CODE: "02139",
            s.DATE_OF_BIRTH: "1980-01-02",
            s.SOURCE_SYSTEM_LIST: "crm,ecommerce,pos,social",
            s.EMAIL_CONSENT: True,
            s.SMS_CONSENT: False,
        },
        {
            s.CUSTOMER_ID: "cus_ben",
            s.FIRST_NAME: "Ben",
            s.LAST_NAME: "Ode",
            s.EMAIL: "ben@example.com",
            s.STREET: "2 High St",  # no postcode nor city: no postal address
            s.SOURCE_SYSTEM_LIST: "crm,ecommerce",
            s.EMAIL_CONSENT: False,
        },
        {
            s.CUSTOMER_ID: "cus_cleo",
            s.FIRST_NAME: "Cleo",
            s.PHONE: "+15555550103",
            s.STREET: "3 Low Rd",
            s.CITY: "Boston",
            s.SOURCE_SYSTEM_LIST: "pos",
        },
        {
            s.CUSTOMER_ID: "cus_dan",
            s.FIRST_NAME: "Dan",
            s.LAST_NAME: "Roe",
            s.EMAIL: "",  # blank text is no email
            s.SOURCE_SYSTEM_LIST: "social",
            s.SMS_CONSENT: True,
        },
    ]
)
CROSSWALK = crosswalk(
    [
        ("crm", "cus_ana"),
        ("crm", "cus_ana"),
        ("ecommerce", "cus_ana"),
        ("pos", "cus_ana"),
        ("social", "cus_ana"),
        ("crm", "cus_ben"),
        ("ecommerce", "cus_ben"),
        ("pos", "cus_cleo"),
        ("social", "cus_dan"),
    ]
)


@pytest.fixture(scope="module")
def figures() -> dict:
    orders = transactions(
        [
            ("ecommerce", "orders_export_1.csv", "ana@example.com", None),
            ("ecommerce", "orders_export_1.csv", "nobody@example.com", None),
            ("ecommerce", "orders_export_2.csv", None, None),  # a guest checkout
            ("pos", "items.csv", None, "SQ1"),
            ("pos", "items.csv", None, "   "),
        ]
    )
    points = touchpoints(
        [
            ("ecommerce", "online order"),
            ("pos", "store purchase"),
            ("pos", "store visit"),  # a record's creation, not a sale
            ("crm", "crm record created"),
        ]
    )
    return golden_figures(GOLDEN, CROSSWALK, points, orders)


def test_customers_are_counted_by_the_number_of_channels_they_span(figures: dict) -> None:
    assert figures["customers"] == 4
    assert figures["channels"] == [
        {"systems": 1, "customers": 2},
        {"systems": 2, "customers": 1},
        {"systems": 3, "customers": 0},
        {"systems": 4, "customers": 1},
    ]
    assert figures["combinations"][0] == {"sources": "crm+ecommerce", "customers": 1}
    assert {"sources": "crm+ecommerce+pos+social", "customers": 1} in figures["combinations"]
    assert figures["sources"]["crm"] == {"customers": 2, "records": 3}
    assert list(figures["sources"]) == ["crm", "ecommerce", "pos", "social"]


def test_source_pairs_give_customers_in_both_and_the_share_of_each_side(figures: dict) -> None:
    pairs = {(p["left"], p["right"]): p for p in figures["source_pairs"]}
    assert len(pairs) == 6  # every two of four sources, each once
    crm_shop = pairs[("crm", "ecommerce")]
    assert (crm_shop["customers"], crm_shop["left_share"], crm_shop["right_share"]) == (2, 1, 1)
    crm_store = pairs[("crm", "pos")]
    assert crm_store["customers"] == 1
    assert crm_store["left_share"] == pytest.approx(1 / 2)  # of the CRM's two customers
    assert crm_store["right_share"] == pytest.approx(1 / 2)  # of the store's two


def test_completeness_counts_customers_with_each_attribute(figures: dict) -> None:
    found = {row["attribute"]: (row["customers"], row["share"]) for row in figures["completeness"]}
    assert found["name"] == (3, 0.75)  # Cleo has no last name
    assert found[s.EMAIL] == (2, 0.5)  # Dan's blank email is none
    assert found[s.PHONE] == (2, 0.5)
    assert found["email_or_phone"] == (3, 0.75)
    assert found["address"] == (2, 0.5)  # Ben's street has neither postcode nor city
    assert found[s.DATE_OF_BIRTH] == (1, 0.25)
    email = figures["consent"][s.EMAIL_CONSENT]
    assert (email["granted"], email["refused"], email["unknown"]) == (1, 1, 2)
    sms = figures["consent"][s.SMS_CONSENT]
    assert (sms["granted"], sms["refused"], sms["unknown"]) == (1, 1, 2)
    assert sms["known_share"] == 0.5


def test_transactions_are_split_into_matched_and_unmatched(figures: dict) -> None:
    orders = figures["transactions"]
    assert (orders["rows"], orders["matched"], orders["unmatched"]) == (5, 2, 3)
    shop = orders["by_source"]["ecommerce"]
    assert (shop["rows"], shop["matched"], shop["unmatched"]) == (3, 1, 2)
    assert shop["no_customer_named"] == 1  # the guest checkout; the other names an unknown
    assert shop["files"] == [
        {s.FILE: "orders_export_1.csv", "rows": 2},
        {s.FILE: "orders_export_2.csv", "rows": 1},
    ]
    store = orders["by_source"]["pos"]
    assert (store["matched"], store["unmatched"], store["no_customer_named"]) == (1, 1, 1)


def test_figures_hold_counts_and_shares_never_values(figures: dict) -> None:
    text = json.dumps(figures)
    for value in ("ana@example.com", "Lima", "+15555550101", "1 Main St", "SQ1", "cus_ana"):
        assert value not in text


def test_no_golden_rows_gives_zero_counts_and_no_shares() -> None:
    empty = golden([])
    figures = golden_figures(empty, crosswalk([]), touchpoints([]), transactions([]))
    assert figures["customers"] == 0
    assert [c["customers"] for c in figures["channels"]] == [0, 0, 0, 0]
    assert figures["combinations"] == [] and figures["source_pairs"] == []
    assert figures["sources"] == {}
    assert all(row["share"] is None for row in figures["completeness"])
    assert figures["consent"][s.EMAIL_CONSENT]["granted_share"] is None
    assert figures["transactions"] == {"rows": 0, "matched": 0, "unmatched": 0, "by_source": {}}
    json.dumps(figures)  # JSON-ready even when empty


def test_one_source_only_has_no_pairs_and_every_customer_on_one_channel() -> None:
    one = golden(
        [
            {s.CUSTOMER_ID: "a", s.SOURCE_SYSTEM_LIST: "crm", s.EMAIL: "a@x.io"},
            {s.CUSTOMER_ID: "b", s.SOURCE_SYSTEM_LIST: "crm"},
        ]
    )
    figures = golden_figures(
        one, crosswalk([("crm", "a"), ("crm", "b")]), touchpoints([]), transactions([])
    )
    assert figures["channels"][0] == {"systems": 1, "customers": 2}
    assert figures["source_pairs"] == []
    assert figures["sources"] == {"crm": {"customers": 2, "records": 2}}
    assert figures["combinations"] == [{"sources": "crm", "customers": 2}]


def test_missing_columns_and_unlisted_sources_are_counted_not_fatal() -> None:
    odd = pd.DataFrame({s.CUSTOMER_ID: ["a", "b", "c"], s.SOURCE_SYSTEM_LIST: ["crm", None, "x"]})
    figures = golden_figures(odd, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert figures["channels"][0] == {"systems": 0, "customers": 1}  # b names no source
    assert list(figures["sources"]) == ["crm", "x"]
    assert {"sources": "(none)", "customers": 1} in figures["combinations"]
    assert all(row["customers"] == 0 for row in figures["completeness"])
    assert figures["consent"][s.SMS_CONSENT]["unknown"] == 3
    assert figures["transactions"]["by_source"] == {}


def test_orders_with_no_touchpoints_are_all_unmatched() -> None:
    orders = transactions([("pos", "items.csv", None, "SQ9"), ("pos", "items.csv", None, None)])
    figures = golden_figures(golden([]), crosswalk([]), touchpoints([]), orders)
    store = figures["transactions"]["by_source"]["pos"]
    assert (store["rows"], store["matched"], store["unmatched"]) == (2, 0, 2)
    assert store["matched_share"] == 0.0
