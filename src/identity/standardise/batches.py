"""Every source standardised together, with every row read accounted for.

Standardisation itself works on one frame of raw records (``identity.standardise``); this
module combines the sources' batches, adds the readers' quarantine to standardisation's, and
counts, per file, rows read = rows linked + rows quarantined: the balance every run keeps.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from identity import schema as s
from identity.readers import SourceBatch
from identity.standardise import standardise
from identity.standardise.nulled import empty_nulled_cells, nulled_summary

logger = logging.getLogger(__name__)

FILE_COLUMNS = [s.SOURCE_SYSTEM, "file", "rows_read", "rows_linked", "rows_quarantined"]


class BalanceError(AssertionError):
    """Rows read do not equal rows linked plus rows quarantined for some file."""


@dataclass
class Standardised:
    """All sources standardised together.

    Attributes:
        contacts: Usable contacts (``schema.CONTACT_COLUMNS``).
        quarantine: Every unusable row, from readers and standardisation, without ``run_id``.
        files: Per file: rows read, linked (usable) and quarantined.
        nulled_cells: Per source, file, attribute and reason, how many cells standardisation
            turned into nulls (placeholders, damaged text); counts only, no values.
    """

    contacts: pd.DataFrame
    quarantine: pd.DataFrame
    files: pd.DataFrame
    nulled_cells: pd.DataFrame = field(default_factory=empty_nulled_cells)

    def nulled_summary(self) -> dict[str, dict[str, int]]:
        """Nulled cells per attribute and reason, for metadata and the report."""
        return nulled_summary(self.nulled_cells)

    @property
    def balanced(self) -> bool:
        """True when every file's rows are all accounted for."""
        f = self.files
        return bool((f["rows_read"] == f["rows_linked"] + f["rows_quarantined"]).all())

    def unbalanced_files(self) -> list[str]:
        """Files whose counts do not add up, as ``source/file``."""
        f = self.files
        bad = f[f["rows_read"] != f["rows_linked"] + f["rows_quarantined"]]
        return [f"{r.source_system}/{r.file}" for r in bad.itertuples()]


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(columns=[c for c in s.QUARANTINE_COLUMNS if c != s.RUN_ID])


def standardise_sources(batches: list[SourceBatch], default_region: str = "US") -> Standardised:
    """Standardise the records of every source and account for every row read.

    Args:
        batches: One per source system.
        default_region: Phone region when a record's country is unknown.

    Returns:
        Contacts, quarantine and per-file counts.
    """
    raw = [b.records for b in batches if not b.records.empty]
    records = pd.concat(raw, ignore_index=True) if raw else pd.DataFrame(columns=s.RAW_COLUMNS)
    result = standardise(records, default_region=default_region)
    quarantine = pd.concat(
        [_empty_quarantine(), *[b.quarantine for b in batches], result.quarantine],
        ignore_index=True,
    )
    quarantine["line"] = quarantine["line"].astype("int64")
    files = _file_counts(batches, result.contacts, quarantine)
    out = Standardised(
        contacts=result.contacts,
        quarantine=quarantine,
        files=files,
        nulled_cells=result.nulled_cells,
    )
    if not out.balanced:
        raise BalanceError(f"rows read != linked + quarantined for {out.unbalanced_files()}")
    return out


def _file_counts(
    batches: list[SourceBatch], contacts: pd.DataFrame, quarantine: pd.DataFrame
) -> pd.DataFrame:
    read = pd.concat(
        [b.files.assign(source_system=b.source_system) for b in batches if not b.files.empty]
        or [pd.DataFrame(columns=[s.SOURCE_SYSTEM, "file", "rows_read"])],
        ignore_index=True,
    )[[s.SOURCE_SYSTEM, "file", "rows_read"]]
    linked = contacts.groupby([s.SOURCE_SYSTEM, s.SOURCE_FILE]).size().rename("rows_linked")
    linked.index = linked.index.set_names([s.SOURCE_SYSTEM, "file"])
    held = quarantine.groupby([s.SOURCE_SYSTEM, "file"]).size().rename("rows_quarantined")
    files = read.join(linked, on=[s.SOURCE_SYSTEM, "file"]).join(held, on=[s.SOURCE_SYSTEM, "file"])
    files[["rows_linked", "rows_quarantined"]] = (
        files[["rows_linked", "rows_quarantined"]].fillna(0).astype("int64")
    )
    files["rows_read"] = files["rows_read"].astype("int64")
    return files[FILE_COLUMNS].sort_values([s.SOURCE_SYSTEM, "file"]).reset_index(drop=True)


def source_summary(files: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per source: its files and total rows read, linked and quarantined (for the report)."""
    out: dict[str, dict[str, Any]] = {}
    for system in s.SOURCE_SYSTEMS:
        part = files[files[s.SOURCE_SYSTEM] == system]
        out[system] = {
            "files": part.drop(columns=[s.SOURCE_SYSTEM]).to_dict("records"),
            "rows_read": int(part["rows_read"].sum()),
            "rows_linked": int(part["rows_linked"].sum()),
            "rows_quarantined": int(part["rows_quarantined"].sum()),
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
