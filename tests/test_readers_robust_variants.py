"""Issue 13: vendor variants listed in source-formats.md are read, not quarantined.

Salesforce ``HomePhone``/``OtherPhone`` and the ``Other*`` address, Square ``Surname``, and Meta
lead forms whose questions keep their labels in English, French, German, Spanish, Italian or
Portuguese. Each test checks the values read and that every physical record of the file is a
contact or a quarantined row.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from identity.readers import SourceBatch, read_source
from identity.readers.formats import META_LEADS, SQUARE_CUSTOMERS
from identity.standardise.batches import Standardised, standardise_sources
from support.bad_input_files import (
    CRM_HEADER,
    crm_export,
    crm_id,
    crm_row,
    square_export,
    square_id,
    square_row,
    to_csv,
    utf8,
    utf8_bom,
)
from support.counting import physical_records


def read_and_balance(source: str, folder: Path) -> tuple[SourceBatch, Standardised]:
    """Read a folder and standardise it; every physical record must be accounted for."""
    batch = read_source(source, folder)
    result = standardise_sources([batch])
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if data.startswith(codecs.BOM_UTF16_LE):
            starts = physical_records(data, "utf-16", "\t")
        else:
            starts = physical_records(data)
        counts = result.files.set_index("file").loc[path.name]
        assert counts["rows_read"] == len(starts), path.name
        assert counts["rows_linked"] + counts["rows_quarantined"] == len(starts), path.name
    assert result.balanced
    return batch, result


def by_id(frame: pd.DataFrame, record_id: str) -> dict[str, object]:
    rows = frame[frame["source_record_id"] == record_id]
    assert len(rows) == 1, record_id
    return {k: (None if v is pd.NA else v) for k, v in rows.iloc[0].to_dict().items()}


OTHER_COLUMNS = ["HomePhone", "OtherPhone", "MailingCountryCode", "OtherStreet", "OtherCity"]
OTHER_COLUMNS += ["OtherState", "OtherPostalCode", "OtherCountry"]
NO_MAILING = {
    "MailingStreet": "",
    "MailingCity": "",
    "MailingState": "",
    "MailingPostalCode": "",
    "MailingCountry": "",
}


def test_salesforce_home_and_other_phones_and_the_other_address(tmp_path: Path) -> None:
    alone = {"LastName": "", "Email": "", "Phone": "", "Birthdate": ""}
    rows = [
        # Only a home phone: usable through it (issue 13 saw such contacts quarantined).
        crm_row(0, **alone, **NO_MAILING, HomePhone="(312) 555-0199"),
        crm_row(1, **alone, **NO_MAILING, OtherPhone="312-555-0177"),
        # A mobile is a phone already: the home phone does not stand in for Phone.
        crm_row(2, Phone="", MobilePhone="(312) 555-0111", HomePhone="(312) 555-0122"),
        crm_row(3, Phone="(312) 555-0100", HomePhone="(312) 555-0133"),
        # No mailing address at all: the Other address, as a whole.
        crm_row(
            4,
            **alone,
            **NO_MAILING,
            OtherStreet="9 Rue de la Paix",
            OtherCity="Paris",
            OtherPostalCode="'75002",
            OtherCountry="France",
        ),
        # A mailing address with only a city is still the mailing address: never mixed.
        crm_row(
            5, **{**NO_MAILING, "MailingCity": "Lyon"}, OtherStreet="1 Other St", OtherCity="Nice"
        ),
        crm_row(6, MailingCountry="", MailingCountryCode="FR", MailingPostalCode="75011"),
    ]
    header = [*CRM_HEADER, *OTHER_COLUMNS]
    (tmp_path / "contacts.csv").write_bytes(utf8_bom(crm_export(rows, header=header)))

    batch, result = read_and_balance("crm", tmp_path)

    raw = batch.records
    assert [by_id(raw, crm_id(n))["phone"] for n in range(4)] == [
        "(312) 555-0199",
        "312-555-0177",
        None,
        "(312) 555-0100",
    ]
    assert by_id(raw, crm_id(2))["mobile_phone"] == "(312) 555-0111"
    paris = by_id(raw, crm_id(4))
    assert (paris["street"], paris["city"], paris["postal_code"], paris["country"]) == (
        "9 Rue de la Paix",
        "Paris",
        "75002",
        "France",
    )
    lyon = by_id(raw, crm_id(5))
    assert (lyon["street"], lyon["city"]) == (None, "Lyon")
    assert by_id(raw, crm_id(6))["country"] == "FR"
    contacts = result.contacts
    assert result.quarantine.empty
    assert by_id(contacts, crm_id(0))["phone"] == "+13125550199"
    assert by_id(contacts, crm_id(1))["phone"] == "+13125550177"
    assert (by_id(contacts, crm_id(4))["country"], by_id(contacts, crm_id(4))["city"]) == (
        "FR",
        "Paris",
    )


def test_square_surname_for_last_name(tmp_path: Path) -> None:
    header = SQUARE_CUSTOMERS.header_with(renamed=True)
    rows = [{**square_row(n), "Surname": square_row(n)["Last Name"]} for n in range(3)]
    (tmp_path / "export.csv").write_bytes(utf8(square_export(rows, header=header)))

    batch, result = read_and_balance("pos", tmp_path)

    assert batch.records["last_name"].tolist() == ["Gonzalez", "Dupont", "Muller"]
    assert sorted(result.contacts["source_record_id"]) == [square_id(n) for n in range(3)]


# One lead form per language: label per attribute as Meta writes it for a localized form.
LOCALIZED: dict[str, dict[str, str]] = {
    "en": {
        "full_name": "full_name",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone_number",
        "city": "city",
        "postal_code": "post_code",
        "street": "street_address",
        "date_of_birth": "date_of_birth",
    },
    "fr": {
        "full_name": "nom_complet",
        "first_name": "prénom",
        "last_name": "nom",
        "email": "adresse_e-mail",
        "phone": "numéro_de_téléphone",
        "city": "ville",
        "postal_code": "code_postal",
        "street": "adresse",
        "date_of_birth": "date_de_naissance",
    },
    "de": {
        "full_name": "vollständiger_name",
        "first_name": "vorname",
        "last_name": "nachname",
        "email": "e-mail-adresse",
        "phone": "telefonnummer",
        "city": "stadt",
        "postal_code": "postleitzahl",
        "street": "straße",
        "date_of_birth": "geburtsdatum",
    },
    "es": {
        "full_name": "nombre_completo",
        "first_name": "nombre",
        "last_name": "apellido",
        "email": "correo_electrónico",
        "phone": "número_de_teléfono",
        "city": "ciudad",
        "postal_code": "código_postal",
        "street": "dirección",
        "date_of_birth": "fecha_de_nacimiento",
    },
    "it": {
        "full_name": "nome_completo",
        "first_name": "nome",
        "last_name": "cognome",
        "email": "e-mail",
        "phone": "numero_di_telefono",
        "city": "città",
        "postal_code": "cap",
        "street": "indirizzo",
        "date_of_birth": "data_di_nascita",
    },
    "pt": {
        "full_name": "nome_completo",
        "first_name": "nome",
        "last_name": "sobrenome",
        "email": "e-mail",
        "phone": "telefone",
        "city": "cidade",
        "postal_code": "código_postal",
        "street": "endereço",
        "date_of_birth": "data_de_nascimento",
    },
}


def lead_values(n: int, language: str) -> dict[str, str]:
    """What lead ``n`` of the ``language`` form answered, keyed by attribute."""
    return {
        "full_name": f"Ana Silva {language}",
        "first_name": "Ana",
        "last_name": f"Silva{n}",
        "email": f"ana.{language}{n}@correio-ana.pt",
        "phone": f"+3361234{n:04d}",
        "city": "Lisboa",
        "postal_code": f"1000-{n:03d}",
        "street": f"Rua {n}",
        "date_of_birth": "1990-02-03",
    }


@pytest.mark.parametrize("language", sorted(LOCALIZED))
def test_meta_localized_labels(language: str, tmp_path: Path) -> None:
    labels = LOCALIZED[language]
    # German forms capitalise their labels ("E-Mail-Adresse"); matching folds case and accents.
    shown = {k: (v.capitalize() if language == "de" else v) for k, v in labels.items()}
    header = META_LEADS.header_with([*shown.values(), "wie_haben_sie_uns_gefunden?"])
    rows = []
    for n in range(3):
        answers = lead_values(n, language)
        row = {shown[k]: v for k, v in answers.items()}
        row[shown["phone"]] = f"p:{answers['phone']}"
        row[shown["postal_code"]] = f"z:{answers['postal_code']}"
        row.update(id=f"l:9{language}{n}", created_time="2026-09-04T11:17:13-05:00")
        row.update(form_id="f:1", platform="fb", lead_status="CREATED", is_organic="false")
        rows.append(row)
    text = to_csv(header, rows, delimiter="\t")
    (tmp_path / f"leads_{language}.csv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))

    batch, result = read_and_balance("social", tmp_path)

    for n in range(3):
        record = by_id(batch.records, f"9{language}{n}")
        assert {k: record[k] for k in labels} == lead_values(n, language)
    assert result.quarantine.empty
    assert sorted(result.contacts["email"]) == [
        f"ana.{language}{n}@correio-ana.pt" for n in range(3)
    ]
    assert result.contacts["phone"].tolist() == [f"+3361234{n:04d}" for n in range(3)]
