"""Mix deliberately bad rows into generated vendor exports, keeping each file's native format.

Rows are inserted as text right after the header line, so every original row keeps its bytes
(only its line number moves) and each inserted row's line number is known exactly. The file's
byte-order mark, encoding (UTF-8 or UTF-16), delimiter, quoting style and line ending are kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from identity.readers.formats import (
    META_LEADS,
    SALESFORCE_CONTACTS,
    SHOPIFY_CUSTOMERS,
    SQUARE_CUSTOMERS,
    ExportFormat,
)
from identity.schema import (
    CITY,
    DATE_OF_BIRTH,
    EMAIL,
    FIRST_NAME,
    FULL_NAME,
    LAST_NAME,
    PHONE,
    UPDATED_AT,
)
from identity.standardise.quarantine import DUPLICATE, NO_IDENTIFIER

UTF16_BOM = b"\xff\xfe"
UTF8_BOM = b"\xef\xbb\xbf"

Row = dict[str, str] | list[str]


@dataclass(frozen=True)
class Planted:
    """One row we inserted and what the pipeline must do with it.

    Attributes:
        source_system: The landing folder.
        file: The file name.
        line: The physical line the row starts on.
        kind: What is wrong with it (for messages).
        reason: The quarantine reason expected, or None when the row must be linked.
        record_id: Its ``source_record_id`` (None when it has none).
    """

    source_system: str
    file: str
    line: int
    kind: str
    reason: str | None
    record_id: str | None


@dataclass(frozen=True)
class _Format:
    bom: bytes
    encoding: str
    delimiter: str
    terminator: str
    quote_all: bool


def _split(path: Path) -> tuple[_Format, str, str]:
    data = path.read_bytes()
    if data.startswith(UTF16_BOM):
        bom, encoding = UTF16_BOM, "utf-16-le"
    elif data.startswith(UTF8_BOM):
        bom, encoding = UTF8_BOM, "utf-8"
    else:
        bom, encoding = b"", "utf-8"
    text = data[len(bom) :].decode(encoding)
    end = text.index("\n") + 1
    header = text[:end]
    fmt = _Format(
        bom=bom,
        encoding=encoding,
        delimiter="\t" if "\t" in header else ",",
        terminator="\r\n" if header.endswith("\r\n") else "\n",
        quote_all=header.startswith('"'),
    )
    return fmt, header, text[end:]


def header_of(path: Path) -> list[str]:
    """The column names of an export."""
    fmt, header, _ = _split(path)
    return next(csv.reader([header.rstrip("\r\n")], delimiter=fmt.delimiter))


def insert_rows(path: Path, rows: list[Row]) -> list[int]:
    """Insert rows right after the header of an export, in its own format.

    Args:
        path: The export file.
        rows: Dicts by column name (absent columns are empty), or raw field lists (to build
            rows of the wrong width).

    Returns:
        The physical line each inserted row starts on (the header is line 1).
    """
    fmt, header, body = _split(path)
    columns = header_of(path)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=fmt.delimiter,
        lineterminator=fmt.terminator,
        quoting=csv.QUOTE_ALL if fmt.quote_all else csv.QUOTE_MINIMAL,
    )
    for row in rows:
        if isinstance(row, dict):
            row = _fit(row, columns)
        fields = row if isinstance(row, list) else [row.get(c, "") for c in columns]
        writer.writerow(fields)
    text = header + buffer.getvalue() + body
    path.write_bytes(fmt.bom + text.encode(fmt.encoding))
    return list(range(2, 2 + len(rows)))


def _fit(row: dict[str, str], columns: list[str]) -> dict[str, str]:
    """Rename columns the way this file's variant of the export names them."""
    row = dict(row)
    for name, other in SQUARE_CUSTOMERS.renamed.items():  # Square exports of some regions
        if name in row and name not in columns:
            row[other] = row.pop(name)
    (first,), (last,), (full,) = (META_LEADS.fields[c] for c in (FIRST_NAME, LAST_NAME, FULL_NAME))
    if first in row and first not in columns:  # a lead form asking for the full name
        row[full] = f"{row.pop(first)} {row.pop(last, '')}".strip()
    unknown = set(row) - set(columns)
    assert not unknown, f"{unknown} not in {columns}"
    return row


