"""Meta (Facebook / Instagram) Lead Ads exports.

Often UTF-16 and tab-separated (handled by decoding and delimiter detection). Values carry type
prefixes that are export artefacts: ``l:`` on lead ids, ``p:`` on phones, ``z:`` on zips. Forms
may keep localized labels (``nom_complet``, ``téléphone``), matched accent-folded. Test leads
(``<test lead: dummy data ...>``) are returned like any lead; standardisation quarantines them.
A lead has one timestamp, ``created_time``: it is both ``created_at`` and ``updated_at``.
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, clean_ids, unapostrophe, unprefix
from identity.schema import (
    CITY,
    COUNTRY,
    CREATED_AT,
    DATE_OF_BIRTH,
    EMAIL,
    FIRST_NAME,
    FULL_NAME,
    LAST_NAME,
    PHONE,
    POSTAL_CODE,
    STREET,
    UPDATED_AT,
)


def map_leads(columns: Columns) -> Mapped:
    """Map Meta lead form columns (English or French labels) onto the raw schema.

    Args:
        columns: A lead export's columns.

    Returns:
        Ids from ``id`` without ``l:``.
    """
    created = columns.values("created_time")
    return Mapped(
        ids=clean_ids(columns.values("id"), prefix="l:"),
        attributes={
            FULL_NAME: columns.values("full_name", "nom_complet"),
            FIRST_NAME: columns.values("first_name", "prénom"),
            LAST_NAME: columns.values("last_name", "nom"),
            EMAIL: columns.values("email"),
            PHONE: unprefix(
                unapostrophe(columns.values("phone_number", "téléphone", "telephone")), "p:"
            ),
            STREET: columns.values("street_address"),
            CITY: columns.values("city", "ville"),
            POSTAL_CODE: unprefix(
                unapostrophe(columns.values("post_code", "zip_code", "code_postal")), "z:"
            ),
            DATE_OF_BIRTH: columns.values("date_of_birth"),
            COUNTRY: columns.values("country"),
            CREATED_AT: created,
            UPDATED_AT: list(created),
        },
    )


SPEC = SourceSpec(
    system="social",
    export_name="Meta lead ads export",
    id_column="id",
    mapper=map_leads,
    # Every lead export has created_time; a Salesforce file (also "Id") does not.
    required=("created_time",),
)
