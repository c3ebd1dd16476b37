"""Implausible birth dates: kept by standardisation, flagged by a contacts suite warning."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from identity import schema as s
from identity.quality import ExpectationOutcome, SuiteResult, validate_frame
from identity.standardise import standardise
from support.quality_frames import TODAY

BETWEEN = "expect_column_values_to_be_between"
FUTURE = (TODAY + timedelta(days=40)).isoformat()


def _contacts(*births: str) -> pd.DataFrame:
    rows = []
    for number, born in enumerate(births):
        row = dict.fromkeys(s.RAW_COLUMNS)
        row.update(
            {
                s.SOURCE_SYSTEM: "crm",
                s.SOURCE_RECORD_ID: f"003{number}",
                s.SOURCE_FILE: "contacts.csv",
                s.SOURCE_LINE: str(number + 2),
                s.RAW: f"line {number + 2}",
                s.FIRST_NAME: "Ann",
                s.LAST_NAME: f"Lee{number}",
                s.DATE_OF_BIRTH: born,
            }
        )
        rows.append(row)
    return standardise(pd.DataFrame(rows, columns=s.RAW_COLUMNS)).contacts


def _birth_rule(result: SuiteResult) -> ExpectationOutcome:
    (outcome,) = [
        o for o in result.outcomes if o.expectation_type == BETWEEN and o.column == s.DATE_OF_BIRTH
    ]
    return outcome


def test_implausible_birth_dates_are_kept_and_warned_about() -> None:
    contacts = _contacts("1850-03-04", FUTURE, "1974-08-14", "19560723")
    # A name and a birth date are an identifier: none of these records is quarantined.
    assert sorted(contacts[s.DATE_OF_BIRTH]) == sorted(
        ["1850-03-04", FUTURE, "1974-08-14", "1956-07-23"]
    )
    result = validate_frame(contacts, "contacts", "contacts", today=TODAY)
    outcome = _birth_rule(result)
    assert (outcome.success, outcome.blocking, outcome.status) == (False, False, "warn")
    assert (outcome.element_count, outcome.unexpected_count) == (4, 2)
    assert outcome in result.warnings
    assert result.blocking_failures == []


@pytest.mark.parametrize("born", ["1900-01-02", "1974-08-14", TODAY.isoformat()])
def test_plausible_birth_dates_pass(born: str) -> None:
    result = validate_frame(_contacts(born, "1956-07-23"), "contacts", "contacts", today=TODAY)
    assert _birth_rule(result).success
    assert result.blocking_failures == []


def test_a_future_birth_date_is_judged_by_the_suites_today() -> None:
    contacts = _contacts(FUTURE)
    later = TODAY + timedelta(days=41)
    assert not _birth_rule(validate_frame(contacts, "contacts", "contacts", today=TODAY)).success
    assert _birth_rule(validate_frame(contacts, "contacts", "contacts", today=later)).success
