"""Encodings, delimiters, broken rows and wrong files: detected, never assumed."""

from __future__ import annotations

import codecs
import json
import logging
import random
import re
from pathlib import Path

import pytest

from identity.readers import SourceBatch, crm, read_source
from identity.readers._assemble import raw_rows
from identity.readers._decode import sniff_utf16
from identity.readers._parse import MAX_FIELD_CHARS, Table, detect_delimiter

FIXTURES = Path(__file__).parent / "fixtures" / "readers"

# Every fixture folder and the source it is an export of.
FOLDERS = {
    "crm": "crm",
    "ecommerce": "ecommerce",
    "pos": "pos",
    "social": "social",
    "pos_semicolon": "pos",
    "social_utf16_nobom": "social",
    "crm_latin1": "crm",
    "crm_nul": "crm",
    "empty": "crm",
    "broken": "crm",
}


def assert_balanced(batch: SourceBatch) -> None:
    """Every file's rows_read is its records plus its quarantined rows."""
    for file, rows_read, quarantined in batch.files.itertuples(index=False):
        records = int((batch.records["source_file"] == file).sum())
        in_quarantine = int((batch.quarantine["file"] == file).sum())
        assert quarantined == in_quarantine, file
        assert rows_read == records + in_quarantine, file


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_rows_balance_on_every_fixture(folder: str) -> None:
    batch = read_source(FOLDERS[folder], FIXTURES / folder)
    assert len(batch.files) >= 1
    assert_balanced(batch)


def test_semicolon_european_resave_with_padded_bom_header() -> None:
    batch = read_source("pos", FIXTURES / "pos_semicolon")
    assert batch.files.values.tolist() == [["export.csv", 2, 0]]
    anna, piet = batch.records.to_dict("records")
    assert (anna["source_record_id"], anna["first_name"], anna["last_name"]) == (
        "EUSQ00000000000000000000A1",
        "Anna",
        "Rossi",
    )
    assert (anna["total_spent"], anna["date_of_birth"]) == ("1.234,56 €", "17/05/1990")
    assert anna["phone"] == "+393471234567"
    assert piet["last_name"] == "de Vries; jr"  # quoted delimiter stays in the field
    assert list(json.loads(anna["raw"]))[:3] == ["Reference ID", "First Name", "Last Name"]


def test_utf16_without_bom() -> None:
    batch = read_source("social", FIXTURES / "social_utf16_nobom")
    assert batch.records["source_record_id"].tolist() == ["3234567890123456", "3234567890123457"]
    assert batch.records["full_name"].tolist() == ["Ingrid Olsen", "Åsa Lindqvist"]
    assert batch.records["postal_code"].tolist() == ["0150", "11122"]
    assert batch.records["phone"].tolist() == ["+4791234567", "+46701234567"]


def test_sniff_utf16_from_nul_pattern() -> None:
    assert sniff_utf16("id,name\n1,x\n".encode("utf-16-le")) == "utf-16-le"
    assert sniff_utf16("id,name\n1,x\n".encode("utf-16-be")) == "utf-16-be"
    assert sniff_utf16(b"id,name\n1,x\n") is None
    assert sniff_utf16(b"Id,Name\n1,A\x00da\n") is None  # a stray NUL is not UTF-16


def test_latin1_lines_in_utf8_file(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="identity.readers"):
        batch = read_source("crm", FIXTURES / "crm_latin1")
    names = batch.records[["first_name", "last_name", "city"]].values.tolist()
    assert names == [
        ["Zoë", "Ångström", "Malmö"],
        ["François", "Lefèvre", "Besançon €"],
        ["José", "Núñez", "Cádiz"],
    ]
    assert "1 line(s) were not UTF-8" in caplog.text
    # Logs carry ids and counts, never personal data.
    for value in ("François", "Lefèvre", "francois@example.fr", "Zoë"):
        assert value not in caplog.text


