"""Readers on small committed fixtures in each vendor's real export format."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from identity.readers import SourceBatch, read_source
from identity.schema import RAW_COLUMNS

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


def assert_balanced(batch: SourceBatch) -> None:
    """Every file's rows_read is its records plus its quarantined rows."""
    for file, rows_read, quarantined in batch.files.itertuples(index=False):
        records = int((batch.records["source_file"] == file).sum())
        in_quarantine = int((batch.quarantine["file"] == file).sum())
        assert quarantined == in_quarantine, file
        assert rows_read == records + in_quarantine, file


def by_id(batch: SourceBatch, record_id: str) -> dict[str, object]:
    rows = batch.records[batch.records["source_record_id"] == record_id]
    assert len(rows) == 1, record_id
    return rows.iloc[0].to_dict()


@pytest.fixture(scope="module")
def crm() -> SourceBatch:
    return read_source("crm", FIXTURES / "crm")


@pytest.fixture(scope="module")
def shop() -> SourceBatch:
    return read_source("ecommerce", FIXTURES / "ecommerce")


@pytest.fixture(scope="module")
def square() -> SourceBatch:
    return read_source("pos", FIXTURES / "pos")


@pytest.fixture(scope="module")
def meta() -> SourceBatch:
    return read_source("social", FIXTURES / "social")


def test_records_have_exactly_the_raw_columns_and_only_text(
    crm: SourceBatch, shop: SourceBatch, square: SourceBatch, meta: SourceBatch
) -> None:
    for batch in (crm, shop, square, meta):
        assert list(batch.records.columns) == RAW_COLUMNS
        assert list(batch.quarantine.columns) == ["source_system", "file", "line", "raw", "reason"]
        assert list(batch.files.columns) == ["file", "rows_read", "rows_quarantined"]
        values = batch.records.to_numpy().ravel().tolist()
        assert all(v is None or isinstance(v, str) for v in values)
        assert set(batch.records["source_system"]) == {batch.source_system}
        assert_balanced(batch)


def test_salesforce_data_loader_multiline_street_and_line_numbers(crm: SourceBatch) -> None:
    maria = by_id(crm, "0035g00000AbCdEAA1")
    assert maria["street"] == "123 Main St\nApt 4B"
    assert maria["source_line"] == "2"
    assert maria["source_file"] == "contacts_dataloader.csv"
    # The quoted line break pushes the next record to physical line 4.
    assert by_id(crm, "0035g00000AbCdEAA2")["source_line"] == "4"
    assert by_id(crm, "0035g00000AbCdEAA5")["source_line"] == "7"
    assert maria["first_name"] == "Maria"
    assert maria["email_consent"] == "optout:false"
    assert maria["created_at"] == "2026-09-02T22:07:23.000Z"
    assert maria["updated_at"] == "2026-09-03T10:00:00.000Z"
    assert maria["date_of_birth"] == "1974-08-14"
    assert maria["country"] == "United States"
    assert maria["mobile_phone"] is None  # empty cell


def test_salesforce_artefacts_removed_and_country_code_fallback(crm: SourceBatch) -> None:
    jean = by_id(crm, "0035g00000AbCdEAA2")
    assert jean["mobile_phone"] == "0612345678"
    assert jean["postal_code"] == "75002"
    assert jean["country"] == "FR"  # MailingCountry empty -> MailingCountryCode
    assert jean["email_consent"] == "optout:true"
    assert jean["phone"] == "+33 1 23 45 67 89"  # not parsed here
    zoe = by_id(crm, "0035g00000AbCdEAA5")
    assert (zoe["first_name"], zoe["last_name"], zoe["street"]) == (
        "Zoë",
        "Müller",
        "Hauptstraße 5",
    )
    assert zoe["email_consent"] is None


def test_salesforce_raw_is_the_row_as_read(crm: SourceBatch) -> None:
    raw = json.loads(by_id(crm, "0035g00000AbCdEAA2")["raw"])
    assert list(raw)[:3] == ["Id", "FirstName", "LastName"]  # no BOM in the first key
    assert raw["MobilePhone"] == "'0612345678"  # artefacts are kept in raw
    assert raw["Loyalty_Tier__c"] == ""  # custom fields too
    assert len(raw) == 19


