"""Generator variants: a demo landing rewritten so that sources lack what the demo gives them.

Real deliveries are rarely four complete sources: a till directory of names and phones, a CRM
that never captured emails, a lead form asking only for a name and an email, one system alone,
or no email or phone anywhere. Each variant starts from ``identity_demo.generate`` and rewrites
its files in place, each as it was delivered (encoding, byte-order mark, delimiter, quoting,
line ends and header): vendor exports with a fixed header get the missing values blanked, and a
Meta lead form that does not ask a question has no column for it. Rows left with nothing a
system would have kept them for are dropped, and ``truth.csv`` keeps only the records still in
the landing. Transaction exports (Shopify orders, Square item sales) are removed: the benchmark
links customer exports, and order rows would bring back the emails and phones taken out.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import identity_demo as demo
from identity import schema as s
from identity.readers import SPECS
from identity.readers._files import export_files, is_transaction_export
from identity_demo import social
from identity_demo.common import write_rows

# Contact points per source, by export column (Meta: the standard and French form questions).
EMAIL_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm": ("Email",),
    "ecommerce": ("Email",),
    "pos": ("Email Address",),
    "social": ("email",),
}
PHONE_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm": ("Phone", "MobilePhone", "HomePhone", "OtherPhone", "Fax"),
    "ecommerce": ("Phone", "Default Address Phone"),
    "pos": ("Phone Number",),
    "social": ("phone_number", "téléphone"),
}
# What the systems write for consent when there is no address to consent with.
NO_EMAIL_CONSENT: dict[str, dict[str, str]] = {
    "ecommerce": {"Accepts Email Marketing": "no"},
    "pos": {"Email Subscription Status": "Unknown"},
}
NO_PHONE_CONSENT: dict[str, dict[str, str]] = {"ecommerce": {"Accepts SMS Marketing": "no"}}
SQUARE_PLACE_AND_BIRTH = (
    "Street Address 1", "Street Address 2", "City", "State", "Postal Code", "Birthday",
)  # fmt: skip
BIRTH_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm": ("Birthdate",),
    "ecommerce": (),
    "pos": ("Birthday",),
    "social": ("date_of_birth",),
}
ADDRESS_COLUMNS: dict[str, tuple[str, ...]] = {
    "crm": (
        "MailingStreet", "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry",
        "OtherStreet", "OtherCity", "OtherState", "OtherPostalCode", "OtherCountry",
    ),
    "ecommerce": (
        "Default Address Company", "Default Address Address1", "Default Address Address2",
        "Default Address City", "Default Address Province Code", "Default Address Country Code",
        "Default Address Zip",
    ),
    "pos": ("Street Address 1", "Street Address 2", "City", "State", "Postal Code"),
    "social": ("street_address", "city", "ville", "post_code", "zip_code", "code_postal"),
}  # fmt: skip
FULL_NAME_QUESTIONS = ("full_name", "nom_complet")
LEAD_STATUS = "lead_status"


@dataclass(frozen=True)
class Layout:
    """How a delimited export was written, so that a rewrite keeps it."""

    encoding: str
    bom: bool
    delimiter: str
    quote_all: bool
    lineterminator: str


@dataclass
class Table:
    """A delimited export's header and its rows as ``{column: text}``."""

    header: list[str]
    rows: list[dict[str, str]]


Edit = Callable[[str, Table], Table]


def read_native(path: Path) -> tuple[Table, Layout]:
    """Read a file the demo generator wrote, noting its layout.

    Args:
        path: A UTF-8 (with or without BOM) or UTF-16 LE (with BOM) delimited export.

    Returns:
        Its table and its layout.
    """
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF16_LE):
        encoding, bom, text = "utf-16-le", True, data[2:].decode("utf-16-le")
    elif data.startswith(codecs.BOM_UTF8):
        encoding, bom, text = "utf-8", True, data[3:].decode("utf-8")
    else:
        encoding, bom, text = "utf-8", False, data.decode("utf-8")
    first = text.split("\n", 1)[0]
    layout = Layout(
        encoding=encoding,
        bom=bom,
        delimiter="\t" if "\t" in first else ",",
        quote_all=first.startswith('"'),
        lineterminator="\r\n" if first.endswith("\r") else "\n",
    )
    header, *body = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    return Table(header, [dict(zip(header, row, strict=True)) for row in body]), layout


