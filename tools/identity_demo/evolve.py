"""A second run's landing: yesterday's exports plus what changed since, with the new truth.

``evolve`` copies a landing folder written by ``generate`` and applies the changes a real day
brings, in the vendors' own files so the whole job reads them as it would in production:

- new people (their own export files, written by ``generate`` with another seed);
- edited records: a changed phone number or a changed street address, same person;
- one merge: a record of a single-record person is corrected to be another person's duplicate,
  so two customers of the first run are now one (the truth says so too);
- one split: a record of a person with three or more records is rewritten as somebody else,
  so one customer of the first run becomes two.

Candidates can be restricted to people the first run resolved exactly (all of their records in one
customer, nobody else's with them), so a test can tell every id change the second run reports
from what ``evolve`` did. Same inputs and seed, same bytes.

Example:
    >>> summary = evolve(Path("day1"), Path("day2"), seed=3)  # doctest: +SKIP
    >>> len(summary.new_entities), summary.split_record  # doctest: +SKIP
    (25, 'crm:0038d000M1vD1rbAIC')
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from identity import schema as s
from identity.readers import is_transaction_export
from identity.readers.formats import (
    META_LEADS,
    SALESFORCE_CONTACTS,
    SALESFORCE_WEEKLY_CONTACTS,
    SHOPIFY_CUSTOMERS,
    SQUARE_CUSTOMERS,
    ExportFormat,
)
from identity.readers.social import LABELS
from identity_demo.common import stream
from identity_demo.crm import DATALOADER_FILE

TRUTH_FILE = "truth.csv"
NEW_FILE_PREFIX = "new_"
# The Data Loader extract: every field quoted, ISO dates; merge and split edit its rows.
CRM_FILE = DATALOADER_FILE

# The customer export format of each source (Salesforce: the style with more columns).
FORMATS: dict[str, ExportFormat] = {
    "crm": SALESFORCE_WEEKLY_CONTACTS,
    "ecommerce": SHOPIFY_CUSTOMERS,
    "pos": SQUARE_CUSTOMERS,
    "social": META_LEADS,
}


def _phones(export: ExportFormat) -> tuple[str, ...]:
    """The main phone column, the mobile's, then the stand-ins (any a file has are edited)."""
    if export is META_LEADS:
        return LABELS[s.PHONE]  # a form in another language keeps its own label
    main, *others = export.fields[s.PHONE]
    return tuple(dict.fromkeys((main, *export.fields.get(s.MOBILE_PHONE, ()), *others)))


# Vendor headers of each logical field (any that a file has are edited together); a street's
# first line holds the house number.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    source: {
        "id": (export.id_column,),
        "email": export.fields[s.EMAIL],
        "phone": _phones(export),
        "street": export.fields[s.STREET][:1],
    }
    for source, export in FORMATS.items()
}
# What a Salesforce contact says about who someone is: a merge copies all of it.
CRM_IDENTITY = (
    s.FIRST_NAME,
    s.LAST_NAME,
    s.EMAIL,
    s.PHONE,
    s.MOBILE_PHONE,
    s.STREET,
    s.CITY,
    s.STATE,
    s.POSTAL_CODE,
    s.COUNTRY,
    s.DATE_OF_BIRTH,
)
# Someone nobody in the demo pools is called: the split-off record must be clearly another person.
STRANGER_FIRST = ("Ottoline", "Peregrine", "Isidore", "Leocadia", "Barnaby", "Wilhelmina")
STRANGER_LAST = ("Quartermaine", "Fairweather-Oduya", "Vantongeren", "Blackwood-Ilunga")
STRANGER_STREET = "Larkspur Hollow"