def test_salesforce_weekly_export_zero_one_style(crm: SourceBatch) -> None:
    chidi = by_id(crm, "0031N00001WkExAAA")
    assert chidi["source_file"] == "contacts_weekly_export.csv"
    assert chidi["is_deleted"] == "0"
    assert chidi["email_consent"] == "optout:0"
    assert chidi["created_at"] == "2023-02-07 20:44:05"
    assert chidi["postal_code"] == "02110"
    yui = by_id(crm, "0031N00001WkExAAC")
    assert yui["email_consent"] == "optout:1"
    assert yui["mobile_phone"] == "2065550177"


def test_salesforce_deleted_and_missing_id_rows_are_quarantined(crm: SourceBatch) -> None:
    quarantine = crm.quarantine.sort_values(["file", "line"])
    assert quarantine[["file", "line", "reason"]].values.tolist() == [
        ["contacts_dataloader.csv", 5, "deleted in source"],
        ["contacts_dataloader.csv", 6, "missing Id"],
        ["contacts_weekly_export.csv", 3, "deleted in source"],
    ]
    deleted = json.loads(quarantine.iloc[0]["raw"])
    assert deleted["Id"] == "0035g00000AbCdEAA3"
    assert "0035g00000AbCdEAA3" not in set(crm.records["source_record_id"])
    assert "0031N00001WkExAAB" not in set(crm.records["source_record_id"])


def test_several_files_are_read_in_name_order(crm: SourceBatch) -> None:
    assert crm.files.values.tolist() == [
        ["contacts_dataloader.csv", 5, 2],
        ["contacts_weekly_export.csv", 3, 1],
    ]
    assert crm.records["source_record_id"].tolist() == [
        "0035g00000AbCdEAA1",
        "0035g00000AbCdEAA2",
        "0035g00000AbCdEAA5",
        "0031N00001WkExAAA",
        "0031N00001WkExAAC",
    ]


def test_shopify_apostrophes_tags_and_newer_columns(shop: SourceBatch) -> None:
    ana = by_id(shop, "7412345678901")
    assert ana["postal_code"] == "02118"
    assert ana["phone"] == "+16175550123"
    assert ana["mobile_phone"] is None  # same number as Phone
    assert ana["street"] == "12 Elm Street, Unit 5"
    assert (ana["city"], ana["state"], ana["country"]) == ("Boston", "MA", "US")
    assert (ana["email_consent"], ana["sms_consent"]) == ("yes", "no")
    assert (ana["total_spent"], ana["order_count"]) == ("13175.00", "12")
    assert ana["created_at"] is None and ana["updated_at"] is None
    raw = json.loads(ana["raw"])
    assert raw["Tags"] == "VIP, newsletter"
    assert raw["Accepts WhatsApp Marketing"] == "no"
    assert raw["Birthday (customer.metafields.facts.birth_date)"] == "1980-02-03"
    assert raw["Customer ID"] == "'7412345678901"


def test_shopify_phone_columns(shop: SourceBatch) -> None:
    bob = by_id(shop, "7412345678902")
    assert bob["phone"] == "+15125550100"  # Phone empty -> Default Address Phone
    assert bob["mobile_phone"] is None
    cyd = by_id(shop, "7412345678903")
    assert cyd["phone"] == "+13035550199"
    assert cyd["mobile_phone"] == "+13035550111"  # differs from Phone
    # Bob's Note spans two physical lines, so Cyd starts on line 5.
    assert cyd["source_line"] == "5"


def test_shopify_legacy_layout_and_missing_id(shop: SourceBatch) -> None:
    dee = by_id(shop, "7412345678910")
    assert dee["source_file"] == "customers_export_legacy.csv"
    assert dee["street"] == "5 Pine Rd, Suite 2"
    assert (dee["city"], dee["state"], dee["country"]) == ("Portland", "OR", "US")
    assert (dee["postal_code"], dee["phone"], dee["email_consent"]) == (
        "97201",
        "+15035550123",
        "yes",
    )
    assert shop.quarantine[["file", "line", "reason"]].values.tolist() == [
        ["customers_export.csv", 6, "missing Customer ID"]
    ]
    assert shop.files["file"].tolist() == ["customers_export.csv", "customers_export_legacy.csv"]


