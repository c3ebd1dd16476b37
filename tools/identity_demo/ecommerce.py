"""Shopify exports: the customers export and, optionally, the orders export."""

from __future__ import annotations

import random
from pathlib import Path

from identity_demo.common import SourceOutput, stream, write_rows
from identity_demo.ids import NumericIds
from identity_demo.records import Record
from identity_demo.shopify_order_rows import ORDERS_HEADER, order_rows
from identity_demo.shopify_orders import (
    ShopCustomer,
    address_phone,
    draw_orders,
    money,
    text_keeping_zeros,
    zip_text,
)

CUSTOMERS_FILE = "customers_export.csv"
SECOND_CUSTOMERS_FILE = "customers_export_2.csv"
ORDERS_FILE = "orders_export_1.csv"
FILE_PATTERNS = (r"customers_export(_\d+)?\.csv", r"orders_export_\d+\.csv")

CUSTOMERS_HEADER = [
    "Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
    "Default Address Company", "Default Address Address1", "Default Address Address2",
    "Default Address City", "Default Address Province Code", "Default Address Country Code",
    "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
    "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags",
]  # fmt: skip

# Above this many customers the export is spread over a second file.
SPLIT_ROWS = 10_000
NO_ADDRESS_SHARE = 0.10
_NOTES = ("Prefers delivery after 6pm", "Wholesale enquiry", "Gift wrapping please")


def _tags(rng: random.Random, customer: ShopCustomer, spent: int) -> str:
    tags = []
    if spent >= 100_000:
        tags.append("VIP")
    if customer.record.email_consent and rng.random() < 0.5:
        tags.append("newsletter")
    if len(customer.orders) >= 2 and rng.random() < 0.3:
        tags.append("returning")
    if rng.random() < 0.02:
        tags.append("wholesale")
    return ", ".join(tags)


def _customer_row(rng: random.Random, customer: ShopCustomer) -> list[str]:
    record = customer.record
    address = record.address
    spent = sum(order.total for order in customer.orders)
    located = customer.has_address
    has_email = bool(record.email)
    return [
        text_keeping_zeros(customer.customer_id),
        record.first_name,
        record.last_name,
        record.email,
        "yes" if record.email_consent and has_email else "no",
        record.person.company if located and rng.random() < 0.05 else "",
        address.street if located else "",
        address.street2 if located else "",
        address.city if located else "",
        address.state if located and address.country == "US" else "",
        address.country if located else "",
        zip_text(address.postcode) if located else "",
        text_keeping_zeros(address_phone(record)) if located and rng.random() < 0.6 else "",
        text_keeping_zeros(record.mobile.e164 if record.mobile else ""),
        "yes" if record.sms_consent and record.mobile else "no",
        money(spent),
        str(len(customer.orders)),
        rng.choice(_NOTES) if rng.random() < 0.02 else "",
        "yes" if rng.random() < 0.01 else "no",
        _tags(rng, customer, spent),
    ]


def shop_customers(records: list[Record], seed: int) -> list[ShopCustomer]:
    """Give each shop record an id, an address flag and its orders (oldest account first)."""
    rng = stream(seed, "shopify")
    orders_rng = stream(seed, "shopify-orders")
    ids = NumericIds(rng, start=6_800_000_000_000, max_step=40_000)
    customers = []
    for record in sorted(records, key=lambda r: (r.created, r.entity_id)):
        # Checkout needs an address, so only customers who never ordered lack one.
        has_address = rng.random() >= NO_ADDRESS_SHARE
        orders = draw_orders(orders_rng, record.created, record.address.country)
        if not has_address:
            orders = []
        customers.append(ShopCustomer(ids.next(), record, has_address, orders))
    return customers


def write_ecommerce(
    records: list[Record], folder: Path, seed: int, with_transactions: bool
) -> SourceOutput:
    """Write the Shopify customers export (and orders export) of ``records`` into ``folder``.

    Args:
        records: Ecommerce records, any order.
        folder: The ``ecommerce`` landing folder (must exist).
        seed: Seed of the run.
        with_transactions: Also write ``orders_export_1.csv``.

    Returns:
        Files written and the customer ids (without apostrophe).
    """
    customers = shop_customers(records, seed)
    rng = stream(seed, "shopify-rows")
    rows = [_customer_row(rng, customer) for customer in customers]
    files = []
    if len(rows) > SPLIT_ROWS:
        cut = (len(rows) * 3) // 5
        files.append(folder / SECOND_CUSTOMERS_FILE)
        write_rows(files[-1], CUSTOMERS_HEADER, rows[cut:])
        rows = rows[:cut]
    files.insert(0, folder / CUSTOMERS_FILE)
    write_rows(files[0], CUSTOMERS_HEADER, rows)
    if with_transactions:
        files.append(folder / ORDERS_FILE)
        write_rows(files[-1], ORDERS_HEADER, order_rows(customers, seed))
    ids = [(customer.customer_id, customer.record.entity_id) for customer in customers]
    return SourceOutput(files=sorted(files), ids=ids)