@dataclass
class ExportFile:
    """One vendor export held in memory with the way it was written, to write it back alike.

    Attributes:
        path: Where it was read from.
        header: Column names.
        rows: Data rows (lists of text).
        encoding: ``utf-8`` or ``utf-16-le`` (without the byte-order mark).
        bom: The file started with a byte-order mark.
        delimiter: Field separator.
        quote_all: Every field was quoted (Salesforce).
        lineterminator: Record separator.
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str
    bom: bool
    delimiter: str
    quote_all: bool
    lineterminator: str

    @classmethod
    def read(cls, path: Path) -> ExportFile:
        """Read a delimited export, noting its encoding, BOM, delimiter and quoting."""
        data = path.read_bytes()
        if data.startswith(b"\xff\xfe"):
            encoding, bom, text = "utf-16-le", True, data[2:].decode("utf-16-le")
        else:
            encoding, bom = "utf-8", data.startswith(b"\xef\xbb\xbf")
            # surrogateescape keeps a stray cp1252 byte exactly as it was when written back.
            text = data[3 if bom else 0 :].decode("utf-8", errors="surrogateescape")
        first = text.split("\n", 1)[0]
        delimiter = max(("\t", ";", ","), key=first.count)
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        return cls(
            path=path,
            header=table[0],
            rows=[row for row in table[1:] if row],
            encoding=encoding,
            bom=bom,
            delimiter=delimiter,
            quote_all=first.startswith('"'),
            lineterminator="\r\n" if first.endswith("\r") else "\n",
        )

    def write(self, path: Path | None = None) -> None:
        """Write the file back the way it was read (to ``path`` if given)."""
        target = path or self.path
        errors = "surrogateescape" if self.encoding == "utf-8" else "strict"
        with target.open("w", encoding=self.encoding, errors=errors, newline="") as handle:
            if self.bom:
                handle.write("\ufeff")
            writer = csv.writer(
                handle,
                delimiter=self.delimiter,
                quoting=csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL,
                lineterminator=self.lineterminator,
            )
            writer.writerow(self.header)
            writer.writerows(self.rows)

    def columns(self, names: Iterable[str]) -> list[int]:
        """Positions of those of ``names`` this file has."""
        return [self.header.index(name) for name in names if name in self.header]


@dataclass(frozen=True)
class Located:
    """Where a source record sits: its file and row."""

    source: str
    file: ExportFile
    row: int

    def get(self, field_name: str) -> str:
        """The first non-empty value of a logical field, or ''."""
        values = self.file.rows[self.row]
        for index in self.file.columns(FIELDS[self.source][field_name]):
            if index < len(values) and values[index].strip():
                return values[index]
        return ""


@dataclass
class EvolveSummary:
    """What ``evolve`` changed, by record key (``source:record_id``) and true person.

    Attributes:
        new_entities: True people who appear only in the second landing.
        new_records: Their record keys.
        edits: Edited record -> what changed (``phone`` or ``street``); same person.
        merge_kept: A record of the person who absorbs the merged record.
        merge_record: The record now the duplicate of ``merge_kept``'s person.
        split_record: The record that now belongs to somebody else.
        split_entity: Its new true person.
        truth_path: The second landing's ``truth.csv``.
    """

    new_entities: list[str]
    new_records: list[str]
    merge_kept: str
    merge_record: str
    split_record: str
    split_entity: str
    truth_path: Path
    edits: dict[str, str] = field(default_factory=dict)


def _record_id(source: str, raw: str) -> str:
    """The source record id as the readers derive it (export artefacts removed)."""
    export = FORMATS[source]
    return raw.strip().removeprefix(export.prefix(export.id_column))


def _customer_files(folder: Path, source: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        path
        for path in sorted(folder.iterdir())
        if path.is_file()
        and not path.name.startswith(".")
        and not is_transaction_export(source, path.name)
    ]


def _locate(landing: Path) -> tuple[dict[str, Located], list[ExportFile]]:
    """Every customer record of a landing folder by record key, and the files holding them."""
    found: dict[str, Located] = {}
    files: list[ExportFile] = []
    for source in s.SOURCE_SYSTEMS:
        for path in _customer_files(landing / source, source):
            export = ExportFile.read(path)
            files.append(export)
            (id_column,) = export.columns(FIELDS[source]["id"]) or (None,)
            if id_column is None:
                continue
            for number, values in enumerate(export.rows):
                if id_column < len(values):
                    key = s.record_key(source, _record_id(source, values[id_column]))
                    found.setdefault(key, Located(source, export, number))
    return found, files


def _clean_people(truth: pd.DataFrame, crosswalk: pd.DataFrame | None) -> set[str]:
    """People whose records the first run put in one customer of their own."""
    if crosswalk is None:
        return set(truth["entity_id"])
    if s.RECORD_KEY not in crosswalk:
        crosswalk = crosswalk.assign(
            **{s.RECORD_KEY: crosswalk[s.SOURCE_SYSTEM] + ":" + crosswalk[s.SOURCE_RECORD_ID]}
        )
    joined = truth.merge(crosswalk[[s.RECORD_KEY, s.CUSTOMER_ID]], on=s.RECORD_KEY, how="inner")
    per_person = joined.groupby("entity_id")[s.CUSTOMER_ID].nunique()
    per_customer = joined.groupby(s.CUSTOMER_ID)["entity_id"].nunique()
    counted = truth.groupby("entity_id").size()
    linked = joined.groupby("entity_id").size()
    pure = set(per_customer[per_customer == 1].index)
    owner = joined.groupby("entity_id")[s.CUSTOMER_ID].first()
    return {
        entity
        for entity in per_person[per_person == 1].index
        if owner[entity] in pure and linked[entity] == counted[entity]
    }


def _change_digits(value: str, rng: random.Random) -> str:
    """Replace the last two digits of a phone number (keeps its format and country)."""
    positions = [i for i, char in enumerate(value) if char.isdigit()][-2:]
    if len(positions) < 2:
        return value
    old = "".join(value[i] for i in positions)
    new = old
    while new == old:
        new = f"{rng.randrange(100):02d}"
    chars = list(value)
    for position, digit in zip(positions, new, strict=True):
        chars[position] = digit
    return "".join(chars)


def _move_house(value: str, rng: random.Random) -> str:
    """Give a street address another house number: the person moved along the street."""
    match = re.match(r"\s*(\d+)(.*)", value, flags=re.DOTALL)
    rest = match.group(2) if match else " " + value
    old = match.group(1) if match else ""
    new = old
    while new == old:
        new = str(rng.randint(2, 998))
    return new + rest


def _edit(place: Located, kinds: list[str], rng: random.Random) -> str | None:
    """Change the first of ``kinds`` the record has, in place; return which, or None."""
    values = place.file.rows[place.row]
    for kind in kinds:
        columns = [i for i in place.file.columns(FIELDS[place.source][kind]) if values[i].strip()]
        if not columns:
            continue
        if kind == "phone":
            # Several phone columns usually hold one number: change them alike.
            digits = rng.getstate()
            for index in columns:
                rng.setstate(digits)
                values[index] = _change_digits(values[index], rng)
        else:
            for index in columns:
                values[index] = _move_house(values[index], rng)
        return kind
    return None


def _pick_edits(
    truth: pd.DataFrame,
    places: dict[str, Located],
    eligible: set[str],
    share: float,
    rng: random.Random,
) -> dict[str, str]:
    """Edit ``share`` of all records so that each stays recognisably the same person.

    A person with one record may get a new phone number or a new house number. A record of a
    person with several records only moves house, and only when it shares its email with
    another of them: a different phone number is strong evidence of a different person (the
    linkage model rightly says so), so changing it there would make a real split, not an edit.
    """
    wanted = round(share * len(truth))
    emails: dict[str, list[str]] = {}
    for key, entity in zip(truth[s.RECORD_KEY], truth["entity_id"], strict=True):
        email = places[key].get("email").strip().casefold() if key in places else ""
        emails.setdefault(entity, []).append(email)
    safe: dict[str, list[str]] = {}
    for key, entity in zip(truth[s.RECORD_KEY], truth["entity_id"], strict=True):
        if entity not in eligible or key not in places:
            continue
        mine = emails[entity]
        email = places[key].get("email").strip().casefold()
        if len(mine) == 1:
            safe[key] = ["phone", "street"] if rng.random() < 0.5 else ["street", "phone"]
        elif email and mine.count(email) >= 2:
            safe[key] = ["street"]
    edits: dict[str, str] = {}
    for key in rng.sample(sorted(safe), len(safe)):
        if len(edits) == wanted:
            break
        kind = _edit(places[key], safe[key], rng)
        if kind is not None:
            edits[key] = kind
    return edits


def _crm_row(place: Located) -> dict[str, int]:
    """Where each of ``CRM_IDENTITY`` is in a Salesforce contact's file, by schema column."""
    header = place.file.header
    columns = {name: SALESFORCE_CONTACTS.fields[name][0] for name in CRM_IDENTITY}
    return {name: header.index(c) for name, c in columns.items() if c in header}