def test_nul_bytes_are_stripped() -> None:
    batch = read_source("crm", FIXTURES / "crm_nul")
    assert batch.records["source_record_id"].tolist() == ["003NUL0000000001", "003NUL0000000002"]
    assert batch.records["last_name"].tolist() == ["Lovelace", "Turing"]
    assert batch.files.values.tolist() == [["contacts.csv", 2, 0]]  # trailing NUL padding: no row


def test_empty_and_header_only_files() -> None:
    batch = read_source("crm", FIXTURES / "empty")
    # Issue 13: a 0-byte file is clutter, skipped and named; a header-only export is read.
    assert batch.files.values.tolist() == [["contacts_header_only.csv", 0, 0]]
    assert batch.skipped.values.tolist() == [["contacts_empty.csv", "empty file (0 bytes)"]]
    assert batch.records.empty and batch.quarantine.empty


def test_field_count_mismatch_and_unterminated_quote_are_quarantined() -> None:
    batch = read_source("crm", FIXTURES / "broken")
    bad = batch.quarantine[batch.quarantine["file"] == "contacts_bad_rows.csv"]
    assert bad[["line", "reason"]].values.tolist() == [
        [3, "line 3: 4 fields, header has 5"],
        [7, "line 7: 6 fields, header has 5"],
        [9, "unterminated quoted field starting at line 9"],
    ]
    # The unclosed quote swallowed the rest of the file into one quarantined row.
    tail = json.loads(bad.iloc[2]["raw"])
    assert tail[0] == "003BAD0000000006"
    assert (
        tail[-1]
        == "4 Never\nClosed St\n003BAD0000000007,Swallowed,Row,gone@example.com,5 Fifth St\n"
    )
    assert json.loads(bad.iloc[0]["raw"]) == [
        "003BAD0000000002",
        "Short",
        "Row",
        "short@example.com",
    ]
    good = batch.records[batch.records["source_file"] == "contacts_bad_rows.csv"]
    assert good["source_line"].tolist() == ["2", "5", "8"]  # line 4 is blank, not a row
    assert good["street"].tolist() == ["1 First St", "2 Second\nSt", "3 Third St"]
    assert batch.files.values.tolist()[0] == ["contacts_bad_rows.csv", 6, 3]


def test_truncated_last_line_is_quarantined() -> None:
    batch = read_source("crm", FIXTURES / "broken")
    cut = batch.quarantine[batch.quarantine["file"] == "contacts_truncated.csv"]
    assert cut[["line", "reason"]].values.tolist() == [
        [3, "line 3: 4 fields, header has 5 (truncated last line)"]
    ]
    assert batch.files.values.tolist()[1] == ["contacts_truncated.csv", 2, 1]


WRONG_FOLDERS = [
    (folder, source)
    for folder in ("crm", "ecommerce", "pos", "social")
    for source in ("crm", "ecommerce", "pos", "social")
    if folder != source
]


def unreadable_messages(source: str, folder: Path) -> list[str]:
    """Read a folder whose every customer file is unreadable: each is quarantined as a whole.

    Before issue 13 the first such file raised ``SourceFormatError``; its message is now listed
    in ``SourceBatch.unreadable`` and is the reason of the file's one quarantine row.
    """
    batch = read_source(source, folder)
    assert batch.records.empty
    assert_balanced(batch)
    assert batch.files["rows_read"].tolist() == [1] * len(batch.files)
    assert batch.unreadable["file"].tolist() == batch.files["file"].tolist()
    messages = batch.unreadable["message"].tolist()
    reasons = [
        f"whole file not read: {m.removeprefix(f'{f}: ')}"
        for f, m in zip(batch.unreadable["file"], messages, strict=True)
    ]
    assert batch.quarantine["reason"].tolist() == reasons
    return messages


