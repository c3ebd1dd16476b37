"""Fuzzing: arbitrary bytes and damaged real exports never crash a reader.

The only exception a reader may raise is SourceFormatError, and every file read balances:
rows_read = records + quarantined rows.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity.readers import SourceBatch, SourceFormatError, read_source, read_transactions
from identity.schema import RAW_COLUMNS, SOURCE_SYSTEMS

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
        except SourceFormatError:
            pass
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