def test_square_directory(square: SourceBatch) -> None:
    assert square.files.values.tolist() == [["export-20260301-101010.csv", 3, 1]]  # no items-*
    lena = by_id(square, "JDKYHBWT1D4F8MFH63DBMEN8Y4")
    assert (lena["first_name"], lena["last_name"]) == ("Lena", "Fischer")  # Surname
    assert lena["total_spent"] == "$1,234.56"
    assert (lena["created_at"], lena["updated_at"]) == ("01-15-2024", "03-02-2026")
    assert lena["phone"] == "+447700900123"
    assert lena["street"] == "221B Baker Street, Flat 2"
    assert (lena["email_consent"], lena["order_count"]) == ("Subscribed", "14")
    assert lena["date_of_birth"] == "1990-05-17"
    assert lena["country"] is None
    omar = by_id(square, "2HW7Q4KXN3M5R8T1V6Y9Z0A2B4")  # apostrophe removed from the id
    assert (omar["phone"], omar["postal_code"]) == ("(415) 555-0134", "09410")
    assert square.quarantine[["line", "reason"]].values.tolist() == [
        [4, "missing Square Customer ID"]
    ]


def test_meta_utf16le_tab_french_labels(meta: SourceBatch) -> None:
    elodie = by_id(meta, "1234567890123456")
    assert elodie["source_file"] == "leads_fr_utf16le.csv"
    assert elodie["full_name"] == "Élodie Martin"  # nom_complet
    assert elodie["phone"] == "+33612345678"  # téléphone, p: removed
    assert elodie["postal_code"] == "75011"  # code_postal, z: removed
    assert elodie["city"] == "Paris"  # ville
    assert elodie["created_at"] == elodie["updated_at"] == "2026-09-04T11:17:13-05:00"
    raw = json.loads(elodie["raw"])
    assert raw["id"] == "l:1234567890123456"
    assert raw["quel_est_votre_budget_?"] == "500_€"
    assert by_id(meta, "1234567890123457")["source_line"] == "3"


def test_meta_test_leads_are_kept_as_records(meta: SourceBatch) -> None:
    test_lead = by_id(meta, "1234567890123458")
    assert test_lead["full_name"] == "<test lead: dummy data for nom_complet>"
    assert test_lead["phone"] == "<test lead: dummy data for téléphone>"
    assert meta.quarantine.empty


def test_meta_utf16be_english_labels(meta: SourceBatch) -> None:
    sam = by_id(meta, "2234567890123456")
    assert (sam["first_name"], sam["last_name"], sam["full_name"]) == ("Sam", "Lee", None)
    assert (sam["phone"], sam["postal_code"]) == ("+13125550199", "60611")
    assert (sam["street"], sam["city"], sam["country"]) == ("1 Lake Shore Dr", "Chicago", "US")
    assert sam["date_of_birth"] == "1988-03-09"
    assert meta.files.values.tolist() == [
        ["leads_en_utf16be.csv", 1, 0],
        ["leads_fr_utf16le.csv", 3, 0],
    ]


def test_missing_folder_is_an_empty_batch(tmp_path: Path) -> None:
    batch = read_source("pos", tmp_path / "nope")
    assert batch.source_system == "pos"
    assert batch.records.empty and batch.quarantine.empty and batch.files.empty
    assert list(batch.records.columns) == RAW_COLUMNS
    assert list(batch.files.columns) == ["file", "rows_read", "rows_quarantined"]


def test_unknown_source_system_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source system 'erp'"):
        read_source("erp", tmp_path)


def test_reading_is_deterministic() -> None:
    first = read_source("crm", FIXTURES / "crm")
    second = read_source("crm", FIXTURES / "crm")
    pd.testing.assert_frame_equal(first.records, second.records)
    pd.testing.assert_frame_equal(first.quarantine, second.quarantine)
    pd.testing.assert_frame_equal(first.files, second.files)
