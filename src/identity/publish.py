"""Publish a run's tables to the warehouse as Delta Lake tables, and say which run is current.

Each table is written as one Delta commit, so ``deltalake.DeltaTable(path)`` always reads a
complete version of every table. Delta has no commit spanning several tables, though, and the
golden table and its crosswalk must agree. So a run writes every table first and then, last,
replaces ``<warehouse>/_published.json`` (atomically, by rename): the manifest naming the run
and, per table, its Delta version. That rename is the run's one commit point:

- readers that need the tables of one run together (``read_table`` here, and any tool that
  follows the manifest) read each table at the version the manifest names;
- a run killed before the rename leaves the manifest, and so every reader, on the previous run;
  the next publication first rolls back whatever a killed run committed (``recover``), so plain
  ``DeltaTable(path)`` readers and the append-only change log lose its partial commits too;
- a publication that fails with an exception rolls back at once.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from identity import schema as s

logger = logging.getLogger(__name__)

GOLDEN = "golden_customers"
CROSSWALK = "customer_crosswalk"
CHANGES = "identity_changes"
QUARANTINE = "quarantine"
TOUCHPOINTS = "customer_touchpoints"
MANIFEST = "_published.json"

# Written in this order, crosswalk last; the manifest follows them all (see module docstring).
PUBLISH_ORDER = (QUARANTINE, TOUCHPOINTS, CHANGES, GOLDEN, CROSSWALK)
APPEND_TABLES = frozenset({CHANGES})
RUN_ID_KEY = "identity.run_id"
ROLLBACK_KEY = "identity.rolled_back_to_version"


def table_path(warehouse: Path, table: str) -> Path:
    """Where a table lives: ``<warehouse>/<table>/``."""
    return Path(warehouse) / table


def manifest_path(warehouse: Path) -> Path:
    """Where the manifest of the current run lives: ``<warehouse>/_published.json``."""
    return Path(warehouse) / MANIFEST


def _exists(warehouse: Path, table: str) -> bool:
    return (table_path(warehouse, table) / "_delta_log").is_dir()


def published(warehouse: Path) -> dict[str, Any]:
    """The manifest of the last completely published run.

    A warehouse published before manifests existed is read as its tables' current versions
    when its crosswalk (always written last) exists.

    Args:
        warehouse: The warehouse folder.

    Returns:
        ``{"run_id": ..., "published_at": ..., "tables": {table: version}}``; ``tables`` is
        empty when nothing has been published.
    """
    path = manifest_path(warehouse)
    if path.exists():
        return json.loads(path.read_text("utf-8"))
    if not _exists(warehouse, CROSSWALK):
        return {"run_id": None, "published_at": None, "tables": {}}
    from deltalake import DeltaTable

    tables = {
        t: DeltaTable(str(table_path(warehouse, t))).version()
        for t in PUBLISH_ORDER
        if _exists(warehouse, t)
    }
    return {"run_id": None, "published_at": None, "tables": tables}


def _arrow(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    # Delta has no "null" type: an all-empty column is written as a string column.
    fields = [
        pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def write_table(
    warehouse: Path, table: str, frame: pd.DataFrame, run_id: str, append: bool = False
) -> int:
    """Write one table as a single Delta commit (not yet published: see ``publish``).

    Args:
        warehouse: The warehouse folder.
        table: Table name.
        frame: The rows.
        run_id: Recorded in the commit metadata.
        append: Add the rows to the table instead of replacing its content.

    Returns:
        The new Delta version.
    """
    from deltalake import CommitProperties, DeltaTable, write_deltalake

    path = table_path(warehouse, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_deltalake(
        str(path),
        _arrow(frame),
        mode="append" if append else "overwrite",
        schema_mode="merge" if append else "overwrite",
        commit_properties=CommitProperties(custom_metadata={RUN_ID_KEY: run_id}),
    )
    version = DeltaTable(str(path)).version()
    logger.info("wrote %s: %d rows, version %d", table, len(frame), version)
    return version


def _write_manifest(warehouse: Path, run_id: str, versions: dict[str, int]) -> None:
    payload = {
        "run_id": run_id,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": versions,
    }
    target = manifest_path(warehouse)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    # The rename is atomic: readers see the old manifest or the new one, never a mix.
    os.replace(tmp, target)


def recover(warehouse: Path) -> list[str]:
    """Roll back every table a killed or failed run committed after the last publication.

    Tables ahead of the manifest are restored to the manifest's version (a new Delta commit
    with the old content); the next run then appends to the change log as if the killed run
    had never happened. Tables the manifest does not know are left for the next write, which
    replaces them.

    Args:
        warehouse: The warehouse folder.

    Returns:
        The tables rolled back.
    """
    from deltalake import CommitProperties, DeltaTable

    manifest = published(warehouse)
    rolled_back = []
    for table in PUBLISH_ORDER:
        version = manifest["tables"].get(table)
        if version is None or not _exists(warehouse, table):
            continue
        delta = DeltaTable(str(table_path(warehouse, table)))
        # A rollback is itself a commit: one that restored the manifest's version is current.
        if delta.version() == version or delta.history(1)[0].get(ROLLBACK_KEY) == str(version):
            continue
        delta.restore(
            version,
            commit_properties=CommitProperties(custom_metadata={ROLLBACK_KEY: str(version)}),
        )
        rolled_back.append(table)
        logger.warning("rolled %s back to version %d (unpublished commits)", table, version)
    return rolled_back


def publish(warehouse: Path, tables: dict[str, pd.DataFrame], run_id: str) -> dict[str, int]:
    """Publish every table of a run: roll back leftovers, write each table, then the manifest.

    Args:
        warehouse: The warehouse folder.
        tables: Table name -> rows.
        run_id: This run.

    Returns:
        Table name -> new Delta version (as recorded in the manifest).
    """
    recover(warehouse)
    before = published(warehouse)["tables"]
    versions = dict(before)
    try:
        for table in PUBLISH_ORDER:
            if table in tables:
                append = table in APPEND_TABLES and table in before
                versions[table] = write_table(warehouse, table, tables[table], run_id, append)
    except BaseException:
        # Nothing of this run may stay visible; a kill -9 is handled by the next run instead.
        recover(warehouse)
        raise
    _write_manifest(warehouse, run_id, versions)
    logger.info("published run %s: %s", run_id, versions)
    return versions


def read_table(warehouse: Path, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table as the last published run left it; an unpublished table reads as empty.

    Args:
        warehouse: The warehouse folder.
        table: Table name.
        columns: Only these columns.

    Returns:
        The rows at the version the manifest names (empty when never published).
    """
    from deltalake import DeltaTable

    version = published(warehouse)["tables"].get(table)
    if version is None or not _exists(warehouse, table):
        return pd.DataFrame(columns=columns or [])
    return DeltaTable(str(table_path(warehouse, table)), version=version).to_pandas(columns=columns)


