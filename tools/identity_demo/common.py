"""Shared constants and helpers: the fixed reference date, seeded streams, export writing."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from identity.readers.formats import ExportFormat

# Every date is relative to this instant, never to the wall clock, so output is reproducible.
REFERENCE = datetime(2026, 11, 1, tzinfo=UTC)
REFERENCE_DATE = REFERENCE.date()


def stream(seed: int, name: str) -> random.Random:
    """A random stream of its own for one part of the generator.

    Separate streams keep parts independent: turning order files off, or changing the noise
    level, must not reshuffle who the people are. ``random.Random`` seeds a ``str`` through
    SHA-512, not through ``hash()``, so this is stable across runs and interpreters.
    """
    return random.Random(f"{seed}:{name}")


def random_datetime(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-second instant uniformly in ``[start, end)``; ``start`` when the span is empty."""
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span)) if span > 0 else start


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A day uniformly in ``[start, end]``."""
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def write_rows(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    delimiter: str = ",",
    quote_all: bool = False,
    lineterminator: str = "\n",
) -> int:
    """Write one delimited text file the way a vendor tool does.

    Args:
        path: File to (over)write.
        header: Column names.
        rows: Rows of text values, already formatted.
        encoding: ``utf-8`` or ``utf-16-le`` (the byte order is fixed, not the platform's).
        bom: Start the file with a byte-order mark.
        delimiter: Field separator.
        quote_all: Quote every field (Salesforce) instead of only those that need it.
        lineterminator: Record separator.

    Returns:
        Number of data rows written.
    """
    count = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(
            handle,
            delimiter=delimiter,
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
            lineterminator=lineterminator,
        )
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_export(
    path: Path,
    export: ExportFormat,
    rows: Iterable[Sequence[str]],
    header: Sequence[str] | None = None,
) -> int:
    """Write one file in a vendor's export format (encoding, BOM, delimiter, quoting, lines).

    Args:
        path: File to (over)write.
        export: The format.
        rows: Rows of text values in the header's order, already formatted (prefixes included).
        header: The file's column names; default the format's header.

    Returns:
        Number of data rows written.
    """
    return write_rows(
        path,
        export.header if header is None else header,
        rows,
        encoding=export.encoding,
        bom=export.bom,
        delimiter=export.delimiter,
        quote_all=export.quote_all,
        lineterminator=export.lineterminator,
    )


def ordered(header: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """One row in the header's order: each column's value, "" for those not given.

    Raises:
        ValueError: A value for a column the header does not have (a misspelt name would
            otherwise leave its column empty without a word).
    """
    unknown = values.keys() - set(header)
    if unknown:
        raise ValueError(f"no such column in the export's header: {sorted(unknown)}")
    return [values.get(column, "") for column in header]


@dataclass(frozen=True)
class SourceOutput:
    """What a source writer produced.

    Attributes:
        files: Files written.
        ids: ``(source_record_id, entity_id)`` of every customer record written, in file order;
            deletions and test rows are not customers and are left out.
    """

    files: list[Path]
    ids: list[tuple[str, str]]