@pytest.mark.parametrize(("folder", "source"), WRONG_FOLDERS)
def test_wrong_export_in_the_wrong_folder(folder: str, source: str) -> None:
    messages = unreadable_messages(source, FIXTURES / folder)
    assert messages
    for message in messages:
        assert re.match(r"^[^:]+\.csv: line 1 has .*does not look like", message), message


def test_wrong_export_message_names_file_line_and_expectation() -> None:
    # In the crm folder the Shopify orders export is one more file that is not a Contact export.
    first, *others = unreadable_messages("crm", FIXTURES / "ecommerce")
    assert first == (
        "customers_export.csv: line 1 has no column 'Id'; this does not look like a Salesforce "
        "Contact export (found: Customer ID, First Name, Last Name, Email, Accepts Email "
        "Marketing, Default Address Company, ...)"
    )
    assert others == [
        "customers_export_legacy.csv: line 1 has no column 'Id'; this does not look like a "
        "Salesforce Contact export (found: First Name, Last Name, Email, Company, Address1, "
        "Address2, ...)",
        "orders_export_1.csv: line 1 has none of the columns "
        + ", ".join(crm.SPEC.any_of)
        + "; this does not look like a Salesforce Contact export (found: Name, Email, "
        "Financial Status, Paid at, Fulfillment Status, Fulfilled at, ...)",
    ]


def test_meta_export_in_crm_folder_is_refused_despite_its_id_column(tmp_path: Path) -> None:
    write(tmp_path, "contacts.csv", b"id,created_time,email,first_name\nl:1,2026-01-01,a@b.c,A\n")
    (message,) = unreadable_messages("crm", tmp_path)
    assert message.startswith("contacts.csv: line 1 has none of the columns")


def test_headerless_file_error_hides_personal_data(tmp_path: Path) -> None:
    write(tmp_path, "contacts.csv", b"003X1,Ada,Lovelace,ada@example.com,+442071234567\n")
    (message,) = unreadable_messages("crm", tmp_path)
    batch = read_source("crm", tmp_path)
    for value in ("ada@example.com", "+442071234567", "Ada", "Lovelace", "003X1"):
        assert value not in message
        assert value not in batch.quarantine.to_json()
    assert message.startswith("contacts.csv: line 1 has no column 'Id'")


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    noise = random.Random(7).randbytes(3000)
    write(tmp_path, "customers_export.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + noise)
    (message,) = unreadable_messages("ecommerce", tmp_path)
    assert re.match(r"customers_export.xlsx: line 1: .*not a text", message), message


def test_renamed_id_column_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "export.csv", b"Customer Id Square,First Name\nX1,Ann\n")
    (message,) = unreadable_messages("pos", tmp_path)
    assert "no column 'Square Customer ID'" in message


def test_headers_match_by_name_case_insensitive_trimmed(tmp_path: Path) -> None:
    data = b"EMAIL , lastname,\xef\xbb\xbf ID ,FIRSTNAME,Custom__c\na@b.c,Lee,003A,Ann,x\n"
    write(tmp_path, "contacts.csv", data)
    record = read_source("crm", tmp_path).records.iloc[0]
    assert (record["source_record_id"], record["first_name"], record["last_name"]) == (
        "003A",
        "Ann",
        "Lee",
    )
    assert record["email"] == "a@b.c"
    assert record["phone"] is None  # optional column missing


def test_excel_sep_hint_line_and_tab_and_lone_cr(tmp_path: Path) -> None:
    write(
        tmp_path, "a.csv", b"sep=;\r\nId;LastName;Email\r\n003A;Lee;a@x.io\r\n003B;Kim;b@x.io\r\n"
    )
    write(tmp_path, "b.csv", b"Id\tLastName\r003C\tPark\r003D\tCho\r")  # old Mac line ends
    batch = read_source("crm", tmp_path)
    assert batch.records[["source_record_id", "source_file", "source_line"]].values.tolist() == [
        ["003A", "a.csv", "3"],
        ["003B", "a.csv", "4"],
        ["003C", "b.csv", "2"],
        ["003D", "b.csv", "3"],
    ]


