"""Meta (Facebook / Instagram) Lead Ads exports.

Often UTF-16 and tab-separated (handled by decoding and delimiter detection). Values carry type
prefixes that are export artefacts: ``l:`` on lead ids, ``p:`` on phones, ``z:`` on zips. Forms
may keep their questions' labels in the form's language; ``LABELS`` lists them (English, French,
German, Spanish, Italian, Portuguese), matched accent-folded and case-insensitively, so
``téléphone`` and ``TELEPHONE`` are one label. Test leads (``<test lead: dummy data ...>``) are
returned like any lead; standardisation quarantines them. A lead has one timestamp,
``created_time``: it is both ``created_at`` and ``updated_at``.
"""

from __future__ import annotations

from identity.readers._assemble import Mapped, SourceSpec
from identity.readers._columns import Columns, clean_ids, unapostrophe, unprefix
from identity.readers.formats import META_LEADS
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

_FIELDS = META_LEADS.fields

# Per attribute, the labels Meta writes for the standard questions, English first (from the
# format), then French, German, Spanish, Italian and Portuguese. A lead form holds one
# language, so the order only matters for a form that asks twice (a phone and a mobile): the
# first non-blank answer wins.
LABELS: dict[str, tuple[str, ...]] = {
    FULL_NAME: (
        *_FIELDS[FULL_NAME], "nom_complet", "nom_et_prénom", "vollständiger_name",
        "nombre_completo", "nome_completo", "nome_e_cognome",
    ),
    FIRST_NAME: (*_FIELDS[FIRST_NAME], "prénom", "vorname", "nombre", "nome", "primeiro_nome"),
    LAST_NAME: (
        *_FIELDS[LAST_NAME], "nom", "nom_de_famille", "nachname", "familienname", "apellido",
        "apellidos", "cognome", "sobrenome", "apelido", "último_nome",
    ),
    EMAIL: (
        *_FIELDS[EMAIL], "e-mail", "adresse_e-mail", "adresse_email", "e-mail-adresse",
        "e-mail_adresse", "correo_electrónico", "correo", "indirizzo_email",
        "indirizzo_e-mail", "endereço_de_e-mail", "endereço_de_email",
    ),
    PHONE: (
        *_FIELDS[PHONE], "phone", "numéro_de_téléphone", "téléphone", "telefonnummer",
        "telefon", "handynummer", "número_de_teléfono", "teléfono", "numero_di_telefono",
        "telefono", "número_de_telefone", "telefone", "telemóvel", "celular",
    ),
    STREET: (
        *_FIELDS[STREET], "adresse", "adresse_postale", "straße", "straße_und_hausnummer",
        "anschrift", "dirección", "dirección_postal", "indirizzo", "endereço", "morada",
    ),
    CITY: (*_FIELDS[CITY], "ville", "stadt", "ort", "wohnort", "ciudad", "città", "cidade"),
    POSTAL_CODE: (
        *_FIELDS[POSTAL_CODE], "postal_code", "code_postal", "postleitzahl", "plz",
        "código_postal", "codice_postale", "cap", "cep",
    ),
    DATE_OF_BIRTH: (
        *_FIELDS[DATE_OF_BIRTH], "date_de_naissance", "geburtsdatum", "fecha_de_nacimiento",
        "data_di_nascita", "data_de_nascimento",
    ),
    COUNTRY: ("country", "pays", "land", "país", "paese"),
}  # fmt: skip

# The columns every lead export has around the form's questions, then the questions' labels.
COLUMNS: tuple[str, ...] = (
    *META_LEADS.header,
    *(label for labels in LABELS.values() for label in labels),
)
# The prefixes Meta puts on a lead id, a phone and a zip: removed under any of the labels.
_ID_PREFIX = META_LEADS.prefix(META_LEADS.id_column)
_PHONE_PREFIX = META_LEADS.prefix(_FIELDS[PHONE][0])
_ZIP_PREFIX = next(META_LEADS.prefix(c) for c in _FIELDS[POSTAL_CODE] if META_LEADS.prefix(c))


def map_leads(columns: Columns) -> Mapped:
    """Map Meta lead form columns (standard questions, in any language of ``LABELS``).

    Args:
        columns: A lead export's columns.

    Returns:
        Ids from ``id`` without ``l:``.
    """
    created = columns.values(*_FIELDS[CREATED_AT])
    return Mapped(
        ids=clean_ids(columns.values(META_LEADS.id_column), prefix=_ID_PREFIX),
        attributes={
            FULL_NAME: columns.values(*LABELS[FULL_NAME]),
            FIRST_NAME: columns.values(*LABELS[FIRST_NAME]),
            LAST_NAME: columns.values(*LABELS[LAST_NAME]),
            EMAIL: columns.values(*LABELS[EMAIL]),
            PHONE: unprefix(unapostrophe(columns.values(*LABELS[PHONE])), _PHONE_PREFIX),
            STREET: columns.values(*LABELS[STREET]),
            CITY: columns.values(*LABELS[CITY]),
            POSTAL_CODE: unprefix(unapostrophe(columns.values(*LABELS[POSTAL_CODE])), _ZIP_PREFIX),
            DATE_OF_BIRTH: columns.values(*LABELS[DATE_OF_BIRTH]),
            COUNTRY: columns.values(*LABELS[COUNTRY]),
            CREATED_AT: created,
            UPDATED_AT: list(created),
        },
    )


SPEC = SourceSpec(
    system="social",
    export_name=META_LEADS.name,
    id_column=META_LEADS.id_column,
    mapper=map_leads,
    # Every lead export has created_time; a Salesforce file (also "Id") does not.
    required=_FIELDS[CREATED_AT],
    columns=COLUMNS,
)
