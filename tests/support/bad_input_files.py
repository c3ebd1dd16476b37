"""Small exports in the four vendors' native formats, for the bad-input catalogue.

Each builder returns the text of a file as the vendor writes it (header names, quoting,
apostrophes, prefixes, all from ``identity.readers.formats``); the catalogue then damages it the
way real deliveries get damaged. Keyword overrides of a row are written as given (no prefix).
"""

from __future__ import annotations

import codecs
import csv
import io

from identity.readers.formats import (
    APOSTROPHE,
    META_LEADS,
    SALESFORCE_CONTACTS,
    SHOPIFY_CUSTOMERS,
    SQUARE_CUSTOMERS,
)

# A Data Loader extract that also selected IsDeleted ("Export All" includes deleted rows).
CRM_HEADER = [*SALESFORCE_CONTACTS.header_with(), "IsDeleted"]
SHOPIFY_HEADER = SHOPIFY_CUSTOMERS.header_with()
SQUARE_HEADER = SQUARE_CUSTOMERS.header_with()
# The questions of the catalogue's lead form.
META_QUESTIONS = ["full_name", "email", "phone_number", "city", "zip_code", "date_of_birth"]
META_HEADER = META_LEADS.header_with(META_QUESTIONS)

PEOPLE = [
    ("Maria", "Gonzalez"),
    ("Jean", "Dupont"),
    ("Zoe", "Muller"),
    ("Omar", "Haddad"),
    ("Lena", "Fischer"),
    ("Sam", "Lee"),
]


def crm_id(n: int) -> str:
    """The Salesforce Contact id of catalogue person ``n``."""
    return f"0035g00000BadIn{n:03d}"


def shop_id(n: int) -> str:
    """The Shopify customer id of catalogue person ``n`` (without the apostrophe)."""
    return f"74123456789{n:02d}"


def square_id(n: int) -> str:
    """The Square customer id of catalogue person ``n``."""
    return f"JDKYHBWT1D4F8MFH63DBMEN{n:03d}"


def lead_id(n: int) -> str:
    """The Meta lead id of catalogue person ``n`` (without ``l:``)."""
    return f"22345678901234{n:02d}"


def email_of(n: int) -> str:
    """The email address of catalogue person ``n``."""
    first, last = PEOPLE[n % len(PEOPLE)]
    return f"{first}.{last}{n}@acme-mail.com".lower()


def crm_row(n: int, **values: str) -> dict[str, str]:
    """A Data Loader Contact row for person ``n``; keyword arguments override columns."""
    first, last = PEOPLE[n % len(PEOPLE)]
    row = {
        "Id": crm_id(n),
        "FirstName": first,
        "LastName": last,
        "Email": email_of(n),
        "Phone": f"(312) 555-01{n:02d}",
        "MobilePhone": "",
        "MailingStreet": f"{n + 1} Main St",
        "MailingCity": "Chicago",
        "MailingState": "IL",
        "MailingPostalCode": "60601",
        "MailingCountry": "United States",
        "Birthdate": f"1980-01-{n + 1:02d}",
        "Title": "",
        "HasOptedOutOfEmail": "false",
        "IsDeleted": "false",
        "CreatedDate": "2026-09-02T22:07:23.000Z",
        "LastModifiedDate": "2026-09-03T10:00:00.000Z",
    }
    row.update(values)
    return row


def shop_row(n: int, **values: str) -> dict[str, str]:
    """A Shopify customers row for person ``n`` (apostrophes on id, zip and phones)."""
    first, last = PEOPLE[n % len(PEOPLE)]
    row = {
        "Customer ID": shop_id(n),
        "First Name": first,
        "Last Name": last,
        "Email": email_of(n),
        "Accepts Email Marketing": "yes",
        "Default Address Company": "",
        "Default Address Address1": f"{n + 1} Elm Street",
        "Default Address Address2": "",
        "Default Address City": "Boston",
        "Default Address Province Code": "MA",
        "Default Address Country Code": "US",
        "Default Address Zip": f"{APOSTROPHE}02118",  # a leading zero
        "Default Address Phone": f"+1617555{n:04d}",
        "Phone": f"+1617555{n:04d}",
        "Accepts SMS Marketing": "no",
        "Total Spent": "13175.00",
        "Total Orders": "12",
        "Note": "",
        "Tax Exempt": "no",
        "Tags": "VIP, newsletter",
    }
    return {**SHOPIFY_CUSTOMERS.with_prefixes(row), **values}


