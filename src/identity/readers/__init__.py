"""Source readers: native CRM, shop, store and social exports into one raw schema.

``read_source`` reads every customer export in a landing folder into ``RAW_COLUMNS``; values are
the exported text with only export artefacts removed (a spreadsheet's leading apostrophe on ids,
phones, zips and numbers; Meta's ``l:``/``p:``/``z:`` prefixes), empty cells are None, and
nothing is otherwise parsed or cleaned: standardisation does that. What each vendor's export
looks like (header, id column, quirks) is defined once, in ``identity.readers.formats``; the
readers take their column names from there and add their tolerance (older layouts, localized
labels, fallbacks).

Conventions downstream stages rely on:

- ``email_consent`` for crm is Salesforce's ``HasOptedOutOfEmail``, an opt-OUT flag. It is stored
  as ``"optout:<text>"`` (``"optout:true"`` = no consent) so it cannot be read as an opt-in.
- ``source_line`` is the physical line (1-based, header = line 1) where the record starts.
- ``raw`` is ``json.dumps(dict(header -> value), ensure_ascii=False)`` in file column order. In
  quarantine, a row that does not have the header's shape is a JSON array of its fields instead.
- Rows whose fields are all empty count as blank lines, not rows. Ids are not deduplicated
  (standardisation does that), but a file identical byte for byte to an earlier one in the
  folder (the same export delivered twice) has all its rows quarantined, saying so.
- Rows quarantined by the reader besides misaligned ones: a repeated header row (two exports
  joined), an id a spreadsheet turned into scientific notation (``7.41235E+12``), a mapped
  value over 1,000 characters (no name or address is that long), a missing id, a deletion,
  a field over 4 MiB (that row only, its raw cut to a bounded size with a marker).
- For every file, ``rows_read`` = records + quarantined rows, counting the file's physical
  records; nothing is dropped silently.
- A file that is not a readable export is quarantined as a whole: one row (``line`` where the
  problem is, ``raw`` the file's name and size, never its content), counted as one row read,
  and its ``SourceFormatError`` (``file``, ``line``, ``column``, message) is listed in
  ``SourceBatch.unreadable``. Error messages never echo header cells that are not known column
  names: a file without its header row has a customer's data there.
- Clutter is skipped with a warning and listed in ``SourceBatch.skipped``.

Every reader detects: UTF-8 with or without BOM, UTF-16 with BOM (LE/BE) or without (NUL
pattern), stray cp1252 lines in UTF-8, NUL bytes, comma/tab/semicolon delimiters (or an Excel
``sep=`` line), quoted line breaks, header cells with spaces or BOMs; columns are matched by name.

Example:
    >>> batch = read_source("crm", Path("landing/crm"))  # doctest: +SKIP
    >>> batch.files[["file", "rows_read", "rows_quarantined"]]  # doctest: +SKIP
"""

from __future__ import annotations

import filecmp
import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from identity.readers import crm, ecommerce, pos, social
from identity.readers._assemble import FileResult, SourceSpec, gc_paused, read_customer_file
from identity.readers._files import export_files, is_transaction_export, list_folder
from identity.readers._model import (
    SourceBatch,
    SourceFormatError,
    empty_batch,
    skipped_frame,
    unreadable_frame,
)
from identity.readers._parse import Reject
from identity.readers._vocabulary import KNOWN_COLUMNS
from identity.readers.transactions import read_transactions
from identity.schema import (
    FILE,
    FILES_READ_COLUMNS,
    LINE,
    RAW,
    RAW_COLUMNS,
    REASON,
    ROWS_QUARANTINED,
    ROWS_READ,
    SOURCE_LINE,
    SOURCE_SYSTEM,
    SOURCE_SYSTEMS,
    STAGE_QUARANTINE_COLUMNS,
)

__all__ = [
    "SourceBatch",
    "SourceFormatError",
    "export_files",
    "is_transaction_export",
    "read_source",
    "read_transactions",
]

logger = logging.getLogger(__name__)

SPECS: dict[str, SourceSpec] = {
    spec.system: spec for spec in (crm.SPEC, ecommerce.SPEC, pos.SPEC, social.SPEC)
}


