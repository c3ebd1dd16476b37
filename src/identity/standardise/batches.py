"""Every source standardised together, with every row read accounted for.

Standardisation itself works on one frame of raw records (``identity.standardise``); this
module combines the sources' batches, adds the readers' quarantine to standardisation's, drops
the rows of people who asked to be erased (``identity.rights``: after standardisation, so that
emails and phones are compared in their normal form), and counts, per file, rows read = rows
linked + rows quarantined + rows erased: the balance every run keeps. An erased row is counted,
never kept: neither its contact nor its quarantine row (with the row as read) goes further.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from identity import schema as s
from identity.readers import SourceBatch
from identity.rights.keys import KeySet
from identity.rights.match import contact_hits, raw_hits
from identity.standardise import standardise
from identity.standardise.nulled import empty_nulled_cells, nulled_summary

logger = logging.getLogger(__name__)

FILE_COLUMNS = s.FILE_BALANCE_COLUMNS
# What is kept of an erased row until the run publishes: where it was read, and the key of its
# record (a vendor id; None for a quarantined row), never a value.
ERASED_COLUMNS = [s.SOURCE_SYSTEM, s.FILE, s.RECORD_KEY]


class BalanceError(AssertionError):
    """Rows read do not equal rows linked plus rows quarantined plus rows erased for some file."""


@dataclass
class Standardised:
    """All sources standardised together.

    Attributes:
        contacts: Usable contacts (``schema.CONTACT_COLUMNS``).
        quarantine: Every unusable row, from readers and standardisation, without ``run_id``.
        files: Per file: rows read, linked (usable), quarantined and erased.
        nulled_cells: Per source, file, attribute and reason, how many cells standardisation
            turned into nulls (placeholders, damaged text); counts only, no values.
        erased: One row per row dropped because the erasure register names it
            (``ERASED_COLUMNS``): where it was read and its record key, no values.
    """

    contacts: pd.DataFrame
    quarantine: pd.DataFrame
    files: pd.DataFrame
    nulled_cells: pd.DataFrame = field(default_factory=empty_nulled_cells)
    erased: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERASED_COLUMNS))

    def nulled_summary(self) -> dict[str, dict[str, int]]:
        """Nulled cells per attribute and reason, for metadata and the report."""
        return nulled_summary(self.nulled_cells)

    @property
    def balanced(self) -> bool:
        """True when every file's rows are all accounted for."""
        return bool(_balances(self.files).all())

    def unbalanced_files(self) -> list[str]:
        """Files whose counts do not add up, as ``source/file``."""
        bad = self.files[~_balances(self.files)]
        return [f"{r.source_system}/{r.file}" for r in bad.itertuples()]

    def erased_keys(self) -> set[str]:
        """The record keys of the contacts dropped for the erasure register."""
        return set(self.erased[s.RECORD_KEY].dropna().astype(str))


def _balances(files: pd.DataFrame) -> pd.Series:
    """Per file, whether rows read = rows linked + quarantined + erased (erased absent: 0)."""
    erased = files[s.ROWS_ERASED] if s.ROWS_ERASED in files.columns else 0
    accounted = files[s.ROWS_LINKED] + files[s.ROWS_QUARANTINED] + erased
    return files[s.ROWS_READ] == accounted


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(columns=[c for c in s.QUARANTINE_COLUMNS if c != s.RUN_ID])


def standardise_sources(
    batches: list[SourceBatch],
    default_region: str = "US",
    erased: KeySet | None = None,
) -> Standardised:
    """Standardise the records of every source and account for every row read.

    Args:
        batches: One per source system.
        default_region: Phone region when a record's country is unknown.
        erased: The erasure register (``identity.rights.register``): contacts whose record key,
            email or phone it holds, and quarantine rows naming one of those, are dropped and
            counted as erased. None when nobody was erased.

    Returns:
        Contacts, quarantine, per-file counts and the keys of the erased rows.
    """
    raw = [b.records for b in batches if not b.records.empty]
    records = pd.concat(raw, ignore_index=True) if raw else pd.DataFrame(columns=s.RAW_COLUMNS)
    result = standardise(records, default_region=default_region)
    quarantine = pd.concat(
        [_empty_quarantine(), *[b.quarantine for b in batches], result.quarantine],
        ignore_index=True,
    )
    quarantine[s.LINE] = quarantine[s.LINE].astype("int64")
    contacts = result.contacts
    dropped = pd.DataFrame(columns=ERASED_COLUMNS)
    if erased is not None:
        contacts, quarantine, dropped = _drop_erased(contacts, quarantine, erased, default_region)
    files = _file_counts(batches, contacts, quarantine, dropped)
    out = Standardised(
        contacts=contacts,
        quarantine=quarantine,
        files=files,
        nulled_cells=result.nulled_cells,
        erased=dropped,
    )
    if not out.balanced:
        raise BalanceError(
            f"rows read != linked + quarantined + erased for {out.unbalanced_files()}"
        )
    return out