def copy_header(source: Path, target: Path) -> None:
    """Start another export file with the same header and format as ``source``."""
    fmt, header, _ = _split(source)
    target.write_bytes(fmt.bom + header.encode(fmt.encoding))


def data_rows(path: Path) -> int:
    """Records in a file as the csv module counts them (quoted newlines included), no header."""
    fmt, header, body = _split(path)
    return sum(1 for _ in csv.reader(io.StringIO(body, newline=""), delimiter=fmt.delimiter))


# One bad-row recipe per source: the columns differ, the faults are the same. The faults go
# into the first file of each source (TARGETS), in this format.
FORMATS: dict[str, ExportFormat] = {
    "crm": SALESFORCE_CONTACTS,
    "ecommerce": SHOPIFY_CUSTOMERS,
    "pos": SQUARE_CUSTOMERS,
    "social": META_LEADS,
}
_RECIPE = {
    "first": FIRST_NAME,
    "last": LAST_NAME,
    "email": EMAIL,
    "phone": PHONE,
    "dob": DATE_OF_BIRTH,
    "updated": UPDATED_AT,
}
# Per source, the column of each recipe key the export has (Shopify has no dates).
_COLUMNS = {
    system: {
        "id": export.id_column,
        **{key: export.fields[c][0] for key, c in _RECIPE.items() if c in export.fields},
    }
    for system, export in FORMATS.items()
}

# Files (of ``identity_demo.generate``) that receive the faults, and where duplicates go.
TARGETS = {
    "crm": ("contacts_dataloader.csv", "contacts_weekly_export.csv"),
    "ecommerce": ("customers_export.csv", "customers_export_2.csv"),
    "pos": ("customer_directory.csv", "customer_directory_uk.csv"),
    "social": ("leads_fb_spring_offer_2026_en.csv", "leads_fb_newsletter_signup_2026.csv"),
}

_UPDATED = {
    "crm": ("2026-10-01T09:00:00.000Z", "2020-01-01 09:00:00"),
    "pos": ("10-01-2026", "01-01-2020"),
    "social": ("2026-10-01T09:00:00-05:00", "2020-01-01T09:00:00-05:00"),
}


def _record_id(source_system: str, n: int) -> tuple[str, str]:
    """(value as written in the export, ``source_record_id``) for planted row ``n``."""
    values = {
        "crm": f"0038d000ZZ{n:06d}AAA"[:18],
        "ecommerce": str(6900000000000 + n),
        "pos": f"ZZPLANTED{n:017d}",
        "social": str(1499000000000000 + n),
    }
    export = FORMATS[source_system]
    return export.written(export.id_column, values[source_system]), values[source_system]


def _phone(source_system: str, n: int) -> str:
    export = FORMATS[source_system]
    return export.written(_COLUMNS[source_system]["phone"], f"+1312555{n:04d}")


def _row(source_system: str, n: int, **values: str) -> tuple[dict[str, str], str]:
    columns = _COLUMNS[source_system]
    written, record_id = _record_id(source_system, n)
    row = {columns["id"]: written}
    if source_system == "social":
        row[columns["updated"]] = "2026-09-04T11:17:13-05:00"  # created_time: always there
    for key, value in values.items():
        row[columns[key]] = value
    return row, record_id


def plant_faults(landing: Path) -> list[Planted]:
    """Mix bad rows into the first export of every source, plus a duplicate in a second one.

    Per source: a row with no usable identifier; an unparseable birth date as the only
    identifier besides the name; a garbage email as the only identifier; placeholder email and
    phone; a missing record id; a row with too few fields; a record id repeated in a second file
    (older copy, quarantined as a duplicate of the first); and a garbage email next to a valid
    phone, which standardisation repairs (the row is linked, the email dropped).

    Args:
        landing: The output of ``identity_demo.generate``; changed in place.

    Returns:
        Every planted row and its expected fate.
    """
    planted: list[Planted] = []
    for number, system in enumerate(TARGETS):
        planted += _plant_source(landing, system, 100 * (number + 1))
    return planted