def _pick_merge(
    truth: pd.DataFrame, places: dict[str, Located], eligible: set[str], rng: random.Random
) -> tuple[str, str]:
    """A single-record person's Data Loader contact, and a Data Loader contact with an email of a
    person with two or more records: the first will be corrected to duplicate the second."""
    sizes = truth.groupby("entity_id").size()
    in_file = truth[
        truth[s.RECORD_KEY].map(lambda k: k in places and places[k].file.path.name == CRM_FILE)
    ]
    in_file = in_file[in_file["entity_id"].isin(eligible)]
    singles = sorted(in_file.loc[in_file["entity_id"].map(sizes) == 1, s.RECORD_KEY])
    keepers = sorted(
        key
        for key in in_file.loc[in_file["entity_id"].map(sizes) >= 2, s.RECORD_KEY]
        if places[key].get("email")
    )
    if not singles or not keepers:
        raise ValueError(f"no merge candidates in {CRM_FILE}: generate more people")
    return rng.choice(keepers), rng.choice(singles)


def _pick_split(
    truth: pd.DataFrame,
    places: dict[str, Located],
    eligible: set[str],
    taken: set[str],
    rng: random.Random,
) -> str:
    """A Data Loader contact of a person with three or more records."""
    sizes = truth.groupby("entity_id").size()
    candidates = sorted(
        key
        for key, entity in zip(truth[s.RECORD_KEY], truth["entity_id"], strict=True)
        if entity in eligible
        and sizes[entity] >= 3
        and key in places
        and places[key].file.path.name == CRM_FILE
        and key not in taken
    )
    if not candidates:
        raise ValueError(f"no split candidate in {CRM_FILE}: generate more people")
    return rng.choice(candidates)


