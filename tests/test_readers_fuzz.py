"""Fuzzing: arbitrary bytes and damaged real exports never crash a reader or lose a row.

The only exception a reader may raise is SourceFormatError, and every file read balances:
rows_read = records + quarantined rows. Damage confined to some rows never costs a record
elsewhere in the file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity.readers import SourceBatch, SourceFormatError, read_source, read_transactions
from identity.readers._assemble import raw_rows, read_table
from identity.readers._files import is_transaction_export
from identity.readers._parse import Table
from identity.schema import RAW_COLUMNS, SOURCE_SYSTEMS

# Long randomised searches, a whole read per example: the slow tier (make test) runs them.
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
SOURCE_OF_FOLDER = {
    "crm": "crm",
    "ecommerce": "ecommerce",
    "pos": "pos",
    "social": "social",
    "pos_semicolon": "pos",
    "social_utf16_nobom": "social",
    "crm_latin1": "crm",
    "crm_nul": "crm",
    "broken": "crm",
}
EXPORTS: list[tuple[str, str, bytes]] = sorted(
    (source, path.name, path.read_bytes())
    for folder, source in SOURCE_OF_FOLDER.items()
    for path in (FIXTURES / folder).iterdir()
)
# Bytes that matter to the parser: quotes, delimiters, line ends, NUL, apostrophes, marks.
TRICKY = st.sampled_from(
    [
        b'"',
        b",",
        b";",
        b"\t",
        b"\n",
        b"\r",
        b"\r\n",
        b"\x00",
        b"'",
        b"\xff\xfe",
        b"\xef\xbb\xbf",
        b"\xe9",
        b"\x80",
        b'""',
        b"sep=;\n",
    ]
)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def check_batch(batch: SourceBatch) -> None:
    assert list(batch.records.columns) == RAW_COLUMNS
    for file, rows_read, quarantined in batch.files.itertuples(index=False):
        records = int((batch.records["source_file"] == file).sum())
        in_quarantine = int((batch.quarantine["file"] == file).sum())
        assert quarantined == in_quarantine
        assert rows_read == records + in_quarantine
    values = batch.records.to_numpy().ravel().tolist()
    assert all(v is None or isinstance(v, str) for v in values)
    assert batch.records["source_record_id"].notna().all()


def read_bytes_as(source: str, name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        try:
            batch = read_source(source, Path(tmp))
        except SourceFormatError as error:
            # Even on garbage the error points somewhere: file, line and (when known) column.
            assert error.file == name
            assert error.line >= 1
            assert str(error).startswith(f"{name}: line {error.line}")
            if error.column is not None:
                assert f"column {error.column}" in str(error) or (
                    f"column '{error.column}'" in str(error)
                    or f"columns {error.column}" in str(error)
                )
        else:
            assert batch.files["file"].tolist() in ([name], [])
            check_batch(batch)
        with contextlib.suppress(SourceFormatError):
            read_transactions(source, Path(tmp))


@st.composite
def damaged_exports(draw: st.DrawFn) -> tuple[str, str, bytes]:
    source, name, original = draw(st.sampled_from(EXPORTS))
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "truncate", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if op == "insert":
            data[at:at] = draw(TRICKY | st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
    return source, name, bytes(data)


@SETTINGS
@given(source=st.sampled_from(SOURCE_SYSTEMS), data=st.binary(max_size=2000))
def test_arbitrary_bytes_only_raise_source_format_error(source: str, data: bytes) -> None:
    read_bytes_as(source, "export.csv", data)


@SETTINGS
@given(source=st.sampled_from(SOURCE_SYSTEMS), lines=st.lists(st.text(max_size=60), max_size=8))
def test_arbitrary_text_under_a_real_header_only_raises_source_format_error(
    source: str, lines: list[str]
) -> None:
    headers = {
        "crm": "Id,LastName,Email",
        "ecommerce": "Customer ID,First Name,Email",
        "pos": "Square Customer ID;First Name",
        "social": "id\tcreated_time\tfull_name",
    }
    read_bytes_as(source, "export.csv", "\n".join([headers[source], *lines]).encode())


@SETTINGS
@given(export=damaged_exports())
def test_damaged_real_exports_only_raise_source_format_error(
    export: tuple[str, str, bytes],
) -> None:
    read_bytes_as(*export)


# --- Mutated real exports never lose a readable row ---------------------------------------
#
# Each real export is parsed once and written back out with a chosen delimiter, line end and
# encoding. The damage is then done at row level, so the test knows which rows it left intact:
# every record read from the clean rebuild must still be read, unchanged, from the damaged one.

CUSTOMER_EXPORTS: list[tuple[str, list[str], list[list[str]]]] = [
    (source, table.header, table.rows)
    for folder, source in SOURCE_OF_FOLDER.items()
    if folder != "broken"
    for path in sorted((FIXTURES / folder).iterdir())
    if not is_transaction_export(source, path.name)
    for table in [read_table(path, "export")]
    if table.header and table.rows
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-16-le-nobom"]
# Junk never holds a quote: a stray quote may rightly swallow the rows after it (tested below).
JUNK = st.text(
    alphabet=st.sampled_from(list(" ,;\t|'=+-@#abcXYZ0129.é€ü\u200b")), min_size=1, max_size=60
)
SMALL = settings(SETTINGS, max_examples=60)


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if encoding == "utf-16-le-nobom":
        return text.encode("utf-16-le")
    return text.encode(encoding)  # "utf-16" writes a BOM


def serialise(rows: list[list[str]], delimiter: str, newline: str) -> list[str]:
    """Each row as the text a spreadsheet writes for it, line end included."""
    out = []
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerow(row)
        out.append(buffer.getvalue())
    return out


def read_records(source: str, data: bytes) -> Counter[str]:
    """The raw rows of the records read from one file (the batch must balance)."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "export.csv").write_bytes(data)
        batch = read_source(source, Path(tmp))
    check_batch(batch)
    return Counter(batch.records["raw"])


