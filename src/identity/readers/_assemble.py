"""Read one customer export file with a source's column mapping.

Shared by every source: decode, parse, check the header looks like the expected export, map the
vendor's columns onto ``RAW_COLUMNS``, and split rows into records and quarantine.
"""

from __future__ import annotations

import gc
import operator
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path

from identity.readers._columns import Columns, Values, header_key
from identity.readers._decode import decode_export
from identity.readers._model import SourceFormatError
from identity.readers._parse import Reject, Table, parse_table, unique_names
from identity.schema import (
    ATTRIBUTE_COLUMNS,
    RAW,
    SOURCE_FILE,
    SOURCE_LINE,
    SOURCE_RECORD_ID,
)

_SHOWN_HEADER_CELLS = 6
_SHOWN_CELL_CHARS = 40
# Custom columns by their shape: Salesforce "Tier__c", Shopify "Label (customer.metafields.ns.key)",
# a Meta custom question "how_did_you_hear_about_us?".
_CUSTOM_COLUMN = re.compile(r"^\w+__c$|\(customer\.metafields\.[\w.]+\)$|^[^\W\d]+(?:_\w+)+_?\?$")
# Longest value a mapped column may hold (Salesforce caps names at 80, streets at 255).
MAX_VALUE_CHARS = 1000
# Excel's display of a long number: "7.41235E+12".
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?[eE]\+\d+$")


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
        columns: Every column name the export is known to have (documented, also seen and
            localized); error messages show only header cells that are such names.
    """

    system: str
    export_name: str
    id_column: str
    mapper: Callable[[Columns], Mapped]
    required: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


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


def check_header(
    table: Table,
    name: str,
    expected: str,
    required: tuple[str, ...],
    known: Collection[str] = frozenset(),
) -> Columns:
    """Refuse a file whose header lacks a column the export always has.

    Args:
        table: The parsed file.
        name: The file name, for messages.
        expected: Human name of the export, for messages.
        required: Columns that must all be present (matched by name, case-insensitively).
        known: ``header_key`` forms of the column names a message may show, see
            ``describe_header``.

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
                f"like a {expected} (found: {describe_header(table.header, known)})",
                file=name,
                line=table.header_line,
                column=column,
            )
    return columns


def read_customer_file(
    spec: SourceSpec, path: Path, known: Collection[str] = frozenset()
) -> FileResult:
    """Read one customer export into record columns and quarantined rows.

    Args:
        spec: The source's export description.
        path: The file.
        known: Column names error messages may show, see ``describe_header``.

    Returns:
        The file's records, rejects and row count.

    Raises:
        SourceFormatError: The file cannot be read at all or is not this source's export.
    """
    table = read_table(path, spec.export_name)
    if not table.header:
        return FileResult()
    required = (spec.id_column, *spec.required)
    columns = check_header(table, path.name, spec.export_name, required, known)
    if spec.any_of and not any(columns.has(c) for c in spec.any_of):
        raise SourceFormatError(
            f"{path.name}: line {table.header_line} has none of the columns "
            f"{', '.join(spec.any_of)}; this does not look like a {spec.export_name} "
            f"(found: {describe_header(table.header, known)})",
            file=path.name,
            line=table.header_line,
            column=spec.any_of[0],
        )
    mapped = spec.mapper(columns)
    raws = raw_rows(table)
    deleted = mapped.deleted or [False] * len(table.rows)
    problems = row_problems(table, spec, mapped, raws)
    rejects = list(table.rejects)
    keep: list[int] = []
    for i, (record_id, is_deleted) in enumerate(zip(mapped.ids, deleted, strict=True)):
        if i in problems:
            rejects.append(Reject(table.lines[i], raws[i], problems[i]))
        elif record_id is None:
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


