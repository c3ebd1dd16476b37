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

Storage faults fail cleanly (issue #13). Before writing, a run checks that the warehouse has room
for its tables and sets aside a reserve file; when a write still fails (the disk filled up, or
the folder turned read-only), the reserve is deleted so that the rollback's own commits fit,
files the failed write left behind are removed, and every table is restored to the manifest's
version. The error that reaches the caller (``PublishError``) is one line.

Besides the tables readers use, the manifest names internal state tables under ``state``: the
records of retired customers (``identity.golden.retired``), so that ids survive a bad night.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from identity import schema as s
from identity.golden import retired as retired_records

logger = logging.getLogger(__name__)

GOLDEN = "golden_customers"
CROSSWALK = "customer_crosswalk"
CHANGES = "identity_changes"
QUARANTINE = "quarantine"
TOUCHPOINTS = "customer_touchpoints"
MANIFEST = "_published.json"
# Internal state, versioned with the run in the manifest's ``state`` (not for readers).
RETIRED_RECORDS = "_retired_crosswalk"
STATE_ORDER = (RETIRED_RECORDS,)

# Written in this order, crosswalk last of the tables readers use, then the state tables; the
# manifest follows them all (see module docstring).
PUBLISH_ORDER = (QUARANTINE, TOUCHPOINTS, CHANGES, GOLDEN, CROSSWALK)
APPEND_TABLES = frozenset({CHANGES})
RUN_ID_KEY = "identity.run_id"
ROLLBACK_KEY = "identity.rolled_back_to_version"

RESERVE_FILE = "_rollback_reserve"
# Enough for the rollback's commits (one small JSON file per table, and a checkpoint each
# hundredth commit), with a wide margin; see ``_reserve_size``.
MIN_RESERVE_BYTES = 16 * 2**20
# Parquet holds these tables in well under a third of what pandas needs in memory (measured on
# demo runs: 0.1 to 0.2 for the large tables); the check wants that third free, so it refuses
# only runs that cannot fit, and the reserve covers a misjudgement.
PARQUET_SHARE_OF_MEMORY = 1 / 3


class PublishError(OSError):
    """Publishing failed on the warehouse's storage; the message is one line for the user."""


class NotEnoughSpaceError(PublishError):
    """The warehouse has too little free space to publish: nothing was written."""


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
        empty when nothing has been published. A ``state`` key, when present, names the
        versions of the internal state tables (``STATE_ORDER``); ``rows_read``, when present,
        the rows that run read per source.
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
    path = table_path(warehouse, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    version = commit_arrow(path, _arrow(frame), {RUN_ID_KEY: run_id}, append)
    logger.info("wrote %s: %d rows, version %d", table, len(frame), version)
    return version


def commit_arrow(
    path: Path, table: pa.Table, metadata: dict[str, str], append: bool = False
) -> int:
    """Write ``table`` to the Delta table at ``path`` as one commit carrying ``metadata``.

    Every writer of the warehouse's tables (runs, erasures, retention) commits through here.

    Returns:
        The new Delta version.
    """
    from deltalake import CommitProperties, DeltaTable, write_deltalake

    with _native_stderr_logged():
        write_deltalake(
            str(path),
            table,
            mode="append" if append else "overwrite",
            schema_mode="merge" if append else "overwrite",
            commit_properties=CommitProperties(custom_metadata=metadata),
        )
    return DeltaTable(str(path)).version()


@contextmanager
def _native_stderr_logged() -> Iterator[None]:
    """Send what native code prints on stderr to the debug log while a table is written.

    deltalake's Rust runtime answers a failed write (a full disk) by panicking on a worker
    thread, which prints a Rust stack trace on the process's stderr before the Python error
    arrives; the one-line error says what happened, the trace stays in the debug log.
    """
    sink = -1
    try:
        sink, name = tempfile.mkstemp(prefix="identity-stderr-")
        os.unlink(name)
        saved = os.dup(2)
    except OSError:  # no room even for that: let it print
        if sink >= 0:
            os.close(sink)
        yield
        return
    os.dup2(sink, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        text = os.pread(sink, 1 << 16, 0).decode("utf-8", "replace").strip()
        os.close(sink)
        if text:
            logger.debug("deltalake's stderr: %s", text)


def _write_manifest(
    warehouse: Path,
    run_id: str,
    versions: dict[str, int],
    state: dict[str, int],
    rows_read: dict[str, int] | None = None,
) -> None:
    payload: dict[str, Any] = {
        "run_id": run_id,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": versions,
    }
    if state:
        payload["state"] = state
    if rows_read is not None:
        payload["rows_read"] = rows_read
    replace_manifest(warehouse, payload)


def replace_manifest(warehouse: Path, payload: dict[str, Any]) -> None:
    """Replace the manifest atomically: the commit point of a run, or of an erasure."""
    target = manifest_path(warehouse)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        # The rename is atomic: readers see the old manifest or the new one, never a mix.
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def recover(warehouse: Path, log_level: int = logging.WARNING) -> list[str]:
    """Roll back every table a killed or failed run committed after the last publication.

    Tables ahead of the manifest are restored to the manifest's version (a new Delta commit
    with the old content); the next run then appends to the change log as if the killed run
    had never happened. Tables the manifest does not know are left for the next write, which
    replaces them.

    Args:
        warehouse: The warehouse folder.
        log_level: How to log each rollback (a failing publication says it in its error).

    Returns:
        The tables rolled back.
    """
    from deltalake import CommitProperties, DeltaTable

    manifest = published(warehouse)
    known = {**manifest["tables"], **manifest.get("state", {})}
    rolled_back = []
    for table in (*PUBLISH_ORDER, *STATE_ORDER):
        version = known.get(table)
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
        logger.log(log_level, "rolled %s back to version %d (unpublished commits)", table, version)
    return rolled_back


def publish(
    warehouse: Path,
    tables: dict[str, pd.DataFrame],
    run_id: str,
    rows_read: dict[str, int] | None = None,
) -> dict[str, int]:
    """Publish every table of a run: roll back leftovers, write each table, then the manifest.

    Args:
        warehouse: The warehouse folder.
        tables: Table name -> rows.
        run_id: This run.
        rows_read: Per source, rows read this run; kept in the manifest, where the next run
            compares its volume against it (``identity.golden.volume``).

    Returns:
        Table name -> new Delta version (as recorded in the manifest).

    Raises:
        NotEnoughSpaceError: Too little free space; nothing was written.
        PublishError: Storage failed while writing; every table was rolled back.
    """
    before = published(warehouse)
    state_tables = _state_tables(warehouse, tables, run_id)
    reserve = _reserve(warehouse, [*tables.values(), *state_tables.values()], run_id, before)
    versions = dict(before["tables"])
    state = dict(before.get("state", {}))
    files_before: dict[str, set[str]] = {}
    try:
        recover(warehouse)
        for table in (*PUBLISH_ORDER, *STATE_ORDER):
            frame = tables.get(table, state_tables.get(table))
            if frame is None:
                continue
            files_before[table] = _data_files(warehouse, table)
            append = table in APPEND_TABLES and table in versions
            version = write_table(warehouse, table, frame, run_id, append)
            (state if table in STATE_ORDER else versions)[table] = version
        _write_manifest(warehouse, run_id, versions, state, rows_read)
    except BaseException as error:
        # Nothing of this run may stay visible; a kill -9 is handled by the next run instead.
        # The reserve goes first: on a full disk the rollback's own commits need its room.
        reserve.unlink(missing_ok=True)
        _roll_back(warehouse, files_before)
        reason = _storage_reason(error)
        if reason is None:
            raise
        raise PublishError(
            f"publishing run {run_id} to {warehouse} failed ({reason}); every table was rolled "
            f"back to {_at(before)}"
        ) from None
    finally:
        reserve.unlink(missing_ok=True)
    logger.info("published run %s: %s", run_id, versions)
    return versions


def _state_tables(
    warehouse: Path, tables: dict[str, pd.DataFrame], run_id: str
) -> dict[str, pd.DataFrame]:
    """The state tables this run publishes along with ``tables`` (read before any write)."""
    if CHANGES not in tables or CROSSWALK not in tables:
        return {}
    changes = tables[CHANGES]
    if s.CHANGE_TYPE not in changes.columns:
        return {}
    columns = [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.CUSTOMER_ID]
    previous = read_table(warehouse, CROSSWALK, columns).reindex(columns=columns)
    frame = retired_records.next_retired(
        previous, retired_crosswalk(warehouse), changes, tables[CROSSWALK], run_id
    )
    return {RETIRED_RECORDS: frame}


def _roll_back(warehouse: Path, files_before: dict[str, set[str]]) -> None:
    """Undo a failed publication: drop the files no commit refers to, restore every table."""
    for table, before in files_before.items():
        referenced = set()
        if _exists(warehouse, table):
            from deltalake import DeltaTable

            try:
                referenced = set(DeltaTable(str(table_path(warehouse, table))).file_uris())
            except Exception:  # an unreadable table keeps all its files
                continue
        for name in _data_files(warehouse, table) - before:
            if str(table_path(warehouse, table) / name) not in referenced:
                (table_path(warehouse, table) / name).unlink(missing_ok=True)
    try:
        recover(warehouse, logging.INFO)
    except Exception as error:  # reported, and the next run retries it
        logger.error(
            "could not roll back (%s): readers of the manifest are unaffected, and the next "
            "run rolls the tables back before publishing",
            _storage_reason(error) or error,
        )


def _data_files(warehouse: Path, table: str) -> set[str]:
    """Paths relative to the table of every file outside its log (a failed write's leftovers)."""
    root = table_path(warehouse, table)
    if not root.is_dir():
        return set()
    found = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] != "_delta_log":
            found.add(str(relative))
    return found


def _reserve(
    warehouse: Path, frames: list[pd.DataFrame], run_id: str, before: dict[str, Any]
) -> Path:
    """Check the free space a publication needs, then set the rollback's room aside.

    Returns:
        The reserve file, to delete when the publication has ended either way.

    Raises:
        NotEnoughSpaceError: The tables would not fit, or the reserve cannot be written.
    """
    Path(warehouse).mkdir(parents=True, exist_ok=True)
    reserve = _reserve_size(warehouse)
    memory = sum(int(f.memory_usage(index=False, deep=True).sum()) for f in frames)
    estimate = int(memory * PARQUET_SHARE_OF_MEMORY)
    free = shutil.disk_usage(warehouse).free
    if free < estimate + reserve:
        raise NotEnoughSpaceError(
            f"not enough free space in {warehouse} to publish run {run_id}: about "
            f"{_mb(estimate + reserve)} needed, {_mb(free)} free; nothing was written, every "
            f"table stays at {_at(before)}"
        )
    path = Path(warehouse) / RESERVE_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _allocate(fd, reserve)
        finally:
            os.close(fd)
    except OSError as error:
        path.unlink(missing_ok=True)
        raise NotEnoughSpaceError(
            f"cannot set aside room for a rollback in {warehouse} ({error.strerror}); nothing "
            f"was written, every table stays at {_at(before)}"
        ) from None
    return path


def _allocate(fd: int, size: int) -> None:
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as error:
        if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            raise
        # File systems without fallocate: zeros take the room just the same.
        block = bytes(2**20)
        for start in range(0, size, len(block)):
            os.pwrite(fd, block[: size - start], start)


def _at(manifest: dict[str, Any]) -> str:
    run = manifest.get("run_id")
    return f"run {run}, the last published" if run else "its last published version"


def _reserve_size(warehouse: Path) -> int:
    """Room for every table's rollback commit: its log's largest checkpoint, twice, at least."""
    largest = 0
    for table in (*PUBLISH_ORDER, *STATE_ORDER):
        log = table_path(warehouse, table) / "_delta_log"
        if log.is_dir():
            sizes = [p.stat().st_size for p in log.glob("*.checkpoint*.parquet")]
            largest += max(sizes, default=0)
    return max(MIN_RESERVE_BYTES, 2 * largest)


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _storage_reason(error: BaseException) -> str | None:
    """What the OS said when ``error`` is a storage fault (``No space left on device``), else None.

    deltalake reports file system errors as its own exceptions, naming the OS error in the text.
    """
    if isinstance(error, OSError):
        return error.strerror or str(error).splitlines()[0][:200]
    text = str(error)
    reasons = {errno.ENOSPC: "No space left on device", errno.EROFS: "Read-only file system"}
    reasons[errno.EACCES] = "Permission denied"
    for number, reason in reasons.items():
        if reason in text or f"os error {number})" in text:
            return reason
    return None


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
    """The last published crosswalk with a ``record_key`` column (empty on a first run).

    Records of retired customers follow, flagged in the ``schema.RETIRED`` column, so that
    their ids can be revived when the records return.
    """
    columns = [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.CUSTOMER_ID]
    live = read_table(warehouse, CROSSWALK, columns).assign(**{s.RETIRED: False})
    gone = retired_crosswalk(warehouse)[columns].assign(**{s.RETIRED: True})
    crosswalk = pd.concat([f for f in (live, gone) if len(f)] or [live], ignore_index=True)
    if crosswalk.empty:
        return pd.DataFrame(columns=[s.RECORD_KEY, s.CUSTOMER_ID])
    crosswalk[s.RECORD_KEY] = s.record_key(
        crosswalk[s.SOURCE_SYSTEM], crosswalk[s.SOURCE_RECORD_ID]
    )
    return crosswalk[[s.RECORD_KEY, s.CUSTOMER_ID, s.RETIRED]]


def retired_crosswalk(warehouse: Path) -> pd.DataFrame:
    """The records of retired customers the last published run left."""
    manifest = published(warehouse)
    version = manifest.get("state", {}).get(RETIRED_RECORDS)
    if version is None:
        if not manifest["tables"]:
            return retired_records.empty()
        # Published before this table existed: the crosswalk's history says the same.
        changes = read_table(warehouse, CHANGES)
        live = read_table(warehouse, CROSSWALK, [s.CUSTOMER_ID])[s.CUSTOMER_ID]
        return retired_records.from_history(
            table_path(warehouse, CROSSWALK), changes, set(live), RUN_ID_KEY, ROLLBACK_KEY
        )
    from deltalake import DeltaTable

    path = str(table_path(warehouse, RETIRED_RECORDS))
    frame = DeltaTable(path, version=version).to_pandas()
    return frame.reindex(columns=s.RETIRED_RECORD_COLUMNS)


def issued_ids(warehouse: Path) -> set[str]:
    """Every customer id ever issued, from the append-only change log."""
    changes = read_table(warehouse, CHANGES)
    ids: set[str] = set()
    for column in (s.CUSTOMER_ID, s.RELATED_CUSTOMER_ID):
        if column in changes.columns:
            ids.update(changes[column].dropna().astype(str))
    return ids


def first_seen(warehouse: Path) -> pd.Series:
    """``customer_id`` -> ``first_seen_at`` from the last golden table."""
    golden = read_table(warehouse, GOLDEN, [s.CUSTOMER_ID, s.FIRST_SEEN_AT])
    if golden.empty:
        return pd.Series(dtype="datetime64[ns, UTC]")
    return golden.set_index(s.CUSTOMER_ID)[s.FIRST_SEEN_AT]
