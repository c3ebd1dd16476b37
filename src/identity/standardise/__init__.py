"""Standardisation: raw exported text in, typed and validated contacts plus quarantine out.

Every input record ends up exactly once in either ``contacts`` or ``quarantine``.

Example:
    >>> batch = standardise(records, default_region="US")  # records: schema.RAW_COLUMNS
    >>> batch.contacts.columns.tolist() == schema.CONTACT_COLUMNS
    True
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import pyarrow as pa

from identity import schema as s
from identity.standardise.columns import build_contacts
from identity.standardise.contact_points import (
    ParsedPhone,
    email_match_parts,
    normalise_email,
    normalise_phone,
    parse_phone_key,
    phone_key,
)
from identity.standardise.dates import (
    DayFirstHints,
    day_first_hints,
    parse_date_of_birth,
    parse_timestamp,
    parse_timestamps,
)
from identity.standardise.names import clean_name, fix_case, fold_name, split_full_name
from identity.standardise.nulled import empty_nulled_cells, nulled_cells, nulled_summary
from identity.standardise.placeholders import is_placeholder, placeholder_reason
from identity.standardise.places import (
    country_code,
    fold_city,
    fold_street,
    normalise_city,
    normalise_street,
)
from identity.standardise.postcodes import (
    compact_postcode,
    normalise_postcode,
    region_from_postcode,
)
from identity.standardise.quarantine import quarantine_reasons, quarantine_rows
from identity.standardise.recency import FileTimes
from identity.standardise.subdivisions import is_us_state, subdivision_code
from identity.standardise.values import parse_bool, parse_consent, parse_count

__all__ = [
    "DayFirstHints",
    "FileTimes",
    "ParsedPhone",
    "StandardisationBalanceError",
    "StandardisedBatch",
    "clean_name",
    "compact_postcode",
    "contacts_arrow_schema",
    "country_code",
    "day_first_hints",
    "email_match_parts",
    "fix_case",
    "fold_city",
    "fold_name",
    "fold_street",
    "is_placeholder",
    "is_us_state",
    "normalise_city",
    "normalise_email",
    "normalise_phone",
    "normalise_postcode",
    "normalise_street",
    "parse_bool",
    "parse_consent",
    "parse_count",
    "parse_date_of_birth",
    "parse_phone_key",
    "parse_timestamp",
    "parse_timestamps",
    "phone_key",
    "placeholder_reason",
    "region_from_postcode",
    "split_full_name",
    "standardise",
    "subdivision_code",
]

logger = logging.getLogger(__name__)


class StandardisationBalanceError(AssertionError):
    """Records in != contacts + quarantine: a record was lost or counted twice."""


@dataclass(frozen=True)
class StandardisedBatch:
    """The result of standardising one set of raw records.

    Attributes:
        contacts: Usable records, columns exactly ``schema.CONTACT_COLUMNS`` with pandas
            nullable dtypes matching ``schema.CONTACT_SCHEMA``, sorted by ``record_key``
            (unique).
        quarantine: Unusable records: ``source_system``, ``file``, ``line`` (int64), ``raw``,
            ``reason`` (no ``run_id``), sorted by source system, file and line.
        nulled_cells: Cells of the contacts whose value standardisation dropped instead of
            stopping the run (placeholders such as ``????`` or ``0``, invalid values):
            ``schema.NULLED_CELL_COLUMNS``, that is ``source_system``, ``source_file``,
            ``attribute`` (the raw column), ``reason``, ``cells``; counts only, never a value.
    """

    contacts: pd.DataFrame
    quarantine: pd.DataFrame
    nulled_cells: pd.DataFrame = field(default_factory=empty_nulled_cells)

    def nulled_summary(self) -> dict[str, dict[str, int]]:
        """Cells nulled per attribute and reason: ``{"street": {"invalid": 2, ...}, ...}``."""
        return nulled_summary(self.nulled_cells)


def contacts_arrow_schema() -> pa.Schema:
    """The Arrow schema of ``StandardisedBatch.contacts`` (``schema.CONTACT_SCHEMA``)."""
    return s.CONTACT_SCHEMA


def _check_columns(records: pd.DataFrame) -> None:
    missing = [c for c in s.RAW_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(
            f"standardise needs the reader columns schema.RAW_COLUMNS; missing: "
            f"{', '.join(missing)}"
        )


def _check_balance(records: pd.DataFrame, contacts: pd.DataFrame, quarantine: pd.DataFrame) -> None:
    """Raise unless every record is in exactly one of contacts and quarantine."""
    if (
        len(contacts) + len(quarantine) != len(records)
        or contacts.index.isin(quarantine.index).any()
    ):
        raise StandardisationBalanceError(
            f"{len(records)} records in, {len(contacts)} contacts + {len(quarantine)} "
            "quarantined out"
        )
    if contacts[s.RECORD_KEY].duplicated().any():
        raise StandardisationBalanceError("record_key is not unique among contacts")


def standardise(
    records: pd.DataFrame,
    default_region: str = "US",
    *,
    reference_date: date | None = None,
    file_times: FileTimes | None = None,
) -> StandardisedBatch:
    """Standardise raw records into contacts and quarantine the unusable ones.

    Args:
        records: Reader output, columns ``schema.RAW_COLUMNS`` (extra columns are ignored),
            every value text or None.
        default_region: ISO alpha-2 region for phone numbers of records whose country is
            neither given nor told by the postcode.
        reference_date: Unused, kept so existing callers still work: dates of birth are no
            longer bounded here (implausible ones are kept; the contacts suite warns about
            them, with its own "today").
        file_times: Modification time of each file, keyed by ``(source_system, file name)``
            (POSIX seconds or datetimes). When two copies of a record disagree and neither
            export says which was updated last, the copy from the newest file wins: the date
            in a file's name tells first, this time otherwise.

    Returns:
        Contacts sorted by ``record_key`` and the quarantine, which together hold every input
        record exactly once (an exact duplicate is quarantined with a reason saying so, which
        keeps rows read = contacts + quarantined), and the count of nulled cells.

    Raises:
        ValueError: When a column of ``schema.RAW_COLUMNS`` is missing.
        StandardisationBalanceError: When records in != contacts + quarantine (a bug).
    """
    _check_columns(records)
    records = records[s.RAW_COLUMNS].reset_index(drop=True)
    everything = build_contacts(records, default_region)
    reasons = quarantine_reasons(records, everything, file_times)
    held = reasons.notna()
    nulled = nulled_cells(records, everything[~held])
    contacts = everything[~held].sort_values(s.RECORD_KEY, kind="stable")
    quarantine = quarantine_rows(records, everything, reasons).sort_values(
        [s.SOURCE_SYSTEM, s.FILE, s.LINE], kind="stable"
    )
    # Both keep the input's row labels until here, so overlap or loss would show.
    _check_balance(records, contacts, quarantine)
    logger.info(
        "standardised %d records: %d contacts, %d quarantined %s, %d cells nulled %s",
        len(records),
        len(contacts),
        len(quarantine),
        quarantine[s.REASON].str.split(" \\(", regex=True).str[0].value_counts().to_dict(),
        int(nulled[s.CELLS].sum()),
        nulled_summary(nulled),
    )
    return StandardisedBatch(
        contacts=contacts.reset_index(drop=True),
        quarantine=quarantine.reset_index(drop=True),
        nulled_cells=nulled,
    )
