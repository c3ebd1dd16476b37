"""Issue 14: one definition per vendor format, and the readers read exactly what it describes.

The demo generator writes every format from its definition in ``identity.readers.formats``, and
the readers take their canonical column names and id columns from the same definitions. These
tests read every generated file back, format by format, and check that a header that disagrees
with its definition (one column renamed) is noticed and named.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from identity import schema as s
from identity.readers import SourceFormatError, read_source, read_transactions
from identity.readers.formats import (
    FORMATS,
    ITEM_SALES,
    ORDERS,
    SALESFORCE_CONTACTS,
    SQUARE_CUSTOMERS,
    ExportFormat,
)
from identity_demo import generate
from identity_demo.common import ordered, write_export

PEOPLE = 300
SEED = 7
TRANSACTION_KINDS = (ORDERS, ITEM_SALES)


def _decode(path: Path, export: ExportFormat) -> str:
    data = path.read_bytes()
    bom = "\ufeff".encode(export.encoding)
    return data.removeprefix(bom).decode(export.encoding)


def _table(path: Path, export: ExportFormat) -> list[list[str]]:
    text = _decode(path, export)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=export.delimiter))


def _sniffed_header(path: Path) -> list[str]:
    data = path.read_bytes()
    if data.startswith(b"\xff\xfe"):
        text = data[2:].decode("utf-16-le")
    else:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    first = text.split("\n", 1)[0].rstrip("\r")
    delimiter = "\t" if "\t" in first else ","
    return next(csv.reader([first], delimiter=delimiter))


def _fits(export: ExportFormat, header: list[str]) -> bool:
    """The header is the format's, custom columns where the vendor puts them (any names)."""
    before, after = export.around_custom()
    for renamed in (False, True):
        start = [export.renamed.get(c, c) if renamed else c for c in before]
        end = [export.renamed.get(c, c) if renamed else c for c in after]
        if (
            len(header) >= len(start) + len(end)
            and header[: len(start)] == start
            and header[len(header) - len(end) :] == end
        ):
            return True
    return False


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("formats")
    generate(PEOPLE, out, seed=SEED)
    return out


@pytest.fixture(scope="module")
def written(landing: Path) -> dict[str, list[Path]]:
    """The generated files of each format, by format name."""
    found: dict[str, list[Path]] = {export.name: [] for export in FORMATS}
    for path in sorted(landing.glob("*/*.csv")):
        matches = [e for e in FORMATS if _fits(e, _sniffed_header(path))]
        assert len(matches) == 1, f"{path.name}: matches {[e.name for e in matches]}"
        assert matches[0].system == path.parent.name, path
        found[matches[0].name].append(path)
    return found


def _test_lead(value: str) -> bool:
    return value.startswith("<test lead:")


def _customer_ids(records: pd.DataFrame) -> list[str]:
    """Record ids without Meta's test leads (read like any lead; standardisation drops them)."""
    leads = records[s.RAW].str.contains("<test lead:", regex=False)
    return records.loc[~leads, s.SOURCE_RECORD_ID].tolist()


def _truth_ids(landing: Path, source: str) -> set[str]:
    truth = pd.read_csv(landing / "truth.csv", dtype=str)
    return set(truth.loc[truth[s.SOURCE_SYSTEM] == source, s.SOURCE_RECORD_ID])


