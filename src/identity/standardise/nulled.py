"""Counting the cells standardisation turned into nulls, per source file, attribute and reason.

A placeholder or an invalid value is dropped from its record rather than stopping the run, so
the run must say how many it dropped and why: one ``????`` street is noise, a file of them is an
export re-saved in a legacy encoding. Only counts and reason labels leave this module, never a
value, so the counts are safe for logs, reports and Dagster metadata.
"""

from __future__ import annotations

import pandas as pd

from identity import schema as s
from identity.standardise.frames import map_distinct
from identity.standardise.placeholders import BLANK, placeholder_reason
from identity.standardise.places import country_code

# A value that is no placeholder but that validation rejected (an email email-validator
# refuses, a phone phonenumbers calls invalid, a postcode that fits no code of its country, a
# date that is no calendar date, a country nobody calls so).
INVALID = "invalid"

# Raw column -> the standardised column that holds what it became. A raw cell counts as
# nulled when it held text and its record ends with no value there (a placeholder mobile next
# to a valid landline is not counted: the record still has a phone).
_TARGETS: dict[str, str] = {
    s.FIRST_NAME: s.FIRST_NAME,
    s.LAST_NAME: s.LAST_NAME,
    s.FULL_NAME: s.FIRST_NAME,
    s.EMAIL: s.EMAIL,
    s.MOBILE_PHONE: s.PHONE,
    s.PHONE: s.PHONE,
    s.STREET: s.STREET,
    s.CITY: s.CITY,
    s.POSTAL_CODE: s.POSTAL_CODE,
    s.COUNTRY: s.COUNTRY,
    s.DATE_OF_BIRTH: s.DATE_OF_BIRTH,
}


def empty_nulled_cells() -> pd.DataFrame:
    """A frame of ``schema.NULLED_CELL_COLUMNS`` with no rows."""
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in s.NULLED_CELL_COLUMNS})
    return frame.astype({s.CELLS: "int64"})


def _dropped(records: pd.DataFrame, contacts: pd.DataFrame, column: str) -> pd.Series:
    target = contacts[_TARGETS[column]].isna()
    if column == s.FULL_NAME:
        # A full name is only read when neither name column gave one.
        return target & contacts[s.LAST_NAME].isna()
    if column == s.COUNTRY:
        # The country may come from the phone or postcode: judge the cell itself.
        return map_distinct(records[column], country_code).isna()
    return target


def nulled_cells(records: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """Count the raw cells of usable records whose value standardisation dropped.

    Args:
        records: Raw records (``schema.RAW_COLUMNS``).
        contacts: Standardised contacts aligned on (a subset of the rows of) ``records``: the
            records kept as contacts; quarantined records carry their own reason.

    Returns:
        ``schema.NULLED_CELL_COLUMNS``: one row per source system, file, raw attribute (a
        ``schema.RAW_COLUMNS`` name) and reason (a ``placeholders`` label or ``INVALID``),
        with the number of cells; sorted, and without values.
    """
    records = records.loc[contacts.index]
    parts = []
    for column in _TARGETS:
        raw = records[column].astype(object)
        candidates = raw.notna() & _dropped(records, contacts, column)
        if not candidates.any():
            continue
        reasons = map_distinct(raw[candidates], placeholder_reason)
        reasons = reasons.where(reasons.notna(), INVALID)
        held = reasons != BLANK  # an empty cell was no value to drop
        if held.any():
            part = records.loc[reasons.index[held], [s.SOURCE_SYSTEM, s.SOURCE_FILE]]
            parts.append(part.assign(**{s.ATTRIBUTE: column, s.REASON: reasons[held]}))
    if not parts:
        return empty_nulled_cells()
    every = pd.concat(parts).astype(object).fillna({s.SOURCE_FILE: ""})
    by = [c for c in s.NULLED_CELL_COLUMNS if c != s.CELLS]
    counts = every.groupby(by, sort=True).size().rename(s.CELLS).reset_index()
    return counts.astype({s.CELLS: "int64"})[s.NULLED_CELL_COLUMNS]


def nulled_summary(nulled: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Cells nulled per attribute and reason, all files together (for metadata and reports).

    Args:
        nulled: ``nulled_cells`` output.

    Returns:
        ``{"street": {"question marks (...)": 57, "invalid": 2}, ...}``.
    """
    totals = nulled.groupby([s.ATTRIBUTE, s.REASON], sort=True)[s.CELLS].sum()
    out: dict[str, dict[str, int]] = {}
    for (attribute, reason), cells in totals.items():
        out.setdefault(str(attribute), {})[str(reason)] = int(cells)
    return out
