"""Publish tables to the warehouse as Delta Lake tables, one atomic commit per table per run.

A Delta commit becomes visible only when its log entry is written, so a run killed mid-publish
leaves every table at its previous version, fully readable. The crosswalk is written last: its
``run_id`` marks a run whose golden table is complete.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pyarrow as pa

from identity import schema as s

logger = logging.getLogger(__name__)

GOLDEN = "golden_customers"
CROSSWALK = "customer_crosswalk"
CHANGES = "identity_changes"
QUARANTINE = "quarantine"
TOUCHPOINTS = "customer_touchpoints"

# Written in this order; the crosswalk last (see module docstring).
PUBLISH_ORDER = (QUARANTINE, TOUCHPOINTS, CHANGES, GOLDEN, CROSSWALK)
APPEND_TABLES = frozenset({CHANGES})


def table_path(warehouse: Path, table: str) -> Path:
    """Where a table lives: ``<warehouse>/<table>/``."""
    return Path(warehouse) / table


def _arrow(frame: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    # Delta has no "null" type: an all-empty column is written as a string column.
    fields = [
        pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def write_table(warehouse: Path, table: str, frame: pd.DataFrame, run_id: str) -> int:
    """Write one table as a single Delta commit.

    Args:
        warehouse: The warehouse folder.
        table: Table name.
        frame: The rows; replaces the table's content, except for append tables.
        run_id: Recorded in the commit metadata.

    Returns:
        The new Delta version.
    """
    from deltalake import CommitProperties, DeltaTable, write_deltalake

    path = table_path(warehouse, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "append" if table in APPEND_TABLES else "overwrite"
    write_deltalake(
        str(path),
        _arrow(frame),
        mode=mode,
        schema_mode="merge" if mode == "append" else "overwrite",
        commit_properties=CommitProperties(custom_metadata={"identity.run_id": run_id}),
    )
    version = DeltaTable(str(path)).version()
    logger.info("published %s: %d rows, version %d", table, len(frame), version)
    return version


def publish(warehouse: Path, tables: dict[str, pd.DataFrame], run_id: str) -> dict[str, int]:
    """Publish every table of a run, crosswalk last.

    Args:
        warehouse: The warehouse folder.
        tables: Table name -> rows.
        run_id: This run.

    Returns:
        Table name -> new Delta version.
    """
    versions = {}
    for table in PUBLISH_ORDER:
        if table in tables:
            versions[table] = write_table(warehouse, table, tables[table], run_id)
    return versions


def read_table(warehouse: Path, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read the current version of a table; an absent table reads as empty.

    Args:
        warehouse: The warehouse folder.
        table: Table name.
        columns: Only these columns.

    Returns:
        The rows (an empty frame when the table has never been published).
    """
    from deltalake import DeltaTable

    path = table_path(warehouse, table)
    if not (path / "_delta_log").is_dir():
        return pd.DataFrame(columns=columns or [])
    return DeltaTable(str(path)).to_pandas(columns=columns)


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
