"""Which records cannot be used, and why: one reason per record, checked in a fixed order."""

from __future__ import annotations

import pandas as pd

from identity import schema as s
from identity.standardise.frames import map_distinct
from identity.standardise.recency import FileTimes, file_recency
from identity.standardise.values import parse_bool

TEST_LEAD = "test lead"
DELETED = "deleted in source"
NO_RECORD_ID = "no source_record_id"
MALFORMED_ID = "source_record_id holds white space"
NO_IDENTIFIER = "no usable identifier"
# "first at" names the copy kept (the most recent one, see _duplicates).
DUPLICATE = "duplicate source_record_id (first at {file}:{line})"
# Not an error: the same record with the same values, exported twice (one file delivered
# again, a row repeated); the kept copy holds everything it holds.
EXACT_DUPLICATE = "exact duplicate source_record_id (first at {file}:{line})"

# Meta marks leads made with the form testing tool "<test lead: dummy data for ...>".
TEST_LEAD_MARK = "<test lead"

# What two copies of a record must share to be the same: every standardised value.
_CONTENT = [c for c in s.CONTACT_COLUMNS if c not in (s.RECORD_KEY, s.SOURCE_FILE, s.SOURCE_LINE)]


def _test_leads(records: pd.DataFrame) -> pd.Series:
    # The raw row holds every value as read; look at the columns only where it is missing.
    raw = records[s.RAW].astype(object)
    flagged = raw.str.contains(TEST_LEAD_MARK, case=False, regex=False, na=False)
    no_raw = raw.isna()
    if no_raw.any():
        for column in [s.SOURCE_RECORD_ID, *s.ATTRIBUTE_COLUMNS]:
            text = records.loc[no_raw, column].dropna().astype(str)
            hit = text.str.contains(TEST_LEAD_MARK, case=False, regex=False)
            flagged.loc[hit[hit].index] = True
    return flagged.astype(bool)


def _duplicates(
    contacts: pd.DataFrame, candidates: pd.Series, file_times: FileTimes | None = None
) -> pd.Series:
    """Reason for each repeated record id among ``candidates``; the kept copy gets None.

    The copy kept is the most recently updated by the export's own updated-at (a missing one
    counts as oldest), then the one from the newest file (``recency.file_recency``: the date
    in its name, else its modification time), then the first by ``(source_file,
    source_line)``. A dropped copy whose standardised values all equal the kept one's is an
    exact duplicate: nothing is lost, and its reason says so. Either reason names the kept copy.
    """
    ids = contacts.loc[candidates, [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID]]
    repeated = ids.index[ids.duplicated(keep=False).to_numpy()]
    reasons = pd.Series(None, index=contacts.index, dtype=object)
    if repeated.empty:
        return reasons
    rows = contacts.loc[repeated, [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.UPDATED_AT]].copy()
    rows[s.FILE] = contacts.loc[repeated, s.SOURCE_FILE].astype(object).fillna("")
    rows[s.LINE] = contacts.loc[repeated, s.SOURCE_LINE]
    rows["recency"] = file_recency(rows[s.SOURCE_SYSTEM], rows[s.FILE], file_times)
    rows["content"] = pd.util.hash_pandas_object(contacts.loc[repeated, _CONTENT], index=False)
    rows["order"] = range(len(rows))  # the input order settles what nothing else does
    rows = rows.sort_values(
        [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.UPDATED_AT, "recency", s.FILE, s.LINE, "order"],
        ascending=[True, True, False, False, True, True, True],
        na_position="last",
        kind="stable",
    )
    group = rows.groupby([s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID], sort=False)
    kept = group[[s.FILE, s.LINE, "content"]].transform("first")
    first_of_group = ~rows.duplicated([s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID], keep="first")
    dropped = rows.index[~first_of_group.to_numpy()]
    exact = rows.loc[dropped, "content"].to_numpy() == kept.loc[dropped, "content"].to_numpy()
    reasons.loc[dropped] = [
        (EXACT_DUPLICATE if same else DUPLICATE).format(file=f, line=int(n))
        for f, n, same in zip(
            kept.loc[dropped, s.FILE], kept.loc[dropped, s.LINE], exact, strict=True
        )
    ]
    return reasons


