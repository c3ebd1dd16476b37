"""Every standardised contact column, computed for all input rows at once."""

from __future__ import annotations

import pandas as pd

from identity import schema as s
from identity.money import parse_money
from identity.standardise.contact_points import (
    ParsedPhone,
    email_match_parts,
    normalise_email,
    parse_phone_key,
    phone_key,
)
from identity.standardise.dates import (
    date_parts,
    day_first_hints,
    parse_date_of_birth,
    parse_timestamps,
)
from identity.standardise.frames import as_text, map_distinct, map_distinct_pairs
from identity.standardise.names import clean_name, fold_name, split_full_name
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
from identity.standardise.values import parse_consent, parse_count

STRING = pd.StringDtype("pyarrow")
_DTYPES: dict[str, object] = {
    "string": STRING,
    "int64": "int64",
    "bool": "boolean",
    "double": "float64",
    "timestamp[us, tz=UTC]": "datetime64[us, UTC]",
}


def pandas_dtypes() -> dict[str, object]:
    """The pandas dtype of each contact column, following ``schema.CONTACT_SCHEMA``.

    Nullable dtypes throughout; ``source_line`` alone is never missing and stays ``int64``.
    """
    dtypes = {f.name: _DTYPES[str(f.type)] for f in s.CONTACT_SCHEMA}
    return {
        name: "Int64" if dtype == "int64" and name != s.SOURCE_LINE else dtype
        for name, dtype in dtypes.items()
    }


def _names(records: pd.DataFrame) -> dict[str, pd.Series]:
    first = map_distinct(records[s.FIRST_NAME], clean_name)
    last = map_distinct(records[s.LAST_NAME], clean_name)
    # Meta lead forms often ask for one full name instead.
    split_rows = first.isna() & last.isna() & records[s.FULL_NAME].notna()
    if split_rows.any():
        split = map_distinct(records.loc[split_rows, s.FULL_NAME], split_full_name)
        first.loc[split_rows] = split.map(lambda pair: pair[0])
        last.loc[split_rows] = split.map(lambda pair: pair[1])
    return {
        s.FIRST_NAME: first,
        s.LAST_NAME: last,
        s.FIRST_NAME_STD: map_distinct(first, fold_name),
        s.LAST_NAME_STD: map_distinct(last, fold_name),
    }


def _emails(records: pd.DataFrame) -> dict[str, pd.Series]:
    email = map_distinct(records[s.EMAIL], normalise_email)
    parts = map_distinct(email, email_match_parts)
    return {
        s.EMAIL: email,
        # "+shop@gmail.com" has no local part left once the tag is gone.
        s.EMAIL_LOCAL: parts.map(lambda p: None if p is None else p[0] or None),
        s.EMAIL_DOMAIN: parts.map(lambda p: None if p is None else p[1]),
    }


def _parsed_phones(
    column: pd.Series, region: pd.Series, known: dict[tuple[str, str | None], ParsedPhone | None]
) -> pd.Series:
    key = map_distinct(column, phone_key)
    # A number written with "+" reads the same in every region: share its parse.
    context = region.where(~key.fillna("").str.startswith("+"), None)

    def parse(number: str, in_region: str | None) -> ParsedPhone | None:
        # Shops often repeat one number in both phone columns: parse it once for both.
        if (number, in_region) not in known:
            known[(number, in_region)] = parse_phone_key(number, in_region)
        return known[(number, in_region)]

    return map_distinct_pairs(key, context, parse)


