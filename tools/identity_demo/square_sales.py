"""Square sales: each customer's visits, and the item sales export for the recent window."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from identity.readers.formats import SQUARE_ITEM_SALES
from identity.schema import OCCURRED_AT
from identity_demo.common import REFERENCE_DATE, ordered, random_date
from identity_demo.ids import token

ITEMS_FROM = date(2026, 1, 1)
ITEMS_UNTIL = REFERENCE_DATE  # exclusive
ITEMS_FILE = f"items-{ITEMS_FROM.isoformat()}-{ITEMS_UNTIL.isoformat()}.csv"
ITEMS_HEADER = SQUARE_ITEM_SALES.header_with()
# Square lists item sales by date and time, a transaction's lines together.
_DATE, _TIME, _ = SQUARE_ITEM_SALES.fields[OCCURRED_AT]
ITEMS_ORDER = tuple(ITEMS_HEADER.index(c) for c in (_DATE, _TIME, SQUARE_ITEM_SALES.id_column))

# (category, item, price point, sku, price in cents, itemization type)
CATALOG: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("Coffee", "Latte", "Regular", "LAT-R", 450, "Physical Item"),
    ("Coffee", "Latte", "Large", "LAT-L", 520, "Physical Item"),
    ("Coffee", "Flat White", "Regular", "FW-R", 420, "Physical Item"),
    ("Coffee", "Americano", "Regular", "AME-R", 350, "Physical Item"),
    ("Tea", "Chai Latte", "Regular", "CHA-R", 460, "Physical Item"),
    ("Bakery", "Croissant", "", "CRO", 325, "Physical Item"),
    ("Bakery", "Pain au Chocolat", "", "PAC", 350, "Physical Item"),
    ("Bakery", "Banana Bread", "", "BAN", 395, "Physical Item"),
    ("Retail", "Coffee Beans 250g", "", "BEANS-250", 1400, "Physical Item"),
    ("Retail", "Enamel Mug", "", "MUG-ENM", 1800, "Physical Item"),
    ("Retail", "Canvas Tote Bag", "", "TOTE", 2400, "Physical Item"),
    ("Gift Cards", "Gift Card", "", "", 2500, "Gift Card"),
)
_DRINK_MODIFIERS = ("", "", "", "Oat Milk", "Extra Shot", "Oat Milk, Extra Shot", "Decaf")
TAX_RATES = {"FR": 0.10, "GB": 0.20, "US": 0.08875}
LOCATIONS = {
    "FR": ("Paris - Le Marais", "Paris"),
    "GB": ("London - Shoreditch", "London"),
    "US": ("New York - SoHo", "Eastern Time (US & Canada)"),
}
LOYALTY_DISCOUNT = 95  # the "-$0.95" loyalty reward


@dataclass(frozen=True)
class Visit:
    """One payment by a customer, in the location's local time.

    Attributes:
        moment: Local date and time.
        lines: ``(catalog index, quantity, modifiers, discount cents)`` when itemised (inside
            the item export window), else empty.
        amount: Net sales plus tax, in cents.
    """

    moment: datetime
    lines: tuple[tuple[int, int, str, int], ...]
    amount: int


def dollars(cents: int) -> str:
    """Cents as Square writes money: ``$1,234.56``, ``-$0.95``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def _line_amounts(line: tuple[int, int, str, int], country: str) -> tuple[int, int, int]:
    """Gross, net and tax of one line."""
    item, quantity, _, discount = line
    gross = CATALOG[item][4] * quantity
    net = gross - discount
    return gross, net, round(net * TAX_RATES[country])


def _lines(rng: random.Random) -> tuple[tuple[int, int, str, int], ...]:
    lines = []
    for item in sorted(rng.sample(range(len(CATALOG)), 1 + (rng.random() < 0.4))):
        category = CATALOG[item][0]
        modifiers = rng.choice(_DRINK_MODIFIERS) if category in ("Coffee", "Tea") else ""
        quantity = 1 if rng.random() < 0.85 else 2
        discount = LOYALTY_DISCOUNT if rng.random() < 0.08 else 0
        lines.append((item, quantity, modifiers, discount))
    return tuple(lines)


