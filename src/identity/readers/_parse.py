"""Split decoded export text into a header and rows, remembering where each row starts.

The csv module does the work at C speed on the whole text (``newline=''`` semantics, so quoted
line breaks stay inside their field). Each row is kept with the physical line it starts on; rows
that cannot be aligned with the header become ``Reject``s with their reason instead of being
dropped. A row with a field longer than ``MAX_FIELD_CHARS`` is located without being parsed
(see ``_records``) and quarantined on its own; the csv module then carries on after it, so no
field size limit can swallow the rows that follow.
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
from identity.readers._records import Record, scan_record

DELIMITERS: tuple[str, ...] = (",", "\t", ";")

# Fed to the csv reader after the last line. NUL never survives decoding, so the sentinel cannot
# occur in data: if it comes back glued to a field, that field's quote was never closed.
_SENTINEL = "\x00identity-end-of-file\x00"
_SEP_HINT = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
# Line breaks as io.StringIO(newline="") splits lines.
_LINE_BREAK = re.compile(r"\r\n?|\n")
# Characters of text handed to io.StringIO at a time (see physical_lines).
_CHUNK_CHARS = 1 << 22
# Longest field parsed as a value (a long note is fine); a row with a longer one is quarantined.
MAX_FIELD_CHARS = 4 * 1024 * 1024
# What quarantine keeps of such rows: each field up to this many characters, then a marker...
_KEPT_FIELD_CHARS = 4096
# ...and of a quote never closed, which takes the rest of the file, this much of that rest.
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
    Every other record of the file is either in ``rows`` or in ``rejects``.

    Args:
        text: Decoded text, see ``decode_export``.
        name: The file name, for messages.

    Returns:
        The header, the usable rows with their start lines, and the rejected rows.

    Raises:
        SourceFormatError: The header itself cannot be parsed.
    """
    # A free-text field (a note, a long address) can legitimately run to megabytes; the csv
    # module's default limit (131,072 characters) would turn such a row into an error. The
    # limit is process-wide: set it to exactly ours so that the rows quarantined never depend
    # on what else ran before.
    if csv.field_size_limit() != MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    first_line, has_hint = _first_content_line(text)
    hint = _SEP_HINT.match(first_line) if has_hint else None
    delimiter = hint.group(1) if hint else detect_delimiter(first_line)
    return _Parser(text, name, delimiter, skip_hint=hint is not None).parse()


class _Parser:
    """The state of one ``parse_table`` call, kept across csv readers restarted after a row."""

    def __init__(self, text: str, name: str, delimiter: str, *, skip_hint: bool) -> None:
        self.text = text
        self.name = name
        self.delimiter = delimiter
        self.skip_hint = skip_hint
        self.table = Table()
        self.width = 0  # no row has 0 fields, so nothing takes the fast path before the header
        self.sentinel_seen = False
        self.short_line = 0  # start of the latest row with too few fields

    def parse(self) -> Table:
        text, table = self.text, self.table
        offset, before = 0, 0  # where the current csv reader starts: text offset, lines before
        while True:
            failed = self._read(offset, before)
            if failed is None:
                break
            start, error = failed
            if not table.header:
                raise SourceFormatError(
                    f"{self.name}: line {start}: cannot read the header: {error}",
                    file=self.name,
                    line=start,
                )
            offset = _line_offset(text, offset, start - before - 1)
            record = scan_record(text, offset, self.delimiter)
            if not record.closed:
                table.rejects.append(_reject_tail(text, offset, start))
                return table
            table.rejects.append(self._oversize(record, start, error))
            before = start - 1 + _lines_in(text, offset, record.end)
            offset = record.end
        if not self.sentinel_seen and table.rows and table.rows[-1][-1].endswith(_SENTINEL):
            # The sentinel went down the fast path: it is the last row, alone (one-column file)
            # or glued to the last field of a row whose quote was never closed.
            fields, start = table.rows.pop(), table.lines.pop()
            if fields != [_SENTINEL]:
                fields[-1] = fields[-1][: -len(_SENTINEL)]
                table.rejects.append(_unterminated(start, fields))
        if self.short_line and not text.endswith(("\n", "\r")):
            _mark_truncated(table, self.short_line)
        return table

    def _read(self, offset: int, before: int) -> tuple[int, csv.Error] | None:
        """Read records from ``offset`` on; on a csv error, return where its record starts."""
        reader = csv.reader(
            itertools.chain(physical_lines(self.text, offset), (_SENTINEL,)),
            delimiter=self.delimiter,
            quotechar='"',
            doublequote=True,
            strict=False,
        )
        rows, lines = self.table.rows, self.table.lines
        width = self.width
        end = before  # last physical line consumed by the reader so far
        try:
            for fields in reader:
                start, end = end + 1, before + reader.line_num
                # Fast path, nearly every row: as wide as the header and not blank.
                if len(fields) == width and any(fields):
                    rows.append(fields)
                    lines.append(start)
                    continue
                if self._other_row(fields, start):
                    return None
                width = self.width
        except csv.Error as error:
            return end + 1, error
        return None

    def _other_row(self, fields: list[str], start: int) -> bool:
        """Handle a row off the fast path; True when it is the end-of-file sentinel."""
        table = self.table
        if fields == [_SENTINEL]:
            self.sentinel_seen = True
            return True
        if not "".join(fields).strip():
            return False  # blank line (or only spaces, or only delimiters): not a row
        unterminated = fields[-1].endswith(_SENTINEL)
        if unterminated:
            self.sentinel_seen = True
            fields[-1] = fields[-1][: -len(_SENTINEL)]
        if self.skip_hint:
            self.skip_hint = False
        elif not table.header:
            if unterminated:
                raise SourceFormatError(
                    f"{self.name}: line {start}: the header's column {len(fields)} opens a "
                    "quoted field that is never closed",
                    file=self.name,
                    line=start,
                    column=len(fields),
                )
            table.header = [clean_header_cell(c) for c in fields]
            table.header_line = start
            self.width = len(fields)
        elif unterminated:
            table.rejects.append(_unterminated(start, fields))
        else:
            reason = f"line {start}: {len(fields)} fields, header has {self.width}"
            table.rejects.append(Reject(start, _dump(fields), reason))
            if len(fields) < self.width:
                self.short_line = start
        return unterminated

    def _oversize(self, record: Record, start: int, error: csv.Error) -> Reject:
        """Quarantine a record the csv module refused, keeping a bounded copy of its fields."""
        text, header = self.text, self.table.header
        values = [span.value(text, _KEPT_FIELD_CHARS) for span in record.fields]
        if len(values) == len(header):
            raw = json.dumps(
                dict(zip(unique_names(header), values, strict=True)), ensure_ascii=False
            )
        else:
            raw = _dump(values)
        lengths = [span.length(text) for span in record.fields]
        big = next((i for i, n in enumerate(lengths) if n > MAX_FIELD_CHARS), None)
        if big is None:
            return Reject(start, raw, f"line {start}: {error}")
        where = f"column '{header[big]}'" if big < len(header) else f"field {big + 1}"
        reason = (
            f"line {start}: {where} holds {lengths[big]:,} characters, more than a field may "
            f"hold ({MAX_FIELD_CHARS:,}); the row is quarantined, the rows after it are read"
        )
        return Reject(start, raw, reason)


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