def _contact_points_and_places(records: pd.DataFrame, default_region: str) -> dict[str, pd.Series]:
    given_country = map_distinct(records[s.COUNTRY], country_code)
    postcode_region = map_distinct_pairs(
        records[s.POSTAL_CODE], records[s.STATE], region_from_postcode
    )
    phone_region = given_country.where(given_country.notna(), postcode_region)
    phone_region = phone_region.where(phone_region.notna(), default_region)
    known: dict[tuple[str, str | None], ParsedPhone | None] = {}
    # The mobile is the customer's own; a "phone" is often a switchboard or a household line,
    # so it is only needed (and only parsed) where there is no valid mobile.
    phone = _parsed_phones(records[s.MOBILE_PHONE], phone_region, known)
    no_mobile = phone.isna()
    landline = _parsed_phones(records.loc[no_mobile, s.PHONE], phone_region[no_mobile], known)
    phone.loc[no_mobile] = landline
    phone_country = phone.map(lambda p: None if p is None else p.region)
    country = given_country.where(given_country.notna(), phone_country)
    country = country.where(country.notna(), postcode_region)
    postal_code = map_distinct_pairs(records[s.POSTAL_CODE], country, normalise_postcode)
    street = map_distinct(records[s.STREET], normalise_street)
    city = map_distinct(records[s.CITY], normalise_city)
    return {
        s.PHONE: phone.map(lambda p: None if p is None else p.e164),
        s.PHONE_NATIONAL: phone.map(lambda p: None if p is None else p.national),
        s.COUNTRY: country,
        s.POSTAL_CODE: postal_code,
        s.POSTCODE_STD: map_distinct(postal_code, compact_postcode),
        s.STREET: street,
        s.STREET_STD: map_distinct(street, fold_street),
        s.CITY: city,
        s.CITY_STD: map_distinct(city, fold_city),
    }


def _dates(records: pd.DataFrame) -> dict[str, pd.Series]:
    # Two sources may both export "customers.csv": a file is known by its source too.
    files = records[s.SOURCE_SYSTEM].fillna("") + "/" + records[s.SOURCE_FILE].fillna("")
    text = {c: records[c] for c in (s.DATE_OF_BIRTH, s.CREATED_AT, s.UPDATED_AT)}
    parts = {c: date_parts(t) for c, t in text.items()}
    hints = day_first_hints(files, parts.values())
    day_first = {c: hints.for_parts(p, files) for c, p in parts.items()}
    return {
        s.DATE_OF_BIRTH: map_distinct_pairs(
            text[s.DATE_OF_BIRTH],
            day_first[s.DATE_OF_BIRTH],
            lambda value, hint: parse_date_of_birth(value, bool(hint)),
        ),
        s.CREATED_AT: parse_timestamps(text[s.CREATED_AT], day_first[s.CREATED_AT]),
        s.UPDATED_AT: parse_timestamps(text[s.UPDATED_AT], day_first[s.UPDATED_AT]),
    }


def _values(records: pd.DataFrame) -> dict[str, pd.Series]:
    return {
        s.EMAIL_CONSENT: map_distinct(records[s.EMAIL_CONSENT], parse_consent),
        s.SMS_CONSENT: map_distinct(records[s.SMS_CONSENT], parse_consent),
        # Exact while parsed; the contact schema keeps total spent as float64.
        s.TOTAL_SPENT: map_distinct(records[s.TOTAL_SPENT], parse_money).astype("float64"),
        s.ORDER_COUNT: map_distinct(records[s.ORDER_COUNT], parse_count),
    }


def _provenance(records: pd.DataFrame) -> dict[str, pd.Series]:
    system = records[s.SOURCE_SYSTEM]
    record_id = records[s.SOURCE_RECORD_ID]
    line = pd.to_numeric(records[s.SOURCE_LINE], errors="coerce")
    return {
        s.RECORD_KEY: s.record_key(system, record_id),
        s.SOURCE_SYSTEM: system,
        s.SOURCE_RECORD_ID: record_id,
        s.SOURCE_FILE: records[s.SOURCE_FILE],
        # A reader always numbers its rows; 0 only marks a row handed over without a line.
        s.SOURCE_LINE: line.fillna(0).astype("int64"),
    }


def build_contacts(records: pd.DataFrame, default_region: str) -> pd.DataFrame:
    """Standardise every column of every record (usable or not).

    Args:
        records: Columns ``schema.RAW_COLUMNS``, text or None.
        default_region: Phone region when a record's country cannot be told.

    Returns:
        Columns ``schema.CONTACT_COLUMNS`` with their pandas dtypes, aligned on ``records``.
    """
    records = records.apply(as_text)
    columns: dict[str, pd.Series] = {}
    columns.update(_provenance(records))
    columns.update(_names(records))
    columns.update(_emails(records))
    columns.update(_contact_points_and_places(records, default_region))
    columns.update(_dates(records))
    columns.update(_values(records))
    contacts = pd.DataFrame(columns, index=records.index)[s.CONTACT_COLUMNS]
    return contacts.astype(pandas_dtypes())
