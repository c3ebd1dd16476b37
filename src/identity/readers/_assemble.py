"""Read one customer export file with a source's column mapping.

Shared by every source: decode, parse, check the header looks like the expected export, map the
vendor's columns onto ``RAW_COLUMNS``, and split rows into records and quarantine.
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path

from identity.readers._columns import Columns, Values
from identity.readers._decode import decode_export
from identity.readers._model import SourceFormatError
from identity.readers._parse import Reject, Table, parse_table
from identity.schema import (
    ATTRIBUTE_COLUMNS,
    RAW,
    SOURCE_FILE,
    SOURCE_LINE,
    SOURCE_RECORD_ID,
)

_SHOWN_HEADER_CELLS = 6
_SHOWN_CELL_CHARS = 40


@dataclass(frozen=True)
class Mapped:
    """A file's rows mapped onto the raw schema.

    Attributes:
        ids: Source record id per row (None when missing).
        attributes: Values per attribute column; absent columns may be left out.
        deleted: Per row, True when the source marks the row as a deletion.
    """

    ids: Values
    attributes: dict[str, Values]
    deleted: list[bool] | None = None


@dataclass(frozen=True)
class SourceSpec:
    """What one source's customer export looks like and how its columns map.

    Attributes:
        system: Source system name.
        export_name: Human name of the export, for error messages.
        id_column: The vendor id column; a file without it is the wrong export.
        required: Further columns every such export has.
        any_of: At least one of these must be present (empty: no such check). They tell this
            export apart from others that share a column name (``Id`` vs Meta's ``id``).
        mapper: Maps the columns of a valid file.
    """

    system: str
    export_name: str
    id_column: str
    mapper: Callable[[Columns], Mapped]
    required: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()


@dataclass
class FileResult:
    """What one file yielded.

    Attributes:
        columns: Record columns (``RAW_COLUMNS`` except ``source_system``), kept rows only.
        rejects: Quarantined rows in line order.
        rows_read: Records plus quarantined rows.
    """

    columns: dict[str, Values] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 0


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of row lists are created.

    Parsing allocates one list per row and nothing cyclic; CPython's collector would otherwise
    rescan the growing heap again and again, which more than doubles the read time. The previous
    state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_table(path: Path, expected: str) -> Table:
    """Decode and parse one export file.

    Args:
        path: The file.
        expected: Human name of the export, for error messages.

    Returns:
        The parsed table.

    Raises:
        SourceFormatError: The file is not readable text or its header cannot be parsed.
    """
    return parse_table(decode_export(path.read_bytes(), path.name, expected), path.name)


def check_header(table: Table, name: str, expected: str, required: tuple[str, ...]) -> Columns:
    """Refuse a file whose header lacks a column the export always has.

    Args:
        table: The parsed file.
        name: The file name, for messages.
        expected: Human name of the export, for messages.
        required: Columns that must all be present (matched by name, case-insensitively).

    Returns:
        Column access over the table's rows.

    Raises:
        SourceFormatError: A required column is missing.
    """
    columns = Columns(table.header, table.rows)
    for column in required:
        if not columns.has(column):
            raise SourceFormatError(
                f"{name}: line {table.header_line} has no column '{column}'; this does not look "
                f"like a {expected} (found: {describe_header(table.header)})"
            )
    return columns


def read_customer_file(spec: SourceSpec, path: Path) -> FileResult:
    """Read one customer export into record columns and quarantined rows.

    Args:
        spec: The source's export description.
        path: The file.

    Returns:
        The file's records, rejects and row count.

    Raises:
        SourceFormatError: The file cannot be read at all or is not this source's export.
    """
    table = read_table(path, spec.export_name)
    if not table.header:
        return FileResult()
    columns = check_header(table, path.name, spec.export_name, (spec.id_column, *spec.required))
    if spec.any_of and not any(columns.has(c) for c in spec.any_of):
        raise SourceFormatError(
            f"{path.name}: line {table.header_line} has none of the columns "
            f"{', '.join(spec.any_of)}; this does not look like a {spec.export_name} "
            f"(found: {describe_header(table.header)})"
        )
    mapped = spec.mapper(columns)
    raws = raw_rows(table)
    deleted = mapped.deleted or [False] * len(table.rows)
    rejects = list(table.rejects)
    keep: list[int] = []
    for i, (record_id, is_deleted) in enumerate(zip(mapped.ids, deleted, strict=True)):
        if record_id is None:
            rejects.append(Reject(table.lines[i], raws[i], f"missing {spec.id_column}"))
        elif is_deleted:
            rejects.append(Reject(table.lines[i], raws[i], "deleted in source"))
        else:
            keep.append(i)
    full: dict[str, Values] = {
        SOURCE_RECORD_ID: mapped.ids,
        SOURCE_FILE: [path.name] * len(table.rows),
        SOURCE_LINE: list(map(str, table.lines)),
        RAW: list(raws),
    }
    nothing: Values = [None] * len(table.rows)
    for column in ATTRIBUTE_COLUMNS:
        full[column] = mapped.attributes.get(column, nothing)
    if len(keep) < len(table.rows):
        full = {c: [v[i] for i in keep] for c, v in full.items()}
    rejects.sort(key=lambda r: r.line)
    return FileResult(
        columns=full,
        rejects=rejects,
        rows_read=len(table.rows) + len(table.rejects),
    )


def raw_rows(table: Table) -> list[str]:
    """Serialise each row as read: a JSON object header -> value in file column order.

    Args:
        table: The parsed file.

    Returns:
        Per row, exactly ``json.dumps(dict(header -> value), ensure_ascii=False)``. Repeated
        header names get a `` (2)``-style suffix so no cell is lost.
    """
    # Same bytes as json.dumps, built from the C string encoder without a dict per row: this
    # is the reader's hottest loop on a million rows.
    keys = [f"{encode_basestring(k)}: " for k in unique_names(table.header)]
    return [
        "{" + ", ".join(map(operator.add, keys, map(encode_basestring, row))) + "}"
        for row in table.rows
    ]


def unique_names(header: list[str]) -> list[str]:
    """Make repeated header names distinct, keeping the first as is.

    Args:
        header: Header cells in file order.

    Returns:
        The names, later repeats suffixed `` (2)``, `` (3)``...
    """
    seen: set[str] = set()
    names: list[str] = []
    for name in header:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate)
        names.append(candidate)
    return names


def describe_header(header: list[str]) -> str:
    """Show the start of a header in an error message without leaking personal data.

    A file without a header row has a customer's values where the header should be; cells that
    look like an email address or a phone number are hidden.

    Args:
        header: Header cells.

    Returns:
        Something like ``"Customer ID, First Name, Last Name, ..."``.
    """
    shown = []
    for cell in header[:_SHOWN_HEADER_CELLS]:
        if "@" in cell or sum(ch.isdigit() for ch in cell) >= 5:
            cell = "<value hidden>"
        elif len(cell) > _SHOWN_CELL_CHARS:
            cell = f"{cell[:_SHOWN_CELL_CHARS]}..."
        shown.append(cell)
    more = ", ..." if len(header) > _SHOWN_HEADER_CELLS else ""
    return ", ".join(shown) + more