def physical_lines(text: str, start: int = 0) -> Iterator[str]:
    """Split text into lines as ``io.StringIO(text, newline="")`` does, breaks kept.

    ``StringIO`` copies its whole text into a buffer of four bytes per character before it
    yields a line: a 250 MB export would cost a gigabyte more. Here it only ever holds one
    slice of about ``_CHUNK_CHARS``; slices end just after a ``"\\n"``, which always ends a
    line (alone or in ``"\\r\\n"``), so the lines are the same.

    Args:
        text: Decoded export text.
        start: Offset to start from; it must be the start of a line.

    Returns:
        The lines, each ending in its ``"\\n"``, ``"\\r\\n"`` or ``"\\r"`` (the last may have none).
    """
    return itertools.chain.from_iterable(_slices(text, start))


def _slices(text: str, start: int) -> Iterator[io.StringIO]:
    size = len(text)
    while start < size:
        end = text.find("\n", start + _CHUNK_CHARS)
        end = size if end < 0 else end + 1
        yield io.StringIO(text[start:end], newline="")
        start = end


def _line_offset(text: str, offset: int, lines: int) -> int:
    # Where the line ``lines`` lines after the one starting at ``offset`` starts. Only called for
    # the rare refused record; the regex stops there, before the huge field that follows.
    if lines <= 0:
        return offset
    for count, match in enumerate(_LINE_BREAK.finditer(text, offset), start=1):
        if count == lines:
            return match.end()
    return len(text)


def _lines_in(text: str, start: int, end: int) -> int:
    # Physical lines of a located record: its line breaks ("\r\n" is one), plus an unfinished
    # last line. str.count runs at C speed over a field of many megabytes.
    breaks = text.count("\n", start, end) + text.count("\r", start, end)
    breaks -= text.count("\r\n", start, end)
    return breaks + (end > start and text[end - 1] not in "\r\n")


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


def _reject_tail(text: str, offset: int, line: int) -> Reject:
    # A quote opened at ``line`` is never closed: by the CSV rules the rest of the file is one
    # field of that record. Keep the start of it, say how much more there was.
    tail = text[offset : offset + _MAX_TAIL_CHARS + 1]
    if len(tail) > _MAX_TAIL_CHARS:
        more = len(text) - offset - _MAX_TAIL_CHARS
        tail = f"{tail[:_MAX_TAIL_CHARS]}... [{more} more characters]"
    return Reject(line, tail, f"unterminated quoted field starting at line {line}")