@st.composite
def rebuilt_exports(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]], str, str, str]:
    source, header, rows = draw(st.sampled_from(CUSTOMER_EXPORTS))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    return source, header, rows, delimiter, newline, encoding


def intact(header: list[str], rows: list[list[str]]) -> Counter[str]:
    return Counter(raw_rows(Table(header=header, rows=rows, lines=list(range(len(rows))))))


@SMALL
@given(export=rebuilt_exports(), data=st.data())
def test_junk_lines_and_one_damaged_row_lose_no_other_row(
    export: tuple[str, list[str], list[list[str]], str, str, str], data: st.DataObject
) -> None:
    source, header, rows, delimiter, newline, encoding = export
    lines = serialise([header, *rows], delimiter, newline)
    clean = read_records(source, encode("".join(lines), encoding))
    assert clean, "every base export has records"
    damaged = data.draw(st.integers(1, len(lines) - 1))
    text = lines[damaged]
    # Change the row without touching a quote or the character before one: only this row
    # may be affected.
    safe = [i for i in range(len(text)) if text[i] != '"' and text[i + 1 : i + 2] != '"']
    if safe:
        at = data.draw(st.sampled_from(safe))
        lines[damaged] = text[:at] + data.draw(JUNK) + text[at + data.draw(st.integers(0, 1)) :]
    for _ in range(data.draw(st.integers(0, 4))):
        where = data.draw(st.integers(1, len(lines)))
        lines.insert(where, data.draw(JUNK) + newline)
    after = read_records(source, encode("".join(lines), encoding))
    expected = clean - intact(header, [rows[damaged - 1]])
    assert not expected - after, "a readable row was lost"


@SMALL
@given(export=rebuilt_exports(), data=st.data())
def test_truncation_or_a_stray_quote_loses_no_row_before_it(
    export: tuple[str, list[str], list[list[str]], str, str, str], data: st.DataObject
) -> None:
    source, header, rows, delimiter, newline, encoding = export
    lines = serialise([header, *rows], delimiter, newline)
    text = "".join(lines)
    clean = read_records(source, encode(text, encoding))
    # Damage row k (1-based among data rows) somewhere inside its text; rows 1..k-1 are whole.
    k = data.draw(st.integers(1, len(lines) - 1))
    at = len("".join(lines[:k])) + data.draw(st.integers(0, len(lines[k]) - 1))
    # A download cut short, or a quote that is never closed.
    damaged = text[:at] if data.draw(st.booleans()) else text[:at] + '"' + text[at:]
    complete = k - 1
    after = read_records(source, encode(damaged, encoding))
    expected = clean & intact(header, rows[:complete])
    assert not expected - after, "a row before the damage was lost"
