"""Column names and table schemas: the one place they are spelled.

Every stage reads and writes pandas DataFrames whose columns are listed here. Readers map vendor
columns onto ``RAW_COLUMNS``; standardisation turns those into ``CONTACT_COLUMNS``; linkage adds a
cluster per ``record_key``; the golden stage builds the published tables. The values are the
published column names (see contracts.md): rename a constant freely, never its value.

``tests/test_schema_single_source.py`` fails when library code spells one of these names as a
string literal instead of importing it from here.
"""

from __future__ import annotations

from typing import overload

import pandas as pd
import pyarrow as pa

SOURCE_SYSTEMS: tuple[str, ...] = ("crm", "ecommerce", "pos", "social")

# Provenance carried by every row from the reader onwards.
SOURCE_SYSTEM = "source_system"
SOURCE_RECORD_ID = "source_record_id"
SOURCE_FILE = "source_file"
SOURCE_LINE = "source_line"
RAW = "raw"
RECORD_KEY = "record_key"  # record_key(source_system, source_record_id), Splink's unique id
REASON = "reason"
RUN_ID = "run_id"
CUSTOMER_ID = "customer_id"
CLUSTER_ID = "cluster_id"

# Where a quarantined row or a transaction was read, and the balance kept per source file.
FILE = "file"  # the file name, no folder
LINE = "line"  # physical line, 1-based, header = line 1
ROWS_READ = "rows_read"
ROWS_LINKED = "rows_linked"
ROWS_QUARANTINED = "rows_quarantined"
# Rows dropped at read time because the erasure register names them (``identity.rights``).
ROWS_ERASED = "rows_erased"
# A file the readers could not read at all: the column at fault and what was wrong.
COLUMN = "column"
MESSAGE = "message"

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
        (FILE, pa.string()),
        (LINE, pa.int64()),
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
CROSSWALK_COLUMNS: list[str] = CROSSWALK_SCHEMA.names
# Records of retired customers, kept so that their ids can come back (``golden.retired``).
RETIRED_RECORD_COLUMNS: list[str] = [SOURCE_SYSTEM, SOURCE_RECORD_ID, CUSTOMER_ID, RUN_ID]
# In memory only: flags the previous crosswalk's rows that belong to retired customers.
RETIRED = "retired"

# Readers and standardisation quarantine rows before the run knows its id; the run adds it.
STAGE_QUARANTINE_COLUMNS: list[str] = [c for c in QUARANTINE_COLUMNS if c != RUN_ID]
# ``SourceBatch.files``: one row per file read, rows_read = records + quarantined rows.
FILES_READ_COLUMNS: list[str] = [FILE, ROWS_READ, ROWS_QUARANTINED]
# Per source file after standardisation: rows read = rows linked + rows quarantined + erased.
FILE_BALANCE_COLUMNS: list[str] = [
    SOURCE_SYSTEM,
    FILE,
    ROWS_READ,
    ROWS_LINKED,
    ROWS_QUARANTINED,
    ROWS_ERASED,
]
# ``SourceBatch.skipped`` (clutter not read) and ``SourceBatch.unreadable``.
SKIPPED_FILE_COLUMNS: list[str] = [FILE, REASON]
UNREADABLE_FILE_COLUMNS: list[str] = [FILE, LINE, COLUMN, MESSAGE]
# Cells standardisation nulled, counted per file, raw attribute and reason (never a value).
ATTRIBUTE = "attribute"  # a RAW_COLUMNS name
CELLS = "cells"
NULLED_CELL_COLUMNS: list[str] = [SOURCE_SYSTEM, SOURCE_FILE, ATTRIBUTE, REASON, CELLS]

# Orders (Shopify) and store sales (Square), one row per order, values as exported.
ORDER_ID = "order_id"
OCCURRED_AT = "occurred_at"
AMOUNT = "amount"
CUSTOMER_EMAIL = "customer_email"  # Shopify names the customer by email
CUSTOMER_REF = "customer_ref"  # Square by its customer id
TRANSACTION_COLUMNS: list[str] = [
    SOURCE_SYSTEM,
    FILE,
    LINE,
    ORDER_ID,
    OCCURRED_AT,
    AMOUNT,
    CUSTOMER_EMAIL,
    CUSTOMER_REF,
    RAW,
]

# ``customer_touchpoints``: one row per dated interaction.
CHANNEL = "channel"
TOUCHPOINT_TYPE = "touchpoint_type"
REFERENCE = "reference"  # the order id, or the record id for a record's creation
TOUCHPOINT_COLUMNS: list[str] = [
    CUSTOMER_ID,
    CHANNEL,
    TOUCHPOINT_TYPE,
    OCCURRED_AT,
    SOURCE_SYSTEM,
    SOURCE_RECORD_ID,
    REFERENCE,
    AMOUNT,
]