def _make_stranger(place: Located, rng: random.Random, names: set[str]) -> None:
    """Rewrite a Salesforce contact as a different person living in the same town."""
    values = place.file.rows[place.row]
    at = _crm_row(place)
    first, last = next(
        (f, n) for f in STRANGER_FIRST for n in STRANGER_LAST if f"{f} {n}".casefold() not in names
    )
    number = rng.randint(2, 998)
    values[at[s.FIRST_NAME]] = first
    values[at[s.LAST_NAME]] = last
    values[at[s.EMAIL]] = f"{first}.{last}.{number}@mailbox.org".lower()
    values[at[s.STREET]] = f"{number} {STRANGER_STREET}"
    for name in (s.PHONE, s.MOBILE_PHONE, s.DATE_OF_BIRTH):
        if name in at:
            values[at[name]] = ""


def _names(places: dict[str, Located]) -> set[str]:
    """The full names of the Salesforce contacts."""
    (first,), (last,) = (SALESFORCE_CONTACTS.fields[c] for c in (s.FIRST_NAME, s.LAST_NAME))
    out = set()
    for place in places.values():
        at = place.file.header
        values = place.file.rows[place.row]
        if first in at and last in at:
            out.add(f"{values[at.index(first)]} {values[at.index(last)]}".casefold())
    return out


