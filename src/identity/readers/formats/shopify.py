"""Shopify exports: customers (``customers_export*.csv``) and orders (``orders_export*.csv``)."""

from __future__ import annotations

from identity import schema as s
from identity.readers.formats._definition import APOSTROPHE, CUSTOMERS, ORDERS, ExportFormat

_CUSTOMERS_HEADER = (
    "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
    "Default Address Company", "Default Address Address1", "Default Address Address2",
    "Default Address City", "Default Address Province Code", "Default Address Country Code",
    "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
    "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags",
)  # fmt: skip
_ORDERS_HEADER = (
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City",
    "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone", "Notes",
    "Note Attributes", "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount",
    "Vendor", "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags",
    "Risk Level", "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name",
    "Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name",
    "Tax 5 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name",
    "Shipping Province Name", "Payment ID", "Payment Terms Name", "Next Payment Due At",
    "Payment References",
)  # fmt: skip

# UTF-8, comma, booleans yes/no, money 13175.00. The apostrophe keeps an id's digits and a
# phone's "+" as text; a zip gets it only when it starts with a zero (Default Address Zip).
SHOPIFY_CUSTOMERS = ExportFormat(
    name="Shopify customers export",
    system="ecommerce",
    kind=CUSTOMERS,
    header=_CUSTOMERS_HEADER,
    id_column="Customer ID",
    fields={
        s.FIRST_NAME: ("First Name",),
        s.LAST_NAME: ("Last Name",),
        s.EMAIL: ("Email",),
        # The account's phone, else the default address's (the mobile when it is another).
        s.PHONE: ("Phone", "Default Address Phone"),
        s.MOBILE_PHONE: ("Default Address Phone",),
        s.STREET: ("Default Address Address1", "Default Address Address2"),
        s.CITY: ("Default Address City",),
        s.STATE: ("Default Address Province Code",),
        s.POSTAL_CODE: ("Default Address Zip",),
        s.COUNTRY: ("Default Address Country Code",),
        s.EMAIL_CONSENT: ("Accepts Email Marketing",),
        s.SMS_CONSENT: ("Accepts SMS Marketing",),
        s.TOTAL_SPENT: ("Total Spent",),
        s.ORDER_COUNT: ("Total Orders",),
    },
    prefixes=dict.fromkeys(("Customer ID", "Default Address Phone", "Phone"), APOSTROPHE),
    file_pattern="customers_export*.csv",
)

# One row per line item, datetimes 2025-04-01 17:18:52 -0700; later rows of an order repeat
# only some columns.
SHOPIFY_ORDERS = ExportFormat(
    name="Shopify orders export",
    system="ecommerce",
    kind=ORDERS,
    header=_ORDERS_HEADER,
    # The order number (#1001); "Id" is Shopify's internal one.
    id_column="Name",
    fields={
        s.ORDER_ID: ("Name",),
        s.OCCURRED_AT: ("Created at",),
        # The order's total, else its lines' price times quantity.
        s.AMOUNT: ("Total", "Lineitem price", "Lineitem quantity"),
        s.CUSTOMER_EMAIL: ("Email",),
    },
    file_pattern="orders_export*.csv",
)