def square_row(n: int, **values: str) -> dict[str, str]:
    """A Square customer directory row for person ``n``."""
    first, last = PEOPLE[n % len(PEOPLE)]
    row = {
        "Reference ID": "",
        "First Name": first,
        "Last Name": last,
        "Email Address": email_of(n),
        "Phone Number": f"+4477009001{n:02d}",
        "Nickname": "",
        "Company Name": "",
        "Street Address 1": f"{n + 1} Baker Street",
        "Street Address 2": "",
        "City": "London",
        "State": "",
        "Postal Code": "NW1 6XE",
        "Birthday": f"1990-05-{n + 1:02d}",
        "Memo": "",
        "Square Customer ID": square_id(n),
        "Creation Source": "Directory",
        "First Visit": "01-15-2024",
        "Last Visit": "03-02-2026",
        "Transaction Count": "14",
        "Lifetime Spend": "$1,234.56",
        "Email Subscription Status": "Subscribed",
        "Instant Profile": "No",
        "Blocked from online booking": "No",
    }
    return {**SQUARE_CUSTOMERS.with_prefixes(row), **values}


def meta_row(n: int, **values: str) -> dict[str, str]:
    """A Meta lead row for person ``n`` (``l:``, ``p:`` and ``z:`` prefixes)."""
    first, last = PEOPLE[n % len(PEOPLE)]
    row = {
        "id": lead_id(n),
        "created_time": "2026-09-04T11:17:13-05:00",
        "ad_id": "1",
        "ad_name": "Fall",
        "adset_id": "2",
        "adset_name": "US adults",
        "campaign_id": "3",
        "campaign_name": "Back to school",
        "form_id": "4",
        "form_name": "US form",
        "is_organic": "false",
        "platform": "ig",
        "full_name": f"{first} {last}",
        "email": email_of(n),
        "phone_number": f"+1312555{n:04d}",
        "city": "Chicago",
        "zip_code": "60611",
        "date_of_birth": "1988-03-09",
        "lead_status": "CREATED",
    }
    return {**META_LEADS.with_prefixes(row), **values}


def to_csv(
    header: list[str],
    rows: list[dict[str, str]],
    *,
    delimiter: str = ",",
    quote_all: bool = False,
    newline: str = "\n",
) -> str:
    """Write rows the way the vendor's exporter does (header names exactly as given)."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue()


def crm_export(rows: list[dict[str, str]], header: list[str] | None = None, **kw: object) -> str:
    """A Salesforce Data Loader Contact export: every field quoted."""
    quote_all = SALESFORCE_CONTACTS.quote_all
    return to_csv(header or CRM_HEADER, rows, quote_all=quote_all, **kw)  # type: ignore[arg-type]


def shop_export(rows: list[dict[str, str]], header: list[str] | None = None, **kw: object) -> str:
    """A Shopify customers export."""
    return to_csv(header or SHOPIFY_HEADER, rows, **kw)  # type: ignore[arg-type]


def square_export(rows: list[dict[str, str]], header: list[str] | None = None, **kw: object) -> str:
    """A Square customer directory export."""
    return to_csv(header or SQUARE_HEADER, rows, **kw)  # type: ignore[arg-type]


def meta_export(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    """A Meta lead ads export as Meta writes it: UTF-16 little endian with a BOM, tabs."""
    text = to_csv(header or META_HEADER, rows, delimiter=META_LEADS.delimiter)
    bom = codecs.BOM_UTF16_LE if META_LEADS.bom else b""
    return bom + text.encode(META_LEADS.encoding)


def utf8(text: str) -> bytes:
    """UTF-8 without a byte-order mark."""
    return text.encode("utf-8")


def utf8_bom(text: str) -> bytes:
    """UTF-8 with the byte-order mark Salesforce and Excel write."""
    return codecs.BOM_UTF8 + text.encode("utf-8")
