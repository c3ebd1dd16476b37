"""Issue 13: blocking rules guard against systematic damage, never one cell, and every failing
rule names the source, file and line of its first (masked) examples.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from identity import schema as s
from identity.quality import SuiteResult, validate_frame
from support.quality_frames import TODAY, contacts_frame, golden_frame, raw_frame

RAW_SUITES = {f"{source}_raw": source for source in s.SOURCE_SYSTEMS}
NOT_MATCH_LIST = "expect_column_values_to_not_match_regex_list"
NOT_MATCH = "expect_column_values_to_not_match_regex"
NOT_NULL = "expect_column_values_to_not_be_null"
COMPOUND = "expect_compound_columns_to_be_unique"
ROWS = 200  # a small real export: one cell is 0.5%


def _big(frame: pd.DataFrame, rows: int = ROWS) -> pd.DataFrame:
    """``frame`` repeated to ``rows`` rows, ids, keys and lines made unique again."""
    copies = -(-rows // len(frame))
    big = pd.concat([frame] * copies, ignore_index=True).iloc[:rows].copy()
    suffix = pd.Series(range(rows)).map(lambda n: f"{n:04d}")
    for column in (s.SOURCE_RECORD_ID, s.RECORD_KEY, s.CUSTOMER_ID):
        if column in big.columns:
            big[column] = big[column].astype(str).str[:-4] + suffix
    if s.SOURCE_LINE in big.columns:
        lines = pd.Series(range(2, rows + 2))
        big[s.SOURCE_LINE] = lines.astype(str) if big[s.SOURCE_LINE].dtype == object else lines
    return big


def _damage(frame: pd.DataFrame, column: str, value: object, rows: range) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[list(rows), column] = value
    return frame


def _validate(frame: pd.DataFrame, suite: str, subject: str) -> SuiteResult:
    return validate_frame(frame, suite, subject, today=TODAY)


def _blocking(result: SuiteResult) -> list[tuple[str, str | None]]:
    return [(o.expectation_type, o.column) for o in result.blocking_failures]


@pytest.mark.parametrize("suite", list(RAW_SUITES))
@pytest.mark.parametrize("column", [s.STREET, s.CITY, s.LAST_NAME])
def test_one_question_mark_cell_does_not_block_but_forty_percent_does(
    suite: str, column: str
) -> None:
    source = RAW_SUITES[suite]
    frame = _big(raw_frame(source))
    frame[s.STREET] = [f"{n} Main St" for n in range(ROWS)]
    one = _validate(_damage(frame, column, "????", range(7, 8)), suite, source)
    assert one.blocking_failures == []
    systematic = _damage(frame, column, "????", range(0, ROWS, 5))
    systematic = _damage(systematic, column, "??? ??", range(1, ROWS, 5))
    result = _validate(systematic, suite, source)
    assert _blocking(result) == [(NOT_MATCH_LIST, column)]
    (line,) = [x for x in result.summary().splitlines() if "(blocking)" in x]
    assert line.startswith(
        f"{suite} ({source}): {NOT_MATCH_LIST} on {column} failed (blocking): 80 unexpected "
        f"(40.0%), e.g. ?*** ({source}/{source}_export.csv:2, {source}/{source}_export.csv:7), "
        f"??*** ({source}/{source}_export.csv:3, {source}/{source}_export.csv:8)"
    )


@pytest.mark.parametrize("suite", list(RAW_SUITES))
def test_one_row_without_an_id_is_quarantined_not_fatal_but_a_lost_id_column_blocks(
    suite: str,
) -> None:
    source = RAW_SUITES[suite]
    frame = _big(raw_frame(source))
    one = _validate(_damage(frame, s.SOURCE_RECORD_ID, None, range(3, 4)), suite, source)
    assert one.blocking_failures == []
    # Still counted; standardisation quarantines the row as "no source_record_id".
    key = (NOT_NULL, s.SOURCE_RECORD_ID)
    (rule,) = [o for o in one.outcomes if (o.expectation_type, o.column) == key]
    assert rule.success and rule.unexpected_count == 1
    lost = _validate(_damage(frame, s.SOURCE_RECORD_ID, None, range(0, 80)), suite, source)
    assert _blocking(lost) == [(NOT_NULL, s.SOURCE_RECORD_ID)]
    assert f"e.g. <null> ({source}/{source}_export.csv:2, {source}/{source}_export.csv:3)" in (
        lost.summary()
    )


@pytest.mark.parametrize("suite", list(RAW_SUITES))
def test_a_row_repeated_in_one_file_warns_and_never_blocks(suite: str) -> None:
    source = RAW_SUITES[suite]
    frame = _big(raw_frame(source))
    frame = pd.concat([frame, frame.iloc[[10]]], ignore_index=True)  # one row exported twice
    result = _validate(frame, suite, source)
    assert result.blocking_failures == []
    (compound,) = [o for o in result.warnings if o.expectation_type == COMPOUND]
    assert compound.unexpected_count == 2
    assert compound.locations == [
        f"{source}/{source}_export.csv:12, {source}/{source}_export.csv:12"
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (s.STREET, "????"),
        (s.CITY, "00"),
        (s.POSTAL_CODE, "0"),
        (s.FIRST_NAME, "N/A"),
        (s.EMAIL, "test@test.com"),
        (s.PHONE, "+10000000000"),
    ],
)
def test_contacts_block_on_a_share_of_placeholders_not_on_one(column: str, value: str) -> None:
    frame = _big(contacts_frame())
    one = _validate(_damage(frame, column, value, range(5, 6)), "contacts", "contacts")
    assert one.blocking_failures == []
    many = _validate(_damage(frame, column, value, range(0, 80)), "contacts", "contacts")
    assert _blocking(many) == [(NOT_MATCH, column)]
    (outcome,) = many.blocking_failures
    system = frame.loc[0, s.SOURCE_SYSTEM]
    assert outcome.locations[0] == f"{system}/{system}_export.csv:2, " + (
        f"{frame.loc[1, s.SOURCE_SYSTEM]}/{frame.loc[1, s.SOURCE_SYSTEM]}_export.csv:3"
    )


def test_golden_examples_name_their_customer_and_mask_the_value() -> None:
    frame = _big(golden_frame())
    frame = _damage(frame, s.EMAIL, "test@test.com", range(0, 50))
    result = _validate(frame, "golden_customers", "golden")
    (outcome,) = result.blocking_failures
    assert outcome.column == s.EMAIL
    assert outcome.examples == ["t***@t****.com"]
    assert outcome.locations == [
        f"customer {frame.loc[0, 'customer_id']}, customer {frame.loc[1, 'customer_id']}"
    ]


def test_locations_and_messages_carry_no_personal_data() -> None:
    frame = _big(raw_frame("crm"))
    names = sorted(set(frame[s.LAST_NAME]))
    frame = _damage(frame, s.EMAIL, "zebulon.quark@gmail", range(0, 100))
    frame = _damage(frame, s.LAST_NAME, "N/A", range(100, 120))
    result = _validate(frame, "crm_raw", "crm")
    text = result.summary() + json.dumps(result.to_dict())
    assert "zebulon" not in text and "quark" not in text
    assert not [name for name in names if name in text]
    email_rule = [o for o in result.warnings if o.column == s.EMAIL and o.locations]
    assert email_rule and email_rule[0].locations[0].startswith("crm/crm_export.csv:2")


def test_structural_rules_still_block_on_one_cell() -> None:
    # No source cell can break these: standardisation builds the keys and quarantines the
    # records that would, so a single failure is a defect worth stopping for.
    frame = _big(contacts_frame())
    frame.loc[7, s.RECORD_KEY] = frame.loc[8, s.RECORD_KEY]
    result = _validate(frame, "contacts", "contacts")
    assert _blocking(result) == [("expect_column_values_to_be_unique", s.RECORD_KEY)]
