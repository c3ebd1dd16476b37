"""standardise() on addresses and phones of countries beyond France, Britain and the US."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pandas as pd
import pytest

from identity import schema as s
from identity.standardise import standardise


def _row(**values: Any) -> pd.Series:
    record: dict[str, Any] = dict.fromkeys(s.RAW_COLUMNS)
    record.update(
        {
            s.SOURCE_SYSTEM: "crm",
            s.SOURCE_RECORD_ID: "003A",
            s.SOURCE_FILE: "contacts.csv",
            s.SOURCE_LINE: "2",
            s.RAW: "line 2",
            s.FIRST_NAME: "Ann",
            s.LAST_NAME: "Lee",
        }
    )
    record.update(values)
    # The default region is the US: each country below must come from the record itself.
    batch = standardise(pd.DataFrame([record], columns=s.RAW_COLUMNS), default_region="US")
    assert len(batch.contacts) == 1 and batch.quarantine.empty
    return batch.contacts.iloc[0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {s.COUNTRY: "Australia", s.STATE: "NSW", s.POSTAL_CODE: "2000",
             s.MOBILE_PHONE: "04 1234 5678"},
            ("AU", "2000", "+61412345678"),
        ),
        (
            {s.COUNTRY: "AUS", s.STATE: "NT", s.POSTAL_CODE: "800", s.PHONE: "(08) 8912 3456"},
            ("AU", "0800", "+61889123456"),
        ),
        (
            {s.COUNTRY: "Deutschland", s.POSTAL_CODE: "1067", s.PHONE: "0351 1234567"},
            ("DE", "01067", "+493511234567"),
        ),
        (
            {s.COUNTRY: "DEU", s.POSTAL_CODE: "D-10115", s.PHONE: "030 1234567"},
            ("DE", "10115", "+49301234567"),
        ),
        (
            {s.COUNTRY: "España", s.STATE: "Barcelona", s.POSTAL_CODE: "8001",
             s.MOBILE_PHONE: "612 34 56 78"},
            ("ES", "08001", "+34612345678"),
        ),
        (
            {s.COUNTRY: "Canada", s.STATE: "BC", s.POSTAL_CODE: "v6b4y8",
             s.PHONE: "604-555-0199"},
            ("CA", "V6B 4Y8", "+16045550199"),
        ),
        (
            {s.COUNTRY: "Italia", s.STATE: "RM", s.POSTAL_CODE: "184", s.PHONE: "06 1234 5678"},
            ("IT", "00184", "+390612345678"),
        ),
        (
            {s.COUNTRY: "Nederland", s.POSTAL_CODE: "1012ab", s.MOBILE_PHONE: "06 12345678"},
            ("NL", "1012 AB", "+31612345678"),
        ),
        (
            {s.COUNTRY: "Österreich", s.POSTAL_CODE: "A-1010", s.PHONE: "01 5123456"},
            ("AT", "1010", "+4315123456"),
        ),
        # Countries without a postcode rule keep the code as given.
        (
            {s.COUNTRY: "Ireland", s.POSTAL_CODE: "d02 x285", s.PHONE: "01 234 5678"},
            ("IE", "D02 X285", "+35312345678"),
        ),
        (
            {s.COUNTRY: "Brasil", s.POSTAL_CODE: "01310-100", s.MOBILE_PHONE: "11 91234-5678"},
            ("BR", "01310-100", "+5511912345678"),
        ),
    ],
)  # fmt: skip
def test_country_postcode_and_phone(values: dict, expected: tuple[str, str, str]) -> None:
    row = _row(**values)
    assert (row[s.COUNTRY], row[s.POSTAL_CODE], row[s.PHONE]) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # No country: an Australian state next to 4 digits says Australia, phone region too.
        (
            {s.STATE: "Victoria", s.POSTAL_CODE: "3000", s.PHONE: "(03) 9123 4567"},
            ("AU", "3000", "+61391234567"),
        ),
        (
            {s.STATE: "NT", s.POSTAL_CODE: "800", s.MOBILE_PHONE: "0412 345 678"},
            ("AU", "0800", "+61412345678"),
        ),
        # "WA 6000" is Perth or a Washington ZIP: not guessed, so the code stays as given.
        ({s.STATE: "WA", s.POSTAL_CODE: "6000"}, (None, "6000", None)),
        ({s.STATE: "WA", s.POSTAL_CODE: "98101"}, ("US", "98101", None)),
        ({s.STATE: "Ontario", s.POSTAL_CODE: "M5V 2T6"}, ("CA", "M5V 2T6", None)),
    ],
)
def test_country_inferred_from_state_and_postcode(
    values: dict, expected: tuple[str | None, str, str | None]
) -> None:
    row = _row(email="ann@mail.com", **values)
    got = tuple(None if pd.isna(row[c]) else row[c] for c in (s.COUNTRY, s.POSTAL_CODE, s.PHONE))
    assert got == expected


def test_standardisation_does_not_import_faker() -> None:
    code = (
        "import sys; from identity.standardise import country_code, standardise; "
        "assert country_code('DEU') == 'DE'; print('faker' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
