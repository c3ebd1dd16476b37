"""Issue 13, one rule in one place: whatever a blocking contacts rule forbids in a cell,
standardisation nulls first, with a counted reason, so one cell never stops the night.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity import schema as s
from identity.quality import validate_frame
from identity.readers import SourceBatch
from identity.standardise import StandardisedBatch, placeholder_reason, standardise
from identity.standardise.placeholders import (
    NO_LETTERS_OR_DIGITS,
    PLACEHOLDER_WORD,
    QUESTION_MARKS,
    REPEATED_DIGIT,
)
from support.bad_input_files import (
    shop_export,
    shop_row,
    square_export,
    square_row,
    utf8,
)
from support.landing import land

ROOT = Path(__file__).resolve().parents[1]
CONTACTS_RULES = [
    (e["kwargs"]["column"], e["kwargs"]["regex"])
    for e in json.loads((ROOT / "expectations" / "contacts.json").read_text("utf-8"))[
        "expectations"
    ]
    if e["type"] == "expect_column_values_to_not_match_regex" and e["meta"]["blocking"]
]


def _record(line: int, **values: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = dict.fromkeys(s.RAW_COLUMNS)
    row.update(
        source_system="crm",
        source_record_id=f"0035g00000Night{line:03d}",
        source_file="contacts.csv",
        source_line=str(line),
        raw=f"row {line}",
    )
    row.update(values)
    return row


def _standardise(batch: SourceBatch) -> StandardisedBatch:
    result = standardise(batch.records)
    # Nothing is lost: every row read is a contact or quarantined, file by file.
    for row in batch.files.itertuples():
        kept = int((result.contacts[s.SOURCE_FILE] == row.file).sum())
        held = int((result.quarantine["file"] == row.file).sum())
        held += int((batch.quarantine["file"] == row.file).sum())
        assert row.rows_read == kept + held, row.file
    return result


def _by_line(result: StandardisedBatch, column: str) -> dict[int, object]:
    contacts = result.contacts
    values = contacts[column].astype(object).where(contacts[column].notna(), None)
    return dict(zip(contacts[s.SOURCE_LINE], values, strict=True))


def test_excel_damage_and_zeros_are_nulled_counted_and_block_nothing(tmp_path: Path) -> None:
    # The night of the issue: a street or city of 0, 00 or ???? and a Square zip of 0.
    rows = [square_row(n) for n in range(30)]
    rows[0]["Street Address 1"] = "0"
    rows[1]["Street Address 1"] = "????"
    rows[2]["City"] = "????"
    rows[3]["City"] = "00"
    rows[4].update({"Postal Code": "0", "Phone Number": "", "State": ""})
    rows[5]["Street Address 1"] = "12 ????"
    rows[6]["Street Address 1"] = "10"  # a real house number alone: kept
    batch = land(tmp_path, "pos", {"customer_directory.csv": utf8(square_export(rows))})
    result = _standardise(batch)
    assert len(result.contacts) == 30 and result.quarantine.empty
    street, city = _by_line(result, s.STREET), _by_line(result, s.CITY)
    assert [street[2], street[3], street[7], street[8]] == [None, None, None, "10"]
    assert [city[4], city[5], city[9]] == [None, None, "London"]
    assert _by_line(result, s.POSTAL_CODE)[6] is None
    places = {s.STREET, s.CITY, s.POSTAL_CODE}
    assert {k: v for k, v in result.nulled_summary().items() if k in places} == {
        "city": {QUESTION_MARKS: 1, REPEATED_DIGIT: 1},
        "postal_code": {REPEATED_DIGIT: 1},
        "street": {QUESTION_MARKS: 2, REPEATED_DIGIT: 1},
    }
    nulled = result.nulled_cells
    assert list(nulled.columns) == ["source_system", "source_file", "attribute", "reason", "cells"]
    assert set(nulled[s.SOURCE_FILE]) == {"customer_directory.csv"}
    assert int(nulled.loc[nulled["attribute"].isin(places), "cells"].sum()) == 6
    # Neither suite blocks: the raw damage is a small share, and contacts hold none of it.
    assert validate_frame(batch.records, "pos_raw", "pos").blocking_failures == []
    assert validate_frame(result.contacts, "contacts", "contacts").blocking_failures == []


def test_a_shopify_zero_street_and_a_blank_row_of_placeholders_are_nulled(tmp_path: Path) -> None:
    rows = [shop_row(n) for n in range(5)]
    rows[0].update({"Default Address Address1": "00", "Default Address City": "n/a"})
    rows[1].update({"Default Address Address1": "-", "Default Address Zip": "'00000"})
    rows[2].update({"Default Address City": "TEST", "Last Name": "????"})
    batch = land(tmp_path, "ecommerce", {"customers_export.csv": utf8(shop_export(rows))})
    result = _standardise(batch)
    assert len(result.contacts) == 5
    assert list(_by_line(result, s.STREET).values()) == [
        None,
        None,
        "3 Elm Street",
        "4 Elm Street",
        "5 Elm Street",
    ]
    assert list(_by_line(result, s.CITY).values()) == [None, "Boston", None, "Boston", "Boston"]
    assert _by_line(result, s.POSTAL_CODE)[3] is None
    assert _by_line(result, s.LAST_NAME)[4] is None
    assert result.nulled_summary() == {
        "city": {PLACEHOLDER_WORD: 2},
        "last_name": {QUESTION_MARKS: 1},
        "postal_code": {REPEATED_DIGIT: 1},
        "street": {PLACEHOLDER_WORD: 1, REPEATED_DIGIT: 1},
    }


def test_invalid_values_are_counted_apart_from_placeholders() -> None:
    rows = [
        _record(2, email="ann@@mail", phone="(312) 555-0199"),
        _record(3, email="bob@mail.com", date_of_birth="1985-13-45", country="Atlantis"),
        _record(4, email="cy@mail.com", mobile_phone="0000000000", phone="+1 312 555 0100"),
    ]
    result = standardise(pd.DataFrame(rows))
    assert len(result.contacts) == 3
    # The placeholder mobile is not counted: the record still has a phone (the landline).
    assert result.nulled_summary() == {
        "country": {"invalid": 1},
        "date_of_birth": {"invalid": 1},
        "email": {"invalid": 1},
    }


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0", REPEATED_DIGIT),
        ("00", REPEATED_DIGIT),
        ("00000", REPEATED_DIGIT),
        ("????", QUESTION_MARKS),
        ("???", QUESTION_MARKS),
        ("12 ????", QUESTION_MARKS),
        ("??@qq.com", QUESTION_MARKS),
        ("n/a", PLACEHOLDER_WORD),
        ("test", PLACEHOLDER_WORD),
        ("Test", PLACEHOLDER_WORD),  # decided: a test record far more often than a surname
        ("-", PLACEHOLDER_WORD),
        ("----", NO_LETTERS_OR_DIGITS),
        (".", PLACEHOLDER_WORD),
        ("…", PLACEHOLDER_WORD),  # NFKC: "..."
        ("—", NO_LETTERS_OR_DIGITS),
        ("Ｎ／Ａ", PLACEHOLDER_WORD),
    ],
)
def test_placeholders_have_a_reason(value: str, reason: str) -> None:
    assert placeholder_reason(value) == reason


@pytest.mark.parametrize(
    "value", ["10", "1", "0800", "1111", "02118", "Na Li", "Москва", "北京", "tester@gmail.com"]
)
def test_real_values_close_to_placeholders_are_kept(value: str) -> None:
    assert placeholder_reason(value) is None


def test_real_values_survive_standardisation() -> None:
    rows = [
        _record(2, email="a@mail.com", street="10", city="Москва"),
        _record(3, email="b@mail.com", postal_code="0800", state="NT", country="Australia"),
        _record(4, email="c@mail.com", postal_code="800", state="NT", country="AU"),
    ]
    result = standardise(pd.DataFrame(rows))
    assert _by_line(result, s.STREET)[2] == "10"
    assert _by_line(result, s.CITY)[2] == "Москва"
    assert [_by_line(result, s.POSTAL_CODE)[n] for n in (3, 4)] == ["0800", "0800"]
    assert result.nulled_cells.empty


# Raw column that feeds each contacts column the suite checks.
_RAW_COLUMN = {s.PHONE: s.MOBILE_PHONE}


# A randomised search, a whole standardisation per example: the slow tier (make test) runs it.
@pytest.mark.slow
@pytest.mark.parametrize(("column", "regex"), CONTACTS_RULES, ids=[c for c, _ in CONTACTS_RULES])
def test_no_value_a_blocking_contacts_rule_forbids_survives_standardisation(
    column: str, regex: str
) -> None:
    rule = re.compile(regex)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.from_regex(rule), min_size=1, max_size=15))
    def check(values: list[str]) -> None:
        identifier = {s.PHONE: "+1 312 555 0100"} if column == s.EMAIL else {s.EMAIL: "a@b.fr"}
        rows = [
            _record(line, **{_RAW_COLUMN.get(column, column): value, **identifier})
            for line, value in enumerate(values, start=2)
        ]
        result = standardise(pd.DataFrame(rows))
        assert len(result.contacts) + len(result.quarantine) == len(rows)
        left = result.contacts[column].dropna().astype(str)
        assert not [v for v in left if rule.search(v)], column

    check()


def test_the_suite_still_blocks_placeholders_that_bypass_standardisation() -> None:
    # A systematic failure (standardisation skipped, 40% placeholders) is still caught.
    result = standardise(pd.DataFrame([_record(n, email=f"p{n}@mail.fr") for n in range(2, 52)]))
    contacts = result.contacts.copy()
    contacts[s.STREET] = contacts[s.STREET].astype(object)
    contacts.loc[:19, s.STREET] = "????"
    failures = validate_frame(contacts, "contacts", "contacts").blocking_failures
    assert [(o.expectation_type, o.column) for o in failures] == [
        ("expect_column_values_to_not_match_regex", s.STREET)
    ]
    assert "(crm/contacts.csv:" in failures[0].describe("contacts")


@pytest.mark.parametrize("record_id", ["0035g00000 Night", "74123\t45", "JDKY\u00a0HB"])
def test_an_id_with_white_space_is_quarantined_instead_of_breaking_the_key_rule(
    record_id: str,
) -> None:
    rows = [_record(2, email="a@mail.fr"), _record(3, email="b@mail.fr")]
    rows[1][s.SOURCE_RECORD_ID] = record_id
    result = standardise(pd.DataFrame(rows))
    assert len(result.contacts) == 1 and len(result.quarantine) == 1
    assert result.quarantine[s.REASON].tolist() == ["source_record_id holds white space"]
    assert validate_frame(result.contacts, "contacts", "contacts").blocking_failures == []
