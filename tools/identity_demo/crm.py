"""Salesforce Contact exports: a Data Loader extract and a Weekly Data Export."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from identity.readers.formats import SALESFORCE_CONTACTS, SALESFORCE_WEEKLY_CONTACTS
from identity_demo.common import (
    REFERENCE,
    SourceOutput,
    ordered,
    random_datetime,
    stream,
    write_export,
)
from identity_demo.ids import SalesforceIds
from identity_demo.phones import Phone, format_phone
from identity_demo.places import COUNTRY_NAMES
from identity_demo.records import Record

DATALOADER_FILE = "contacts_dataloader.csv"
WEEKLY_FILE = "contacts_weekly_export.csv"
FILE_PATTERNS = (DATALOADER_FILE, WEEKLY_FILE)

DATALOADER_HEADER = SALESFORCE_CONTACTS.header_with()
# Our org's custom Contact field, exported after the standard ones.
WEEKLY_HEADER = SALESFORCE_WEEKLY_CONTACTS.header_with(["Loyalty_Tier__c"])

WEEKLY_SHARE = 0.4
DELETED_SHARE = 0.005
_MIDDLE_NAMES = {
    "fr_FR": ("Marie", "Pierre", "Louis", "Anne", "Jean"),
    "en_GB": ("James", "Anne", "Louise", "John", "Elizabeth"),
    "en_US": ("Lee", "Marie", "Michael", "Ann", "Ray", "Lynn"),
}
_LEAD_SOURCES = ("", "Web", "Phone Inquiry", "Partner Referral", "Trade Show", "Other")
_TIERS = ("", "", "Bronze", "Silver", "Gold", "Platinum")


def _api_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _export_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _phones(rng: random.Random, record: Record) -> tuple[str, str, str]:
    """Phone, MobilePhone and HomePhone as a sales rep would fill them."""
    if record.mobile is None:
        return "", "", ""
    style = record.phone_style or "national"

    def text(phone: Phone) -> str:
        return format_phone(phone, style, record.phone_extension)

    if record.landline is not None and rng.random() < 0.5:
        mobile = text(record.mobile) if rng.random() < 0.7 else ""
        return text(record.landline), mobile, ""
    home = text(record.landline) if record.landline is not None else ""
    if rng.random() < 0.5:
        return text(record.mobile), "", home
    return "", text(record.mobile), home


def _street(rng: random.Random, record: Record) -> str:
    street, second = record.address.street, record.address.street2
    if not second:
        return street
    # Most reps press Enter for the second line: a raw line break inside the quoted field.
    return f"{street}\n{second}" if rng.random() < 0.6 else f"{street}, {second}"


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = stream(seed, "crm")
        self.ids = SalesforceIds(self.rng)
        accounts = SalesforceIds(self.rng, prefix="001")
        users = SalesforceIds(self.rng, prefix="005")
        self.accounts = [accounts.next() for _ in range(40)]
        self.users = [users.next() for _ in range(5)]

    def common(self, record: Record) -> dict[str, str]:
        rng = self.rng
        address = record.address
        phone, mobile, home = _phones(rng, record)
        return {
            "FirstName": record.first_name,
            "LastName": record.last_name,
            "Email": record.email,
            "Phone": phone,
            "MobilePhone": mobile,
            "HomePhone": home,
            "MailingStreet": _street(rng, record),
            "MailingCity": address.city,
            "MailingState": address.state,
            "MailingPostalCode": address.postcode,
            "MailingCountry": "" if record.country_missing else COUNTRY_NAMES[address.country],
            "Birthdate": record.date_of_birth.isoformat() if record.date_of_birth else "",
            "Title": record.person.job if rng.random() < 0.4 else "",
        }

    def dataloader_row(self, contact_id: str, record: Record) -> list[str]:
        values = self.common(record)
        del values["HomePhone"]  # not a column of the Data Loader extract
        values.update(
            Id=contact_id,
            HasOptedOutOfEmail="false" if record.email_consent else "true",
            CreatedDate=_api_time(record.created),
            LastModifiedDate=_api_time(record.modified),
        )
        return ordered(DATALOADER_HEADER, values)

    def weekly_row(
        self, contact_id: str, record: Record, deleted: bool = False, master: str = ""
    ) -> list[str]:
        rng = self.rng
        person = record.person
        values = self.common(record)
        salutation = ""
        if rng.random() < 0.75:
            salutation = rng.choice(("Ms.", "Mrs.", "Dr.")) if person.female else "Mr."
        suffix = ""
        if person.locale == "en_US" and not person.female and rng.random() < 0.03:
            suffix = rng.choice(("Jr.", "III"))
        modified = record.modified
        if deleted:  # merged away recently
            modified = random_datetime(rng, record.modified, REFERENCE)
        activity = random_datetime(rng, record.created, REFERENCE).date().isoformat()
        user = rng.choice(self.users)
        values.update(
            Id=contact_id,
            IsDeleted="1" if deleted else "0",
            MasterRecordId=master,
            AccountId=rng.choice(self.accounts) if rng.random() < 0.7 else "",
            Salutation=salutation,
            MiddleName=rng.choice(_MIDDLE_NAMES[person.locale]) if rng.random() < 0.15 else "",
            Suffix=suffix,
            LeadSource=rng.choice(_LEAD_SOURCES),
            HasOptedOutOfEmail="0" if record.email_consent else "1",
            DoNotCall="1" if rng.random() < 0.05 else "0",
            CreatedDate=_export_time(record.created),
            CreatedById=rng.choice(self.users),
            LastModifiedDate=_export_time(modified),
            LastModifiedById=user,
            SystemModstamp=_export_time(modified),
            LastActivityDate=activity if rng.random() < 0.6 else "",
            Loyalty_Tier__c=rng.choice(_TIERS),
        )
        return ordered(WEEKLY_HEADER, values)


def write_crm(records: list[Record], folder: Path, seed: int) -> SourceOutput:
    """Write the Salesforce contacts of ``records`` into ``folder``.

    Contacts are split between a Data Loader extract (UTF-8 with BOM, ``true``/``false``, ISO
    instants) and a Weekly Data Export (UTF-8, ``0``/``1``, more columns, a few deleted rows).

    Args:
        records: CRM records, any order.
        folder: The ``crm`` landing folder (must exist).
        seed: Seed of the run.

    Returns:
        Files written and the ids of live contacts.
    """
    writer = _Writer(seed)
    rng = writer.rng
    ordered = sorted(records, key=lambda record: (record.created, record.entity_id))
    loader_rows: list[list[str]] = []
    weekly_rows: list[list[str]] = []
    ids: list[tuple[str, str]] = []
    live: list[tuple[str, Record]] = []
    for record in ordered:
        contact_id = writer.ids.next()
        live.append((contact_id, record))
        ids.append((contact_id, record.entity_id))
        if rng.random() < WEEKLY_SHARE:
            weekly_rows.append(writer.weekly_row(contact_id, record))
        else:
            loader_rows.append(writer.dataloader_row(contact_id, record))
    deletions = round(DELETED_SHARE * len(ordered)) or (1 if len(ordered) >= 50 else 0)
    for _ in range(deletions):
        # A duplicate merged into a live contact: deleted, pointing at its master.
        master, record = rng.choice(live)
        copy_created = random_datetime(rng, record.created, REFERENCE - timedelta(days=2))
        deleted = replace(record, created=copy_created, modified=copy_created)
        pointer = master if rng.random() < 0.6 else ""
        weekly_rows.append(writer.weekly_row(writer.ids.next(), deleted, True, pointer))
    loader = folder / DATALOADER_FILE
    weekly = folder / WEEKLY_FILE
    write_export(loader, SALESFORCE_CONTACTS, loader_rows, DATALOADER_HEADER)
    write_export(weekly, SALESFORCE_WEEKLY_CONTACTS, weekly_rows, WEEKLY_HEADER)
    return SourceOutput(files=[loader, weekly], ids=ids)
