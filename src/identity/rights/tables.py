"""The published tables without erased customers, and with their history cut.

``find`` says which customers a set of keys names in the last publication: those holding a
named record (live or retired), those whose golden email or phone is named, and named customer
ids. ``rewrite`` writes every table at the manifest's version without them (one Delta commit
each, only where a row goes), appends an ``erased`` row per erased customer to
``identity_changes`` (the id stays issued, so it is never minted again, and the row holds no
personal data), and replaces the manifest with the new versions: the erasure's commit point.
``cut_history`` then makes each manifest version its table's oldest (``history.keep_from``).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from identity import publish as pub
from identity import schema as s
from identity.rights import history
from identity.rights.keys import CUSTOMER, EMAIL, PHONE, RECORD, KeySet
from identity.rights.match import raw_hits

logger = logging.getLogger(__name__)

TABLES: tuple[str, ...] = (*pub.PUBLISH_ORDER, *pub.STATE_ORDER)
ERASURE_KEY = "identity.erasure"
# When the rows of a rewritten version were collected (ms since the epoch): the commit it
# replaced, so that rewriting a version does not restart its retention period.
CONTENT_AT_KEY = "identity.content_at"
# Tables whose rows name a customer and a source record.
_RECORD_TABLES = frozenset({pub.CROSSWALK, pub.TOUCHPOINTS, pub.RETIRED_RECORDS})


@dataclass
class Erased:
    """The customers an erasure takes out.

    Attributes:
        customers: Customer id -> how many source records it had (live and retired).
        records: Record keys of those customers.
        emails: Their golden emails.
        phones: Their golden phones.
    """

    customers: dict[str, int] = field(default_factory=dict)
    records: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)


def find(warehouse: Path, keys: KeySet) -> Erased:
    """The customers ``keys`` names in the last publication, with all their records.

    Args:
        warehouse: The warehouse folder.
        keys: The erasure register, or a request's keys.

    Returns:
        Named customers (ids ever issued that the keys name included, with no records when
        nothing holds them any more), their records and their golden emails and phones.
    """
    known = pub.previous_crosswalk(warehouse)
    golden = pub.read_table(warehouse, pub.GOLDEN, [s.CUSTOMER_ID, s.EMAIL, s.PHONE])
    named: set[str] = set()
    if len(known):
        hit = keys.holds(RECORD, known[s.RECORD_KEY]) | keys.holds(CUSTOMER, known[s.CUSTOMER_ID])
        named |= set(known.loc[hit, s.CUSTOMER_ID].astype(str))
    if len(golden):
        hit = keys.holds(CUSTOMER, golden[s.CUSTOMER_ID])
        hit |= keys.holds(EMAIL, golden[s.EMAIL]) | keys.holds(PHONE, golden[s.PHONE])
        named |= set(golden.loc[hit, s.CUSTOMER_ID].astype(str))
    issued = pd.Series(sorted(pub.issued_ids(warehouse)), dtype=object)
    named |= set(issued[keys.holds(CUSTOMER, issued)])
    theirs = known[known[s.CUSTOMER_ID].isin(named)] if len(known) else known
    counts = theirs.groupby(s.CUSTOMER_ID).size() if len(theirs) else pd.Series(dtype=int)
    best = golden[golden[s.CUSTOMER_ID].isin(named)] if len(golden) else golden
    return Erased(
        customers={c: int(counts.get(c, 0)) for c in sorted(named)},
        records=set(theirs[s.RECORD_KEY].astype(str)) if len(theirs) else set(),
        emails=set(best[s.EMAIL].dropna().astype(str)) if len(best) else set(),
        phones=set(best[s.PHONE].dropna().astype(str)) if len(best) else set(),
    )


def rewrite(
    warehouse: Path, keys: KeySet, erased: Erased, region: str, label: str, now: datetime
) -> dict[str, int]:
    """Rewrite every published table without the erased customers, then the manifest.

    Args:
        warehouse: The warehouse folder (locked by the caller, rolled back to the manifest).
        keys: What to erase: the register (records, emails, phones, customers).
        erased: ``find``'s answer for the same keys.
        region: Phone region for numbers in quarantined rows written without a country code.
        label: Recorded as the ``run_id`` of the ``erased`` change rows (the request id).
        now: The erasure's time (``changed_at``).

    Returns:
        Table -> rows removed (rows added, for ``identity_changes``), for tables that changed.
    """
    manifest = pub.published(warehouse)
    versions, state = dict(manifest["tables"]), dict(manifest.get("state", {}))
    changed: dict[str, int] = {}
    for table in TABLES:
        holder = state if table in pub.STATE_ORDER else versions
        version = holder.get(table)
        if version is None or not (pub.table_path(warehouse, table) / "_delta_log").is_dir():
            continue
        path = pub.table_path(warehouse, table)
        if table == pub.CHANGES:
            result = _append_erased(path, version, erased, label, now)
        else:
            result = _filter(path, version, _dropper(table, keys, erased, region), label)
        if result is not None:
            holder[table], changed[table] = result
    if changed:
        payload: dict[str, Any] = {
            **manifest,
            "tables": versions,
            "history_rewritten_at": now.isoformat(timespec="seconds"),
        }
        if state:
            payload["state"] = state
        pub.replace_manifest(warehouse, payload)
    return changed


def cut_history(warehouse: Path) -> int:
    """Make every table's published version its oldest; remove tables no manifest names.

    A table the manifest does not name holds only what a killed run left (the next run
    replaces it), so it goes whole.

    Returns:
        Files deleted.
    """
    manifest = pub.published(warehouse)
    known = {**manifest["tables"], **manifest.get("state", {})}
    deleted = 0
    for table in TABLES:
        path = pub.table_path(warehouse, table)
        if not (path / "_delta_log").is_dir():
            continue
        if table not in known:
            deleted += sum(1 for p in path.rglob("*") if p.is_file())
            shutil.rmtree(path)
            continue
        deleted += history.keep_from(path, int(known[table]))
    return deleted


def content_at(entry: dict[str, Any]) -> float:
    """When a commit's rows were collected (ms): its own time, unless it rewrote older rows."""
    return float(entry.get(CONTENT_AT_KEY) or entry.get("timestamp") or 0)


