"""Square exports: the customer directory and, optionally, the item sales export."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from identity.readers.formats import SQUARE_CUSTOMERS, SQUARE_ITEM_SALES
from identity_demo.common import SourceOutput, ordered, stream, write_export
from identity_demo.ids import square_id
from identity_demo.phones import format_phone
from identity_demo.pools import nickname_table
from identity_demo.records import Record
from identity_demo.square_sales import (
    ITEMS_FILE,
    ITEMS_ORDER,
    LOCATIONS,
    Visit,
    dollars,
    draw_visits,
    item_rows,
    walk_in,
)

DIRECTORY_FILE = "customer_directory.csv"
UK_DIRECTORY_FILE = "customer_directory_uk.csv"
FILE_PATTERNS = (r"customer_directory(_uk)?\.csv", r"items-.*\.csv")

DIRECTORY_HEADER = SQUARE_CUSTOMERS.header_with()
# The seller's custom fields, exported after the standard columns.
CUSTOM_FIELDS = ["Preferred Location", "Favorite Drink"]
MAIN_HEADER = SQUARE_CUSTOMERS.header_with(CUSTOM_FIELDS)
# The UK seller account's export says Surname; its rows are about a third of UK customers.
UK_HEADER = SQUARE_CUSTOMERS.header_with(CUSTOM_FIELDS, renamed=True)
UK_SHARE_OF_GB = 1 / 3
NO_ADDRESS_SHARE = 0.45
_SOURCES = ("Directory", "Directory", "Instant Profile", "Online Store", "Appointments")
_MEMOS = ("Prefers oat milk", "Allergic to nuts", "Regular on Saturdays", "Ask about loyalty card")
_DRINKS = ("", "", "Latte", "Flat White", "Americano", "Chai Latte")


@dataclass(frozen=True)
class _Customer:
    square_id: str
    record: Record
    instant: bool
    visits: list[Visit]


def _visit_date(visit: Visit) -> str:
    return visit.moment.strftime("%m-%d-%Y")


def _subscription(rng: random.Random, record: Record) -> str:
    if not record.email:
        return "Unknown"
    if record.email_consent:
        return "Subscribed"
    return "Unsubscribed" if rng.random() < 0.7 else "Unknown"


def _phone(rng: random.Random, record: Record) -> str:
    phone = record.landline if record.landline and rng.random() < 0.2 else record.mobile
    if phone is None:
        return ""
    return format_phone(phone, record.phone_style or "e164", record.phone_extension)


def _row(rng: random.Random, customer: _Customer, reference: str) -> list[str]:
    record = customer.record
    address = record.address
    located = rng.random() >= NO_ADDRESS_SHARE
    nicknames = nickname_table(record.person.locale, record.person.female)
    nickname = ""
    if record.first_name in nicknames and rng.random() < 0.15:
        nickname = rng.choice(nicknames[record.first_name])
    visits = customer.visits
    location = LOCATIONS[address.country][0]
    values = {
        "Reference ID": reference,
        "First Name": record.first_name,
        "Last Name": record.last_name,
        "Email Address": record.email,
        "Phone Number": _phone(rng, record),  # the apostrophe comes with the prefixes
        "Nickname": nickname,
        "Company Name": record.person.company if rng.random() < 0.03 else "",
        "Street Address 1": address.street if located else "",
        "Street Address 2": address.street2 if located else "",
        "City": address.city if located else "",
        "State": address.state if located and address.country == "US" else "",
        "Postal Code": address.postcode if located else "",
        "Birthday": record.date_of_birth.isoformat() if record.date_of_birth else "",
        "Memo": rng.choice(_MEMOS) if rng.random() < 0.03 else "",
        SQUARE_CUSTOMERS.id_column: customer.square_id,
        "Creation Source": (
            "Instant Profile" if customer.instant else rng.choice(_SOURCES[:2] + _SOURCES[3:])
        ),
        "First Visit": _visit_date(visits[0]) if visits else "",
        "Last Visit": _visit_date(visits[-1]) if visits else "",
        "Transaction Count": str(len(visits)),
        "Lifetime Spend": dollars(sum(visit.amount for visit in visits)),
        "Email Subscription Status": _subscription(rng, record),
        "Instant Profile": "Yes" if customer.instant else "No",
        "Blocked from online booking": "No",
        "Preferred Location": location if rng.random() < 0.3 else "",
        "Favorite Drink": rng.choice(_DRINKS),
    }
    # Rows are in the directory's own column order; the UK file only renames a column.
    return ordered(MAIN_HEADER, SQUARE_CUSTOMERS.with_prefixes(values))


def write_pos(
    records: list[Record], folder: Path, seed: int, with_transactions: bool
) -> SourceOutput:
    """Write the Square customer directory (and item sales) of ``records`` into ``folder``.

    Args:
        records: POS records, any order.
        folder: The ``pos`` landing folder (must exist).
        seed: Seed of the run.
        with_transactions: Also write the item sales export.

    Returns:
        Files written and the Square customer ids.
    """
    rng = stream(seed, "square")
    visits_rng = stream(seed, "square-visits")
    items_rng = stream(seed, "square-items")
    used: set[str] = set()
    customers = []
    for record in sorted(records, key=lambda r: (r.created, r.entity_id)):
        instant = rng.random() < 0.2
        visits = draw_visits(visits_rng, record.created.date(), record.address.country, instant)
        customers.append(_Customer(square_id(rng, used), record, instant, visits))
    main_rows: list[list[str]] = []
    uk_rows: list[list[str]] = []
    main_ids: list[tuple[str, str]] = []
    uk_ids: list[tuple[str, str]] = []
    references: dict[str, str] = {}
    for customer in customers:
        reference = f"LOY-{rng.randint(10000, 99999)}" if rng.random() < 0.25 else ""
        references[customer.square_id] = reference
        uk = customer.record.address.country == "GB" and rng.random() < UK_SHARE_OF_GB
        (uk_rows if uk else main_rows).append(_row(rng, customer, reference))
        pair = (customer.square_id, customer.record.entity_id)
        (uk_ids if uk else main_ids).append(pair)
    files = [folder / DIRECTORY_FILE, folder / UK_DIRECTORY_FILE]
    write_export(files[0], SQUARE_CUSTOMERS, main_rows, MAIN_HEADER)
    write_export(files[1], SQUARE_CUSTOMERS, uk_rows, UK_HEADER)
    if with_transactions:
        files.append(folder / ITEMS_FILE)
        rows = _all_item_rows(items_rng, customers, references)
        write_export(files[-1], SQUARE_ITEM_SALES, rows)
    return SourceOutput(files=sorted(files), ids=main_ids + uk_ids)


def _all_item_rows(
    rng: random.Random, customers: list[_Customer], references: dict[str, str]
) -> list[list[str]]:
    """Item sales of profiled customers plus walk-ins, in date and time order."""
    rows: list[list[str]] = []
    for customer in customers:
        record = customer.record
        name = f"{record.first_name} {record.last_name}".strip()
        who = (customer.square_id, name, references[customer.square_id])
        rows.extend(item_rows(rng, customer.visits, record.address.country, who))
    # Walk-in sales have no customer attached: readers must cope with empty Customer IDs.
    for _ in range(len(rows) // 10):
        country = rng.choice(("FR", "GB", "US"))
        rows.extend(item_rows(rng, [walk_in(rng, country)], country, ("", "", "")))
    rows.sort(key=lambda row: [row[i] for i in ITEMS_ORDER])
    return rows
