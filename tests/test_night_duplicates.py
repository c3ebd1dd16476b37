"""Issue 13: exact duplicates collapse with a note, conflicting ones keep the most recent copy,
and neither blocks the run; every row read stays a contact or a quarantine row.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from identity import schema as s
from identity.quality import validate_frame
from identity.readers import SourceBatch
from identity.standardise import StandardisedBatch, standardise
from identity.standardise.batches import standardise_sources
from identity.standardise.quarantine import DUPLICATE, EXACT_DUPLICATE
from identity.standardise.recency import date_in_name
from support.bad_input_files import (
    crm_export,
    crm_id,
    crm_row,
    email_of,
    shop_export,
    shop_id,
    shop_row,
    square_export,
    square_id,
    square_row,
    utf8,
    utf8_bom,
)
from support.landing import land, reasons_by_line

OLD, NEW = "customers_export.csv", "customers_export_2026-12-01.csv"


def _balanced(batch: SourceBatch, result: StandardisedBatch) -> None:
    """rows read = contacts + quarantined, for every file."""
    for row in batch.files.itertuples():
        kept = int((result.contacts[s.SOURCE_FILE] == row.file).sum())
        held = int((result.quarantine["file"] == row.file).sum())
        held += int((batch.quarantine["file"] == row.file).sum())
        assert row.rows_read == kept + held, row.file
    assert len(result.contacts) + len(result.quarantine) == len(batch.records)


def _column(result: StandardisedBatch, column: str) -> dict[str, object]:
    c = result.contacts
    return dict(zip(c[s.SOURCE_RECORD_ID], c[column].astype(object), strict=True))


def test_the_newer_shopify_export_wins_and_unchanged_rows_are_exact_duplicates(
    tmp_path: Path,
) -> None:
    old = [shop_row(n) for n in range(4)]
    new = [shop_row(n) for n in range(5)]
    new[1]["Email"] = "jean.new@acme-mail.com"
    new[2]["Last Name"] = "Muller-Weiss"
    batch = land(
        tmp_path,
        "ecommerce",
        {OLD: utf8(shop_export(old)), NEW: utf8(shop_export(new))},
    )
    result = standardise(batch.records)
    _balanced(batch, result)
    # The newer file's values are published, for every customer it holds.
    assert set(result.contacts[s.SOURCE_FILE]) == {NEW}
    assert _column(result, s.EMAIL)[shop_id(1)] == "jean.new@acme-mail.com"
    assert _column(result, s.LAST_NAME)[shop_id(2)] == "Muller-Weiss"
    assert _column(result, s.EMAIL)[shop_id(0)] == email_of(0)
    assert reasons_by_line(result) == {
        (OLD, 2): EXACT_DUPLICATE.format(file=NEW, line=2),
        (OLD, 3): DUPLICATE.format(file=NEW, line=3),
        (OLD, 4): DUPLICATE.format(file=NEW, line=4),
        (OLD, 5): EXACT_DUPLICATE.format(file=NEW, line=5),
    }
    assert validate_frame(batch.records, "ecommerce_raw", "ecommerce").blocking_failures == []
    assert validate_frame(result.contacts, "contacts", "contacts").blocking_failures == []


def test_a_row_exported_twice_in_one_file_collapses_with_a_note(tmp_path: Path) -> None:
    rows = [crm_row(0), crm_row(1), crm_row(1), crm_row(2)]
    batch = land(tmp_path, "crm", {"contacts.csv": utf8_bom(crm_export(rows))})
    result = standardise(batch.records)
    _balanced(batch, result)
    assert sorted(result.contacts[s.SOURCE_RECORD_ID]) == [crm_id(0), crm_id(1), crm_id(2)]
    assert reasons_by_line(result) == {
        ("contacts.csv", 4): "exact duplicate source_record_id (first at contacts.csv:3)"
    }
    # The repeat warns in the raw suite; it no longer blocks every source.
    raw = validate_frame(batch.records, "crm_raw", "crm")
    assert raw.blocking_failures == []
    assert any(o.expectation_type == "expect_compound_columns_to_be_unique" for o in raw.warnings)
    # And the whole stage balances, as the run's rows_balance check sees it.
    assert standardise_sources([batch]).balanced


def test_the_exports_own_updated_at_beats_the_file_date(tmp_path: Path) -> None:
    older_file = [
        crm_row(0, Email="late.edit@acme-mail.com", LastModifiedDate="2026-12-05T08:00:00.000Z")
    ]
    newer_file = [crm_row(0, LastModifiedDate="2026-11-01T08:00:00.000Z")]
    batch = land(
        tmp_path,
        "crm",
        {
            "contacts_2026-11-01.csv": utf8_bom(crm_export(older_file)),
            "contacts_2026-12-01.csv": utf8_bom(crm_export(newer_file)),
        },
    )
    result = standardise(batch.records)
    _balanced(batch, result)
    assert _column(result, s.EMAIL) == {crm_id(0): "late.edit@acme-mail.com"}
    assert reasons_by_line(result) == {
        ("contacts_2026-12-01.csv", 2): DUPLICATE.format(file="contacts_2026-11-01.csv", line=2)
    }


def test_files_without_a_date_in_their_name_are_ordered_by_modification_time(
    tmp_path: Path,
) -> None:
    first = [square_row(0, **{"Email Address": "first@acme-mail.com"}), square_row(1)]
    second = [square_row(0, **{"Email Address": "second@acme-mail.com"})]
    batch = land(
        tmp_path,
        "pos",
        {
            "directory_b.csv": utf8(square_export(first)),
            "directory_a.csv": utf8(square_export(second)),
        },
    )
    folder = tmp_path / "landing" / "pos"
    os.utime(folder / "directory_b.csv", (1_700_000_000, 1_700_000_000))
    os.utime(folder / "directory_a.csv", (1_600_000_000, 1_600_000_000))
    times = {("pos", p.name): p.stat().st_mtime for p in folder.iterdir()}
    # Without times nothing tells the files apart: the first by name is kept.
    assert _column(standardise(batch.records), s.EMAIL)[square_id(0)] == "second@acme-mail.com"
    result = standardise(batch.records, file_times=times)
    _balanced(batch, result)
    assert _column(result, s.EMAIL) == {
        square_id(0): "first@acme-mail.com",
        square_id(1): email_of(1),
    }
    assert reasons_by_line(result) == {
        ("directory_a.csv", 2): DUPLICATE.format(file="directory_b.csv", line=2)
    }


def test_a_date_in_the_name_counts_before_a_modification_time() -> None:
    rows = []
    for line, (file, email) in enumerate(
        [(NEW, "dated@acme-mail.com"), ("customers_export (1).csv", "touched@acme-mail.com")],
        start=2,
    ):
        row = dict.fromkeys(s.RAW_COLUMNS)
        row.update(
            source_system="ecommerce",
            source_record_id="7",
            source_file=file,
            source_line=str(line),
            raw=f"row {line}",
            email=email,
        )
        rows.append(row)
    # The undated copy was touched later than the date the other's name holds: it is newer.
    times = {("ecommerce", "customers_export (1).csv"): pd.Timestamp("2026-12-02").timestamp()}
    result = standardise(pd.DataFrame(rows), file_times=times)
    assert result.contacts[s.EMAIL].tolist() == ["touched@acme-mail.com"]
    assert date_in_name("leads_20261201_0930.csv") == pd.Timestamp("2026-12-01 09:30", tz="UTC")
    assert date_in_name("customers_export_2.csv") is None