def _add_new_people(
    out: Path, people: int, seed: int, noise: float, used: set[str]
) -> pd.DataFrame:
    """Write ``people`` new people's exports next to the old ones; return their truth rows.

    Their files are generated with a seed of their own; ids are checked against the old ones
    (a clash would make two records one), and their true people get ids of their own.
    """
    from identity_demo import generate  # the package imports this module

    for attempt in range(20):
        with tempfile.TemporaryDirectory() as scratch:
            summary = generate(
                people,
                Path(scratch),
                seed=seed * 1000 + attempt,
                noise=noise,
                with_transactions=False,
            )
            truth = pd.read_csv(summary.truth_path, dtype=str)
            keys = truth[s.SOURCE_SYSTEM] + ":" + truth[s.SOURCE_RECORD_ID]
            if used.isdisjoint(keys):
                for source in s.SOURCE_SYSTEMS:
                    for path in _customer_files(Path(scratch) / source, source):
                        shutil.copyfile(path, out / source / f"{NEW_FILE_PREFIX}{path.name}")
                truth["entity_id"] = "N" + truth["entity_id"].str[1:]
                return truth
    raise ValueError("could not draw new people whose record ids are unused")


def evolve(
    landing: Path,
    out: Path,
    seed: int = 1,
    new_share: float = 0.05,
    edit_share: float = 0.02,
    crosswalk: pd.DataFrame | None = None,
    new_noise: float = 1.0,
) -> EvolveSummary:
    """Write the next day's landing folder from a landing folder written by ``generate``.

    Args:
        landing: The first landing folder (with its ``truth.csv``).
        out: The new landing folder (created; must not exist yet).
        seed: Seed of every choice.
        new_share: New people, as a share of the first landing's people.
        edit_share: Edited records, as a share of the first landing's records.
        crosswalk: Optional first-run ``record_key`` -> ``customer_id``: if given, merge, split
            and edits only touch people that run resolved exactly.
        new_noise: Error level of the new people's records (see ``generate``).

    Returns:
        What changed, by record key and true person.

    Raises:
        FileExistsError: ``out`` exists.
        ValueError: The landing has too few people to pick a merge and a split.
    """
    landing, out = Path(landing), Path(out)
    if out.exists():
        raise FileExistsError(f"{out}: the new landing folder must not exist yet")
    shutil.copytree(landing, out)
    truth = pd.read_csv(out / TRUTH_FILE, dtype=str)
    truth[s.RECORD_KEY] = truth[s.SOURCE_SYSTEM] + ":" + truth[s.SOURCE_RECORD_ID]
    places, files = _locate(out)
    eligible = _clean_people(truth, crosswalk)
    rng = stream(seed, "evolve")

    merge_kept, merge_record = _pick_merge(truth, places, eligible, rng)
    entity_of = dict(zip(truth[s.RECORD_KEY], truth["entity_id"], strict=True))
    busy = {entity_of[merge_kept], entity_of[merge_record]}
    split_record = _pick_split(truth, places, eligible - busy, {merge_kept}, rng)
    busy.add(entity_of[split_record])

    source_row, target_row = places[merge_kept], places[merge_record]
    for index in _crm_row(source_row).values():
        target_row.file.rows[target_row.row][index] = source_row.file.rows[source_row.row][index]
    _make_stranger(places[split_record], rng, _names(places))
    edits = _pick_edits(truth, places, eligible - busy, edit_share, rng)
    for export in files:
        export.write()

    split_entity = "S" + entity_of[split_record][1:]
    truth.loc[truth[s.RECORD_KEY] == merge_record, "entity_id"] = entity_of[merge_kept]
    truth.loc[truth[s.RECORD_KEY] == split_record, "entity_id"] = split_entity
    people = round(new_share * truth["entity_id"].nunique())
    added = _add_new_people(out, people, seed, new_noise, set(truth[s.RECORD_KEY]))
    new_truth = pd.concat([truth[s.TRUTH_COLUMNS], added[s.TRUTH_COLUMNS]], ignore_index=True)
    new_truth.to_csv(out / TRUTH_FILE, index=False, lineterminator="\n")
    added_keys = (added[s.SOURCE_SYSTEM] + ":" + added[s.SOURCE_RECORD_ID]).tolist()
    return EvolveSummary(
        new_entities=sorted(added["entity_id"].unique()),
        new_records=sorted(added_keys),
        merge_kept=merge_kept,
        merge_record=merge_record,
        split_record=split_record,
        split_entity=split_entity,
        truth_path=out / TRUTH_FILE,
        edits=dict(sorted(edits.items())),
    )
