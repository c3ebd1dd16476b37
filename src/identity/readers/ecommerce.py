"""Shopify customers exports (``customers_export*.csv``), current and older layouts.

Older files name the address columns without ``Default Address`` (``Address1``, ``City``,
``Zip``...) and have ``Accepts Marketing`` instead of ``Accepts Email Marketing``. Shopify
customers exports carry no created/updated dates, so those stay None.
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, Values, clean_ids, join_street, unapostrophe
from identity.readers.formats import SHOPIFY_CUSTOMERS, SHOPIFY_ORDERS
from identity.schema import (
    CITY,
    COUNTRY,
    EMAIL,
    EMAIL_CONSENT,
    FIRST_NAME,
    LAST_NAME,
    MOBILE_PHONE,
    ORDER_COUNT,
    PHONE,
    POSTAL_CODE,
    SMS_CONSENT,
    STATE,
    STREET,
    TOTAL_SPENT,
)

_FIELDS = SHOPIFY_CUSTOMERS.fields
# Older customers exports name the address columns without "Default Address" and have
# "Accepts Marketing" for email consent.
_OLDER: dict[str, tuple[str, ...]] = {
    STREET: ("Address1", "Address2"),
    CITY: ("City",),
    STATE: ("Province Code",),
    POSTAL_CODE: ("Zip",),
    COUNTRY: ("Country Code",),
    EMAIL_CONSENT: ("Accepts Marketing",),
}

# Current and older customers export columns, then the orders export's (for messages only).
COLUMNS: tuple[str, ...] = (
    *SHOPIFY_CUSTOMERS.header,
    "Accepts WhatsApp Marketing",
    "Company",
    "Province",
    "Country",
    *(column for columns in _OLDER.values() for column in columns),
)
ORDERS_COLUMNS: tuple[str, ...] = SHOPIFY_ORDERS.header


def map_customers(columns: Columns) -> Mapped:
    """Map Shopify customer columns onto the raw schema.

    ``phone`` is ``Phone``, or ``Default Address Phone`` when ``Phone`` is empty;
    ``mobile_phone`` is ``Default Address Phone`` only when it adds a second number.

    Args:
        columns: A customers export's columns.

    Returns:
        Ids from ``Customer ID`` without the spreadsheet apostrophe.
    """
    account, address_only = _FIELDS[PHONE]
    account_phone = unapostrophe(columns.values(account))
    address_phone = unapostrophe(columns.values(address_only))
    line1, line2 = _FIELDS[STREET]
    older1, older2 = _OLDER[STREET]
    return Mapped(
        ids=clean_ids(columns.values(SHOPIFY_CUSTOMERS.id_column)),
        attributes={
            FIRST_NAME: columns.values(*_FIELDS[FIRST_NAME]),
            LAST_NAME: columns.values(*_FIELDS[LAST_NAME]),
            EMAIL: columns.values(*_FIELDS[EMAIL]),
            PHONE: [p or a for p, a in zip(account_phone, address_phone, strict=True)],
            MOBILE_PHONE: _second_phone(account_phone, address_phone),
            STREET: join_street(columns.values(line1, older1), columns.values(line2, older2)),
            CITY: _current_or_older(columns, CITY),
            STATE: _current_or_older(columns, STATE),
            POSTAL_CODE: unapostrophe(_current_or_older(columns, POSTAL_CODE)),
            COUNTRY: _current_or_older(columns, COUNTRY),
            EMAIL_CONSENT: _current_or_older(columns, EMAIL_CONSENT),
            SMS_CONSENT: columns.values(*_FIELDS[SMS_CONSENT]),
            TOTAL_SPENT: unapostrophe(columns.values(*_FIELDS[TOTAL_SPENT])),
            ORDER_COUNT: unapostrophe(columns.values(*_FIELDS[ORDER_COUNT])),
        },
    )


def _current_or_older(columns: Columns, attribute: str) -> Values:
    return columns.values(*_FIELDS[attribute], *_OLDER[attribute])


def _second_phone(account: Values, address: Values) -> Values:
    # When Phone is empty the address phone is already the main phone: do not repeat it.
    return [
        a if p is not None and a is not None and a != p else None
        for p, a in zip(account, address, strict=True)
    ]


SPEC = SourceSpec(
    system="ecommerce",
    export_name=SHOPIFY_CUSTOMERS.name,
    id_column=SHOPIFY_CUSTOMERS.id_column,
    mapper=map_customers,
    # Square item sales exports also have "Customer ID"; a customers export has these too.
    any_of=(
        "First Name",
        "Last Name",
        "Email",
        "Accepts Email Marketing",
        "Accepts Marketing",
        "Total Spent",
        "Total Orders",
    ),
    columns=COLUMNS,
)
