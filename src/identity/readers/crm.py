"""Salesforce Contact exports (Data Loader / API style and Weekly Data Export style).

Both styles are read by header name: Data Loader quotes every field and writes ``true``/``false``;
the Weekly Export has many more columns and writes ``"0"``/``"1"``.

Variants: ``HomePhone`` then ``OtherPhone`` stand in for the phone when ``Phone`` and
``MobilePhone`` are both empty; the ``Other*`` address stands in, as a whole, when every
``Mailing*`` column of the row is empty (mixing two addresses would make one that does not
exist); ``MailingCountryCode`` when ``MailingCountry`` is empty.

Consent: Salesforce exports ``HasOptedOutOfEmail``, an opt-OUT flag, the inverse of every other
source's consent. So that standardisation cannot misread it, ``email_consent`` holds it as
``"optout:<text as exported>"`` (``"optout:true"`` means the contact did NOT consent).
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, Values, clean_ids, unapostrophe
from identity.readers.formats import SALESFORCE_CONTACTS, SALESFORCE_WEEKLY_CONTACTS
from identity.schema import (
    CITY,
    COUNTRY,
    CREATED_AT,
    DATE_OF_BIRTH,
    EMAIL,
    EMAIL_CONSENT,
    FIRST_NAME,
    IS_DELETED,
    LAST_NAME,
    MOBILE_PHONE,
    PHONE,
    POSTAL_CODE,
    STATE,
    STREET,
    UPDATED_AT,
)

OPT_OUT_PREFIX = "optout:"
_DELETED = frozenset({"true", "1"})

# Both export styles name their columns alike; the Weekly Export has more of them.
_ID = SALESFORCE_CONTACTS.id_column
_FIELDS = SALESFORCE_WEEKLY_CONTACTS.fields

# Address parts in raw-schema order, as (mailing, other) column names; a state or a country
# may also come as an ISO code.
_ADDRESS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    STREET: (_FIELDS[STREET], ("OtherStreet",)),
    CITY: (_FIELDS[CITY], ("OtherCity",)),
    STATE: ((*_FIELDS[STATE], "MailingStateCode"), ("OtherState", "OtherStateCode")),
    POSTAL_CODE: (_FIELDS[POSTAL_CODE], ("OtherPostalCode",)),
    COUNTRY: ((*_FIELDS[COUNTRY], "MailingCountryCode"), ("OtherCountry", "OtherCountryCode")),
}

# Both styles' columns, then further standard Contact fields seen in Weekly Exports.
COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *SALESFORCE_CONTACTS.header,
            *SALESFORCE_WEEKLY_CONTACTS.header,
            "Name", "MailingStateCode", "MailingCountryCode", "MailingLatitude",
            "MailingLongitude", "OtherStreet", "OtherCity", "OtherState", "OtherStateCode",
            "OtherPostalCode", "OtherCountry", "OtherCountryCode", "AssistantPhone",
            "AssistantName", "ReportsToId", "HasOptedOutOfFax", "OwnerId", "LastCURequestDate",
            "LastCUUpdateDate", "LastViewedDate", "LastReferencedDate", "EmailBouncedReason",
            "EmailBouncedDate", "IsEmailBounced", "Jigsaw", "JigsawContactId", "Description",
            "PhotoUrl", "IndividualId",
        )
    )
)  # fmt: skip


def map_contacts(columns: Columns) -> Mapped:
    """Map Salesforce Contact columns onto the raw schema.

    Args:
        columns: A Contact export's columns.

    Returns:
        Ids from ``Id``; rows with ``IsDeleted`` true/1 are flagged as deletions.
    """
    opt_out = columns.values(*_FIELDS[EMAIL_CONSENT])
    is_deleted = columns.values(*_FIELDS[IS_DELETED])
    phone_column, *home_columns = _FIELDS[PHONE]
    phone = unapostrophe(columns.values(phone_column))
    mobile = unapostrophe(columns.values(*_FIELDS[MOBILE_PHONE]))
    # HomePhone, else OtherPhone: only for a contact with neither Phone nor MobilePhone.
    home = unapostrophe(columns.values(*home_columns))
    return Mapped(
        ids=clean_ids(columns.values(_ID)),
        attributes={
            FIRST_NAME: columns.values(*_FIELDS[FIRST_NAME]),
            LAST_NAME: columns.values(*_FIELDS[LAST_NAME]),
            EMAIL: columns.values(*_FIELDS[EMAIL]),
            PHONE: [p or (None if m else h) for p, m, h in zip(phone, mobile, home, strict=True)],
            MOBILE_PHONE: mobile,
            **address(columns),
            DATE_OF_BIRTH: columns.values(*_FIELDS[DATE_OF_BIRTH]),
            EMAIL_CONSENT: [None if v is None else f"{OPT_OUT_PREFIX}{v}" for v in opt_out],
            CREATED_AT: columns.values(*_FIELDS[CREATED_AT]),
            UPDATED_AT: columns.values(*_FIELDS[UPDATED_AT]),
            IS_DELETED: is_deleted,
        },
        deleted=[v is not None and v.strip().casefold() in _DELETED for v in is_deleted],
    )


def address(columns: Columns) -> dict[str, Values]:
    """Return the mailing address, or per row the ``Other*`` address when it has none.

    Args:
        columns: A Contact export's columns.

    Returns:
        Street, city, state, postal code and country per row, all from one of the two addresses.
    """
    mailing = {key: columns.values(*names) for key, (names, _) in _ADDRESS.items()}
    mailing[POSTAL_CODE] = unapostrophe(mailing[POSTAL_CODE])
    if not any(columns.has(name) for _, others in _ADDRESS.values() for name in others):
        return mailing
    other = {key: columns.values(*names) for key, (_, names) in _ADDRESS.items()}
    other[POSTAL_CODE] = unapostrophe(other[POSTAL_CODE])
    empty = [not any(parts) for parts in zip(*mailing.values(), strict=True)]
    return {
        key: [o if use else m for m, o, use in zip(mailing[key], other[key], empty, strict=True)]
        for key in _ADDRESS
    }


SPEC = SourceSpec(
    system="crm",
    export_name="Salesforce Contact export",
    id_column=_ID,
    mapper=map_contacts,
    # Meta lead exports also have an "id" column: a Contact export has Contact-only fields too.
    any_of=(
        "LastName",
        "FirstName",
        "MailingStreet",
        "MailingCity",
        "MailingState",
        "MailingPostalCode",
        "MailingCountry",
        "MailingCountryCode",
        "OtherStreet",
        "OtherCity",
        "OtherPostalCode",
        "OtherCountry",
        "MobilePhone",
        "HomePhone",
        "OtherPhone",
        "Birthdate",
        "HasOptedOutOfEmail",
        "CreatedDate",
        "LastModifiedDate",
        "IsDeleted",
        "AccountId",
    ),
    columns=COLUMNS,
)
