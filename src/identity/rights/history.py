"""Cut a Delta table's history: versions before a given one become unreadable, for good.

Delta keeps every version: the log's commit files (JSON, whose ``add`` actions carry each data
file's column statistics, that is the smallest and largest value of every column: an email or
a name) and the data files older versions still refer to. Deleting rows and vacuuming leaves
those commit files, so a plain delete is no erasure. ``keep_from`` instead writes a checkpoint
at the first version to keep (the table's state in one parquet file: the data files of that
version with their statistics, and of the removed files only their paths), deletes every log
entry before it and every data file no kept version refers to. Versions from the cut on read
as before and keep their numbers, so the manifest (``identity.publish``) stays valid; readers
of an older version get Delta's "no files in log segment" error.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

logger = logging.getLogger(__name__)

LOG_FOLDER = "_delta_log"
_VERSION_DIGITS = 20


def keep_from(table: Path, first: int) -> int:
    """Make ``first`` the oldest readable version of the Delta table at ``table``.

    Safe to interrupt and to repeat: every step leaves versions ``first`` onwards readable.

    Args:
        table: The table folder.
        first: The oldest version to keep (at most the current one).

    Returns:
        How many files were deleted (log entries and data files).
    """
    from deltalake import DeltaTable

    table = Path(table)
    log = table / LOG_FOLDER
    current = DeltaTable(str(table)).version()
    first = min(first, current)
    checkpoint = log / f"{first:0{_VERSION_DIGITS}d}.checkpoint.parquet"
    if not checkpoint.exists():
        DeltaTable(str(table), version=first).create_checkpoint()
    deleted = 0
    for entry in log.iterdir():
        version = _log_version(entry.name)
        if version is not None and version < first and entry.is_file():
            entry.unlink()
            deleted += 1
    kept: set[Path] = set()
    for version in range(first, current + 1):
        kept.update(_local(uri) for uri in DeltaTable(str(table), version=version).file_uris())
    for path in table.rglob("*"):
        inside_log = path.relative_to(table).parts[0] == LOG_FOLDER
        if path.is_file() and not inside_log and path.resolve() not in kept:
            path.unlink()
            deleted += 1
    logger.info("%s: history before version %d removed (%d files)", table.name, first, deleted)
    return deleted


def oldest_version(table: Path) -> int:
    """The oldest version of ``table`` that can still be read."""
    from deltalake import DeltaTable

    return min(int(entry["version"]) for entry in DeltaTable(str(table)).history())


def _log_version(name: str) -> int | None:
    """The version a log entry belongs to (``00…07.json``, ``00…07.checkpoint.parquet``)."""
    head = name[:_VERSION_DIGITS]
    if len(head) == _VERSION_DIGITS and head.isdigit():
        return int(head)
    return None


def _local(uri: str) -> Path:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path) if parsed.scheme == "file" else uri).resolve()
