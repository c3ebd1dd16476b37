"""Column names and table schemas: the one place they are spelled.

Every stage reads and writes pandas DataFrames whose columns are listed here. Readers map vendor
columns onto ``RAW_COLUMNS``; standardisation turns those into ``CONTACT_COLUMNS``; linkage adds a
cluster per ``record_key``; the golden stage builds the published tables.
"""

from __future__ import annotations

import pyarrow as pa

SOURCE_SYSTEMS: tuple[str, ...] = ("crm", "ecommerce", "pos", "social")

# Provenance carried by every row from the reader onwards.
SOURCE_SYSTEM = "source_system"
SOURCE_RECORD_ID = "source_record_id"
SOURCE_FILE = "source_file"
SOURCE_LINE = "source_line"
RAW = "raw"
RECORD_KEY = "record_key"  # f"{source_system}:{source_record_id}", Splink's unique id
REASON = "reason"
RUN_ID = "run_id"
CUSTOMER_ID = "customer_id"
CLUSTER_ID = "cluster_id"

# Contact attributes, shared by the raw and the standardised schema.
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
FULL_NAME = "full_name"
EMAIL = "email"
PHONE = "phone"
MOBILE_PHONE = "mobile_phone"
STREET = "street"
CITY = "city"
STATE = "state"
POSTAL_CODE = "postal_code"
COUNTRY = "country"
DATE_OF_BIRTH = "date_of_birth"
EMAIL_CONSENT = "email_consent"
SMS_CONSENT = "sms_consent"
TOTAL_SPENT = "total_spent"
ORDER_COUNT = "order_count"
CREATED_AT = "created_at"
UPDATED_AT = "updated_at"
IS_DELETED = "is_deleted"

# Matching keys added by standardisation (folded, never shown to users).
FIRST_NAME_STD = "first_name_std"
LAST_NAME_STD = "last_name_std"
EMAIL_LOCAL = "email_local"
EMAIL_DOMAIN = "email_domain"
PHONE_NATIONAL = "phone_national"
STREET_STD = "street_std"
CITY_STD = "city_std"
POSTCODE_STD = "postcode_std"

PROVENANCE_COLUMNS: list[str] = [SOURCE_SYSTEM, SOURCE_RECORD_ID, SOURCE_FILE, SOURCE_LINE, RAW]

ATTRIBUTE_COLUMNS: list[str] = [
    FIRST_NAME,
    LAST_NAME,
    FULL_NAME,
    EMAIL,
    PHONE,
    MOBILE_PHONE,
    STREET,
    CITY,
    STATE,
    POSTAL_CODE,
    COUNTRY,
    DATE_OF_BIRTH,
    EMAIL_CONSENT,
    SMS_CONSENT,
    TOTAL_SPENT,
    ORDER_COUNT,
    CREATED_AT,
    UPDATED_AT,
    IS_DELETED,
]

# Reader output: every value is the text as exported (None when absent), never parsed.
RAW_COLUMNS: list[str] = PROVENANCE_COLUMNS + ATTRIBUTE_COLUMNS

# Standardisation output: typed, validated values plus matching keys.
CONTACT_SCHEMA = pa.schema(
    [
        (RECORD_KEY, pa.string()),
        (SOURCE_SYSTEM, pa.string()),
        (SOURCE_RECORD_ID, pa.string()),
        (SOURCE_FILE, pa.string()),
        (SOURCE_LINE, pa.int64()),
        (FIRST_NAME, pa.string()),
        (LAST_NAME, pa.string()),
        (EMAIL, pa.string()),
        (PHONE, pa.string()),  # E.164
        (STREET, pa.string()),
        (CITY, pa.string()),
        (POSTAL_CODE, pa.string()),
        (COUNTRY, pa.string()),  # ISO 3166 alpha-2
        (DATE_OF_BIRTH, pa.string()),  # ISO yyyy-mm-dd
        (EMAIL_CONSENT, pa.bool_()),
        (SMS_CONSENT, pa.bool_()),
        (TOTAL_SPENT, pa.float64()),
        (ORDER_COUNT, pa.int64()),
        (CREATED_AT, pa.timestamp("us", tz="UTC")),
        (UPDATED_AT, pa.timestamp("us", tz="UTC")),
        (FIRST_NAME_STD, pa.string()),
        (LAST_NAME_STD, pa.string()),
        (EMAIL_LOCAL, pa.string()),
        (EMAIL_DOMAIN, pa.string()),
        (PHONE_NATIONAL, pa.string()),
        (STREET_STD, pa.string()),
        (CITY_STD, pa.string()),
        (POSTCODE_STD, pa.string()),
    ]
)
CONTACT_COLUMNS: list[str] = CONTACT_SCHEMA.names

QUARANTINE_SCHEMA = pa.schema(
    [
        (SOURCE_SYSTEM, pa.string()),
        ("file", pa.string()),
        ("line", pa.int64()),
        (RAW, pa.string()),
        (REASON, pa.string()),
        (RUN_ID, pa.string()),
    ]
)
QUARANTINE_COLUMNS: list[str] = QUARANTINE_SCHEMA.names

CROSSWALK_SCHEMA = pa.schema(
    [
        (SOURCE_SYSTEM, pa.string()),
        (SOURCE_RECORD_ID, pa.string()),
        (CUSTOMER_ID, pa.string()),
        (RUN_ID, pa.string()),
    ]
)

TRUTH_COLUMNS: list[str] = [SOURCE_SYSTEM, SOURCE_RECORD_ID, "entity_id"]


def record_key(source_system: str, source_record_id: str) -> str:
    """Return the run-wide unique key of a source record.

    Args:
        source_system: One of ``SOURCE_SYSTEMS``.
        source_record_id: The vendor's id with export artefacts removed.

    Returns:
        ``"crm:003XX..."``: stable, made only of vendor ids, never of personal data.
    """
    return f"{source_system}:{source_record_id}"
