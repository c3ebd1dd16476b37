"""Issue 13: readers account for every byte of a landing folder, whatever lands in it.

Every test counts the physical records of the files itself (the csv module with no field size
limit) and checks that each one is a record or a quarantined row: nothing is lost, however big
a field, however odd the file next to it.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import logging
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity.readers import SourceBatch, read_source, read_transactions
from identity.readers._assemble import describe_header
from identity.readers._parse import MAX_FIELD_CHARS, _line_offset, _lines_in, physical_lines
from identity.readers._records import scan_record
from identity.readers._vocabulary import KNOWN_COLUMNS
from identity.readers.landing import read_landing_source
from identity.standardise.batches import standardise_sources
from support.bad_input_files import (
    CRM_HEADER,
    SHOPIFY_HEADER,
    SQUARE_HEADER,
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
from support.counting import physical_records

MB = 1024 * 1024


def assert_nothing_lost(batch: SourceBatch, file: str, starts: list[int]) -> None:
    """Every physical record of ``file`` is a record or a quarantined row, at its own line."""
    records = [
        int(v) for v in batch.records.loc[batch.records["source_file"] == file, "source_line"]
    ]
    held = batch.quarantine.loc[batch.quarantine["file"] == file, "line"].tolist()
    assert sorted(records + held) == starts
    counts = batch.files.set_index("file").loc[file]
    assert (counts["rows_read"], counts["rows_quarantined"]) == (len(starts), len(held))


def land(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


# -- fields no limit may swallow -----------------------------------------------------------


def test_a_50_mb_field_quarantines_its_own_row_and_loses_no_other(tmp_path: Path) -> None:
    # The night: a Shopify note holding a pasted image, in a 170-customer export.
    image = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAA" * (50 * MB // 24)
    rows = [shop_row(n) for n in range(170)]
    rows[11]["Note"] = image
    data = utf8(shop_export(rows))
    land(tmp_path / "landing" / "ecommerce", {"customers_export.csv": data})
    starts = physical_records(data)
    assert len(starts) == 170

    batch = read_landing_source(tmp_path / "landing", "ecommerce")

    assert_nothing_lost(batch, "customers_export.csv", starts)
    assert batch.records["source_record_id"].tolist() == [shop_id(n) for n in range(170) if n != 11]
    (line, raw, reason) = batch.quarantine[["line", "raw", "reason"]].values.tolist()[0]
    assert line == 13
    assert reason.startswith(f"line 13: column 'Note' holds {len(image):,} characters")
    # The stored raw is bounded but still the row: every other value, the note's start.
    assert len(raw) < 10_000
    kept = json.loads(raw)
    assert kept["Customer ID"] == f"'{shop_id(11)}" and kept["Email"] == email_of(11)
    assert kept["Note"].startswith("data:image/png;base64,iVBOR")
    assert kept["Note"].endswith(f"... [{len(image) - 4096:,} more characters]")

    result = standardise_sources([batch])
    files = result.files.set_index("file").loc["customers_export.csv"]
    assert files["rows_read"] == 170 == files["rows_linked"] + files["rows_quarantined"]
    assert files["rows_linked"] == 169


def test_huge_fields_on_many_lines_unquoted_and_quoted_keep_every_line_number(
    tmp_path: Path,
) -> None:
    # A street with 70,000 pasted lines (CRLF file), and a 5 MB memo a European re-save left
    # unquoted: the rows after each keep their physical line numbers.
    many_lines = ("x" * 75 + "\r\n") * 70_000
    crm_rows = [crm_row(0), crm_row(1, MailingStreet=many_lines), crm_row(2), crm_row(3)]
    crm_data = utf8_bom(crm_export(crm_rows, newline="\r\n"))
    memo = "m" * (5 * MB)
    square_rows = [square_row(0), square_row(1, Memo=memo), square_row(2)]
    square_data = utf8_bom(square_export(square_rows, delimiter=";"))
    land(tmp_path / "crm", {"contacts.csv": crm_data})
    land(tmp_path / "pos", {"export.csv": square_data})

    crm_batch = read_source("crm", tmp_path / "crm")
    square_batch = read_source("pos", tmp_path / "pos")

    crm_starts = physical_records(crm_data)
    assert crm_starts == [2, 3, 70_004, 70_005]
    assert_nothing_lost(crm_batch, "contacts.csv", crm_starts)
    assert crm_batch.records["source_record_id"].tolist() == [crm_id(0), crm_id(2), crm_id(3)]
    assert crm_batch.quarantine["reason"].iloc[0].startswith("line 3: column 'MailingStreet'")
    square_starts = physical_records(square_data, delimiter=";")
    assert_nothing_lost(square_batch, "export.csv", square_starts)
    assert square_batch.records["source_record_id"].tolist() == [square_id(0), square_id(2)]
    assert square_batch.quarantine["reason"].iloc[0] == (
        f"line 3: column 'Memo' holds {len(memo):,} characters, more than a field may hold "
        f"({MAX_FIELD_CHARS:,}); the row is quarantined, the rows after it are read"
    )


def test_two_huge_fields_then_a_quote_never_closed(tmp_path: Path) -> None:
    big = "y" * (MAX_FIELD_CHARS + 1)
    rows = [shop_row(n) for n in range(6)]
    rows[1]["Note"] = big
    rows[3]["Tags"] = big
    text = shop_export(rows) + f"'{shop_id(9)},Cut,\"Off\n"
    data = utf8(text)
    land(tmp_path, {"customers_export.csv": data})

    batch = read_source("ecommerce", tmp_path)

    assert_nothing_lost(batch, "customers_export.csv", physical_records(data))
    assert batch.records["source_record_id"].tolist() == [shop_id(n) for n in (0, 2, 4, 5)]
    assert batch.quarantine[["line", "reason"]].values.tolist() == [
        [3, batch.quarantine["reason"].iloc[0]],
        [5, batch.quarantine["reason"].iloc[1]],
        [8, "unterminated quoted field starting at line 8"],
    ]
    assert "column 'Note' holds 4,194,305 characters" in batch.quarantine["reason"].iloc[0]
    assert "column 'Tags' holds 4,194,305 characters" in batch.quarantine["reason"].iloc[1]


def test_a_quote_never_closed_before_a_huge_tail_keeps_the_stored_raw_bounded(
    tmp_path: Path,
) -> None:
    tail = ("z" * 99 + "\n") * (MAX_FIELD_CHARS // 100 + 10)
    data = f'Id,LastName\n003A,Lee\n003B,"Open\n{tail}'.encode()
    land(tmp_path, {"c.csv": data})

    batch = read_source("crm", tmp_path)

    assert batch.files.values.tolist() == [["c.csv", 2, 1]]
    raw = batch.quarantine["raw"].iloc[0]
    assert raw.startswith('003B,"Open\nzzz') and len(raw) < 140_000
    assert raw.endswith(" more characters]")


def test_a_huge_header_cell_quarantines_the_file_and_the_run_goes_on(tmp_path: Path) -> None:
    header = ",".join(CRM_HEADER) + ',"' + "h" * (MAX_FIELD_CHARS + 1) + '"'
    land(tmp_path, {"a.csv": utf8(header + "\n" + "x\n"), "b.csv": utf8(crm_export([crm_row(0)]))})

    batch = read_source("crm", tmp_path)

    assert batch.records["source_record_id"].tolist() == [crm_id(0)]
    assert batch.unreadable["file"].tolist() == ["a.csv"]
    assert batch.quarantine["reason"].iloc[0].startswith("whole file not read: line 1: cannot read")
    assert batch.files.values.tolist() == [["a.csv", 1, 1], ["b.csv", 1, 0]]


TRICKY = st.text(alphabet=st.sampled_from(list('ab,;"\r\n \t')), max_size=40)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=TRICKY, delimiter=st.sampled_from([",", ";", "\t"]))
def test_scan_record_locates_the_record_the_csv_module_reads(text: str, delimiter: str) -> None:
    if not text or text[0] in "\r\n":
        return  # a blank line is no record (the csv module yields []); never scanned
    reader = csv.reader(physical_lines(text), delimiter=delimiter, strict=False)
    fields = next(reader)
    end = sum(map(len, itertools.islice(physical_lines(text), reader.line_num)))
    record = scan_record(text, 0, delimiter)
    assert len(record.fields) == len(fields)
    if record.closed:
        assert record.end == end
        assert [span.value(text, 100) for span in record.fields] == fields
        assert [span.length(text) for span in record.fields] == [len(f) for f in fields]
    else:
        assert end == len(text)  # the quote is never closed: the rest of the text is inside


# -- clutter -----------------------------------------------------------------------------------


def test_clutter_is_skipped_with_a_warning_naming_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "landing" / "ecommerce"
    export = utf8(shop_export([shop_row(0), shop_row(1)]))
    user = "ACME\\jsmith-personal"
    land(
        folder,
        {
            "customers_export.csv": export,
            # Excel's lock file holds the name of the user who has the workbook open.
            "~$customers_export.csv": b"\x0bjsmith\x20" + user.encode("utf-16-le") + b"\x00" * 30,
            ".~lock.customers_export.csv#": f"{user},host,/tmp,04.12.2026;".encode(),
            ".DS_Store": b"\x00\x00\x00\x01Bud1\x00\x10",
            "Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64),
            "desktop.ini": b"[.ShellClassInfo]\r\nIconResource=x\r\n",
            ".hidden_customers.csv": export,
            "empty.csv": b"",
            "form_feed.csv": b"\x0c" * 20,
            "blanks_utf16.csv": codecs.BOM_UTF16_LE + " \r\n\t\r\n".encode("utf-16-le"),
            "orders_export_1.csv": b"Name,Email,Created at,Total\n#1001,a@b.co,2026-01-01,5.00\n",
        },
    )
    os.symlink(tmp_path / "moved_away.csv", folder / "customers_export_old.csv")

    with caplog.at_level(logging.INFO):
        batch = read_landing_source(tmp_path / "landing", "ecommerce")
        orders = read_transactions("ecommerce", folder)

    assert batch.files.values.tolist() == [["customers_export.csv", 2, 0]]
    assert_nothing_lost(batch, "customers_export.csv", physical_records(export))
    reasons = dict(zip(batch.skipped["file"], batch.skipped["reason"], strict=True))
    assert reasons == {
        ".DS_Store": "hidden file (not an export)",
        ".hidden_customers.csv": "hidden file (not an export)",
        ".~lock.customers_export.csv#": "LibreOffice lock file of an open document (not an export)",
        "Thumbs.db": "Windows thumbnail cache (not an export)",
        "blanks_utf16.csv": "holds only white space (14 bytes)",
        "customers_export_old.csv": "link to a file that no longer exists",
        "desktop.ini": "Windows folder settings (not an export)",
        "empty.csv": "empty file (0 bytes)",
        "form_feed.csv": "holds only white space (20 bytes)",
        "~$customers_export.csv": "Excel lock file of an open workbook (not an export)",
    }
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [f"ecommerce/{f}: skipped: {r}" for f, r in reasons.items()]
    assert "jsmith" not in caplog.text and "jsmith" not in repr(batch)
    assert orders["order_id"].tolist() == ["#1001"]  # clutter never reaches the orders either
    result = standardise_sources([batch])
    assert result.balanced and len(result.contacts) == 2


def test_a_folder_of_only_clutter_is_an_empty_source_that_names_it(tmp_path: Path) -> None:
    land(tmp_path, {"~$contacts.csv": b"\x05jdoe", "Thumbs.db": b"\x00"})

    batch = read_source("crm", tmp_path)

    assert batch.files.empty and batch.records.empty and batch.quarantine.empty
    assert batch.skipped["file"].tolist() == ["Thumbs.db", "~$contacts.csv"]


# -- files that are not a readable export ------------------------------------------------------


def test_unreadable_files_are_quarantined_whole_and_the_others_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = utf8_bom(crm_export([crm_row(0), crm_row(1), crm_row(2)]))
    headerless = crm_export([crm_row(3), crm_row(4)]).split("\n", 1)[1]
    files = {
        "a_contacts.csv": good,
        "b_binary.csv": random.Random(3).randbytes(4000),
        "c_shopify.csv": utf8(shop_export([shop_row(0)])),
        "d_headerless.csv": utf8(headerless),
        "e_xlsx.csv": b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4,
        "f_html.csv": b"<!DOCTYPE html>\n<html><body>Session expired</body></html>\n",
    }
    land(tmp_path / "landing" / "crm", files)

    with caplog.at_level(logging.WARNING):
        batch = read_landing_source(tmp_path / "landing", "crm")
    result = standardise_sources([batch])

    assert_nothing_lost(batch, "a_contacts.csv", physical_records(good))
    assert batch.records["source_record_id"].tolist() == [crm_id(0), crm_id(1), crm_id(2)]
    bad = sorted(set(files) - {"a_contacts.csv"})
    assert batch.unreadable["file"].tolist() == bad
    whole = batch.quarantine[batch.quarantine["file"] != "a_contacts.csv"]
    assert whole["file"].tolist() == bad
    assert whole["reason"].str.startswith("whole file not read: line ").all()
    assert "not a Salesforce" not in " ".join(whole["reason"])  # the reason names the export
    assert whole["reason"].str.contains("Salesforce Contact export").all()
    for name, raw in zip(whole["file"], whole["raw"], strict=True):
        assert json.loads(raw) == {"file": name, "bytes": len(files[name])}
    assert batch.files.set_index("file").loc[bad, "rows_read"].tolist() == [1] * len(bad)
    assert result.balanced
    assert sorted(result.contacts["source_record_id"]) == [crm_id(0), crm_id(1), crm_id(2)]
    # Nothing of the headerless file's first contact leaks into messages or reasons.
    first = crm_row(3)
    for value in (first["FirstName"], first["LastName"], first["Email"], first["Id"]):
        assert value not in caplog.text
        assert value not in " ".join(batch.unreadable["message"])
        assert value not in " ".join(batch.quarantine["reason"])
    message = batch.unreadable.set_index("file").loc["d_headerless.csv", "message"]
    assert message == (
        "d_headerless.csv: line 1 has no column 'Id'; this does not look like a Salesforce "
        f"Contact export (found: {len(CRM_HEADER)} columns, none with a known column name "
        "(not shown; is the header row missing?))"
    )


def test_header_cells_that_are_not_column_names_are_not_shown(tmp_path: Path) -> None:
    # A Square export whose header row was lost: its first row is a customer. A cell that is a
    # column name of some export ("City") may show; the customer's values never do.
    header = ["Square Customer ID" if c == "Reference ID" else c for c in SQUARE_HEADER]
    row = square_row(0)
    cells = [row["Square Customer ID"], "Maria", "Gonzalez", "maria@x.io", *["City"] * 3]
    data = utf8(",".join(cells) + "\n" + square_export([row], header=header).split("\n", 1)[1])
    land(tmp_path, {"export.csv": data})

    batch = read_source("pos", tmp_path)

    (message,) = batch.unreadable["message"]
    assert message == (
        "export.csv: line 1 has no column 'Square Customer ID'; this does not look like a "
        "Square customer directory export (found: <not shown>, <not shown>, <not shown>, "
        "<not shown>, City, City, ...)"
    )
    assert batch.files.values.tolist() == [["export.csv", 1, 1]]


def test_custom_column_shapes_stay_visible() -> None:
    header = [*SHOPIFY_HEADER[:3], "Birthday (customer.metafields.facts.birth_date)", "Tier__c"]
    assert describe_header(header, KNOWN_COLUMNS) == (
        "Customer ID, First Name, Last Name, Birthday (customer.metafields.facts.birt..., Tier__c"
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=TRICKY, lines=st.integers(0, 12))
def test_line_offsets_agree_with_physical_lines(text: str, lines: int) -> None:
    physical = list(physical_lines(text))
    assert _line_offset(text, 0, lines) == sum(map(len, physical[:lines]))
    assert _lines_in(text, 0, len(text)) == len(physical)