def _plant_source(landing: Path, system: str, base: int) -> list[Planted]:
    first_file, second_file = TARGETS[system]
    columns = _COLUMNS[system]
    first, second = landing / system / first_file, landing / system / second_file
    if not second.exists():
        copy_header(first, second)
    name = {"first": "Ottoline", "last": f"Fairweather{system.title()}"}
    new, old = _UPDATED.get(system, ("", ""))
    dup_email = f"ottoline.dup.{system}@fairweather.org"
    cases: list[tuple[str, str | None, Row, str | None]] = []
    # One name alone is no identifier (a first and a last name together would be), so the rows
    # that must be quarantined carry only the first name beside their junk.
    first_only = {"first": name["first"]}
    for kind, reason, n, values in [
        ("no usable identifier", NO_IDENTIFIER, 1, first_only),
        ("unparseable date", NO_IDENTIFIER, 2, {**first_only, "dob": "1985-13-45"}),
        (
            "garbage email",
            NO_IDENTIFIER,
            3,
            {**first_only, "email": "ottoline at fairweather dot"},
        ),
        (
            "placeholder email and phone",
            NO_IDENTIFIER,
            4,
            {**first_only, "email": "test@test.com", "phone": "0000000000"},
        ),
        (
            "repaired garbage email",
            None,
            7,
            {**name, "email": "ottoline@@fairweather", "phone": _phone(system, base + 7)},
        ),
        ("kept copy of a duplicate", None, 8, {**name, "email": dup_email, "updated": new}),
    ]:
        values = {k: v for k, v in values.items() if k in columns}
        if kind == "unparseable date" and "dob" not in columns:
            continue  # Shopify customer exports carry no birth date
        row, record_id = _row(system, base + n, **values)
        cases.append((kind, reason, row, record_id))
    missing, _ = _row(system, base + 5, **name, email=f"ottoline.{system}@fairweather.org")
    missing[columns["id"]] = ""
    cases.insert(-2, ("missing record id", f"missing {columns['id']}", missing, None))
    broken = [_record_id(system, base + 6)[0], "Ottoline"]
    width = len(header_of(first))
    cases.insert(-2, ("too few fields", f"{len(broken)} fields, header has {width}", broken, None))

    lines = insert_rows(first, [row for _, _, row, _ in cases])
    planted = [
        Planted(
            system,
            first_file,
            line,
            kind,
            f"line {line}: {why}" if kind == "too few fields" else why,
            record_id,
        )
        for (kind, why, _, record_id), line in zip(cases, lines, strict=True)
    ]
    dup_values = {**name, "email": dup_email, "updated": old}
    dup, dup_id = _row(system, base + 8, **{k: v for k, v in dup_values.items() if k in columns})
    (dup_line,) = insert_rows(second, [dup])
    reason = DUPLICATE.format(file=first_file, line=lines[-1])
    planted.append(Planted(system, second_file, dup_line, "duplicate id", reason, dup_id))
    return planted


def lose_cities(path: Path) -> int:
    """Do to a Salesforce export what Excel's "CSV (Comma delimited)" save does to Greek text.

    Returns:
        How many cities became question marks.
    """
    fmt, header, body = _split(path)
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=fmt.delimiter))
    (city,) = SALESFORCE_CONTACTS.fields[CITY]
    column = header_of(path).index(city)
    lost = 0
    for row in rows:
        if len(row) > column and row[column].strip():
            row[column] = "?" * len(row[column])
            lost += 1
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if fmt.quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(
        buffer, delimiter=fmt.delimiter, lineterminator=fmt.terminator, quoting=quoting
    )
    writer.writerows(rows)
    path.write_bytes(fmt.bom + (header + buffer.getvalue()).encode(fmt.encoding))
    return lost
