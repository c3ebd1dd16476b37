"""Helpers for the data-rights tests: a byte scanner for personal data, and tiny warehouses."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from identity import publish as pub
from identity import schema as s

SECRET = "test-erasure-key-0123456789"


def file_text(path: Path) -> str:
    """Everything a file says, lower-cased: its bytes as UTF-8 and, for parquet, its values.

    Parquet pages are compressed, so a value can hide from a byte search; the decoded rows
    cannot. Log files, JSON, HTML, CSV and SQLite databases store text as it is.
    """
    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    if path.suffix == ".parquet":
        rows = pq.read_table(path).to_pylist()
        text += "\n" + json.dumps(rows, default=str, ensure_ascii=False)
    return text.lower()


def scan(roots: Iterable[Path], needles: Iterable[str]) -> dict[str, list[str]]:
    """Every file under ``roots`` holding one of ``needles`` (case-insensitive): path -> needles."""
    wanted = sorted({n.lower() for n in needles if n})
    found: dict[str, list[str]] = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if not path.is_file():
                continue
            text = file_text(path)
            hits = [n for n in wanted if n in text]
            if hits:
                found[str(path)] = hits
    return found


def golden_row(customer: str, **values: object) -> dict[str, object]:
    """One golden row with the columns the rights code reads (others left empty)."""
    row: dict[str, object] = {c: None for c in (s.CUSTOMER_ID, *s.GOLDEN_ATTRIBUTES)}
    row.update({s.CUSTOMER_ID: customer, s.LINEAGE: "{}", s.SOURCE_RECORD_COUNT: 1})
    row.update(values)
    return row


def publish_run(
    warehouse: Path,
    run_id: str,
    golden: list[dict[str, object]],
    crosswalk: dict[str, str],
    quarantine: list[tuple[str, str]] | None = None,
    changes: list[tuple[str, str]] | None = None,
) -> dict[str, int]:
    """Publish one small run: golden rows, crosswalk ``record_key -> customer``, quarantine rows
    ``(source_system, raw)``, and change rows ``(change_type, customer)`` (default: all new)."""
    keys = list(crosswalk)
    systems = [s.split_record_key(k)[0] for k in keys]
    ids = [s.split_record_key(k)[1] for k in keys]
    walk = pd.DataFrame(
        {
            s.SOURCE_SYSTEM: systems,
            s.SOURCE_RECORD_ID: ids,
            s.CUSTOMER_ID: [crosswalk[k] for k in keys],
            s.RUN_ID: run_id,
        }
    )
    held = quarantine or []
    frames = {
        pub.GOLDEN: pd.DataFrame(golden).assign(**{s.RUN_ID: run_id}),
        pub.CROSSWALK: walk,
        pub.TOUCHPOINTS: pd.DataFrame(
            {
                s.CUSTOMER_ID: walk[s.CUSTOMER_ID],
                s.CHANNEL: walk[s.SOURCE_SYSTEM],
                s.TOUCHPOINT_TYPE: "created",
                s.OCCURRED_AT: pd.Timestamp("2026-01-01", tz="UTC"),
                s.SOURCE_SYSTEM: walk[s.SOURCE_SYSTEM],
                s.SOURCE_RECORD_ID: walk[s.SOURCE_RECORD_ID],
                s.REFERENCE: walk[s.SOURCE_RECORD_ID],
                s.AMOUNT: 1.0,
                s.RUN_ID: run_id,
            }
        ),
        pub.QUARANTINE: pd.DataFrame(
            {
                s.SOURCE_SYSTEM: [q[0] for q in held],
                s.FILE: "export.csv",
                s.LINE: list(range(2, 2 + len(held))),
                s.RAW: [q[1] for q in held],
                s.REASON: "no identifier",
                s.RUN_ID: run_id,
            }
        ).astype({s.LINE: "int64"}),
        pub.CHANGES: pd.DataFrame(
            [
                (run_id, kind, customer, None, 1)
                for kind, customer in (
                    changes or [("new", c) for c in sorted(set(crosswalk.values()))]
                )
            ],
            columns=s.CHANGE_COLUMNS,
        ).assign(**{s.CHANGED_AT: datetime.now(UTC)}),
    }
    return pub.publish(warehouse, frames, run_id)
