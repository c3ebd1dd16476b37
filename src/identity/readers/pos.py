"""Square customer directory exports.

Square has no country column (None) and some regions write ``Surname`` for ``Last Name``.
Money (``$1,234.56``) and visit dates (``MM-DD-YYYY``) stay as exported text.
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, clean_ids, join_street, unapostrophe
from identity.schema import (
    CITY,
    CREATED_AT,
    DATE_OF_BIRTH,
    EMAIL,
    EMAIL_CONSENT,
    FIRST_NAME,
    LAST_NAME,
    ORDER_COUNT,
    PHONE,
    POSTAL_CODE,
    STATE,
    STREET,
    TOTAL_SPENT,
    UPDATED_AT,
)

# Customer directory columns (``Surname``: some regions), then the item sales export's (for
# messages only).
COLUMNS: tuple[str, ...] = (
    "Reference ID", "First Name", "Last Name", "Surname", "Email Address", "Phone Number",
    "Nickname", "Company Name", "Street Address 1", "Street Address 2", "City", "State",
    "Postal Code", "Birthday", "Memo", "Square Customer ID", "Creation Source", "First Visit",
    "Last Visit", "Transaction Count", "Lifetime Spend", "Email Subscription Status",
    "Instant Profile", "Blocked from online booking",
)  # fmt: skip
ITEMS_COLUMNS: tuple[str, ...] = (
    "Date", "Time", "Time Zone", "Category", "Item", "Qty", "Price Point Name", "SKU",
    "Modifiers Applied", "Gross Sales", "Discounts", "Net Sales", "Tax", "Transaction ID",
    "Payment ID", "Device Name", "Notes", "Details", "Event Type", "Location", "Dining Option",
    "Customer ID", "Customer Name", "Customer Reference ID", "Unit", "Count", "Itemization Type",
)  # fmt: skip


def map_directory(columns: Columns) -> Mapped:
    """Map Square customer directory columns onto the raw schema.

    Args:
        columns: A customer directory export's columns.

    Returns:
        Ids from ``Square Customer ID`` (``Reference ID`` is the merchant's own, often empty).
    """
    return Mapped(
        ids=clean_ids(columns.values("Square Customer ID")),
        attributes={
            FIRST_NAME: columns.values("First Name"),
            LAST_NAME: columns.values("Last Name", "Surname"),
            EMAIL: columns.values("Email Address"),
            PHONE: unapostrophe(columns.values("Phone Number")),
            STREET: join_street(
                columns.values("Street Address 1"), columns.values("Street Address 2")
            ),
            CITY: columns.values("City"),
            STATE: columns.values("State"),
            POSTAL_CODE: unapostrophe(columns.values("Postal Code")),
            DATE_OF_BIRTH: columns.values("Birthday"),
            EMAIL_CONSENT: columns.values("Email Subscription Status"),
            TOTAL_SPENT: unapostrophe(columns.values("Lifetime Spend")),
            ORDER_COUNT: unapostrophe(columns.values("Transaction Count")),
            CREATED_AT: columns.values("First Visit"),
            UPDATED_AT: columns.values("Last Visit"),
        },
    )


SPEC = SourceSpec(
    system="pos",
    export_name="Square customer directory export",
    id_column="Square Customer ID",
    mapper=map_directory,
    columns=COLUMNS,
)
