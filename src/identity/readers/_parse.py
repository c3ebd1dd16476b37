"""Split decoded export text into a header and rows, remembering where each row starts.

The csv module does the work at C speed on the whole text (``newline=''`` semantics, so quoted
line breaks stay inside their field). Each row is kept with the physical line it starts on; rows
that cannot be aligned with the header become ``Reject``s with their reason instead of being
dropped.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from identity.readers._model import SourceFormatError

DELIMITERS: tuple[str, ...] = (",", "\t", ";")

# Fed to the csv reader after the last line. NUL never survives decoding, so the sentinel cannot
# occur in data: if it comes back glued to a field, that field's quote was never closed.
_SENTINEL = "\x00identity-end-of-file\x00"
_SEP_HINT = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters of text handed to io.StringIO at a time (see physical_lines).
_CHUNK_CHARS = 1 << 22
# Longest field we parse; a longer one is a damaged file (its rest goes to quarantine).
MAX_FIELD_CHARS = 4 * 1024 * 1024
# Only used when a field outgrows MAX_FIELD_CHARS: keep the quarantine table sane.
_MAX_TAIL_CHARS = 131072


@dataclass
class Reject:
    """A row the reader could not use.

    Attributes:
        line: Physical line (1-based) where the row starts.
        raw: The row as read: a JSON object header -> value when it has the header's shape,
            otherwise a JSON array of its fields (or the text itself if it could not be split).
        reason: Why it was rejected.
    """

    line: int
    raw: str
    reason: str


@dataclass
class Table:
    """A parsed export.

    Attributes:
        header: Header cells, cleaned of spaces, quotes and byte-order marks, in file order;
            empty when the file holds no header at all.
        header_line: Physical line of the header.
        rows: Rows with exactly as many fields as the header.
        lines: Physical start line of each row in ``rows``.
        rejects: Rows that could not be aligned with the header.
    """

    header: list[str] = field(default_factory=list)
    header_line: int = 1
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def parse_table(text: str, name: str) -> Table:
    """Parse decoded export text.

    The delimiter (comma, tab or semicolon) is detected from the header line, or taken from an
    Excel ``sep=`` hint line. Blank lines (and rows whose fields are all empty) are not rows.

    Args:
        text: Decoded text, see ``decode_export``.
        name: The file name, for messages.

    Returns:
        The header, the usable rows with their start lines, and the rejected rows.

    Raises:
        SourceFormatError: The header itself cannot be parsed.
    """
    # A free-text field (a note, a long address) can legitimately run to megabytes; the csv
    # module's default limit (131,072 characters) would turn such a row into an error.
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    first_line, has_hint = _first_content_line(text)
    hint = _SEP_HINT.match(first_line) if has_hint else None
    delimiter = hint.group(1) if hint else detect_delimiter(first_line)
    reader = csv.reader(
        itertools.chain(physical_lines(text), (_SENTINEL,)),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        strict=False,
    )
    table = Table()
    rows, lines = table.rows, table.lines
    skip_hint = hint is not None
    width = 0  # no row has 0 fields, so nothing takes the fast path before the header
    end = 0  # last physical line consumed by the reader so far
    sentinel_seen = False
    short_line = 0  # start of the latest row with too few fields
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num
            # Fast path, nearly every row: as wide as the header and not blank.
            if len(fields) == width and any(fields):
                rows.append(fields)
                lines.append(start)
                continue
            if fields == [_SENTINEL]:
                sentinel_seen = True
                break
            if not "".join(fields).strip():
                continue  # blank line (or only spaces, or only delimiters): not a row
            unterminated = fields[-1].endswith(_SENTINEL)
            if unterminated:
                sentinel_seen = True
                fields[-1] = fields[-1][: -len(_SENTINEL)]
            if skip_hint:
                skip_hint = False
            elif not table.header:
                if unterminated:
                    raise SourceFormatError(
                        f"{name}: line {start}: the header's column {len(fields)} opens a "
                        "quoted field that is never closed",
                        file=name,
                        line=start,
                        column=len(fields),
                    )
                table.header = [clean_header_cell(c) for c in fields]
                table.header_line = start
                width = len(fields)
            elif unterminated:
                table.rejects.append(_unterminated(start, fields))
            else:
                reason = f"line {start}: {len(fields)} fields, header has {width}"
                table.rejects.append(Reject(start, _dump(fields), reason))
                if len(fields) < width:
                    short_line = start
    except csv.Error as exc:
        if not table.header:
            raise SourceFormatError(
                f"{name}: line {end + 1}: cannot read the header: {exc}", file=name, line=end + 1
            ) from exc
        table.rejects.append(_reject_tail(text, end + 1, exc))
        return table
    if not sentinel_seen and rows and rows[-1][-1].endswith(_SENTINEL):
        # The sentinel went down the fast path: it is the last row, alone (one-column file) or
        # glued to the last field of a row whose quote was never closed.
        fields, start = rows.pop(), lines.pop()
        if fields != [_SENTINEL]:
            fields[-1] = fields[-1][: -len(_SENTINEL)]
            table.rejects.append(_unterminated(start, fields))
    if short_line and not text.endswith(("\n", "\r")):
        _mark_truncated(table, short_line)
    return table


def detect_delimiter(line: str) -> str:
    """Pick the delimiter that splits a header line into the most fields.

    Args:
        line: The header line.

    Returns:
        ``","``, ``"\\t"`` or ``";"``; comma when nothing splits the line (one column).
    """
    best, best_count = ",", 1
    for delimiter in DELIMITERS:
        try:
            count = len(next(csv.reader([line], delimiter=delimiter), []))
        except csv.Error:
            count = line.count(delimiter) + 1
        if count > best_count:
            best, best_count = delimiter, count
    return best


def clean_header_cell(cell: str) -> str:
    """Remove export artefacts around a header cell (spaces, stray quotes, byte-order marks).

    Args:
        cell: The header cell as parsed.

    Returns:
        The column name.
    """
    cell = cell.replace("\ufeff", "").strip()
    if len(cell) >= 2 and cell[0] == '"' and cell[-1] == '"':
        cell = cell[1:-1].strip()
    return cell


def physical_lines(text: str) -> Iterator[str]:
    """Split text into lines as ``io.StringIO(text, newline="")`` does, breaks kept.

    ``StringIO`` copies its whole text into a buffer of four bytes per character before it
    yields a line: a 250 MB export would cost a gigabyte more. Here it only ever holds one
    slice of about ``_CHUNK_CHARS``; slices end just after a ``"\\n"``, which always ends a
    line (alone or in ``"\\r\\n"``), so the lines are the same.

    Args:
        text: Decoded export text.

    Returns:
        The lines, each ending in its ``"\\n"``, ``"\\r\\n"`` or ``"\\r"`` (the last may have none).
    """
    return itertools.chain.from_iterable(_slices(text))


def _slices(text: str) -> Iterator[io.StringIO]:
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start + _CHUNK_CHARS)
        end = size if end < 0 else end + 1
        yield io.StringIO(text[start:end], newline="")
        start = end


def _first_content_line(text: str) -> tuple[str, bool]:
    for line in physical_lines(text):
        if line.strip():
            return line, True
    return "", False


def _unterminated(start: int, fields: list[str]) -> Reject:
    return Reject(start, _dump(fields), f"unterminated quoted field starting at line {start}")


def _mark_truncated(table: Table, short_line: int) -> None:
    # The file stops mid-row (no final line break, too few fields): a cut-off download rather
    # than a bad row, so say so.
    last = table.rejects[-1]
    if last.line == short_line and (not table.lines or short_line > table.lines[-1]):
        last.reason = f"{last.reason} (truncated last line)"


def _dump(fields: list[str]) -> str:
    return json.dumps(fields, ensure_ascii=False)


def _reject_tail(text: str, line: int, exc: csv.Error) -> Reject:
    tail = _text_from_line(text, line)
    # An odd number of quotes from here to the end means a quote was opened and never closed.
    if tail.count('"') % 2:
        reason = f"unterminated quoted field starting at line {line}"
    else:
        reason = f"line {line}: {exc}"
    if len(tail) > _MAX_TAIL_CHARS:
        tail = f"{tail[:_MAX_TAIL_CHARS]}... [{len(tail) - _MAX_TAIL_CHARS} more characters]"
    return Reject(line, tail, reason)


def _text_from_line(text: str, line: int) -> str:
    if line <= 1:
        return text
    for number, match in enumerate(_LINE_BREAK.finditer(text), start=2):
        if number == line:
            return text[match.end() :]
    return ""
