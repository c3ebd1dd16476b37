"""standardise(): raw reader records in, typed contacts out, per source system."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from identity import schema as s
from identity.standardise import contacts_arrow_schema, standardise

TODAY = date(2026, 1, 15)


def _record(system: str, record_id: str, line: int = 2, file: str = "f.csv", **values: Any) -> dict:
    row: dict[str, Any] = dict.fromkeys(s.RAW_COLUMNS)
    row.update(
        {
            s.SOURCE_SYSTEM: system,
            s.SOURCE_RECORD_ID: record_id,
            s.SOURCE_FILE: file,
            s.SOURCE_LINE: str(line),
            s.RAW: f"{system} {file} line {line}",
        }
    )
    row.update(values)
    return row


def _frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=s.RAW_COLUMNS)


def _one(row: dict, default_region: str = "US") -> pd.Series:
    batch = standardise(_frame(row), default_region, reference_date=TODAY)
    assert len(batch.contacts) == 1 and batch.quarantine.empty
    return batch.contacts.iloc[0]


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


CRM = _record(
    "crm",
    "003A",
    first_name="JEAN-PIERRE",
    last_name="o'neil",
    email="Jean.Pierre+crm@GoogleMail.com",
    phone="01 42 68 53 00",
    mobile_phone="06 12 34 56 78",
    street="12 rue de la Paix\nBât. B",
    city="PARIS",
    postal_code="75002",
    country="France",
    date_of_birth="1974-08-14",
    email_consent="optout:true",
    created_at="2026-09-02T22:07:23.000Z",
    updated_at="2023-02-07 20:44:05",
    is_deleted="false",
)


def test_crm_record_is_fully_standardised() -> None:
    row = _one(CRM)
    expected = {
        s.RECORD_KEY: "crm:003A",
        s.SOURCE_LINE: 2,
        s.FIRST_NAME: "Jean-Pierre",
        s.LAST_NAME: "O'Neil",
        s.FIRST_NAME_STD: "jean pierre",
        s.LAST_NAME_STD: "oneil",
        s.EMAIL: "jean.pierre+crm@googlemail.com",
        s.EMAIL_LOCAL: "jeanpierre",
        s.EMAIL_DOMAIN: "gmail.com",
        s.PHONE: "+33612345678",  # the mobile wins over the landline
        s.PHONE_NATIONAL: "612345678",
        s.STREET: "12 rue de la Paix, Bât. B",
        s.STREET_STD: "12 rue de la paix bat b",
        s.CITY: "Paris",
        s.CITY_STD: "paris",
        s.POSTAL_CODE: "75002",
        s.POSTCODE_STD: "75002",
        s.COUNTRY: "FR",
        s.DATE_OF_BIRTH: "1974-08-14",
        s.EMAIL_CONSENT: False,  # opted out
        s.CREATED_AT: _utc("2026-09-02 22:07:23"),
        s.UPDATED_AT: _utc("2023-02-07 20:44:05"),
    }
    assert {k: row[k] for k in expected} == expected
    assert pd.isna(row[s.SMS_CONSENT]) and pd.isna(row[s.ORDER_COUNT])
    assert math.isnan(row[s.TOTAL_SPENT])


def test_crm_consent_is_the_inverse_of_opt_out() -> None:
    assert bool(_one({**CRM, s.EMAIL_CONSENT: "optout:false"})[s.EMAIL_CONSENT]) is True
    assert bool(_one({**CRM, s.EMAIL_CONSENT: "optout:1"})[s.EMAIL_CONSENT]) is False
    assert pd.isna(_one({**CRM, s.EMAIL_CONSENT: None})[s.EMAIL_CONSENT])


def test_pos_record_us_formats() -> None:
    row = _one(
        _record(
            "pos",
            "SQ1",
            first_name="Zoë",
            last_name="MARTIN",
            phone="(312) 555-0199",
            street="1 Main St",
            city="chicago",
            state="IL",
            postal_code="60614",
            date_of_birth="08-14-1974",
            email_consent="Unknown",
            total_spent="$1,234.56",
            order_count="12.0",
            created_at="09-14-2025",
            updated_at="09-15-2025",
        )
    )
    assert (row[s.PHONE], row[s.COUNTRY], row[s.DATE_OF_BIRTH]) == (
        "+13125550199",
        "US",
        "1974-08-14",
    )
    assert (row[s.FIRST_NAME], row[s.LAST_NAME], row[s.CITY]) == ("Zoë", "Martin", "Chicago")
    assert row[s.TOTAL_SPENT] == pytest.approx(1234.56) and row[s.ORDER_COUNT] == 12
    assert pd.isna(row[s.EMAIL_CONSENT])
    assert row[s.CREATED_AT] == _utc("2025-09-14") and row[s.UPDATED_AT] == _utc("2025-09-15")


def test_phone_region_comes_from_postcode_and_state_before_the_default() -> None:
    record = _record("pos", "SQ2", phone="312.555.0199", state="IL", postal_code="2118")
    row = _one(record, default_region="FR")
    assert (row[s.PHONE], row[s.COUNTRY], row[s.POSTAL_CODE]) == ("+13125550199", "US", "02118")


def test_social_lead_with_full_name_only() -> None:
    row = _one(
        _record(
            "social",
            "L1",
            full_name="Mme Hélène de la Tour",
            phone="+33612345678",
            postal_code="1000",
            city="Saint-Étienne",
            created_at="2026-09-04T11:17:13-05:00",
        )
    )
    assert (row[s.FIRST_NAME], row[s.LAST_NAME]) == ("Hélène", "de la Tour")
    assert (row[s.FIRST_NAME_STD], row[s.LAST_NAME_STD]) == ("helene", "de la tour")
    assert (row[s.COUNTRY], row[s.POSTAL_CODE]) == ("FR", "01000")  # country told by the phone
    assert row[s.CITY_STD] == "saint etienne"
    assert row[s.CREATED_AT] == _utc("2026-09-04 16:17:13")


def test_social_lead_last_comma_first() -> None:
    row = _one(_record("social", "L2", full_name="DUPONT, Jean", email="j@orange.fr"))
    assert (row[s.FIRST_NAME], row[s.LAST_NAME]) == ("Jean", "Dupont")


def test_ecommerce_record_uk() -> None:
    row = _one(
        _record(
            "ecommerce",
            "7412345678901",
            first_name="amelia",
            last_name="SMITH",
            email="AMELIA@EXAMPLE.CO.UK",
            phone="07400 123456",
            postal_code="sw1a1aa",
            country="GB",
            email_consent="yes",
            sms_consent="no",
            total_spent="13175.00",
            order_count="12",
        )
    )
    assert (row[s.PHONE], row[s.PHONE_NATIONAL]) == ("+447400123456", "7400123456")
    assert (row[s.POSTAL_CODE], row[s.POSTCODE_STD]) == ("SW1A 1AA", "SW1A1AA")
    assert (row[s.EMAIL_CONSENT], row[s.SMS_CONSENT]) == (True, False)
    assert (row[s.TOTAL_SPENT], row[s.ORDER_COUNT]) == (13175.0, 12)
    assert row[s.EMAIL] == "amelia@example.co.uk"


def test_landline_used_when_the_mobile_is_invalid() -> None:
    row = _one({**CRM, s.MOBILE_PHONE: "07700 900123"})
    assert row[s.PHONE] == "+33142685300"


@pytest.mark.parametrize(
    ("values", "country", "postal_code"),
    [
        ({s.POSTAL_CODE: "SW1A1AA"}, "GB", "SW1A 1AA"),
        ({s.POSTAL_CODE: "75011"}, None, "75011"),  # no state, no phone: not guessed
        ({s.POSTAL_CODE: "1000"}, None, "1000"),
        ({s.POSTAL_CODE: "60614", s.STATE: "Illinois"}, "US", "60614"),
        ({s.POSTAL_CODE: "75011", s.PHONE: "+33 1 42 68 53 00"}, "FR", "75011"),
    ],
)
def test_country_inference(values: dict, country: str | None, postal_code: str) -> None:
    record = _record("crm", "C", first_name="Ann", email="ann@mail.com", **values)
    row = _one(record)
    assert (None if pd.isna(row[s.COUNTRY]) else row[s.COUNTRY]) == country
    assert row[s.POSTAL_CODE] == postal_code


def test_placeholders_are_missing_in_every_attribute() -> None:
    junk = {
        s.FIRST_NAME: "N/A",
        s.LAST_NAME: "unknown",
        s.PHONE: "0000000000",
        s.MOBILE_PHONE: "1234567890",
        s.STREET: "-",
        s.CITY: "?",
        s.STATE: "xxx",
        s.POSTAL_CODE: "00000",
        s.COUNTRY: "none",
        s.DATE_OF_BIRTH: "0000-00-00",
        s.FULL_NAME: "null",
    }
    row = _one(_record("crm", "P", email="real@mail.com", **junk))
    attributes = [c for c in s.CONTACT_COLUMNS if c not in (s.EMAIL, s.EMAIL_LOCAL, s.EMAIL_DOMAIN)]
    present = [c for c in attributes if c.endswith(("name", "_std", "phone", "_national"))]
    present += [s.STREET, s.CITY, s.POSTAL_CODE, s.COUNTRY, s.DATE_OF_BIRTH]
    assert all(pd.isna(row[c]) for c in present), {c: row[c] for c in present}


def test_day_first_is_decided_per_file() -> None:
    rows = [
        _record("crm", "e1", 2, "eu.csv", email="a@x.fr", date_of_birth="25/12/1980"),
        _record("crm", "e2", 3, "eu.csv", email="b@x.fr", date_of_birth="04/05/1980"),
        _record("crm", "u1", 2, "us.csv", email="c@x.fr", date_of_birth="12/25/1980"),
        _record("crm", "u2", 3, "us.csv", email="d@x.fr", date_of_birth="04/05/1980"),
    ]
    contacts = standardise(_frame(*rows), reference_date=TODAY).contacts
    dob = dict(zip(contacts[s.SOURCE_RECORD_ID], contacts[s.DATE_OF_BIRTH], strict=True))
    assert dob == {"e1": "1980-12-25", "e2": "1980-05-04", "u1": "1980-12-25", "u2": "1980-04-05"}


def test_files_of_the_same_name_in_two_sources_do_not_share_a_hint() -> None:
    rows = [
        _record("crm", "e1", 2, "customers.csv", email="a@x.fr", date_of_birth="25/12/1980"),
        _record("crm", "e2", 3, "customers.csv", email="b@x.fr", date_of_birth="04/05/1980"),
        _record("pos", "u2", 3, "customers.csv", email="d@x.fr", date_of_birth="04/05/1980"),
    ]
    contacts = standardise(_frame(*rows), reference_date=TODAY).contacts
    dob = dict(zip(contacts[s.RECORD_KEY], contacts[s.DATE_OF_BIRTH], strict=True))
    assert dob == {"crm:e1": "1980-12-25", "crm:e2": "1980-05-04", "pos:u2": "1980-04-05"}


def test_output_contract() -> None:
    rows = [CRM, _record("pos", "B", email="b@mail.com"), _record("social", "A", email="x@y.fr")]
    batch = standardise(_frame(*rows), reference_date=TODAY)
    contacts = batch.contacts
    assert contacts.columns.tolist() == s.CONTACT_COLUMNS
    assert contacts[s.RECORD_KEY].tolist() == ["crm:003A", "pos:B", "social:A"]
    assert contacts.index.tolist() == [0, 1, 2]
    dtypes = {c: str(t) for c, t in contacts.dtypes.items()}
    assert dtypes[s.SOURCE_LINE] == "int64" and dtypes[s.ORDER_COUNT] == "Int64"
    assert dtypes[s.EMAIL_CONSENT] == "boolean" and dtypes[s.TOTAL_SPENT] == "float64"
    assert dtypes[s.CREATED_AT] == "datetime64[us, UTC]"
    assert dtypes[s.EMAIL] == "string"
    table = pa.Table.from_pandas(contacts, schema=contacts_arrow_schema(), preserve_index=False)
    assert table.schema.equals(s.CONTACT_SCHEMA) and table.num_rows == 3
    assert batch.quarantine.columns.tolist() == [s.SOURCE_SYSTEM, "file", "line", s.RAW, s.REASON]


def test_empty_input() -> None:
    batch = standardise(pd.DataFrame(columns=s.RAW_COLUMNS))
    assert batch.contacts.empty and batch.quarantine.empty
    assert batch.contacts.columns.tolist() == s.CONTACT_COLUMNS
    assert str(batch.contacts[s.CREATED_AT].dtype) == "datetime64[us, UTC]"


def test_missing_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="missing: email"):
        standardise(_frame(CRM).drop(columns=[s.EMAIL]))


def _messy_frame() -> pd.DataFrame:
    rows = [
        CRM,
        {**CRM, s.SOURCE_LINE: "3", s.UPDATED_AT: "2024-01-01 00:00:00"},
        _record("social", "L9", 4, full_name="<test lead: dummy data for full_name>"),
        _record("pos", "Q1", 5, first_name="Ann", city="Paris"),
        _record("ecommerce", "E1", 6, email="E1@Mail.com", date_of_birth="04/05/1980"),
        _record("ecommerce", "E2", 7, email="e2@mail.com", date_of_birth="25/12/1980"),
    ]
    return _frame(*rows)


def test_same_input_same_output_whatever_the_row_order() -> None:
    records = _messy_frame()
    first = standardise(records, reference_date=TODAY)
    again = standardise(records, reference_date=TODAY)
    shuffled = standardise(records.sample(frac=1.0, random_state=3), reference_date=TODAY)
    for other in (again, shuffled):
        pd.testing.assert_frame_equal(first.contacts, other.contacts)
        pd.testing.assert_frame_equal(first.quarantine, other.quarantine)


def test_sources_can_be_standardised_separately() -> None:
    # Duplicates are per source system and date hints per file, so callers may split the work
    # by source (e.g. one process each) and concatenate: the result is the same.
    records = _messy_frame()
    whole = standardise(records, reference_date=TODAY)
    parts = [
        standardise(group, reference_date=TODAY)
        for _, group in records.groupby(s.SOURCE_SYSTEM, sort=True)
    ]
    contacts = pd.concat([p.contacts for p in parts], ignore_index=True)
    contacts = contacts.sort_values(s.RECORD_KEY, ignore_index=True)
    quarantine = pd.concat([p.quarantine for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(whole.contacts, contacts)
    pd.testing.assert_frame_equal(whole.quarantine, quarantine)
