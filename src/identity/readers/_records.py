"""Locate one CSV record in the text without building its fields: for rows too big to parse.

The csv module builds each field in memory as it reads it (four bytes a character) and stops at
its field size limit. A row with a bigger field (an image pasted into a Shopify note) is not
parsed but located: ``scan_record`` follows the grammar of ``csv.reader(strict=False,
doublequote=True)`` with ``str.find`` jumps, so a 50 MB field costs a few passes over its text,
the parser quarantines that row alone, and reads the rows after it normally.

Example:
    >>> text = "1,'a' b,c\\n2,d,e\\n".replace("'", '"')
    >>> record = scan_record(text, 0, ",")
    >>> record.end, record.closed, [field.value(text, 10) for field in record.fields]
    (10, True, ['1', 'a b', 'c'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_QUOTE = '"'


@dataclass(frozen=True)
class Span:
    """Where one field of a record sits in the text.

    Attributes:
        start: Offset of the field's first character (its opening quote when quoted).
        stop: Offset just past the field (where its delimiter or line break is).
        close: Offset of the closing quote of a quoted field; -1 when the field is not quoted.
    """

    start: int
    stop: int
    close: int = -1

    def length(self, text: str) -> int:
        """Return the number of characters of the field's value.

        Args:
            text: The text the span points into.

        Returns:
            The value's length, a doubled quote counted once.
        """
        if self.close < 0:
            return self.stop - self.start
        inner = self.close - self.start - 1
        return inner - text.count('""', self.start + 1, self.close) + (self.stop - self.close - 1)

    def value(self, text: str, limit: int) -> str:
        """Return the field's value as the csv module reads it, cut to ``limit`` characters.

        Args:
            text: The text the span points into.
            limit: Longest value returned in full; a longer one keeps its first ``limit``
                characters and says how many more there were.

        Returns:
            The value, or its start followed by ``"... [N more characters]"``.
        """
        length = self.length(text)
        if self.close < 0:
            value = text[self.start : min(self.stop, self.start + limit + 1)]
        else:
            # Enough of the text for ``limit`` characters even if every one is a doubled quote.
            window = text[self.start + 1 : min(self.close, self.start + 1 + 2 * (limit + 1))]
            value = window.replace('""', _QUOTE) + text[self.close + 1 : self.stop][: limit + 1]
        if length <= limit:
            return value
        return f"{value[:limit]}... [{length - limit:,} more characters]"


@dataclass(frozen=True)
class Record:
    """One record located in the text.

    Attributes:
        end: Offset just past the record, its line break included (the text's length at the end).
        fields: The record's fields in order.
        closed: False when a quoted field is never closed: the record runs to the end of the
            text and its last field holds all of it.
    """

    end: int
    fields: list[Span]
    closed: bool


def scan_record(text: str, start: int, delimiter: str) -> Record:
    """Find the fields and the end of the record that starts at ``start``.

    Args:
        text: Decoded export text.
        start: Offset where the record starts (the start of a physical line).
        delimiter: The file's delimiter.

    Returns:
        The record, located as ``csv.reader`` would read it from there.
    """
    stops = _stops(delimiter)
    size = len(text)
    fields: list[Span] = []
    at = start
    while True:
        close = -1
        if text.startswith(_QUOTE, at):
            close = _closing_quote(text, at + 1)
            if close < 0:
                fields.append(Span(at, size))
                return Record(size, fields, closed=False)
        # An unquoted field, or what follows a closing quote (kept as text with strict=False).
        found = stops.search(text, at if close < 0 else close + 1)
        stop = size if found is None else found.start()
        fields.append(Span(at, stop, close))
        if found is None:
            return Record(size, fields, closed=True)
        if text[stop] == delimiter:
            at = stop + 1
            continue
        end = stop + 2 if text.startswith("\r\n", stop) else stop + 1
        return Record(end, fields, closed=True)


def _closing_quote(text: str, at: int) -> int:
    # Inside quotes only a quote matters; a doubled one is a quote character in the value.
    while True:
        at = text.find(_QUOTE, at)
        if at < 0 or not text.startswith(_QUOTE, at + 1):
            return at
        at += 2


@cache
def _stops(delimiter: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(delimiter)}\r\n]")
