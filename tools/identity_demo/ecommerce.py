"""Shopify exports: the customers export and, optionally, the orders export."""

from __future__ import annotations

import random
from pathlib import Path

from identity.readers.formats import SHOPIFY_CUSTOMERS, SHOPIFY_ORDERS
from identity_demo.common import SourceOutput, ordered, stream, write_export
from identity_demo.ids import NumericIds
from identity_demo.records import Record
from identity_demo.shopify_order_rows import order_rows
from identity_demo.shopify_orders import (
    ShopCustomer,
    address_phone,
    draw_orders,
    money,
    zip_text,
)

CUSTOMERS_FILE = "customers_export.csv"
SECOND_CUSTOMERS_FILE = "customers_export_2.csv"
ORDERS_FILE = "orders_export_1.csv"
FILE_PATTERNS = (r"customers_export(_\d+)?\.csv", r"orders_export_\d+\.csv")

CUSTOMERS_HEADER = SHOPIFY_CUSTOMERS.header_with()

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
    values = {
        SHOPIFY_CUSTOMERS.id_column: customer.customer_id,
        "First Name": record.first_name,
        "Last Name": record.last_name,
        "Email": record.email,
        "Accepts Email Marketing": "yes" if record.email_consent and has_email else "no",
        "Default Address Company": (
            record.person.company if located and rng.random() < 0.05 else ""
        ),
        "Default Address Address1": address.street if located else "",
        "Default Address Address2": address.street2 if located else "",
        "Default Address City": address.city if located else "",
        "Default Address Province Code": (
            address.state if located and address.country == "US" else ""
        ),
        "Default Address Country Code": address.country if located else "",
        "Default Address Zip": zip_text(address.postcode) if located else "",
        "Default Address Phone": address_phone(record) if located and rng.random() < 0.6 else "",
        "Phone": record.mobile.e164 if record.mobile else "",
        "Accepts SMS Marketing": "yes" if record.sms_consent and record.mobile else "no",
        "Total Spent": money(spent),
        "Total Orders": str(len(customer.orders)),
        "Note": rng.choice(_NOTES) if rng.random() < 0.02 else "",
        "Tax Exempt": "yes" if rng.random() < 0.01 else "no",
        "Tags": _tags(rng, customer, spent),
    }
    return ordered(CUSTOMERS_HEADER, SHOPIFY_CUSTOMERS.with_prefixes(values))


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
        write_export(files[-1], SHOPIFY_CUSTOMERS, rows[cut:])
        rows = rows[:cut]
    files.insert(0, folder / CUSTOMERS_FILE)
    write_export(files[0], SHOPIFY_CUSTOMERS, rows)
    if with_transactions:
        files.append(folder / ORDERS_FILE)
        write_export(files[-1], SHOPIFY_ORDERS, order_rows(customers, seed))
    ids = [(customer.customer_id, customer.record.entity_id) for customer in customers]
    return SourceOutput(files=sorted(files), ids=ids)
