"""Square exports: the customer directory and item sales (``items-*.csv``)."""

from __future__ import annotations

from identity import schema as s
from identity.readers.formats._definition import APOSTROPHE, CUSTOMERS, ITEM_SALES, ExportFormat

_DIRECTORY_HEADER = (
    "Reference ID", "First Name", "Last Name", "Email Address", "Phone Number", "Nickname",
    "Company Name", "Street Address 1", "Street Address 2", "City", "State", "Postal Code",
    "Birthday", "Memo", "Square Customer ID", "Creation Source", "First Visit", "Last Visit",
    "Transaction Count", "Lifetime Spend", "Email Subscription Status", "Instant Profile",
    "Blocked from online booking",
)  # fmt: skip
_ITEMS_HEADER = (
    "Date", "Time", "Time Zone", "Category", "Item", "Qty", "Price Point Name", "SKU",
    "Modifiers Applied", "Gross Sales", "Discounts", "Net Sales", "Tax", "Transaction ID",
    "Payment ID", "Device Name", "Notes", "Details", "Event Type", "Location", "Dining Option",
    "Customer ID", "Customer Name", "Customer Reference ID", "Unit", "Count",
    "Itemization Type", "Fulfillment Note", "Channel", "Token", "Card Brand", "PAN Suffix",
)  # fmt: skip

# Money $1,234.56, visit dates MM-DD-YYYY, email status Subscribed / Unsubscribed / Unknown;
# custom fields are extra columns at the end.
SQUARE_CUSTOMERS = ExportFormat(
    name="Square customer directory export",
    system="pos",
    kind=CUSTOMERS,
    header=_DIRECTORY_HEADER,
    # Reference ID is the merchant's own, often empty.
    id_column="Square Customer ID",
    fields={
        s.FIRST_NAME: ("First Name",),
        s.LAST_NAME: ("Last Name",),
        s.EMAIL: ("Email Address",),
        s.PHONE: ("Phone Number",),
        s.STREET: ("Street Address 1", "Street Address 2"),
        s.CITY: ("City",),
        s.STATE: ("State",),
        s.POSTAL_CODE: ("Postal Code",),
        s.DATE_OF_BIRTH: ("Birthday",),
        s.EMAIL_CONSENT: ("Email Subscription Status",),
        s.TOTAL_SPENT: ("Lifetime Spend",),
        s.ORDER_COUNT: ("Transaction Count",),
        s.CREATED_AT: ("First Visit",),
        s.UPDATED_AT: ("Last Visit",),
    },
    renamed={"Last Name": "Surname"},  # the seller accounts of some regions
    prefixes={"Phone Number": APOSTROPHE},
)

# One row per item sold, money $8.00 and -$0.95; walk-in sales have no Customer ID.
SQUARE_ITEM_SALES = ExportFormat(
    name="Square item sales export",
    system="pos",
    kind=ITEM_SALES,
    header=_ITEMS_HEADER,
    id_column="Transaction ID",
    fields={
        s.ORDER_ID: ("Transaction ID",),
        s.OCCURRED_AT: ("Date", "Time", "Time Zone"),
        s.AMOUNT: ("Net Sales",),
        s.CUSTOMER_REF: ("Customer ID",),
    },
    file_pattern="items-*.csv",
)