def previous_crosswalk(warehouse: Path) -> pd.DataFrame:
    """The last published crosswalk with a ``record_key`` column (empty on a first run)."""
    crosswalk = read_table(
        warehouse, CROSSWALK, [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.CUSTOMER_ID]
    )
    if crosswalk.empty:
        return pd.DataFrame(columns=[s.RECORD_KEY, s.CUSTOMER_ID])
    crosswalk[s.RECORD_KEY] = crosswalk[s.SOURCE_SYSTEM] + ":" + crosswalk[s.SOURCE_RECORD_ID]
    return crosswalk[[s.RECORD_KEY, s.CUSTOMER_ID]]


def issued_ids(warehouse: Path) -> set[str]:
    """Every customer id ever issued, from the append-only change log."""
    changes = read_table(warehouse, CHANGES)
    ids: set[str] = set()
    for column in (s.CUSTOMER_ID, "related_customer_id"):
        if column in changes.columns:
            ids.update(changes[column].dropna().astype(str))
    return ids


def first_seen(warehouse: Path) -> pd.Series:
    """``customer_id`` -> ``first_seen_at`` from the last golden table."""
    golden = read_table(warehouse, GOLDEN, [s.CUSTOMER_ID, "first_seen_at"])
    if golden.empty:
        return pd.Series(dtype="datetime64[ns, UTC]")
    return golden.set_index(s.CUSTOMER_ID)["first_seen_at"]
