"""Find columns by header name and remove export artefacts from their values.

Columns are matched by name, never by position: trimmed, case-insensitive and accent-folded, so
``Téléphone``, `` telephone `` and ``TELEPHONE`` are one column. Values stay the exported text;
only artefacts of the export itself are removed (a spreadsheet's leading apostrophe, Meta's
``p:``-style type prefixes). Empty cells become None.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter

from unidecode import unidecode

Values = list[str | None]

# Widest export whose columns are all turned at once (see Columns._column).
_TRANSPOSE_MAX_COLUMNS = 40

# Characters that cannot be seen and never belong in an id: byte-order marks left mid-file by
# joined exports, zero-width spaces and joiners, word joiners, soft hyphens and direction marks
# pasted from web pages.
INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad\u200e\u200f"))


def header_key(name: str) -> str:
    """Return the form under which a header name is matched.

    Args:
        name: A header cell or a column name we look for.

    Returns:
        The name accent-folded, case-folded, trimmed, with inner runs of spaces collapsed.
    """
    return " ".join(unidecode(name).casefold().split())


class Columns:
    """Column access by name over parsed rows (all rows have the header's width)."""

    def __init__(self, header: list[str], rows: list[list[str]]) -> None:
        """Index a header.

        Args:
            header: Column names in file order; the first of two equal names wins.
            rows: The rows, each as wide as the header.
        """
        self.header = header
        self._rows = rows
        self._columns: list[Sequence[str]] | None = None
        self._index: dict[str, int] = {}
        for position, name in enumerate(header):
            self._index.setdefault(header_key(name), position)

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self._rows)

    def position(self, name: str) -> int:
        """Return where a column is in the header.

        Args:
            name: Column name, matched as ``header_key`` does; it must be present.

        Returns:
            The 0-based position of the first column of that name.
        """
        return self._index[header_key(name)]

    def has(self, name: str) -> bool:
        """Tell whether a column is present.

        Args:
            name: Column name, matched as ``header_key`` does.

        Returns:
            True when the header has it.
        """
        return header_key(name) in self._index

    def values(self, *names: str) -> Values:
        """Return one value per row: the first non-blank cell among the named columns.

        Args:
            *names: Column names in order of preference (a later name is a fallback used per
                row when the earlier ones are absent or blank).

        Returns:
            The cell text as exported, or None when every named column is absent or blank.
        """
        positions = [self._index[k] for k in map(header_key, names) if k in self._index]
        if not positions or not self._rows:
            return [None] * len(self._rows)
        if len(positions) == 1:
            return [v if v.strip() else None for v in self._column(positions[0])]
        if len(positions) == 2:
            first, second = self._column(positions[0]), self._column(positions[1])
            return [
                a if a.strip() else (b if b.strip() else None)
                for a, b in zip(first, second, strict=True)
            ]
        return [next((row[i] for i in positions if row[i].strip()), None) for row in self._rows]

    def _column(self, position: int) -> Sequence[str]:
        # Customer exports: rows turned into columns once per file, at C speed; reading a
        # column from the rows one cell at a time jumps across memory and costs about three
        # times as much per cell. Wide exports (Shopify orders: 79 columns, a few read) are
        # read a column at a time, since turning every column would cost more.
        if len(self.header) > _TRANSPOSE_MAX_COLUMNS:
            return list(map(itemgetter(position), self._rows))
        if self._columns is None:
            self._columns = list(zip(*self._rows, strict=True))
        return self._columns[position]


def unapostrophe(values: Iterable[str | None]) -> Values:
    """Remove the leading apostrophe spreadsheets add to keep numbers as text (``'02118``).

    Args:
        values: Cells of an id, phone, zip or number column.

    Returns:
        The same cells without the apostrophe; None when nothing else was there.
    """
    return unprefix(values, "'")


def unprefix(values: Iterable[str | None], prefix: str) -> Values:
    """Remove a type prefix such as Meta's ``p:`` (phone) or ``z:`` (zip).

    Args:
        values: Cells of the column.
        prefix: The exact prefix to remove.

    Returns:
        The cells without the prefix; None when nothing else was there.
    """
    # Most cells have no prefix: test inline and call the helper only for those that do.
    return [
        _drop_prefix(v, prefix) if v is not None and v.startswith(prefix) else v for v in values
    ]


def clean_ids(values: Iterable[str | None], prefix: str = "") -> Values:
    """Turn exported id cells into source record ids.

    Surrounding spaces, invisible characters, the spreadsheet apostrophe and an optional type
    prefix are export artefacts; ids never contain them.

    Args:
        values: The id column.
        prefix: A type prefix to remove (Meta lead ids: ``l:``).

    Returns:
        The ids; None where the cell holds no id.
    """
    cleaned: Values = []
    for value in values:
        if value is not None:
            if not value.isascii():  # every invisible character is outside ASCII
                value = value.translate(INVISIBLE)
            value = value.strip()
            if value.startswith("'"):
                value = value[1:].strip()
            if prefix and value.startswith(prefix):
                value = value[len(prefix) :].strip()
        cleaned.append(value or None)
    return cleaned


def join_street(first: Values, second: Values) -> Values:
    """Join two address lines as ``"line 1, line 2"``.

    Args:
        first: Address line 1 per row.
        second: Address line 2 per row.

    Returns:
        The joined street; whichever line exists when only one does.
    """
    return [f"{a}, {b}" if a and b else a or b for a, b in zip(first, second, strict=True)]


def _drop_prefix(value: str | None, prefix: str) -> str | None:
    if value is None or not value.startswith(prefix):
        return value
    value = value[len(prefix) :]
    return value if value.strip() else None
