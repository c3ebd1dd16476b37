"""Salesforce Contact exports: the Data Loader extract and the Weekly Data Export."""

from __future__ import annotations

from identity import schema as s
from identity.readers.formats._definition import CUSTOMERS, ExportFormat

# Data Loader / API extract: the columns source-formats.md lists as used.
_DATALOADER_HEADER = (
    "Id", "FirstName", "LastName", "Email", "Phone", "MobilePhone", "MailingStreet",
    "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry", "Birthdate", "Title",
    "HasOptedOutOfEmail", "CreatedDate", "LastModifiedDate",
)  # fmt: skip
# Weekly Data Export: the Contact fields in the object's own field order.
_WEEKLY_HEADER = (
    "Id", "IsDeleted", "MasterRecordId", "AccountId", "LastName", "FirstName", "Salutation",
    "MiddleName", "Suffix", "MailingStreet", "MailingCity", "MailingState", "MailingPostalCode",
    "MailingCountry", "Phone", "Fax", "MobilePhone", "HomePhone", "OtherPhone", "Email", "Title",
    "Department", "Birthdate", "LeadSource", "HasOptedOutOfEmail", "DoNotCall", "CreatedDate",
    "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp", "LastActivityDate",
)  # fmt: skip

_FIELDS = {
    s.FIRST_NAME: ("FirstName",),
    s.LAST_NAME: ("LastName",),
    s.EMAIL: ("Email",),
    s.PHONE: ("Phone",),
    s.MOBILE_PHONE: ("MobilePhone",),
    s.STREET: ("MailingStreet",),
    s.CITY: ("MailingCity",),
    s.STATE: ("MailingState",),
    s.POSTAL_CODE: ("MailingPostalCode",),
    s.COUNTRY: ("MailingCountry",),
    s.DATE_OF_BIRTH: ("Birthdate",),
    # An opt-OUT flag, unlike every other source's consent (see identity.readers.crm).
    s.EMAIL_CONSENT: ("HasOptedOutOfEmail",),
    s.CREATED_AT: ("CreatedDate",),
    s.UPDATED_AT: ("LastModifiedDate",),
}

# Every field quoted, booleans true/false, datetimes 2026-09-02T22:07:23.000Z, a BOM.
SALESFORCE_CONTACTS = ExportFormat(
    name="Salesforce Contact export (Data Loader)",
    system="crm",
    kind=CUSTOMERS,
    header=_DATALOADER_HEADER,
    id_column="Id",
    fields=_FIELDS,
    bom=True,
    quote_all=True,
)

# Every field quoted, booleans "0"/"1", datetimes 2023-02-07 20:44:05, CRLF; deleted and
# merged contacts (IsDeleted, MasterRecordId) are in it too.
SALESFORCE_WEEKLY_CONTACTS = ExportFormat(
    name="Salesforce Contact export (Weekly Data Export)",
    system="crm",
    kind=CUSTOMERS,
    header=_WEEKLY_HEADER,
    id_column="Id",
    fields={
        **_FIELDS,
        # HomePhone, then OtherPhone, stand in for a contact with neither Phone nor MobilePhone.
        s.PHONE: ("Phone", "HomePhone", "OtherPhone"),
        s.IS_DELETED: ("IsDeleted",),
    },
    quote_all=True,
    lineterminator="\r\n",
)