def write_native(path: Path, table: Table, layout: Layout) -> None:
    """Write a table back in the layout it was read with."""
    write_rows(
        path,
        table.header,
        ([row.get(column, "") for column in table.header] for row in table.rows),
        encoding=layout.encoding,
        bom=layout.bom,
        delimiter=layout.delimiter,
        quote_all=layout.quote_all,
        lineterminator=layout.lineterminator,
    )


def blank_emails(source: str, table: Table) -> Table:
    """Empty the email columns (Meta: drop the question) and say there is no consent."""
    return _without(table, source, EMAIL_COLUMNS[source], NO_EMAIL_CONSENT.get(source, {}))


def blank_phones(source: str, table: Table) -> Table:
    """Empty the phone columns (Meta: drop the question) and say there is no SMS consent."""
    return _without(table, source, PHONE_COLUMNS[source], NO_PHONE_CONSENT.get(source, {}))


def _without(table: Table, source: str, columns: tuple[str, ...], fill: dict[str, str]) -> Table:
    if source == "social":
        # A lead form that does not ask for it has no such column.
        header = [c for c in table.header if c not in columns]
        return Table(header, [{c: row[c] for c in header} for row in table.rows])
    present = [c for c in columns if c in table.header]
    filled = {**dict.fromkeys(present, ""), **{c: v for c, v in fill.items() if c in table.header}}
    return Table(table.header, [{**row, **filled} for row in table.rows])


def blank_birth_dates(source: str, table: Table) -> Table:
    """Empty the date-of-birth columns (Meta: drop the question)."""
    return _without(table, source, BIRTH_COLUMNS[source], {})


def names_only(source: str, table: Table) -> Table:
    """Keep only the names: no email, phone, address or date of birth."""
    for edit in (blank_emails, blank_phones, blank_birth_dates):
        table = edit(source, table)
    return _without(table, source, ADDRESS_COLUMNS[source], {})


def store_names_and_phones(source: str, table: Table) -> Table:
    """A till directory: names and phones, no email, address or birthday.

    Profiles are made at the till from a phone number, so a profile without one is not kept.
    """
    table = _without(table, source, SQUARE_PLACE_AND_BIRTH, {})
    table = blank_emails(source, table)
    phones = [c for c in PHONE_COLUMNS[source] if c in table.header]
    return Table(table.header, [r for r in table.rows if any(r[c].strip("' ") for c in phones)])


def name_and_email_form(source: str, table: Table) -> Table:
    """A lead form asking only for the full name and the email (both required by the form).

    Forms that asked for first and last names get Meta's standard ``full_name`` question;
    the French form keeps its ``nom_complet``.
    """
    fixed = [c for c in table.header if c in social.FIXED_COLUMNS]
    name = next((c for c in table.header if c in FULL_NAME_QUESTIONS), "full_name")
    header = [*fixed, name, "email", LEAD_STATUS]
    rows = []
    for row in table.rows:
        full = row.get(name) or " ".join(
            part for part in (row.get("first_name", ""), row.get("last_name", "")) if part
        )
        if full and row.get("email"):
            kept = {c: row[c] for c in fixed}
            rows.append({**kept, name: full, "email": row["email"], LEAD_STATUS: row[LEAD_STATUS]})
    return Table(header, rows)


