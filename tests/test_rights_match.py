"""Every run drops the rows the erasure register names, and counts them in the balance (issue 19).

Real exports in the vendors' formats are read and standardised with a real register; the rows
of other people, quarantined or not, stay exactly as they were.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from identity import schema as s
from identity.rights.keys import EMAIL, PHONE, RECORD, PlainKeys, subject_key
from identity.rights.match import contact_hits, drop_from_batch, raw_hits
from identity.rights.register import Register
from identity.standardise.batches import BalanceError, Standardised, standardise_sources
from support.bad_input_files import (
    crm_export,
    crm_id,
    crm_row,
    email_of,
    lead_id,
    meta_export,
    meta_row,
    utf8,
)
from support.landing import land
from support.rights import SECRET

NOW = datetime(2026, 12, 3, tzinfo=UTC)


@pytest.fixture
def register(tmp_path) -> Register:
    register = Register.open(tmp_path / "warehouse", SECRET, create=True)
    assert register is not None
    register.request(subject_key(EMAIL, email_of(1).upper()), NOW)  # typed in capitals
    register.request(subject_key(RECORD, f"crm:{crm_id(3)}"), NOW)
    register.request(subject_key(PHONE, "312 555 0104", "US"), NOW)
    return register


@pytest.fixture
def batches(tmp_path):
    crm = [crm_row(n) for n in range(5)]
    crm += [
        crm_row(7, IsDeleted="true", Email=email_of(1)),  # quarantined, names person 1
        crm_row(8, IsDeleted="true"),  # quarantined, somebody else
        crm_row(9, IsDeleted="true", Phone="(312) 555-0104"),  # quarantined, person 4's phone
    ]
    social = [meta_row(1), meta_row(2), meta_row(4)]  # lead 4: another phone, not erased
    return [
        land(tmp_path, "crm", {"contacts.csv": utf8(crm_export(crm))}),
        land(tmp_path, "social", {"leads.csv": meta_export(social)}),
    ]


def _keys(frame: pd.DataFrame) -> set[str]:
    return set(frame[s.RECORD_KEY])


def test_contacts_and_quarantine_rows_the_register_names_are_dropped(batches, register) -> None:
    out = standardise_sources(batches, "US", register)
    assert _keys(out.contacts) == {
        f"crm:{crm_id(0)}",
        f"crm:{crm_id(2)}",
        f"social:{lead_id(2)}",
        f"social:{lead_id(4)}",
    }
    assert out.erased_keys() == {
        f"crm:{crm_id(1)}",
        f"crm:{crm_id(3)}",
        f"crm:{crm_id(4)}",
        f"social:{lead_id(1)}",
    }
    # Only the stranger's deleted row stays quarantined, with its content.
    assert len(out.quarantine) == 1
    assert json.loads(out.quarantine[s.RAW].iloc[0])["Id"] == crm_id(8)
    assert len(out.erased) == 6 and out.erased[s.RECORD_KEY].isna().sum() == 2


def test_the_balance_counts_the_erased_rows_per_file(batches, register) -> None:
    out = standardise_sources(batches, "US", register)
    files = out.files.set_index(s.FILE)
    assert files.loc["contacts.csv", [s.ROWS_READ, s.ROWS_LINKED, s.ROWS_QUARANTINED]].tolist() == [
        8,
        2,
        1,
    ]
    assert files.loc["contacts.csv", s.ROWS_ERASED] == 5
    assert files.loc["leads.csv", s.ROWS_ERASED] == 1
    assert out.balanced and out.unbalanced_files() == []
    # Failing data: the same counts without the erased column do not add up.
    unbalanced = Standardised(out.contacts, out.quarantine, out.files.drop(columns=s.ROWS_ERASED))
    assert unbalanced.unbalanced_files() == ["crm/contacts.csv", "social/leads.csv"]


def test_records_named_by_their_key_are_dropped_as_they_are_read(batches, register) -> None:
    crm = drop_from_batch(batches[0], register, "US")
    assert f"crm:{crm_id(3)}" not in set(
        s.record_key(crm.records.source_system, crm.records.source_record_id)
    )
    # The deleted rows naming person 1's email and person 4's phone are reader rejects: they
    # go here too; the stranger's stays.
    assert len(crm.quarantine) == 1
    assert crm.files[[s.ROWS_READ, s.ROWS_QUARANTINED, s.ROWS_ERASED]].values.tolist() == [
        [8, 1, 3]
    ]
    # Standardisation drops the rest (by email and phone) and the balance adds both up.
    out = standardise_sources([crm, batches[1]], "US", register)
    files = out.files.set_index(s.FILE)
    assert files.loc[
        "contacts.csv", [s.ROWS_LINKED, s.ROWS_QUARANTINED, s.ROWS_ERASED]
    ].tolist() == [
        2,
        1,
        5,
    ]
    assert out.balanced
    assert out.erased_keys() == {f"crm:{crm_id(1)}", f"crm:{crm_id(4)}", f"social:{lead_id(1)}"}


def test_without_a_register_nothing_is_erased(batches) -> None:
    out = standardise_sources(batches, "US")
    assert len(out.contacts) == 8 and len(out.quarantine) == 3
    assert out.erased.empty and out.files[s.ROWS_ERASED].eq(0).all()


def test_an_unbalanced_batch_still_fails(batches, register, monkeypatch) -> None:
    from identity.standardise import batches as module

    # A bug that loses the erased count must stop the run, not hide the rows.
    real = module._file_counts
    monkeypatch.setattr(module, "_file_counts", lambda b, c, q, e: real(b, c, q, e.iloc[0:0]))
    with pytest.raises(BalanceError, match="linked \\+ quarantined \\+ erased"):
        standardise_sources(batches, "US", register)


@pytest.mark.parametrize(
    ("system", "raw"),
    [
        ("social", '{"id": "l:1400035748014950", "email": "someone@else.fr"}'),  # id, l: prefix
        ("ecommerce", '{"Customer ID": "\'7412345678901", "Email": ""}'),  # apostrophe on id
        ("social", '{"phone_number": "p:+33 6 12 34 56 78"}'),  # p: prefix, spaced
        ("crm", '{"Phone": "(312) 555-0199", "Email": ""}'),  # national, default region
        ("crm", '{"Note": "write to JEANNE.DUPONT@example.fr please"}'),  # inside longer text
        ("crm", '"0035g","Jeanne","Dupont","jeanne.dupont@example.fr"'),  # a line not split
        ("crm", '\'{"Email": "jeanne.dupont@example.fr"}'),  # a spreadsheet-safe CSV cell
    ],
)
def test_a_raw_row_is_named_by_any_of_its_values(system, raw) -> None:
    keys = PlainKeys(
        {
            RECORD: {"social:1400035748014950", "ecommerce:7412345678901"},
            EMAIL: {"jeanne.dupont@example.fr"},
            PHONE: {"+33612345678", "+13125550199"},
        }
    )
    frame = pd.DataFrame({s.SOURCE_SYSTEM: [system], s.RAW: [raw]})
    assert raw_hits(frame, keys, "US").tolist() == [True]


@pytest.mark.parametrize(
    ("system", "raw"),
    [
        ("crm", '{"id": "1400035748014950"}'),  # that id, but of another source
        ("crm", '{"Phone": "(312) 555-0198", "Email": "jeanne.dupont@example.com"}'),
        ("crm", '{"Phone": "06 12 34 56 78"}'),  # a French number read in the US is no match
        ("crm", '{"Note": "order 3125550198 shipped to 6123456789"}'),  # other numbers
        ("crm", None),
    ],
)
def test_a_raw_row_of_somebody_else_is_not_named(system, raw) -> None:
    keys = PlainKeys(
        {
            RECORD: {"social:1400035748014950"},
            EMAIL: {"jeanne.dupont@example.fr"},
            PHONE: {"+33612345678", "+13125550199"},
        }
    )
    frame = pd.DataFrame({s.SOURCE_SYSTEM: [system], s.RAW: [raw]})
    assert raw_hits(frame, keys, "US").tolist() == [False]


def test_contacts_are_named_by_record_email_or_phone() -> None:
    contacts = pd.DataFrame(
        {
            s.RECORD_KEY: ["crm:1", "crm:2", "crm:3", "crm:4"],
            s.EMAIL: ["a@x.fr", None, None, "d@x.fr"],
            s.PHONE: [None, "+33612345678", None, None],
        }
    )
    keys = PlainKeys({RECORD: {"crm:3"}, EMAIL: {"a@x.fr"}, PHONE: {"+33612345678"}})
    assert contact_hits(contacts, keys).tolist() == [True, True, True, False]
