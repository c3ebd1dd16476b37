"""Small, valid frames for the quality tests: one per suite, each passing it.

Every builder returns a fresh frame, so tests can mutate it freely.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pyarrow as pa

from identity import schema as s

ROWS = 10
TODAY = date(2026, 1, 15)

GOLDEN_COLUMNS = [
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "date_of_birth",
    "source_systems",
    "source_record_count",
    "first_seen_at",
    "last_seen_at",
    "email_consent",
    "sms_consent",
    "total_spent",
    "order_count",
    "run_id",
]

_FIRST = ["Hélène", "Jean", "Amara", "Li", "Olivia", "Mateo", "Sofia", "Noah", "Chloé", "Yusuf"]
_LAST = [
    "Durand",
    "Martin",
    "Okafor",
    "Wang",
    "Smith",
    "García",
    "Rossi",
    "Müller",
    "Petit",
    "Kaya",
]
_CITIES = [
    "Paris",
    "Lyon",
    "Lagos",
    "Shanghai",
    "London",
    "Madrid",
    "Roma",
    "Berlin",
    "Nice",
    "Izmir",
]
_COUNTRIES = ["FR", "FR", "NG", "CN", "GB", "ES", "IT", "DE", "FR", "TR"]


def _email(i: int) -> str:
    return f"{_FIRST[i].lower().replace('é', 'e').replace('è', 'e')}.{i}@gmail.com"


def _source_id(source: str, i: int) -> str:
    return {
        "crm": f"0035g00000AbCd{i:03d}A",
        "ecommerce": f"74123456789{i:02d}",
        "pos": f"JDKYHBWT1D4F8MFH63DBMEN{i:03d}",
        "social": f"12345678901234{i:02d}",
    }[source]


def raw_frame(source: str) -> pd.DataFrame:
    """Reader output (RAW_COLUMNS, text or None) that passes ``<source>_raw``."""
    rows = []
    for i in range(ROWS):
        row: dict[str, str | None] = dict.fromkeys(s.RAW_COLUMNS)
        row.update(
            source_system=source,
            source_record_id=_source_id(source, i),
            source_file=f"{source}_export.csv",
            source_line=str(i + 2),
            raw=f"row {i}",
            first_name=_FIRST[i],
            last_name=_LAST[i],
            email=_email(i),
            phone=f"+33 6 12 34 56 {i:02d}",
            city=_CITIES[i],
        )
        if source == "crm":
            row.update(
                mobile_phone=f"'06123456{i:02d}",
                date_of_birth=f"19{70 + i}-08-14" if i % 2 else f"14/08/19{70 + i}",
                is_deleted="false",
                created_at="2026-09-02T22:07:23.000Z",
            )
        elif source == "ecommerce":
            row.update(total_spent=f"{100 * i}.50", order_count=str(i), email_consent="yes")
        elif source == "pos":
            row.update(total_spent=f"${i},234.56", order_count=str(i), email_consent="Subscribed")
        else:
            row.update(
                full_name=f"{_FIRST[i]} {_LAST[i]}",
                phone=f"p:+1312555{i:04d}",
                created_at="2026-09-04T11:17:13-05:00",
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=s.RAW_COLUMNS)


def contacts_frame() -> pd.DataFrame:
    """Standardised contacts (CONTACT_SCHEMA types) that pass ``contacts``."""
    created = datetime(2024, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(ROWS):
        source = s.SOURCE_SYSTEMS[i % 4]
        record_id = _source_id(source, i)
        rows.append(
            {
                s.RECORD_KEY: s.record_key(source, record_id),
                s.SOURCE_SYSTEM: source,
                s.SOURCE_RECORD_ID: record_id,
                s.SOURCE_FILE: f"{source}_export.csv",
                s.SOURCE_LINE: i + 2,
                s.FIRST_NAME: _FIRST[i],
                s.LAST_NAME: _LAST[i],
                s.EMAIL: _email(i),
                s.PHONE: f"+336123456{i:02d}",
                s.STREET: f"{i + 1} rue de la Paix",
                s.CITY: _CITIES[i],
                s.POSTAL_CODE: f"750{i:02d}",
                s.COUNTRY: _COUNTRIES[i],
                s.DATE_OF_BIRTH: f"19{70 + i}-08-14",
                s.EMAIL_CONSENT: i % 2 == 0,
                s.SMS_CONSENT: None,
                s.TOTAL_SPENT: 10.5 * i,
                s.ORDER_COUNT: i,
                s.CREATED_AT: created,
                s.UPDATED_AT: datetime(2025, 1, 1 + i, tzinfo=UTC),
                s.FIRST_NAME_STD: _FIRST[i].lower(),
                s.LAST_NAME_STD: _LAST[i].lower(),
                s.EMAIL_LOCAL: _email(i).split("@")[0],
                s.EMAIL_DOMAIN: "gmail.com",
                s.PHONE_NATIONAL: f"6123456{i:02d}",
                s.STREET_STD: f"{i + 1} rue de la paix",
                s.CITY_STD: _CITIES[i].lower(),
                s.POSTCODE_STD: f"750{i:02d}",
            }
        )
    return pa.Table.from_pylist(rows, schema=s.CONTACT_SCHEMA).to_pandas()


def golden_frame() -> pd.DataFrame:
    """A golden_customers table that passes ``golden_customers``."""
    rows = []
    for i in range(ROWS):
        rows.append(
            {
                "customer_id": f"C{i:06d}",
                "first_name": _FIRST[i],
                "last_name": _LAST[i],
                "email": _email(i),
                "phone": f"+336123456{i:02d}",
                "street": f"{i + 1} rue de la Paix",
                "postal_code": f"750{i:02d}",
                "city": _CITIES[i],
                "country": _COUNTRIES[i],
                "date_of_birth": f"19{70 + i}-08-14" if i != 3 else None,
                "source_systems": ["crm", "crm,pos", "ecommerce,pos,social"][i % 3],
                "source_record_count": 1 + i % 3,
                "first_seen_at": pd.Timestamp("2024-01-01", tz="UTC"),
                "last_seen_at": pd.Timestamp("2025-06-01", tz="UTC"),
                "email_consent": True,
                "sms_consent": False,
                "total_spent": 99.9 * i,
                "order_count": i,
                "run_id": "run-1",
            }
        )
    return pd.DataFrame(rows, columns=GOLDEN_COLUMNS)


def crosswalk_frame(golden: pd.DataFrame) -> pd.DataFrame:
    """A crosswalk with one or two source records per golden customer."""
    rows = []
    for i, customer_id in enumerate(golden["customer_id"]):
        for j in range(1 + i % 2):
            source = s.SOURCE_SYSTEMS[(i + j) % 4]
            rows.append(
                {
                    s.SOURCE_SYSTEM: source,
                    s.SOURCE_RECORD_ID: _source_id(source, i),
                    s.CUSTOMER_ID: customer_id,
                    s.RUN_ID: "run-1",
                }
            )
    return pd.DataFrame(rows, columns=s.CROSSWALK_SCHEMA.names)
