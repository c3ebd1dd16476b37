"""Quarantined rows keep their content for a retention period, then only file, line and reason.

A quarantined row is kept as read (``raw``) so that somebody can fix its export; after
``IDENTITY_QUARANTINE_RETENTION_DAYS`` (30) that content has served its purpose. ``expire``,
run after every publication and every erasure, therefore:

- blanks ``raw`` in each run's ``quarantine.csv`` older than the period (source, file, line,
  reason and run stay: the file's modification time is its age, and rewriting keeps it);
- cuts the quarantine table's Delta history so that no version committed before the period
  stays readable (``history.keep_from``; the published version always stays);
- blanks ``raw`` in the published version too when it is itself older than the period (no run
  for that long), as one more commit that the manifest then names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from identity import publish as pub
from identity import schema as s
from identity.rights import history, tables
from identity.rights.files import QUARANTINE_CSV, read_quarantine_csv, rewrite_keeping_time

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
RETENTION_VARIABLE = "IDENTITY_QUARANTINE_RETENTION_DAYS"
RETENTION_KEY = "identity.retention"


@dataclass
class Expired:
    """What ``expire`` blanked or removed.

    Attributes:
        csv_files: Run quarantine CSVs whose content was blanked.
        versions: Quarantine table versions no longer readable.
        published_rows: Rows of the published version whose content was blanked.
    """

    csv_files: int = 0
    versions: int = 0
    published_rows: int = 0


def check_days(days: int) -> int:
    """``days`` when it is a usable retention period (at least one day), else ValueError."""
    if days < 1:
        raise ValueError(f"{RETENTION_VARIABLE} must be at least 1 (days), not {days}")
    return days


def expire(warehouse: Path, days: int, now: datetime) -> Expired:
    """Blank or remove quarantined content older than ``days`` (see the module docstring).

    Args:
        warehouse: The warehouse folder (held by the caller's lock).
        days: The retention period.
        now: The current time (timezone-aware).

    Returns:
        What was blanked or removed.
    """
    cutoff = now - timedelta(days=check_days(days))
    out = Expired(csv_files=_blank_csvs(Path(warehouse), cutoff))
    path = pub.table_path(warehouse, pub.QUARANTINE)
    version = pub.published(warehouse)["tables"].get(pub.QUARANTINE)
    if version is None or not (path / history.LOG_FOLDER).is_dir():
        return out
    out.published_rows = _blank_published(Path(warehouse), path, int(version), cutoff)
    version = pub.published(warehouse)["tables"][pub.QUARANTINE]
    first = min(_first_recent(path, cutoff), int(version))
    oldest = history.oldest_version(path)
    if first > oldest:
        out.versions = first - oldest
        history.keep_from(path, first)
    if out.csv_files or out.versions or out.published_rows:
        logger.info(
            "retention (%d days): %d run CSVs blanked, %d quarantine versions removed, "
            "%d published rows blanked",
            days,
            out.csv_files,
            out.versions,
            out.published_rows,
        )
    return out


def _blank_csvs(warehouse: Path, cutoff: datetime) -> int:
    blanked = 0
    for path in sorted(warehouse.glob(f"runs/*/{QUARANTINE_CSV}")):
        if path.stat().st_mtime >= cutoff.timestamp():
            continue
        frame = read_quarantine_csv(path)
        if s.RAW in frame.columns and frame[s.RAW].ne("").any():
            rewrite_keeping_time(frame.assign(**{s.RAW: ""}), path)
            blanked += 1
    return blanked


def _first_recent(path: Path, cutoff: datetime) -> int:
    """The oldest version whose rows were collected at or after ``cutoff``."""
    from deltalake import DeltaTable

    delta = DeltaTable(str(path))
    limit = cutoff.timestamp() * 1000
    recent = [int(e["version"]) for e in delta.history() if tables.content_at(e) >= limit]
    return min(recent, default=delta.version())


def _blank_published(warehouse: Path, path: Path, version: int, cutoff: datetime) -> int:
    """Blank ``raw`` in the published version when its rows are older than ``cutoff``."""
    from deltalake import DeltaTable

    delta = DeltaTable(str(path), version=version)
    collected = tables.version_content_at(delta, version)
    if collected is None or collected >= cutoff.timestamp() * 1000:
        return 0
    table = delta.to_pyarrow_table()
    held = int(pc.sum(pc.is_valid(table[s.RAW])).as_py() or 0)
    if not held:
        return 0
    index = table.column_names.index(s.RAW)
    blank = table.set_column(index, s.RAW, pa.nulls(table.num_rows, pa.string()))
    metadata = {RETENTION_KEY: "raw blanked", tables.CONTENT_AT_KEY: str(int(collected))}
    pub.commit_arrow(path, blank, metadata)
    manifest: dict[str, Any] = pub.published(warehouse)
    manifest["tables"][pub.QUARANTINE] = DeltaTable(str(path)).version()
    pub.replace_manifest(warehouse, manifest)
    return held