@dataclass(frozen=True)
class Variant:
    """A rewrite of a demo landing.

    Attributes:
        name: Its name on the command line and in the benchmark table.
        description: One line for BENCHMARKS.md.
        sources: Sources kept; the others' exports are removed.
        edits: Per source, the rewrites applied in order to each of its customer exports.
        single_source: Generate every record into this one source (``demo.generate``'s
            ``single_source``), so it holds each person's duplicates, as a team with one tool
            has them.
    """

    name: str
    description: str
    sources: tuple[str, ...] = s.SOURCE_SYSTEMS
    edits: dict[str, tuple[Edit, ...]] = field(default_factory=dict)
    single_source: str | None = None


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            "store-names-phones",
            "generated; the Square directory has names and phones only",
            edits={"pos": (store_names_and_phones,)},
        ),
        Variant("crm-no-email", "generated; the CRM has no emails", edits={"crm": (blank_emails,)}),
        Variant(
            "social-name-email",
            "generated; lead forms ask for a full name and an email only",
            edits={"social": (name_and_email_form,)},
        ),
        *(
            Variant(
                f"{source}-only",
                f"generated; every record in the {source} exports alone (about two per person)",
                sources=(source,),
                single_source=source,
            )
            for source in s.SOURCE_SYSTEMS
        ),
        Variant(
            "dob-one-source",
            "generated; only the CRM has dates of birth",
            edits={source: (blank_birth_dates,) for source in s.SOURCE_SYSTEMS if source != "crm"},
        ),
        Variant(
            "names-only",
            "generated; every source has names only",
            edits={source: (names_only,) for source in s.SOURCE_SYSTEMS},
        ),
        Variant(
            "no-email-phone",
            "generated; no source has an email or a phone",
            edits={source: (blank_emails, blank_phones) for source in s.SOURCE_SYSTEMS},
        ),
    )
}


def _record_id(source: str, text: str) -> str:
    # The export artefacts the readers remove from ids: Shopify's apostrophe, Meta's "l:".
    value = text.strip().removeprefix("'")
    return value.removeprefix("l:") if source == "social" else value


def derive_variant(name: str, landing: Path) -> Path:
    """Rewrite a landing written by ``identity_demo.generate`` into a variant, in place.

    Args:
        name: A key of ``VARIANTS``.
        landing: The generator's landing folder (with its ``truth.csv``).

    Returns:
        The rewritten ``truth.csv``, holding only the records left in the landing.

    Raises:
        KeyError: Unknown variant.
    """
    variant = VARIANTS[name]
    landing = Path(landing)
    kept: set[tuple[str, str]] = set()
    for source in s.SOURCE_SYSTEMS:
        folder = landing / source
        for path in export_files(folder):
            if source not in variant.sources or is_transaction_export(source, path.name):
                path.unlink()
                continue
            table, layout = read_native(path)
            for edit in variant.edits.get(source, ()):
                table = edit(source, table)
            write_native(path, table, layout)
            id_column = SPECS[source].id_column
            kept.update((source, _record_id(source, row[id_column])) for row in table.rows)
        if source not in variant.sources and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    truth_path = landing / demo.TRUTH_FILE
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    keys = zip(truth[s.SOURCE_SYSTEM], truth[s.SOURCE_RECORD_ID], strict=True)
    truth = truth[[key in kept for key in keys]]
    write_rows(truth_path, s.TRUTH_COLUMNS, truth[s.TRUTH_COLUMNS].itertuples(index=False))
    return truth_path


def write_variant(name: str, landing: Path, people: int, seed: int) -> Path:
    """Generate a demo landing (without transaction exports) and rewrite it into a variant.

    Args:
        name: A key of ``VARIANTS``.
        landing: Where to write.
        people: True people to generate.
        seed: Generator seed.

    Returns:
        The variant's ``truth.csv``.
    """
    if name not in VARIANTS:
        raise KeyError(f"unknown variant {name!r}; expected one of {sorted(VARIANTS)}")
    variant = VARIANTS[name]
    demo.generate(
        people, landing, seed=seed, with_transactions=False, single_source=variant.single_source
    )
    return derive_variant(name, landing)