def _malformed_ids(records: pd.DataFrame) -> pd.Series:
    # An id with a space inside cannot be told apart from two ids in the crosswalk's key.
    text = records[s.SOURCE_RECORD_ID].astype(object).fillna("").astype(str).str.strip()
    return text.str.contains(r"\s", regex=True)


def _no_identifier(contacts: pd.DataFrame) -> pd.Series:
    # A first and a last name together name a person well enough to be a customer (a CRM of
    # names alone is still deduplicated; linkage decides how far the names alone can go). One
    # name alone needs a place or a birth date beside it.
    full_name = contacts[s.FIRST_NAME].notna() & contacts[s.LAST_NAME].notna()
    has_name = contacts[s.FIRST_NAME].notna() | contacts[s.LAST_NAME].notna()
    has_place_or_birth = (
        contacts[s.DATE_OF_BIRTH].notna()
        | contacts[s.POSTAL_CODE].notna()
        | contacts[s.STREET].notna()
    )
    usable = (
        contacts[s.EMAIL].notna()
        | contacts[s.PHONE].notna()
        | full_name
        | (has_name & has_place_or_birth)
    )
    return ~usable.astype(bool)


def quarantine_reasons(
    records: pd.DataFrame, contacts: pd.DataFrame, file_times: FileTimes | None = None
) -> pd.Series:
    """Give the reason each unusable record is quarantined for; None for usable records.

    Checked in this order, the first that applies wins: a Meta test lead; a record deleted in
    the source; a missing record id; an id with white space inside; a repeated
    ``source_record_id`` within one source system, an exact copy or a conflicting one (see
    ``_duplicates`` for which copy is kept); no usable identifier (no email, no phone, no
    first and last name together, and not one name with a date of birth, postcode or street).

    Args:
        records: Raw records (``schema.RAW_COLUMNS``).
        contacts: ``build_contacts(records, ...)``, aligned on ``records``.
        file_times: Modification times of the files, keyed by ``(source_system, file)``, for
            telling the newest copy of a record from files without a date in their name.

    Returns:
        Object series of reasons aligned on ``records``.
    """
    reasons = pd.Series(None, index=records.index, dtype=object)
    reasons[_test_leads(records)] = TEST_LEAD
    deleted = map_distinct(records[s.IS_DELETED], parse_bool).eq(True)
    reasons[reasons.isna() & deleted] = DELETED
    record_id = records[s.SOURCE_RECORD_ID].astype(object)
    missing_id = record_id.isna() | (record_id.fillna("").astype(str).str.strip() == "")
    reasons[reasons.isna() & missing_id] = NO_RECORD_ID
    reasons[reasons.isna() & _malformed_ids(records)] = MALFORMED_ID
    duplicate = _duplicates(contacts, reasons.isna(), file_times)
    reasons = reasons.where(reasons.notna(), duplicate)
    reasons[reasons.isna() & _no_identifier(contacts)] = NO_IDENTIFIER
    return reasons


def quarantine_rows(
    records: pd.DataFrame, contacts: pd.DataFrame, reasons: pd.Series
) -> pd.DataFrame:
    """Build the quarantine table rows for the records that have a reason.

    Returns:
        ``source_system``, ``file``, ``line`` (int64), ``raw`` (as given), ``reason``.
    """
    held = reasons.notna()
    return pd.DataFrame(
        {
            s.SOURCE_SYSTEM: records.loc[held, s.SOURCE_SYSTEM].astype(object),
            s.FILE: records.loc[held, s.SOURCE_FILE].astype(object),
            s.LINE: contacts.loc[held, s.SOURCE_LINE].astype("int64"),
            s.RAW: records.loc[held, s.RAW].astype(object),
            s.REASON: reasons[held].astype(object),
        }
    )[s.STAGE_QUARANTINE_COLUMNS]