def _drop_erased(
    contacts: pd.DataFrame, quarantine: pd.DataFrame, erased: KeySet, default_region: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Contacts and quarantine without the rows the register names, and those rows' keys."""
    gone = contact_hits(contacts, erased)
    held = raw_hits(quarantine, erased, default_region)
    parts = [
        contacts.loc[gone, [s.SOURCE_SYSTEM, s.SOURCE_FILE, s.RECORD_KEY]].rename(
            columns={s.SOURCE_FILE: s.FILE}
        ),
        quarantine.loc[held, [s.SOURCE_SYSTEM, s.FILE]].assign(**{s.RECORD_KEY: None}),
    ]
    parts = [part.astype(object) for part in parts if len(part)]
    dropped = (
        pd.concat(parts, ignore_index=True)[ERASED_COLUMNS]
        if parts
        else pd.DataFrame(columns=ERASED_COLUMNS, dtype=object)
    )
    if len(dropped):
        # Counts only: which rows were erased is itself something the register keeps hidden.
        logger.info("dropped %d rows named by the erasure register", len(dropped))
    return contacts[~gone], quarantine[~held].reset_index(drop=True), dropped


def _file_counts(
    batches: list[SourceBatch],
    contacts: pd.DataFrame,
    quarantine: pd.DataFrame,
    erased: pd.DataFrame,
) -> pd.DataFrame:
    keys = [s.SOURCE_SYSTEM, s.FILE]
    # Readers' files; a read that dropped erased records counts them (``rights.match``).
    read = pd.concat(
        [
            b.files.assign(**{s.SOURCE_SYSTEM: b.source_system}).reindex(
                columns=[s.SOURCE_SYSTEM, s.FILE, s.ROWS_READ, s.ROWS_ERASED], fill_value=0
            )
            for b in batches
            if not b.files.empty
        ]
        or [pd.DataFrame(columns=[s.SOURCE_SYSTEM, s.FILE, s.ROWS_READ, s.ROWS_ERASED])],
        ignore_index=True,
    )
    linked = contacts.groupby([s.SOURCE_SYSTEM, s.SOURCE_FILE]).size().rename(s.ROWS_LINKED)
    linked.index = linked.index.set_names(keys)
    held = quarantine.groupby(keys).size().rename(s.ROWS_QUARANTINED)
    gone = erased.groupby(keys).size().rename("erased_now")
    files = read.join(linked, on=keys).join(held, on=keys).join(gone, on=keys)
    counts = [s.ROWS_LINKED, s.ROWS_QUARANTINED, s.ROWS_ERASED, "erased_now"]
    files[counts] = files[counts].fillna(0).astype("int64")
    files[s.ROWS_ERASED] += files.pop("erased_now")
    files[s.ROWS_READ] = files[s.ROWS_READ].astype("int64")
    return files[FILE_COLUMNS].sort_values(keys).reset_index(drop=True)


def source_summary(files: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per source: its files and total rows read, linked, quarantined and erased (for the report).

    Files counted before erasure existed (no ``rows_erased`` column) count none erased.
    """
    if s.ROWS_ERASED not in files.columns:
        files = files.assign(**{s.ROWS_ERASED: 0})
    out: dict[str, dict[str, Any]] = {}
    for system in s.SOURCE_SYSTEMS:
        part = files[files[s.SOURCE_SYSTEM] == system]
        out[system] = {
            "files": part.drop(columns=[s.SOURCE_SYSTEM]).to_dict("records"),
            **{
                column: int(part[column].sum())
                for column in (s.ROWS_READ, s.ROWS_LINKED, s.ROWS_QUARANTINED, s.ROWS_ERASED)
            },
        }
    return out


def reason_category(reason: str) -> str:
    """Group quarantine reasons: drop line numbers, counts and parenthesised details.

    Args:
        reason: e.g. ``"line 57: 14 fields, header has 16"``.

    Returns:
        e.g. ``"N fields, header has N"``.
    """
    text = re.sub(r"^line \d+:\s*", "", str(reason))
    text = re.sub(r"\s*\(.*\)\s*$", "", text)
    return re.sub(r"\d+", "N", text).strip()


def quarantine_by_reason(quarantine: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Quarantined rows per source and reason category."""
    out: dict[str, dict[str, int]] = {}
    if quarantine.empty:
        return out
    categories = quarantine["reason"].map(reason_category)
    counts = quarantine.assign(category=categories).groupby([s.SOURCE_SYSTEM, "category"]).size()
    for (system, category), count in counts.items():
        out.setdefault(str(system), {})[str(category)] = int(count)
    return out
