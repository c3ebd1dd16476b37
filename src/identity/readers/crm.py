"""Salesforce Contact exports (Data Loader / API style and Weekly Data Export style).

Both styles are read by header name: Data Loader quotes every field and writes ``true``/``false``;
the Weekly Export has many more columns and writes ``"0"``/``"1"``.

Consent: Salesforce exports ``HasOptedOutOfEmail``, an opt-OUT flag, the inverse of every other
source's consent. So that standardisation cannot misread it, ``email_consent`` holds it as
``"optout:<text as exported>"`` (``"optout:true"`` means the contact did NOT consent).
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, clean_ids, unapostrophe
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


def map_contacts(columns: Columns) -> Mapped:
    """Map Salesforce Contact columns onto the raw schema.

    Args:
        columns: A Contact export's columns.

    Returns:
        Ids from ``Id``; rows with ``IsDeleted`` true/1 are flagged as deletions.
    """
    opt_out = columns.values("HasOptedOutOfEmail")
    is_deleted = columns.values("IsDeleted")
    return Mapped(
        ids=clean_ids(columns.values("Id")),
        attributes={
            FIRST_NAME: columns.values("FirstName"),
            LAST_NAME: columns.values("LastName"),
            EMAIL: columns.values("Email"),
            PHONE: unapostrophe(columns.values("Phone")),
            MOBILE_PHONE: unapostrophe(columns.values("MobilePhone")),
            STREET: columns.values("MailingStreet"),
            CITY: columns.values("MailingCity"),
            STATE: columns.values("MailingState"),
            POSTAL_CODE: unapostrophe(columns.values("MailingPostalCode")),
            COUNTRY: columns.values("MailingCountry", "MailingCountryCode"),
            DATE_OF_BIRTH: columns.values("Birthdate"),
            EMAIL_CONSENT: [None if v is None else f"{OPT_OUT_PREFIX}{v}" for v in opt_out],
            CREATED_AT: columns.values("CreatedDate"),
            UPDATED_AT: columns.values("LastModifiedDate"),
            IS_DELETED: is_deleted,
        },
        deleted=[v is not None and v.strip().casefold() in _DELETED for v in is_deleted],
    )


SPEC = SourceSpec(
    system="crm",
    export_name="Salesforce Contact export",
    id_column="Id",
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
        "MobilePhone",
        "Birthdate",
        "HasOptedOutOfEmail",
        "CreatedDate",
        "LastModifiedDate",
        "IsDeleted",
        "AccountId",
    ),
)