def _dropper(
    table: str, keys: KeySet, erased: Erased, region: str
) -> Callable[[pd.DataFrame], np.ndarray]:
    customers = set(erased.customers)

    def drop(frame: pd.DataFrame) -> np.ndarray:
        if table == pub.QUARANTINE:
            return raw_hits(frame, keys, region)
        hit = frame[s.CUSTOMER_ID].isin(customers).to_numpy(dtype=bool)
        if table in _RECORD_TABLES and len(frame):
            record = s.record_key(frame[s.SOURCE_SYSTEM], frame[s.SOURCE_RECORD_ID])
            hit |= keys.holds(RECORD, record) | record.isin(erased.records).to_numpy(dtype=bool)
        return hit

    return drop


def _filter(
    path: Path, version: int, drop: Callable[[pd.DataFrame], np.ndarray], label: str
) -> tuple[int, int] | None:
    """Write the table at ``version`` without the rows ``drop`` names, as one commit."""
    from deltalake import DeltaTable

    delta = DeltaTable(str(path), version=version)
    table = delta.to_pyarrow_table()
    wanted = (s.CUSTOMER_ID, s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.RAW)
    columns = [c for c in wanted if c in table.column_names]
    gone = drop(table.select(columns).to_pandas()) if table.num_rows else np.zeros(0, bool)
    if not gone.any():
        return None
    _write(
        path, table.filter(pa.array(~gone)), "overwrite", label, version_content_at(delta, version)
    )
    return DeltaTable(str(path)).version(), int(gone.sum())


def _append_erased(
    path: Path, version: int, erased: Erased, label: str, now: datetime
) -> tuple[int, int] | None:
    """Append an ``erased`` change row for each erased customer that has none yet."""
    from deltalake import DeltaTable

    changes = DeltaTable(str(path), version=version).to_pyarrow_table()
    frame = changes.select([s.CHANGE_TYPE, s.CUSTOMER_ID]).to_pandas()
    done = set(frame.loc[frame[s.CHANGE_TYPE] == s.ERASED, s.CUSTOMER_ID])
    rows = [
        {
            s.RUN_ID: label,
            s.CHANGE_TYPE: s.ERASED,
            s.CUSTOMER_ID: customer,
            s.RELATED_CUSTOMER_ID: None,
            s.RECORD_COUNT: records,
            s.CHANGED_AT: now,
        }
        for customer, records in sorted(erased.customers.items())
        if customer not in done
    ]
    if not rows:
        return None
    _write(path, pa.Table.from_pylist(rows, schema=changes.schema), "append", label, None)
    return DeltaTable(str(path)).version(), len(rows)


def version_content_at(delta: Any, version: int) -> float | None:
    """``content_at`` of a Delta table's commit ``version``; None when its log entry is gone."""
    entry = next((e for e in delta.history() if e.get("version") == version), None)
    return content_at(entry) if entry else None


def _write(path: Path, table: pa.Table, mode: str, label: str, collected: float | None) -> None:
    metadata = {ERASURE_KEY: label}
    if collected:
        metadata[CONTENT_AT_KEY] = str(int(collected))
    pub.commit_arrow(path, table, metadata, append=mode == "append")
    logger.info("%s: erasure commit (%s, %d rows)", path.name, mode, table.num_rows)