def test_detect_delimiter_from_header() -> None:
    assert detect_delimiter("Id,FirstName,LastName\r\n") == ","
    assert detect_delimiter("id\tcreated_time\tfull_name\n") == "\t"
    assert detect_delimiter("Id;FirstName;LastName\n") == ";"
    assert detect_delimiter('"Name, full";Email;Phone\n') == ";"
    assert detect_delimiter("Id\n") == ","


def test_hidden_files_and_transaction_exports_are_not_customer_files(tmp_path: Path) -> None:
    header = b"Customer ID,First Name,Email\n"
    write(tmp_path, ".DS_Store", b"\x00\x00\x00\x01Bud1\x00")
    write(tmp_path, "customers_export_2.csv", header + b"'2,Bo,b@x.io\n")
    write(tmp_path, "customers_export_1.csv", header + b"'1,Al,a@x.io\n")
    write(tmp_path, "orders_export_1.csv", b"Name,Email\n#1,a@x.io\n")
    (tmp_path / "archive").mkdir()
    batch = read_source("ecommerce", tmp_path)
    assert batch.files["file"].tolist() == ["customers_export_1.csv", "customers_export_2.csv"]
    assert batch.records["source_record_id"].tolist() == ["1", "2"]


def test_rows_of_empty_fields_are_blank_lines_but_empty_ids_are_quarantined(
    tmp_path: Path,
) -> None:
    write(tmp_path, "c.csv", b"Id,LastName\n003A,Lee\n,\n\n   \n,Kim\n'  ,Park\n")
    batch = read_source("crm", tmp_path)
    assert batch.records["source_record_id"].tolist() == ["003A"]
    assert batch.quarantine[["line", "reason"]].values.tolist() == [
        [6, "missing Id"],
        [7, "missing Id"],
    ]
    assert batch.files.values.tolist() == [["c.csv", 3, 2]]


def test_huge_unterminated_field_is_quarantined_not_raised(tmp_path: Path) -> None:
    # Beyond the reader's field limit (4 MiB; the csv module's own 131,072 is raised so that
    # a legitimate 1 MB note is read).
    tail = ("x" * 70 + "\n") * (MAX_FIELD_CHARS // 71 + 1)
    write(tmp_path, "c.csv", f'Id,LastName\n003A,Lee\n003B,"Open\n{tail}003C,Kim\n'.encode())
    batch = read_source("crm", tmp_path)
    assert batch.records["source_record_id"].tolist() == ["003A"]
    assert batch.quarantine[["line", "reason"]].values.tolist() == [
        [3, "unterminated quoted field starting at line 3"]
    ]
    assert batch.quarantine.iloc[0]["raw"].startswith('003B,"Open\nxxx')
    assert batch.files.values.tolist() == [["c.csv", 2, 1]]


def test_utf16_bom_with_odd_trailing_byte(tmp_path: Path) -> None:
    text = "id\tcreated_time\tfull_name\nl:1\t2026-01-01\tAnn Lee\nl:2\t2026-01-02\tBo"
    write(tmp_path, "leads.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le")[:-1])
    batch = read_source("social", tmp_path)
    assert batch.records["source_record_id"].tolist() == ["1", "2"]
    assert batch.records["full_name"].tolist() == ["Ann Lee", "B\ufffd"]


def test_raw_is_exactly_json_dumps_of_the_row() -> None:
    header = ["Id", "Note", "Id", ""]
    rows = [["1", 'a "quoted"\nline\t\\ é ✓ \x01', "dup", "nameless"]]
    expected = json.dumps(
        {"Id": "1", "Note": rows[0][1], "Id (2)": "dup", "": "nameless"}, ensure_ascii=False
    )
    assert raw_rows(Table(header=header, rows=rows, lines=[2])) == [expected]