# ``identity_changes``: what happened to customer ids in a run.
CHANGE_TYPE = "change_type"
RELATED_CUSTOMER_ID = "related_customer_id"
RECORD_COUNT = "record_count"
CHANGE_COLUMNS: list[str] = [RUN_ID, CHANGE_TYPE, CUSTOMER_ID, RELATED_CUSTOMER_ID, RECORD_COUNT]
CHANGED_AT = "changed_at"  # added to CHANGE_COLUMNS when the changes are published
# The change type of a customer erased on request (``identity erase``): its id stays issued.
ERASED = "erased"

# ``golden_customers``: the surviving attributes, then lineage and cross-channel rollups.
GOLDEN_ATTRIBUTES: list[str] = [
    FIRST_NAME,
    LAST_NAME,
    EMAIL,
    PHONE,
    STREET,
    POSTAL_CODE,
    CITY,
    COUNTRY,
    DATE_OF_BIRTH,
]
LINEAGE = "lineage"  # JSON: attribute -> LINEAGE_KEYS of the record its value came from
RULE = "rule"  # the survivorship rule that decided
LINEAGE_KEYS: tuple[str, ...] = (RULE, SOURCE_RECORD_ID, SOURCE_SYSTEM)  # JSON key order (sorted)
# Not SOURCE_SYSTEMS (the valid names): the comma-joined systems that hold a customer.
SOURCE_SYSTEM_LIST = "source_systems"
SOURCE_RECORD_COUNT = "source_record_count"
FIRST_SEEN_AT = "first_seen_at"
LAST_SEEN_AT = "last_seen_at"
PREFERRED_CHANNEL = "preferred_channel"
# Each consent flag comes with the record that decided it and when that record said so.
EMAIL_CONSENT_SOURCE = "email_consent_source"
EMAIL_CONSENT_AT = "email_consent_at"
SMS_CONSENT_SOURCE = "sms_consent_source"
SMS_CONSENT_AT = "sms_consent_at"
CONSENT_EVIDENCE: dict[str, tuple[str, str]] = {
    EMAIL_CONSENT: (EMAIL_CONSENT_SOURCE, EMAIL_CONSENT_AT),
    SMS_CONSENT: (SMS_CONSENT_SOURCE, SMS_CONSENT_AT),
}

# Splink's names: the unique id of a linkage record, and both sides of a scored pair.
UNIQUE_ID = "unique_id"
UNIQUE_ID_L = "unique_id_l"
UNIQUE_ID_R = "unique_id_r"
MATCH_WEIGHT = "match_weight"

# The generator's ``truth.csv``: the person behind each record.
ENTITY_ID = "entity_id"
TRUTH_COLUMNS: list[str] = [SOURCE_SYSTEM, SOURCE_RECORD_ID, ENTITY_ID]

# Source systems never hold one, so a key splits back at its first separator.
KEY_SEPARATOR = ":"


@overload
def record_key(source_system: str, source_record_id: str) -> str: ...


@overload
def record_key(source_system: pd.Series, source_record_id: pd.Series) -> pd.Series: ...


def record_key(
    source_system: pd.Series | str, source_record_id: pd.Series | str
) -> pd.Series | str:
    """Return the run-wide unique key of a source record, or of every record of two columns.

    Args:
        source_system: One of ``SOURCE_SYSTEMS``, or a Series of them.
        source_record_id: The vendor's id with export artefacts removed, or a Series of them
            aligned on ``source_system``.

    Returns:
        ``"crm:003XX..."``: stable, made only of vendor ids, never of personal data. For
        Series, a Series on the same index whose every key is the text the scalar form gives.

    Example:
        >>> record_key("pos", "SQ1")
        'pos:SQ1'
        >>> record_key(pd.Series(["crm", "pos"]), pd.Series(["003A", "SQ1"])).tolist()
        ['crm:003A', 'pos:SQ1']
    """
    if isinstance(source_system, pd.Series) and isinstance(source_record_id, pd.Series):
        # str() of every value, as the scalar form's f-string does: None becomes "None".
        return source_system.astype(str) + KEY_SEPARATOR + source_record_id.astype(str)
    return f"{source_system}{KEY_SEPARATOR}{source_record_id}"


def split_record_key(key: str) -> tuple[str, str]:
    """Return the ``(source_system, source_record_id)`` a record key was made of.

    Args:
        key: A ``record_key`` such as ``"pos:SQ1"``; the id may hold colons itself.

    Returns:
        The source system and the source record id.

    Raises:
        ValueError: The text holds no separator, so it is no record key.

    Example:
        >>> split_record_key("pos:SQ1")
        ('pos', 'SQ1')
    """
    system, separator, record_id = key.partition(KEY_SEPARATOR)
    if not separator:
        raise ValueError(f"{key!r} is not a record key: expected source_system:source_record_id")
    return system, record_id