def draw_visits(rng: random.Random, since: date, country: str, instant: bool) -> list[Visit]:
    """A customer's payments, oldest first; itemised only inside the export window.

    Args:
        rng: The seeded generator.
        since: First day the customer could visit.
        country: Where the shop is (tax).
        instant: An instant profile, which only exists because of a payment.

    Returns:
        Zero or more visits up to the reference date.
    """
    count = 0 if (not instant and rng.random() < 0.15) else 1
    while count and rng.random() < 0.8 and count < 150:
        count += 1
    visits = []
    last_day = ITEMS_UNTIL - timedelta(days=1)
    for day in sorted(random_date(rng, since, last_day) for _ in range(count)):
        moment = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randrange(60))
        moment = moment.replace(second=rng.randrange(60))
        if day >= ITEMS_FROM:
            lines = _lines(rng)
            amounts = [_line_amounts(line, country) for line in lines]
            amount = sum(net + tax for _, net, tax in amounts)
        else:
            lines, amount = (), rng.randint(300, 3500)
        visits.append(Visit(moment, lines, amount))
    return visits


def walk_in(rng: random.Random, country: str) -> Visit:
    """An itemised payment by someone with no customer profile."""
    day = random_date(rng, ITEMS_FROM, ITEMS_UNTIL - timedelta(days=1))
    moment = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randrange(60))
    lines = _lines(rng)
    amounts = [_line_amounts(line, country) for line in lines]
    return Visit(moment, lines, sum(net + tax for _, net, tax in amounts))


def item_rows(
    rng: random.Random,
    visits: list[Visit],
    country: str,
    customer: tuple[str, str, str],
) -> Iterator[list[str]]:
    """Item export rows of a customer's itemised visits.

    Args:
        rng: The seeded generator.
        visits: The customer's visits (only itemised ones produce rows).
        country: Shop country.
        customer: ``(Square customer id, customer name, reference id)``; empty for walk-ins.

    Yields:
        Rows in ``ITEMS_HEADER`` order.
    """
    location, zone = LOCATIONS[country]
    for visit in visits:
        if not visit.lines:
            continue
        transaction, payment = token(rng, 28), token(rng, 28)
        card = rng.choice(("Visa", "MasterCard", "American Express"))
        suffix = f"{rng.randrange(10000):04d}"
        dining = rng.choice(("For Here", "To Go", ""))
        for line in visit.lines:
            item, quantity, modifiers, discount = line
            category, name, price_point, sku, _, kind = CATALOG[item]
            gross, net, tax = _line_amounts(line, country)
            customer_id, customer_name, reference = customer
            values = {
                _DATE: visit.moment.strftime("%Y-%m-%d"),
                _TIME: visit.moment.strftime("%H:%M:%S"),
                "Time Zone": zone,
                "Category": category,
                "Item": name,
                "Qty": str(quantity),
                "Price Point Name": price_point,
                "SKU": sku,
                "Modifiers Applied": modifiers,
                "Gross Sales": dollars(gross),
                "Discounts": dollars(-discount),
                "Net Sales": dollars(net),
                "Tax": dollars(tax),
                SQUARE_ITEM_SALES.id_column: transaction,
                "Payment ID": payment,
                "Device Name": "Counter 1",
                "Details": f"https://squareup.com/dashboard/sales/transactions/{transaction}",
                "Event Type": "Payment",
                "Location": location,
                "Dining Option": dining,
                "Customer ID": customer_id,
                "Customer Name": customer_name,
                "Customer Reference ID": reference,
                "Count": str(quantity),
                "Itemization Type": kind,
                "Channel": "Point of Sale",
                "Card Brand": card,
                "PAN Suffix": suffix,
            }
            yield ordered(ITEMS_HEADER, values)
