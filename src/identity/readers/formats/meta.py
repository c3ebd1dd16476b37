"""Meta (Facebook / Instagram) Lead Ads exports."""

from __future__ import annotations

from identity import schema as s
from identity.readers.formats._definition import LEADS, ExportFormat

_HEADER = (
    "id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id",
    "campaign_name", "form_id", "form_name", "is_organic", "platform", "lead_status",
)  # fmt: skip
# Meta's standard questions, by their English labels: each form asks some of them.
_META_QUESTIONS = {
    s.FULL_NAME: ("full_name",),
    s.FIRST_NAME: ("first_name",),
    s.LAST_NAME: ("last_name",),
    s.EMAIL: ("email",),
    s.PHONE: ("phone_number",),
    s.STREET: ("street_address",),
    s.CITY: ("city",),
    s.POSTAL_CODE: ("post_code", "zip_code"),
    s.DATE_OF_BIRTH: ("date_of_birth",),
}

# One file per lead form, the form's questions between the fixed columns and lead_status;
# created_time like 2026-09-04T11:17:13-05:00, platform fb / ig. Often UTF-16 and tabs.
META_LEADS = ExportFormat(
    name="Meta lead ads export",
    system="social",
    kind=LEADS,
    header=_HEADER,
    id_column="id",
    # A lead has one timestamp.
    fields={**_META_QUESTIONS, s.CREATED_AT: ("created_time",), s.UPDATED_AT: ("created_time",)},
    optional=tuple(column for columns in _META_QUESTIONS.values() for column in columns),
    custom_before="lead_status",
    # Type prefixes: lead, ad, ad set, campaign, form, phone and zip.
    prefixes={
        "id": "l:",
        "ad_id": "ag:",
        "adset_id": "as:",
        "campaign_id": "c:",
        "form_id": "f:",
        "phone_number": "p:",
        "zip_code": "z:",
    },
    encoding="utf-16-le",
    bom=True,
    delimiter="\t",
)
