"""The vendor export formats: one definition per format, shared by readers, writers and tests.

Each ``ExportFormat`` says what a vendor's tool writes: the header in its native order, the id
column, which native columns hold which schema column (``identity.schema.RAW_COLUMNS`` for
customer exports, ``TRANSACTION_COLUMNS`` for orders and sales), and the quirks a writer needs
(encoding, byte-order mark, delimiter, quoting, value prefixes, renamed columns). The readers
take canonical names and id columns from here and add their own tolerance (older layouts,
localized labels, fallbacks); the demo generator and the test builders write files from here.
Only facts more than one of them needs live here: a reader's alias vocabulary stays in the
reader, a writer's choice of custom columns stays in the writer.
``/work/shared/source-formats.md`` describes the formats; ``tests/test_demo_generator.py``
checks the headers written against it.

Example:
    >>> SHOPIFY_CUSTOMERS.id_column
    'Customer ID'
    >>> SHOPIFY_CUSTOMERS.written("Phone", "+16175550100")
    "'+16175550100"
    >>> META_LEADS.header_with(["email"])[-2:]
    ['email', 'lead_status']
"""

from __future__ import annotations

from identity.readers.formats._definition import (
    APOSTROPHE,
    CUSTOMERS,
    ITEM_SALES,
    LEADS,
    ORDERS,
    ExportFormat,
)
from identity.readers.formats.meta import META_LEADS
from identity.readers.formats.salesforce import SALESFORCE_CONTACTS, SALESFORCE_WEEKLY_CONTACTS
from identity.readers.formats.shopify import SHOPIFY_CUSTOMERS, SHOPIFY_ORDERS
from identity.readers.formats.square import SQUARE_CUSTOMERS, SQUARE_ITEM_SALES

__all__ = [
    "APOSTROPHE",
    "CUSTOMERS",
    "FORMATS",
    "ITEM_SALES",
    "LEADS",
    "META_LEADS",
    "ORDERS",
    "SALESFORCE_CONTACTS",
    "SALESFORCE_WEEKLY_CONTACTS",
    "SHOPIFY_CUSTOMERS",
    "SHOPIFY_ORDERS",
    "SQUARE_CUSTOMERS",
    "SQUARE_ITEM_SALES",
    "TRANSACTION_FORMATS",
    "ExportFormat",
]

FORMATS: tuple[ExportFormat, ...] = (
    SALESFORCE_CONTACTS,
    SALESFORCE_WEEKLY_CONTACTS,
    SHOPIFY_CUSTOMERS,
    SHOPIFY_ORDERS,
    SQUARE_CUSTOMERS,
    SQUARE_ITEM_SALES,
    META_LEADS,
)
# The optional transaction export of a source, next to its customer exports.
TRANSACTION_FORMATS: dict[str, ExportFormat] = {
    f.system: f for f in FORMATS if f.kind in (ORDERS, ITEM_SALES)
}
