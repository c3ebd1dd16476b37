"""Run-level steps that tie a stage to the warehouse: previous state, publication, the report."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from identity import publish as pub
from identity import schema as s
from identity.artifacts import load_json, run_dir, save_json
from identity.golden import GoldenResult, PreviousRun, build_golden
from identity.linkage import LinkageResult
from identity.safe_csv import write_csv
from identity.stages import Standardised, quarantine_by_reason, source_summary

logger = logging.getLogger(__name__)

QUALITY_DIR = "quality"
QUARANTINE_CSV = "quarantine.csv"


def previous_run(warehouse: Path, full_refresh: bool = False) -> PreviousRun:
    """What the last published run left: its crosswalk, the ids ever issued, first-seen dates.

    With ``full_refresh`` the previous crosswalk is ignored (every customer gets a new id) but
    the ids already issued are still avoided.
    """
    crosswalk = pub.previous_crosswalk(warehouse)
    if full_refresh:
        empty = PreviousRun.empty()
        empty.issued = pub.issued_ids(warehouse) | set(crosswalk[s.CUSTOMER_ID])
        return empty
    if crosswalk.empty:
        return PreviousRun.empty()
    return PreviousRun(
        crosswalk=crosswalk, issued=pub.issued_ids(warehouse), first_seen=pub.first_seen(warehouse)
    )


def build_golden_for_run(
    warehouse: Path,
    standardised: Standardised,
    linkage: LinkageResult,
    transactions: pd.DataFrame,
    run_id: str,
    full_refresh: bool = False,
) -> GoldenResult:
    """Build this run's golden tables against the previous published run, and record churn.

    Args:
        warehouse: The warehouse folder (read for the previous run).
        standardised: This run's contacts.
        linkage: This run's clusters.
        transactions: Orders and store sales.
        run_id: This run.
        full_refresh: Ignore the previous run's ids.

    Returns:
        The golden tables, not yet published.
    """
    previous = previous_run(warehouse, full_refresh)
    result = build_golden(standardised.contacts, linkage.clusters, previous, run_id, transactions)
    churn = result.changes["change_type"].value_counts().to_dict()
    save_json(
        warehouse,
        run_id,
        "golden_summary.json",
        {"customers": result.customers, "kept": result.kept_ids, **churn},
    )
    return result


def quarantine_table(standardised: Standardised, run_id: str) -> pd.DataFrame:
    """The quarantine rows of this run with the published columns."""
    table = standardised.quarantine.copy()
    table[s.RUN_ID] = run_id
    return table[s.QUARANTINE_COLUMNS]


def publish_run(
    warehouse: Path, standardised: Standardised, golden: GoldenResult, run_id: str
) -> dict[str, int]:
    """Publish every table of this run as Delta tables, then the manifest that makes it current.

    A run that fails or is killed before the manifest is replaced publishes nothing (see
    ``identity.publish``).

    Returns:
        Table name -> Delta version, as recorded in ``<warehouse>/_published.json``.
    """
    return pub.publish(
        warehouse,
        {
            pub.QUARANTINE: quarantine_table(standardised, run_id),
            pub.TOUCHPOINTS: golden.touchpoints,
            pub.CHANGES: golden.changes.assign(changed_at=datetime.now(UTC)),
            pub.GOLDEN: golden.golden,
            pub.CROSSWALK: golden.crosswalk,
        },
        run_id,
    )


def save_quality(warehouse: Path, run_id: str, suite_result: Any) -> Path:
    """Keep one suite's results with the run, for the report."""
    name = f"{QUALITY_DIR}/{suite_result.suite}__{suite_result.subject}.json"
    return save_json(warehouse, run_id, name, suite_result.to_dict())


def save_sources(warehouse: Path, run_id: str, standardised: Standardised) -> Path:
    """Keep the per-file counts and quarantine reasons with the run, for the report.

    Also writes ``quarantine.csv`` (this run's quarantined rows) for analysts to open in a
    spreadsheet, formula prefixes neutralised (``identity.safe_csv``).
    """
    write_csv(quarantine_table(standardised, run_id), run_dir(warehouse, run_id) / QUARANTINE_CSV)
    return save_json(
        warehouse,
        run_id,
        "sources.json",
        {
            "sources": source_summary(standardised.files),
            "quarantine_by_reason": quarantine_by_reason(standardised.quarantine),
        },
    )


def _maybe(path: Path, default: Any) -> Any:
    return load_json(path) if path.exists() else default


def write_report(
    warehouse: Path, run_id: str, engine: str, extra: dict[str, Any] | None = None
) -> Path:
    """Assemble the analyst report of a run from what its stages saved.

    Works for failed runs too (sections a run never reached are simply empty).

    Args:
        warehouse: The warehouse folder.
        run_id: The run.
        engine: ``spark`` or ``duckdb``.
        extra: Additional linkage figures (e.g. accuracy against truth).

    Returns:
        The path of ``reports/index.html``.
    """
    from identity.report import RunReport, write_run_report

    folder = run_dir(warehouse, run_id)
    sources = _maybe(folder / "sources.json", {})
    quality = [load_json(p) for p in sorted((folder / QUALITY_DIR).glob("*.json"))]
    linkage = _maybe(folder / "linkage_diagnostics.json", {})
    golden = _maybe(folder / "golden_summary.json", {})
    if extra:
        linkage = {**linkage, **extra}
    linkage.setdefault("customers", golden.get("customers"))
    report = RunReport(
        run_id=run_id,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        engine=engine,
        sources=sources.get("sources", {}),
        quality=quality,
        quarantine_by_reason=sources.get("quarantine_by_reason", {}),
        linkage=linkage,
        id_churn={
            k: golden.get(k, 0) for k in ("new", "merged", "split", "retired", "revived", "kept")
        },
    )
    return write_run_report(report, Path(warehouse) / "reports")