def _copy(paths: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copyfile(path, folder / path.name)
    return folder


def _with_renamed(path: Path, export: ExportFormat, columns: tuple[str, ...], target: Path) -> bool:
    """Write ``path`` to ``target`` with ``columns`` renamed in its header; False if it has none."""
    header, *rows = _table(path, export)
    if not set(columns) & set(header):
        return False
    header = [f"{c} (renamed)" if c in columns else c for c in header]
    target.parent.mkdir(parents=True, exist_ok=True)
    write_export(target, export, rows, header)
    return True


def test_every_format_is_written_by_the_demo(written: dict[str, list[Path]]) -> None:
    assert [name for name, paths in written.items() if not paths] == []


@pytest.mark.parametrize("export", FORMATS, ids=lambda e: e.name)
def test_files_are_written_with_the_formats_quirks(
    export: ExportFormat, written: dict[str, list[Path]]
) -> None:
    for path in written[export.name]:
        data = path.read_bytes()
        bom = "\ufeff".encode(export.encoding)
        assert data.startswith(bom) == export.bom, path.name
        first = _decode(path, export).split("\n", 1)[0] + "\n"
        assert first.endswith(export.lineterminator), path.name
        assert first.startswith('"') == export.quote_all, path.name
        assert export.delimiter in first, path.name
        header, *cells = _table(path, export)
        rows = [dict(zip(header, row, strict=True)) for row in cells]
        for column, prefix in export.prefixes.items():
            # Meta's test leads hold placeholder text in every question.
            values = [r[column] for r in rows if r.get(column) and not _test_lead(r[column])]
            assert all(value.startswith(prefix) for value in values), column


@pytest.mark.parametrize(
    "export", [e for e in FORMATS if e.kind not in TRANSACTION_KINDS], ids=lambda e: e.name
)
def test_readers_accept_what_the_demo_writes(
    export: ExportFormat, written: dict[str, list[Path]], tmp_path: Path, landing: Path
) -> None:
    paths = written[export.name]
    batch = read_source(export.system, _copy(paths, tmp_path / export.system))

    assert batch.unreadable.empty and batch.skipped.empty
    assert set(batch.quarantine[s.REASON]) <= {"deleted in source"}
    rows = sum(len(_table(path, export)) - 1 for path in paths)
    assert len(batch.records) + len(batch.quarantine) == rows
    assert set(_customer_ids(batch.records)) <= _truth_ids(landing, export.system)
    # Every column the definition maps is read, without its export prefix.
    records = batch.records
    assert [c for c in export.fields if records[c].isna().all()] == []
    for column in [s.SOURCE_RECORD_ID, *export.fields]:
        natives = export.fields.get(column, (export.id_column,))
        prefixes = tuple({export.prefix(native) for native in natives} - {""})
        if prefixes:
            assert not records[column].dropna().str.startswith(prefixes).any(), column


@pytest.mark.parametrize("source", s.SOURCE_SYSTEMS)
def test_every_customer_the_demo_writes_is_read(source: str, landing: Path) -> None:
    batch = read_source(source, landing / source)

    assert batch.unreadable.empty
    assert set(_customer_ids(batch.records)) == _truth_ids(landing, source)


@pytest.mark.parametrize(
    "export", [e for e in FORMATS if e.kind in TRANSACTION_KINDS], ids=lambda e: e.name
)
def test_transaction_readers_accept_what_the_demo_writes(
    export: ExportFormat, written: dict[str, list[Path]], tmp_path: Path
) -> None:
    folder = _copy(written[export.name], tmp_path / export.system)
    orders = read_transactions(export.system, folder)

    assert len(orders) > 0
    assert [c for c in export.fields if orders[c].isna().all()] == []
    assert orders[s.ORDER_ID].notna().all() and orders[s.AMOUNT].notna().all()


def _read_renamed(
    export: ExportFormat, columns: tuple[str, ...], written: dict[str, list[Path]], folder: Path
) -> list[Path]:
    """Write the format's files with ``columns`` renamed into ``folder``; return those changed."""
    changed = []
    for path in written[export.name]:
        if _with_renamed(path, export, columns, folder / path.name):
            changed.append(folder / path.name)
    return changed


@pytest.mark.parametrize("export", FORMATS, ids=lambda e: e.name)
def test_a_renamed_id_column_is_named_in_the_error(
    export: ExportFormat, written: dict[str, list[Path]], tmp_path: Path
) -> None:
    folder = tmp_path / export.system
    changed = _read_renamed(export, (export.id_column,), written, folder)
    assert changed

    if export.kind in TRANSACTION_KINDS:
        with pytest.raises(SourceFormatError, match=f"no column '{export.id_column}'") as error:
            read_transactions(export.system, folder)
        assert error.value.column == export.id_column
        return
    batch = read_source(export.system, folder)
    assert batch.records.empty
    assert batch.unreadable[s.COLUMN].tolist() == [export.id_column] * len(changed)
    assert all(f"no column '{export.id_column}'" in m for m in batch.unreadable[s.MESSAGE])


def _field_cases() -> list[tuple[ExportFormat, str]]:
    return [(e, column) for e in FORMATS for column in e.fields]


@pytest.mark.parametrize(
    ("export", "column"), _field_cases(), ids=lambda v: v if isinstance(v, str) else v.name
)
def test_a_renamed_field_column_is_not_read_as_that_field(
    export: ExportFormat, column: str, written: dict[str, list[Path]], tmp_path: Path
) -> None:
    """A writer and a definition that disagree on a column's name lose that field, visibly.

    Each file that has the field's columns is written with them renamed: the reader must then
    either refuse the file naming the column, or read the field as empty in every record of
    it, while the other fields are still read.
    """
    natives = export.columns_of(column)
    folder = tmp_path / export.system
    changed = _read_renamed(export, natives, written, folder)
    assert changed, f"no {export.name} file has {natives}"

    if export.kind in TRANSACTION_KINDS and export.id_column in natives:
        with pytest.raises(SourceFormatError) as error:
            read_transactions(export.system, folder)
        assert error.value.column == export.id_column
        return
    if export.kind in TRANSACTION_KINDS:
        orders = read_transactions(export.system, folder)
        assert orders[column].isna().all()
        assert orders[s.ORDER_ID].notna().all()
        return
    batch = read_source(export.system, folder)
    if not batch.unreadable.empty:
        assert set(batch.unreadable[s.COLUMN]) <= set(natives)
        return
    assert len(batch.records) > 0
    assert batch.records[column].isna().all()
    others = [c for c in export.fields if export.fields[c] != export.fields[column]]
    still = [c for c in others if batch.records[c].notna().any()]
    assert still, "renaming one field's columns must leave the others readable"


def test_a_writer_naming_a_column_its_format_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="Email Adress"):
        ordered(SQUARE_CUSTOMERS.header_with(), {"Email Adress": "ann@example.org"})


def test_a_definition_naming_a_column_outside_its_header_is_refused() -> None:
    with pytest.raises(ValueError, match="FirstName"):
        ExportFormat(
            name="broken",
            system="crm",
            kind=SALESFORCE_CONTACTS.kind,
            header=("Id", "LastName"),
            id_column="Id",
            fields={s.FIRST_NAME: ("FirstName",)},
        )