def read_source(source_system: str, folder: Path) -> SourceBatch:
    """Read every customer export in a source's landing folder.

    Files are read in name order. Clutter (lock files, hidden files, empty or whitespace-only
    files, dangling links) is skipped with a warning naming it, and listed in
    ``SourceBatch.skipped``; the optional transaction exports (Shopify ``orders_export*.csv``,
    Square ``items-*.csv``, see ``read_transactions``) are left to ``read_transactions``. A file
    that is not a readable export of this source (binary, undecodable, the wrong vendor, no
    recognisable header) is quarantined as a whole, one row saying why, and listed in
    ``SourceBatch.unreadable``; the other files are read as usual.

    Args:
        source_system: ``"crm"``, ``"ecommerce"``, ``"pos"`` or ``"social"``.
        folder: ``<landing>/<source_system>``. A missing folder means nothing this run.

    Returns:
        The records (``RAW_COLUMNS``), the quarantined rows with reasons, one row per file
        read with ``rows_read`` and ``rows_quarantined``, the skipped files and the files that
        could not be read.

    Raises:
        ValueError: Unknown source system.
        NotADirectoryError: The source's landing path is a file.
    """
    spec = SPECS.get(source_system)
    if spec is None:
        raise ValueError(
            f"unknown source system {source_system!r}; expected one of {SOURCE_SYSTEMS}"
        )
    listing = list_folder(Path(folder))
    for skipped in listing.skipped:
        # The name only: a lock file's content is the Windows user who holds the workbook.
        logger.warning("%s/%s: skipped: %s", source_system, skipped.file, skipped.reason)
    skipped = skipped_frame([(s.file, s.reason) for s in listing.skipped])
    paths = [p for p in listing.files if not is_transaction_export(source_system, p.name)]
    if not paths:
        logger.info("%s: no customer export files in %s", source_system, folder)
        return replace(empty_batch(source_system), skipped=skipped)
    results = []
    unreadable: list[SourceFormatError] = []
    with gc_paused():
        for path in paths:
            try:
                result = read_customer_file(spec, path, KNOWN_COLUMNS)
            except SourceFormatError as error:
                logger.warning(
                    "%s/%s: not a readable %s, quarantined as a whole file: %s",
                    source_system,
                    path.name,
                    spec.export_name,
                    error,
                )
                unreadable.append(error)
                result = _unreadable(path, error)
            original = _identical_earlier_file(path, paths)
            if original is not None:
                logger.warning(
                    "%s/%s: identical to %s, delivered twice: its rows are quarantined",
                    source_system,
                    path.name,
                    original.name,
                )
                result = _delivered_twice(result, original.name)
            if result.rows_read == 0:
                # Often a failed download; the run goes on, but someone should look.
                logger.warning(
                    "%s/%s: no rows (empty file or header only)", source_system, path.name
                )
            logger.info(
                "%s/%s: %d rows read, %d quarantined",
                source_system,
                path.name,
                result.rows_read,
                len(result.rejects),
            )
            results.append((path.name, result))
        batch = _batch(source_system, results)
    return replace(batch, skipped=skipped, unreadable=unreadable_frame(unreadable))


def _unreadable(path: Path, error: SourceFormatError) -> FileResult:
    """One quarantine row standing for a whole file that is not a readable export."""
    # The message names the file already; the reason says what is wrong with it, and the raw
    # describes the file without quoting it (its bytes may be a customer's data).
    prefix = f"{error.file}: "
    message = str(error)
    reason = f"whole file not read: {message.removeprefix(prefix)}"
    raw = json.dumps({"file": path.name, "bytes": path.stat().st_size})
    return FileResult(rejects=[Reject(error.line, raw, reason)], rows_read=1)


def _identical_earlier_file(path: Path, paths: list[Path]) -> Path | None:
    # The same export downloaded twice ("contacts (1).csv") must not count its customers
    # twice. Comparing sizes first keeps this free for the usual folder of distinct files.
    size = path.stat().st_size
    if size == 0:
        return None
    for earlier in paths[: paths.index(path)]:
        if earlier.stat().st_size == size and filecmp.cmp(earlier, path, shallow=False):
            return earlier
    return None


def _delivered_twice(result: FileResult, original: str) -> FileResult:
    """Quarantine every record of a file that repeats an earlier file byte for byte."""
    reason = f"same file delivered twice: identical to {original}"
    columns = result.columns
    again = []
    for line, raw in zip(columns.get(SOURCE_LINE, []), columns.get(RAW, []), strict=True):
        # Every kept record has its line number and raw text.
        assert line is not None and raw is not None
        again.append(Reject(int(line), raw, reason))
    return FileResult(
        columns={c: [] for c in columns},
        rejects=sorted([*result.rejects, *again], key=lambda r: r.line),
        rows_read=result.rows_read,
    )


def _object_array(values: list[str | None]) -> np.ndarray:
    # Text stays Python str/None (object dtype) and numpy builds the column without inference.
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _batch(source_system: str, results: list[tuple[str, FileResult]]) -> SourceBatch:
    # Concatenate plain lists, then build each frame once: no per-row or per-file DataFrames.
    columns: dict[str, list[str | None]] = {c: [] for c in RAW_COLUMNS}
    quarantine: dict[str, list[object]] = {c: [] for c in STAGE_QUARANTINE_COLUMNS}
    files: dict[str, list[object]] = {c: [] for c in FILES_READ_COLUMNS}
    for name, result in results:
        kept = len(result.columns.get(RAW, []))
        columns[SOURCE_SYSTEM].extend([source_system] * kept)
        for column, values in result.columns.items():
            columns[column].extend(values)
        for reject in result.rejects:
            quarantine[SOURCE_SYSTEM].append(source_system)
            quarantine[FILE].append(name)
            quarantine[LINE].append(reject.line)
            quarantine[RAW].append(reject.raw)
            quarantine[REASON].append(reject.reason)
        files[FILE].append(name)
        files[ROWS_READ].append(result.rows_read)
        files[ROWS_QUARANTINED].append(len(result.rejects))
    return SourceBatch(
        source_system=source_system,
        records=pd.DataFrame(
            {c: _object_array(v) for c, v in columns.items()}, columns=RAW_COLUMNS
        ),
        quarantine=pd.DataFrame(
            {
                c: pd.Series(v, dtype="int64" if c == LINE else object)
                for c, v in quarantine.items()
            },
            columns=STAGE_QUARANTINE_COLUMNS,
        ),
        files=pd.DataFrame(
            {c: pd.Series(v, dtype=object if c == FILE else "int64") for c, v in files.items()},
            columns=FILES_READ_COLUMNS,
        ),
    )
