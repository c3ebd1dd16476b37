"""``identity export-subject``: everything the warehouse holds about one person, as one JSON.

For a subject-access request (GDPR article 15). The person is found as an erasure finds them
(``tables.find``: a source record, an email, a phone or a customer id); the export then holds,
per customer found: the golden row with its lineage (which source record and rule gave each
attribute), every source record of the customer (the crosswalk, and the records of a retired
customer), its touchpoints and every ``identity_changes`` row naming it; and the quarantined
rows and match decisions that name one of its records, emails or phones. A run keeps no copy
of the source records' content once it has published: that content is in the exports
themselves (the landing folder), which the export names.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from identity import publish as pub
from identity import schema as s
from identity.rights import tables
from identity.rights.keys import (
    CUSTOMER,
    EMAIL,
    PHONE,
    RECORD,
    PlainKeys,
    RightsInputError,
    SubjectKey,
)
from identity.rights.match import raw_hits

FORMAT = 1
# The append-only table of people's link decisions (contracts.md); absent until it exists.
DECISIONS = "match_decisions"
NOTE = (
    "The warehouse keeps, per source record, its system and id (the crosswalk), and per "
    "customer the golden values with the source and rule of each; the content of the source "
    "records themselves is in the exports they came from."
)


def export_subject(
    warehouse: Path, key: SubjectKey, region: str = "US", now: datetime | None = None
) -> dict[str, Any]:
    """Gather what the warehouse holds about the person ``key`` names.

    Args:
        warehouse: The warehouse folder.
        key: Who the request is about.
        region: Phone region for numbers in quarantined rows written without a country code.
        now: The export's time (defaults to now).

    Returns:
        The export document (JSON-ready).

    Raises:
        RightsInputError: ``--customer`` names no customer of this warehouse.
    """
    keys = PlainKeys.of(key)
    found = tables.find(warehouse, keys)
    if key.kind == CUSTOMER and not found.customers:
        raise RightsInputError(
            f"no customer {key.value} in {warehouse} (check customer_id in golden_customers, "
            "or the --warehouse)"
        )
    ids = set(found.customers)
    golden = _rows(pub.read_table(warehouse, pub.GOLDEN), s.CUSTOMER_ID, ids)
    keys.add(RECORD, sorted(found.records))
    keys.add(CUSTOMER, sorted(ids))
    keys.add(EMAIL, golden[s.EMAIL] if len(golden) else [])
    keys.add(PHONE, golden[s.PHONE] if len(golden) else [])
    crosswalk = _rows(pub.read_table(warehouse, pub.CROSSWALK), s.CUSTOMER_ID, ids)
    retired = _rows(pub.retired_crosswalk(warehouse), s.CUSTOMER_ID, ids)
    touchpoints = _rows(pub.read_table(warehouse, pub.TOUCHPOINTS), s.CUSTOMER_ID, ids)
    changes = pub.read_table(warehouse, pub.CHANGES)
    if len(changes):
        named = changes[s.CUSTOMER_ID].isin(ids) | changes[s.RELATED_CUSTOMER_ID].isin(ids)
        changes = changes[named].sort_values([s.CHANGED_AT, s.RUN_ID], kind="stable")
    quarantine = pub.read_table(warehouse, pub.QUARANTINE)
    if len(quarantine):
        quarantine = quarantine[raw_hits(quarantine, keys, region)]
    customers = [
        _customer(c, golden, crosswalk, retired, touchpoints, changes) for c in sorted(ids)
    ]
    return {
        "format": FORMAT,
        "exported_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "warehouse": str(Path(warehouse).resolve()),
        "published_run": pub.published(warehouse).get("run_id"),
        "request": {"kind": key.kind, "value": key.value},
        "customers": customers,
        "quarantine": _records(quarantine),
        "decisions": _decisions(warehouse, found.records),
        "note": NOTE,
    }


def write_export(document: dict[str, Any], out: Path) -> Path:
    """Write the export as UTF-8 JSON, atomically; returns the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, ensure_ascii=False, default=str)
            handle.write("\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _customer(
    customer_id: str,
    golden: pd.DataFrame,
    crosswalk: pd.DataFrame,
    retired: pd.DataFrame,
    touchpoints: pd.DataFrame,
    changes: pd.DataFrame,
) -> dict[str, Any]:
    rows = _records(golden[golden[s.CUSTOMER_ID] == customer_id]) if len(golden) else []
    for row in rows:
        row[s.LINEAGE] = json.loads(row[s.LINEAGE]) if row.get(s.LINEAGE) else None
    mine = changes[(changes[s.CUSTOMER_ID] == customer_id)] if len(changes) else changes
    erased = bool(len(mine)) and bool((mine[s.CHANGE_TYPE] == s.ERASED).any())
    status = "live" if rows else ("erased" if erased else "retired")
    records = [{**r, "status": "live"} for r in _records(_of(crosswalk, customer_id))] + [
        {**r, "status": "retired"} for r in _records(_of(retired, customer_id))
    ]
    return {
        s.CUSTOMER_ID: customer_id,
        "status": status,
        "golden": rows[0] if rows else None,
        "source_records": records,
        "touchpoints": _records(_of(touchpoints, customer_id)),
        "changes": _records(_of(changes, customer_id, s.RELATED_CUSTOMER_ID)),
    }


def _of(frame: pd.DataFrame, customer_id: str, also: str | None = None) -> pd.DataFrame:
    if frame.empty:
        return frame
    hit = frame[s.CUSTOMER_ID] == customer_id
    if also is not None:
        hit |= frame[also] == customer_id
    return frame[hit]


def _rows(frame: pd.DataFrame, column: str, values: set[str]) -> pd.DataFrame:
    return frame[frame[column].isin(values)] if len(frame) else frame


def _decisions(warehouse: Path, records: set[str]) -> list[dict[str, Any]]:
    """Match decisions naming one of ``records`` (none while the table does not exist)."""
    from deltalake import DeltaTable

    path = pub.table_path(warehouse, DECISIONS)
    if not (path / "_delta_log").is_dir() or not records:
        return []
    frame = DeltaTable(str(path)).to_pandas()
    ids = {s.split_record_key(key)[1] for key in records}
    named = frame.astype(str).isin(ids | records).any(axis=1)
    return _records(frame[named])


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return _plain(value.item())
    return None if pd.isna(value) else str(value)
