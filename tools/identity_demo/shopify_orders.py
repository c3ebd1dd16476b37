"""Shopify orders: drawn for every shop customer so that their totals add up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from identity.readers.formats import APOSTROPHE
from identity_demo.common import REFERENCE, random_datetime
from identity_demo.phones import format_phone
from identity_demo.records import Record

# (name, sku, price in cents, requires shipping)
PRODUCTS: tuple[tuple[str, str, int, bool], ...] = (
    ("Merino Crew Sweater - Navy / M", "MCS-NVY-M", 8900, True),
    ("Merino Crew Sweater - Grey / L", "MCS-GRY-L", 8900, True),
    ("Linen Shirt - White / L", "LSH-WHT-L", 6500, True),
    ("Organic Cotton Tee - Black / S", "OCT-BLK-S", 2900, True),
    ("Organic Cotton Tee - White / M", "OCT-WHT-M", 2900, True),
    ("Canvas Tote Bag", "TOTE-NAT", 2400, True),
    ("Leather Card Holder", "LCH-BRN", 3900, True),
    ("Wool Beanie", "BEANIE-CHA", 2500, True),
    ("Trail Running Socks (3-pack)", "SOCK-3PK", 1850, True),
    ("Rain Jacket - Olive / M", "RJK-OLV-M", 14900, True),
    ("Ceramic Mug", "MUG-CER", 1600, True),
    ("Gift Card", "GIFT-50", 5000, False),
)
CURRENCIES = {"FR": "EUR", "GB": "GBP", "US": "USD"}
TAX_RATES = {"FR": 0.20, "GB": 0.20, "US": 0.0725}
FREE_SHIPPING_CENTS = 7500
SHIPPING_CENTS = 495
# The shop's own time zone, which Shopify uses for every datetime in its exports.
STORE_ZONE = ZoneInfo("America/Los_Angeles")


@dataclass(frozen=True)
class Order:
    """One paid order; money in cents.

    Attributes:
        created: When it was placed.
        lines: ``(product index, quantity)`` per line item.
        discount_code: Code used, or empty.
        discount: Discount amount.
        shipping: Shipping charged.
        taxes: Taxes charged.
        subtotal: Line items minus discount.
        total: What the customer paid.
    """

    created: datetime
    lines: tuple[tuple[int, int], ...]
    discount_code: str
    discount: int
    shipping: int
    taxes: int
    subtotal: int
    total: int


def money(cents: int) -> str:
    """Cents as Shopify writes money: ``13175.00``, no symbol, no thousands separator."""
    return f"{cents // 100}.{cents % 100:02d}"


def store_time(moment: datetime) -> str:
    """An instant as ``2025-04-01 17:18:52 -0700`` in the shop's time zone."""
    return moment.astimezone(STORE_ZONE).strftime("%Y-%m-%d %H:%M:%S %z")


def _order(rng: random.Random, created: datetime, country: str) -> Order:
    count = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
    products = rng.sample(range(len(PRODUCTS)), count)
    lines = tuple((index, 1 if rng.random() < 0.8 else rng.randint(2, 3)) for index in products)
    gross = sum(PRODUCTS[index][2] * quantity for index, quantity in lines)
    code, discount = "", 0
    if rng.random() < 0.12:
        code, percent = rng.choice((("WELCOME10", 10), ("SPRING15", 15)))
        discount = gross * percent // 100
    subtotal = gross - discount
    shipping = 0 if subtotal >= FREE_SHIPPING_CENTS else SHIPPING_CENTS
    taxes = round(subtotal * TAX_RATES[country])
    return Order(
        created=created,
        lines=lines,
        discount_code=code,
        discount=discount,
        shipping=shipping,
        taxes=taxes,
        subtotal=subtotal,
        total=subtotal + shipping + taxes,
    )


def draw_orders(rng: random.Random, since: datetime, country: str) -> list[Order]:
    """A customer's orders, oldest first.

    Args:
        rng: The seeded generator.
        since: When the customer account was created.
        country: Their country (currency and tax).

    Returns:
        Zero or more orders between ``since`` and the reference date.
    """
    if rng.random() < 0.35:
        return []
    count = 1
    while rng.random() < 0.55 and count < 40:
        count += 1
    end = REFERENCE - timedelta(hours=2)
    moments = sorted(random_datetime(rng, since, end) for _ in range(count))
    return [_order(rng, moment, country) for moment in moments]


@dataclass(frozen=True)
class ShopCustomer:
    """A Shopify customer: the record, its id, whether it has an address, its orders."""

    customer_id: str
    record: Record
    has_address: bool
    orders: list[Order]


def text_keeping_zeros(value: str) -> str:
    """A leading apostrophe, as Shopify adds so spreadsheets keep ``02118`` and ``+33...``."""
    return f"{APOSTROPHE}{value}" if value else ""


def zip_text(postcode: str) -> str:
    """Zips with a leading zero get the apostrophe; others are written as they are."""
    return text_keeping_zeros(postcode) if postcode.startswith("0") else postcode


def address_phone(record: Record) -> str:
    """The number on the default address, as typed at checkout."""
    phone = record.landline or record.mobile
    if phone is None:
        return ""
    return format_phone(phone, record.phone_style or "e164", record.phone_extension)