def row_problems(table: Table, spec: SourceSpec, mapped: Mapped, raws: list[str]) -> dict[int, str]:
    """Find rows that parse but cannot be a record, with the reason.

    - A row that repeats the header: two exports were joined into one file.
    - An id in scientific notation (``7.41235E+12``): a spreadsheet turned it into a rounded
      number, so it no longer identifies one record.
    - A mapped value longer than ``MAX_VALUE_CHARS``: no name, email or address is that long;
      the cell holds damaged or pasted data.

    Args:
        table: The parsed file.
        spec: The source's export description.
        mapped: The rows mapped onto the raw schema.
        raws: ``raw_rows(table)``.

    Returns:
        Reason per row index, for the rows that have one.
    """
    problems: dict[int, str] = {}
    id_cell = table.header[Columns(table.header, []).position(spec.id_column)]
    header_forms = {id_cell, f'"{id_cell}"'}
    for i, value in enumerate(mapped.ids):
        # Cheap tests first: this loop sees every row of million-row files.
        if value is None:
            continue
        if value in header_forms:
            problems[i] = "repeated header row (two exports joined into one file?)"
        elif "+" in value and _SCIENTIFIC.match(value):
            problems[i] = (
                f"{spec.id_column} '{value}' is in scientific notation: a spreadsheet rounded "
                "it, so it no longer identifies one record"
            )
    # A cell that long makes its whole row longer still: one pass over the raw rows usually
    # shows there is nothing to look for.
    if max(map(len, raws), default=0) <= MAX_VALUE_CHARS:
        return problems
    for attribute, values in mapped.attributes.items():
        if max(map(len, filter(None, values)), default=0) <= MAX_VALUE_CHARS:
            continue
        for i, value in enumerate(values):
            if value is not None and len(value) > MAX_VALUE_CHARS and i not in problems:
                problems[i] = _too_long(table, i, value, attribute)
    return problems


def _too_long(table: Table, row: int, value: str, attribute: str) -> str:
    cells = table.rows[row]
    position = next(
        (j for j, cell in enumerate(cells) if len(cell) > MAX_VALUE_CHARS and value[:64] in cell),
        0,
    )
    return (
        f"{table.header[position]} holds {len(cells[position]):,} characters (more than "
        f"{MAX_VALUE_CHARS:,}): not a usable {attribute} value"
    )


def raw_rows(table: Table, rows: Iterable[int] | None = None) -> list[str]:
    """Serialise each row as read: a JSON object header -> value in file column order.

    Args:
        table: The parsed file.
        rows: Positions in ``table.rows`` to serialise, in the order wanted; all rows when None.

    Returns:
        Per row, exactly ``json.dumps(dict(header -> value), ensure_ascii=False)``. Repeated
        header names get a `` (2)``-style suffix so no cell is lost.
    """
    # Same bytes as json.dumps, built from the C string encoder without a dict per row: this
    # is the reader's hottest loop on a million rows.
    keys = [f"{encode_basestring(k)}: " for k in unique_names(table.header)]
    chosen = table.rows if rows is None else map(table.rows.__getitem__, rows)
    return [
        "{" + ", ".join(map(operator.add, keys, map(encode_basestring, row))) + "}"
        for row in chosen
    ]


def describe_header(header: list[str], known: Collection[str] = frozenset()) -> str:
    """Show the start of a header in an error message without echoing what may be personal data.

    A file that lost its header row has a customer's name and email where the header should be,
    so only cells that are column names are shown: a name some vendor export is known to have
    (``known``), or a custom column's shape (Salesforce ``*__c``, a Shopify metafield, a Meta
    custom question ending in ``?``). Other cells show as ``<not shown>``.

    Args:
        header: Header cells.
        known: ``header_key`` forms of every column name the vendor exports are known to have.

    Returns:
        Something like ``"Customer ID, First Name, <not shown>, Email, ..."``, or ``"5 columns,
        none with a known column name (not shown; is the header row missing?)"``.
    """
    names = [header_key(cell) in known or bool(_CUSTOM_COLUMN.search(cell)) for cell in header]
    if not any(names):
        count = f"{len(header)} column" + ("" if len(header) == 1 else "s")
        return f"{count}, none with a known column name (not shown; is the header row missing?)"
    shown = []
    for cell, is_name in zip(header[:_SHOWN_HEADER_CELLS], names, strict=False):
        if not is_name:
            cell = "<not shown>"
        elif len(cell) > _SHOWN_CELL_CHARS:
            cell = f"{cell[:_SHOWN_CELL_CHARS]}..."
        shown.append(cell)
    more = ", ..." if len(header) > _SHOWN_HEADER_CELLS else ""
    return ", ".join(shown) + more
