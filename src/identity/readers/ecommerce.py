"""Shopify customers exports (``customers_export*.csv``), current and older layouts.

Older files name the address columns without ``Default Address`` (``Address1``, ``City``,
``Zip``...) and have ``Accepts Marketing`` instead of ``Accepts Email Marketing``. Shopify
customers exports carry no created/updated dates, so those stay None.
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, Values, clean_ids, join_street, unapostrophe
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

# Current and older customers export columns, then the orders export's (for messages only).
COLUMNS: tuple[str, ...] = (
    "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
    "Default Address Company", "Default Address Address1", "Default Address Address2",
    "Default Address City", "Default Address Province Code", "Default Address Country Code",
    "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
    "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags", "Accepts WhatsApp Marketing",
    "Accepts Marketing", "Company", "Address1", "Address2", "City", "Province",
    "Province Code", "Country", "Country Code", "Zip",
)  # fmt: skip
ORDERS_COLUMNS: tuple[str, ...] = (
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem sku", "Billing Name", "Billing Phone", "Shipping Name",
    "Shipping Phone", "Notes", "Payment Method", "Refunded Amount", "Vendor", "Id", "Tags",
    "Phone", "Source",
)  # fmt: skip


def map_customers(columns: Columns) -> Mapped:
    """Map Shopify customer columns onto the raw schema.

    ``phone`` is ``Phone``, or ``Default Address Phone`` when ``Phone`` is empty;
    ``mobile_phone`` is ``Default Address Phone`` only when it adds a second number.

    Args:
        columns: A customers export's columns.

    Returns:
        Ids from ``Customer ID`` without the spreadsheet apostrophe.
    """
    account_phone = unapostrophe(columns.values("Phone"))
    address_phone = unapostrophe(columns.values("Default Address Phone"))
    return Mapped(
        ids=clean_ids(columns.values("Customer ID")),
        attributes={
            FIRST_NAME: columns.values("First Name"),
            LAST_NAME: columns.values("Last Name"),
            EMAIL: columns.values("Email"),
            PHONE: [p or a for p, a in zip(account_phone, address_phone, strict=True)],
            MOBILE_PHONE: _second_phone(account_phone, address_phone),
            STREET: join_street(
                columns.values("Default Address Address1", "Address1"),
                columns.values("Default Address Address2", "Address2"),
            ),
            CITY: columns.values("Default Address City", "City"),
            STATE: columns.values("Default Address Province Code", "Province Code"),
            POSTAL_CODE: unapostrophe(columns.values("Default Address Zip", "Zip")),
            COUNTRY: columns.values("Default Address Country Code", "Country Code"),
            EMAIL_CONSENT: columns.values("Accepts Email Marketing", "Accepts Marketing"),
            SMS_CONSENT: columns.values("Accepts SMS Marketing"),
            TOTAL_SPENT: unapostrophe(columns.values("Total Spent")),
            ORDER_COUNT: unapostrophe(columns.values("Total Orders")),
        },
    )


def _second_phone(account: Values, address: Values) -> Values:
    # When Phone is empty the address phone is already the main phone: do not repeat it.
    return [
        a if p is not None and a is not None and a != p else None
        for p, a in zip(account, address, strict=True)
    ]


SPEC = SourceSpec(
    system="ecommerce",
    export_name="Shopify customers export",
    id_column="Customer ID",
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
