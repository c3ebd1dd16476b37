"""Rows of the Shopify orders export: one per line item, the order's details on the first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from identity.readers.formats import SHOPIFY_ORDERS
from identity_demo.common import REFERENCE, ordered, stream
from identity_demo.ids import NumericIds, token
from identity_demo.shopify_orders import (
    CURRENCIES,
    PRODUCTS,
    TAX_RATES,
    ShopCustomer,
    address_phone,
    money,
    store_time,
    zip_text,
)

ORDERS_HEADER = SHOPIFY_ORDERS.header_with()
_STATE_NAMES = {
    "NY": "New York", "CA": "California", "IL": "Illinois", "TX": "Texas", "AZ": "Arizona",
    "PA": "Pennsylvania", "WA": "Washington", "CO": "Colorado", "MA": "Massachusetts",
    "RI": "Rhode Island", "CT": "Connecticut", "NJ": "New Jersey", "GA": "Georgia",
    "FL": "Florida", "MN": "Minnesota", "MO": "Missouri", "OR": "Oregon", "MI": "Michigan",
    "TN": "Tennessee", "NC": "North Carolina", "UT": "Utah", "MD": "Maryland",
    "DC": "District of Columbia",
}  # fmt: skip
VENDOR = "Northwind Goods"


def order_rows(customers: list[ShopCustomer], seed: int) -> Iterator[list[str]]:
    """Every line-item row of every order, orders numbered ``#1001`` onwards by date.

    Args:
        customers: Shop customers with their orders (from ``shop_customers``).
        seed: Seed of the run.

    Yields:
        Rows in ``ORDERS_HEADER`` order.
    """
    rng = stream(seed, "shopify-order-rows")
    ids = NumericIds(rng, start=5_900_000_000_000, max_step=20_000)
    placed = sorted(
        (order.created, index, number)
        for index, customer in enumerate(customers)
        for number, order in enumerate(customer.orders)
    )
    for sequence, (_, index, number) in enumerate(placed):
        customer = customers[index]
        order = customer.orders[number]
        record = customer.record
        address = record.address
        country = address.country
        name = f"#{1001 + sequence}"
        paid = order.created + timedelta(seconds=rng.randint(2, 240))
        fulfilled = order.created + timedelta(hours=rng.randint(20, 96))
        done = fulfilled < REFERENCE
        street = address.street + (f", {address.street2}" if address.street2 else "")
        state = address.state if country == "US" else ""
        party = {
            "Name": f"{record.first_name} {record.last_name}",
            "Street": street,
            "Address1": address.street,
            "Address2": address.street2,
            "Company": "",
            "City": address.city,
            "Zip": zip_text(address.postcode),
            "Province": state,
            "Country": country,
            "Phone": address_phone(record),
            "Province Name": _STATE_NAMES.get(state, ""),
        }
        first = {
            "Financial Status": "paid",
            "Paid at": store_time(paid),
            "Fulfillment Status": "fulfilled" if done else "unfulfilled",
            "Fulfilled at": store_time(fulfilled) if done else "",
            "Accepts Marketing": "yes" if record.email_consent else "no",
            "Currency": CURRENCIES[country],
            "Subtotal": money(order.subtotal),
            "Shipping": money(order.shipping),
            "Taxes": money(order.taxes),
            "Total": money(order.total),
            "Discount Code": order.discount_code,
            "Discount Amount": money(order.discount),
            "Shipping Method": "Standard Shipping" if order.shipping else "Free Shipping",
            "Created at": store_time(order.created),
            "Payment Method": rng.choice(("Shopify Payments", "Shopify Payments", "PayPal")),
            "Payment Reference": f"c{rng.randint(10**10, 10**11 - 1)}.1",
            "Refunded Amount": "0.00",
            "Outstanding Balance": "0.00",
            "Id": ids.next(),
            "Risk Level": "Low",
            "Source": "web",
            "Tax 1 Name": f"{'VAT' if country != 'US' else 'Sales Tax'} "
            f"{TAX_RATES[country] * 100:g}%",
            "Tax 1 Value": money(order.taxes),
            "Phone": record.mobile.e164 if record.mobile else "",
            "Payment ID": token(rng, 22),
            "Payment References": token(rng, 22),
        }
        for role in ("Billing", "Shipping"):
            first.update({f"{role} {key}": value for key, value in party.items()})
        for line_number, (product, quantity) in enumerate(order.lines):
            title, sku, price, shipped = PRODUCTS[product]
            values = first if line_number == 0 else {}
            values.update(
                {
                    "Name": name,
                    "Email": record.email,
                    "Lineitem quantity": str(quantity),
                    "Lineitem name": title,
                    "Lineitem price": money(price),
                    "Lineitem compare at price": "",
                    "Lineitem sku": sku,
                    "Lineitem requires shipping": "true" if shipped else "false",
                    "Lineitem taxable": "true",
                    "Lineitem fulfillment status": "fulfilled" if done else "pending",
                    "Lineitem discount": "0.00",
                }
            )
            if line_number == 0:
                values["Vendor"] = VENDOR
            yield ordered(ORDERS_HEADER, values)
