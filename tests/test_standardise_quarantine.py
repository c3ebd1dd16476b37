"""Quarantine: each reason on failing rows, and every record accounted for exactly once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import schema as s
from identity.standardise import (
    StandardisationBalanceError,
    StandardisedBatch,
    _check_balance,
    standardise,
)
from support.landing import reasons_by_line

TODAY = date(2026, 1, 15)


def _record(
    system: str, record_id: str | None, line: int, file: str = "f.csv", **values: Any
) -> dict:
    row: dict[str, Any] = dict.fromkeys(s.RAW_COLUMNS)
    row.update(
        {
            s.SOURCE_SYSTEM: system,
            s.SOURCE_RECORD_ID: record_id,
            s.SOURCE_FILE: file,
            s.SOURCE_LINE: str(line),
            s.RAW: f"{system},{record_id},{line}",
        }
    )
    row.update(values)
    return row


def _run(*rows: dict) -> StandardisedBatch:
    return standardise(pd.DataFrame(list(rows), columns=s.RAW_COLUMNS), reference_date=TODAY)


def _assert_balanced(records: list[dict], batch: StandardisedBatch) -> None:
    read = [(r[s.SOURCE_SYSTEM], r[s.SOURCE_FILE], int(r[s.SOURCE_LINE])) for r in records]
    c, q = batch.contacts, batch.quarantine
    out = list(zip(c[s.SOURCE_SYSTEM], c[s.SOURCE_FILE], c[s.SOURCE_LINE], strict=True))
    out += list(zip(q[s.SOURCE_SYSTEM], q["file"], q["line"], strict=True))
    assert len(c) + len(q) == len(records)
    assert sorted(out) == sorted(read)


GOOD = {s.EMAIL: "ann@mail.com"}


def test_test_lead_in_the_raw_row() -> None:
    rows = [
        _record("social", "L1", 2, raw="l:1,<test lead: dummy data for email>", **GOOD),
        _record("social", "L2", 3, **GOOD),
    ]
    batch = _run(*rows)
    assert reasons_by_line(batch) == {("f.csv", 2): "test lead"}
    assert batch.quarantine[s.RAW].tolist() == ["l:1,<test lead: dummy data for email>"]
    _assert_balanced(rows, batch)


def test_test_lead_in_a_value_when_there_is_no_raw_row() -> None:
    rows = [_record("social", "L1", 2, raw=None, first_name="<Test lead: dummy data for name>")]
    assert reasons_by_line(_run(*rows)) == {("f.csv", 2): "test lead"}


@pytest.mark.parametrize("flag", ["true", "1", "TRUE"])
def test_deleted_in_source(flag: str) -> None:
    rows = [_record("crm", "A", 2, is_deleted=flag, **GOOD), _record("crm", "B", 3, **GOOD)]
    batch = _run(*rows)
    assert reasons_by_line(batch) == {("f.csv", 2): "deleted in source"}
    assert batch.contacts[s.RECORD_KEY].tolist() == ["crm:B"]


@pytest.mark.parametrize("flag", ["false", "0", None])
def test_not_deleted(flag: str | None) -> None:
    assert _run(_record("crm", "A", 2, is_deleted=flag, **GOOD)).quarantine.empty


def test_missing_record_id() -> None:
    rows = [_record("crm", None, 2, **GOOD), _record("crm", "  ", 3, **GOOD)]
    batch = _run(*rows)
    assert reasons_by_line(batch) == {
        ("f.csv", 2): "no source_record_id",
        ("f.csv", 3): "no source_record_id",
    }


def test_duplicate_keeps_the_most_recently_updated() -> None:
    rows = [
        _record("crm", "X", 2, updated_at="2024-01-01T00:00:00.000Z", **GOOD),
        _record("crm", "X", 5, updated_at="2025-06-01T00:00:00.000Z", first_name="New", **GOOD),
        _record("crm", "X", 9, updated_at=None, **GOOD),
    ]
    batch = _run(*rows)
    assert reasons_by_line(batch) == {
        ("f.csv", 2): "duplicate source_record_id (first at f.csv:5)",
        ("f.csv", 9): "duplicate source_record_id (first at f.csv:5)",
    }
    assert batch.contacts[s.FIRST_NAME].tolist() == ["New"]
    _assert_balanced(rows, batch)


def test_duplicate_tie_keeps_the_first_by_file_and_line() -> None:
    # Conflicting copies (issue 13: identical ones are exact duplicates, tested below), in
    # files that tell nothing of their age.
    rows = [
        _record("crm", "X", 7, file="b.csv", first_name="Bo", **GOOD),
        _record("crm", "X", 3, file="a.csv", first_name="Al", **GOOD),
        _record("crm", "X", 2, file="b.csv", first_name="Cy", **GOOD),
    ]
    batch = _run(*rows)
    assert reasons_by_line(batch) == {
        ("b.csv", 2): "duplicate source_record_id (first at a.csv:3)",
        ("b.csv", 7): "duplicate source_record_id (first at a.csv:3)",
    }
    assert batch.contacts[s.SOURCE_FILE].tolist() == ["a.csv"]


def test_identical_copies_are_exact_duplicates_of_the_kept_one() -> None:
    rows = [
        _record("crm", "X", 7, file="b.csv", **GOOD),
        _record("crm", "X", 3, file="a.csv", **GOOD),
        _record("crm", "X", 2, file="b.csv", **GOOD),
    ]
    batch = _run(*rows)
    assert reasons_by_line(batch) == {
        ("b.csv", 2): "exact duplicate source_record_id (first at a.csv:3)",
        ("b.csv", 7): "exact duplicate source_record_id (first at a.csv:3)",
    }
    assert batch.contacts[s.SOURCE_FILE].tolist() == ["a.csv"]
    _assert_balanced(rows, batch)


def test_same_id_in_two_systems_is_no_duplicate() -> None:
    rows = [_record("crm", "X", 2, **GOOD), _record("pos", "X", 2, **GOOD)]
    batch = _run(*rows)
    assert batch.quarantine.empty
    assert batch.contacts[s.RECORD_KEY].tolist() == ["crm:X", "pos:X"]


def test_a_test_lead_copy_does_not_count_as_the_kept_duplicate() -> None:
    rows = [
        _record("social", "X", 2, raw="<test lead: dummy>", updated_at="2026-01-01", **GOOD),
        _record("social", "X", 3, **GOOD),
    ]
    assert reasons_by_line(_run(*rows)) == {("f.csv", 2): "test lead"}


@pytest.mark.parametrize(
    "values",
    [
        {},
        {s.FIRST_NAME: "Ann"},
        {s.FIRST_NAME: "Ann", s.CITY: "Paris"},  # one name and a city identify no one
        {s.LAST_NAME: "Lee", s.CITY: "Paris"},
        {s.DATE_OF_BIRTH: "1980-01-01", s.POSTAL_CODE: "75011"},  # no name
        {s.FIRST_NAME: "Ann", s.DATE_OF_BIRTH: "1980-02-30"},  # no such date
        {s.EMAIL: "not-an-email", s.PHONE: "12"},
        {s.EMAIL: "test@test.com", s.PHONE: "0000000000", s.FIRST_NAME: "N/A", s.STREET: "-"},
    ],
)
def test_no_usable_identifier(values: dict) -> None:
    batch = _run(_record("crm", "A", 2, **values))
    assert reasons_by_line(batch) == {("f.csv", 2): "no usable identifier"}
    assert batch.contacts.empty


@pytest.mark.parametrize(
    "values",
    [
        {s.EMAIL: "ann@mail.com"},
        {s.PHONE: "+33612345678"},
        {s.MOBILE_PHONE: "(312) 555-0199"},
        {s.FIRST_NAME: "Ann", s.DATE_OF_BIRTH: "1980-01-01"},
        # Implausible but real dates are kept (the contacts suite warns about them).
        {s.FIRST_NAME: "Ann", s.DATE_OF_BIRTH: "2099-01-01"},
        {s.LAST_NAME: "Lee", s.DATE_OF_BIRTH: "1850-03-04"},
        {s.LAST_NAME: "Lee", s.POSTAL_CODE: "75011"},
        {s.FULL_NAME: "Ann Lee", s.STREET: "1 Main St"},
        # A first and a last name name a person: a CRM of names alone is still deduplicated.
        {s.FIRST_NAME: "Ann", s.LAST_NAME: "Lee", s.CITY: "Paris"},
        {s.FULL_NAME: "Ann Lee"},
    ],
)
def test_usable_identifiers(values: dict) -> None:
    batch = _run(_record("crm", "A", 2, **values))
    assert batch.quarantine.empty and len(batch.contacts) == 1


def test_one_reason_per_record_in_a_fixed_order() -> None:
    rows = [_record("crm", "A", 2, raw="<test lead: x>", is_deleted="true")]
    rows.append(_record("crm", "A", 3, is_deleted="true", **GOOD))
    rows.append(_record("crm", "B", 4))
    batch = _run(*rows)
    assert reasons_by_line(batch) == {
        ("f.csv", 2): "test lead",
        ("f.csv", 3): "deleted in source",
        ("f.csv", 4): "no usable identifier",
    }
    assert batch.quarantine["line"].dtype == "int64"
    _assert_balanced(rows, batch)


_VALUES = {
    s.SOURCE_RECORD_ID: st.sampled_from(["1", "2", "3", "", None]),
    s.EMAIL: st.sampled_from([None, "a@b.com", "bad@", "test@test.com", "A@B.COM"]),
    s.PHONE: st.sampled_from([None, "06 12 34 56 78", "0000000000", "+1 312 555 0199"]),
    s.FIRST_NAME: st.sampled_from([None, "Ann", "N/A", "<test lead: x>"]),
    s.DATE_OF_BIRTH: st.sampled_from([None, "1980-01-01", "04/05/1980", "0000-00-00"]),
    s.UPDATED_AT: st.sampled_from([None, "2024-01-01T00:00:00Z", "01-02-2024", "junk"]),
    s.IS_DELETED: st.sampled_from([None, "false", "true"]),
}


# A randomised search, a whole standardisation per example: the slow tier (make test) runs it.
@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(s.SOURCE_SYSTEMS), st.fixed_dictionaries(_VALUES)),
        min_size=1,
        max_size=12,
    )
)
def test_every_record_is_in_contacts_or_quarantine_exactly_once(
    drawn: list[tuple[str, dict]],
) -> None:
    rows = []
    for line, (system, values) in enumerate(drawn, start=2):
        record_id = values.pop(s.SOURCE_RECORD_ID)
        rows.append(_record(system, record_id, line, **values))
    batch = _run(*rows)
    _assert_balanced(rows, batch)
    assert batch.contacts[s.RECORD_KEY].is_unique
    assert batch.contacts[s.RECORD_KEY].is_monotonic_increasing
    assert batch.quarantine[s.REASON].notna().all()


def test_balance_check_fails_on_lost_or_doubled_records() -> None:
    records = pd.DataFrame({s.RECORD_KEY: ["crm:a", "crm:b", "crm:c"]})
    contacts = records.iloc[[0, 1]]
    with pytest.raises(StandardisationBalanceError, match="3 records in, 2 contacts"):
        _check_balance(records, contacts, records.iloc[[]])  # one lost
    with pytest.raises(StandardisationBalanceError):
        _check_balance(records, records.iloc[[0]], records.iloc[[0, 1]])  # one in both
    doubled = pd.DataFrame({s.RECORD_KEY: ["crm:a", "crm:a"]})
    with pytest.raises(StandardisationBalanceError, match="not unique"):
        _check_balance(doubled, doubled, doubled.iloc[[]])
    _check_balance(records, contacts, records.iloc[[2]])  # balanced: no error
