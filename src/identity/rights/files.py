"""Run files and reports without the erased: what the warehouse keeps beside its tables.

A run leaves, under ``<warehouse>/runs/<run_id>/``, its quarantined rows as read
(``quarantine.csv``), its step outputs (``steps/``: records until a run publishes, then
summaries) and its model; ``<warehouse>/reports/`` holds each run's report as JSON and HTML.
Of these, the quarantined rows hold values, the stored step records hold everything, and the
linkage diagnostics in summaries and reports hold the record keys of sample clusters (no
values). ``scrub`` removes the rows and sample clusters an erasure names, drops every stored
step record (a failed run can then no longer be re-executed from its failure: run it again),
and renders the reports that changed again from their JSON.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from identity import schema as s
from identity import step_store
from identity.rights.keys import RECORD, KeySet
from identity.rights.match import raw_hits
from identity.safe_csv import write_csv

logger = logging.getLogger(__name__)

QUARANTINE_CSV = "quarantine.csv"
REPORTS = "reports"
ERASED_VALUE = "<erased>"
_RECORD_KEY = re.compile(
    r"(?:" + "|".join(s.SOURCE_SYSTEMS) + r")" + re.escape(s.KEY_SEPARATOR) + r"[^\s\"'<>&,;]+"
)


def scrub(warehouse: Path, keys: KeySet, region: str) -> dict[str, int]:
    """Remove what ``keys`` names from every run file and report of ``warehouse``.

    Args:
        warehouse: The warehouse folder.
        keys: The erasure register.
        region: Phone region for numbers in quarantined rows written without a country code.

    Returns:
        Counts of what changed: ``step_records`` dropped, ``quarantine_rows`` removed from run
        CSVs, ``summaries`` and ``reports`` rewritten.
    """
    warehouse = Path(warehouse)
    counts = {"step_records": step_store.drop_records(warehouse)}
    counts["quarantine_rows"] = sum(
        scrub_quarantine_csv(path, keys, region)
        for path in sorted(warehouse.glob(f"runs/*/{QUARANTINE_CSV}"))
    )
    summaries = sorted(warehouse.glob(f"runs/*/{step_store.STEPS_FOLDER}/*/*.json"))
    counts["summaries"] = sum(_scrub_json_file(path, keys) for path in summaries)
    counts["reports"] = _scrub_reports(warehouse / REPORTS, keys)
    return counts


def read_quarantine_csv(path: Path) -> pd.DataFrame:
    """A run's ``quarantine.csv`` as text, cells exactly as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def rewrite_keeping_time(frame: pd.DataFrame, path: Path) -> None:
    """Write a run file again without changing its modification time (its age, for retention)."""
    stat = path.stat()
    write_csv(frame, path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def scrub_quarantine_csv(path: Path, keys: KeySet, region: str) -> int:
    """Remove the rows ``keys`` names from one run's quarantine CSV; returns how many."""
    frame = read_quarantine_csv(path)
    if frame.empty or s.RAW not in frame.columns:
        return 0
    hit = raw_hits(frame, keys, region)
    if hit.any():
        rewrite_keeping_time(frame[~hit], path)
    return int(hit.sum())


def _scrub_json_file(path: Path, keys: KeySet) -> int:
    document = json.loads(path.read_text("utf-8"))
    cleaned = without_named(document, keys)
    if cleaned == document:
        return 0
    step_store.write_json(path, cleaned)
    return 1


def without_named(node: Any, keys: KeySet) -> Any:
    """A JSON tree without the list items that mention a named record key.

    Sample clusters (``waterfalls``) are lists of dicts naming record keys: the whole sample
    goes. A named key outside any list becomes ``"<erased>"``.
    """
    if isinstance(node, list):
        return [without_named(item, keys) for item in node if not _mentions(item, keys)]
    if isinstance(node, dict):
        return {key: without_named(value, keys) for key, value in node.items()}
    if isinstance(node, str) and _mentions(node, keys):
        return ERASED_VALUE
    return node


def _mentions(node: Any, keys: KeySet) -> bool:
    found = list(_record_keys(node))
    return bool(found) and bool(keys.holds(RECORD, pd.Series(found, dtype=object)).any())


def _record_keys(node: Any) -> Any:
    if isinstance(node, str):
        yield from _RECORD_KEY.findall(node)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _record_keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _record_keys(item)


def _scrub_reports(reports: Path, keys: KeySet) -> int:
    """Rewrite every run report that names an erased record, JSON first, then its pages."""
    from identity.report import write_run_report
    from identity.report.model import RUNS_FOLDER, RunReport, load_runs

    changed = 0
    for path in sorted((reports / RUNS_FOLDER).glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        cleaned = without_named(document, keys)
        page = path.with_suffix(".html")
        stale = page.exists() and _mentions(page.read_text("utf-8"), keys)
        if cleaned != document or stale:
            write_run_report(RunReport.from_dict(cleaned), reports)
            changed += 1
    index = reports / "index.html"
    runs = load_runs(reports) if index.exists() else []
    if not changed and runs and _mentions(index.read_text("utf-8"), keys):
        write_run_report(runs[0], reports)  # the index shows the newest run in full
        changed += 1
    return changed
