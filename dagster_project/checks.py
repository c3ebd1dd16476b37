"""Great Expectations suites as Dagster asset checks; blocking where bad data must stop the run."""

import dagster as dg
import pandas as pd

from dagster_project.assets.golden import golden_records
from dagster_project.assets.sources import SOURCE_ASSETS
from dagster_project.assets.standardise import standardised_contacts
from dagster_project.resources import Warehouse
from identity import schema as s
from identity.golden import GoldenResult
from identity.golden.volume import baseline, check_volume
from identity.pipeline import save_quality
from identity.quality import check_golden_traceable, validate_frame
from identity.readers import SourceBatch
from identity.stages import Standardised


def _result(
    context: dg.AssetCheckExecutionContext,
    warehouse: Warehouse,
    frame: pd.DataFrame,
    suite: str,
    subject: str,
) -> dg.AssetCheckResult:
    outcome = validate_frame(frame, suite, subject)
    save_quality(warehouse.warehouse, context.run.run_id, outcome)
    failed = [o for o in outcome.outcomes if not o.success]
    blocking = outcome.blocking_failures
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        description=outcome.summary() if failed else f"{suite}: all expectations met on {subject}",
        metadata={
            "expectations": len(outcome.outcomes),
            "failed": len(failed),
            "blocking_failed": len(blocking),
            "rows": len(frame),
        },
    )


def _source_check(asset: dg.AssetsDefinition, subject: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=f"{subject}_raw_suite", blocking=True)
    def _check(
        context: dg.AssetCheckExecutionContext, warehouse: Warehouse, batch: SourceBatch
    ) -> dg.AssetCheckResult:
        """The raw export suite: required columns, unique ids, validity rates, no placeholders."""
        return _result(context, warehouse, batch.records, f"{subject}_raw", subject)

    return _check


SOURCE_CHECKS = [
    _source_check(asset, system)
    for asset, system in zip(SOURCE_ASSETS, s.SOURCE_SYSTEMS, strict=True)
]


def _volume_check(system: str) -> dg.AssetChecksDefinition:
    # Declared blocking like every check here, yet it only ever warns (a WARN result never
    # blocks): a short delivery is reported, and must not stop the night.
    @dg.asset_check(asset=standardised_contacts, name=f"{system}_volume", blocking=True)
    def _check(
        context: dg.AssetCheckExecutionContext,
        warehouse: Warehouse,
        standardised_contacts: Standardised,
    ) -> dg.AssetCheckResult:
        """Warns when this source is empty or shrank past IDENTITY_SHRINK_WARN_SHARE."""
        files = standardised_contacts.files
        rows = int(files.loc[files[s.SOURCE_SYSTEM] == system, "rows_read"].sum())
        last = baseline(warehouse.warehouse)
        verdict = check_volume(system, rows, last, warehouse.shrink_warn_share)
        save_quality(warehouse.warehouse, context.run.run_id, verdict.result)
        return dg.AssetCheckResult(
            passed=verdict.ok,
            severity=dg.AssetCheckSeverity.WARN,
            description=verdict.description,
            metadata={
                "rows_read": rows,
                "previous_rows_read": last.rows.get(system, 0),
                "previous_run": last.run_id or "",
                "shrink_warn_share": warehouse.shrink_warn_share,
            },
        )

    return _check


VOLUME_CHECKS = [_volume_check(system) for system in s.SOURCE_SYSTEMS]


@dg.asset_check(asset=standardised_contacts, blocking=True)
def contacts_suite(
    context: dg.AssetCheckExecutionContext,
    warehouse: Warehouse,
    standardised_contacts: Standardised,
) -> dg.AssetCheckResult:
    """The standardised contact suite: unique keys, valid values, no placeholders."""
    return _result(context, warehouse, standardised_contacts.contacts, "contacts", "contacts")


@dg.asset_check(asset=standardised_contacts, blocking=True)
def rows_balance(standardised_contacts: Standardised) -> dg.AssetCheckResult:
    """For every file: rows read = rows linked + rows quarantined."""
    files = standardised_contacts.files
    bad = standardised_contacts.unbalanced_files()
    return dg.AssetCheckResult(
        passed=not bad,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"unbalanced files: {', '.join(bad)}" if bad else "every row accounted for",
        metadata={
            "files": len(files),
            "rows_read": int(files["rows_read"].sum()),
            "rows_linked": int(files["rows_linked"].sum()),
            "rows_quarantined": int(files["rows_quarantined"].sum()),
        },
    )


@dg.asset_check(asset=golden_records, blocking=True)
def golden_suite(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse, golden_records: GoldenResult
) -> dg.AssetCheckResult:
    """The golden table suite: unique customer ids, valid values, every row traceable."""
    return _result(context, warehouse, golden_records.golden, "golden_customers", "golden")


@dg.asset_check(asset=golden_records, blocking=True)
def golden_traceable(golden_records: GoldenResult) -> dg.AssetCheckResult:
    """Every golden customer has source records in the crosswalk, and every crosswalk id exists."""
    outcome = check_golden_traceable(golden_records.golden, golden_records.crosswalk)
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.why if outcome.success else f"{outcome.unexpected_count} untraceable",
        metadata={"unexpected": outcome.unexpected_count},
    )


ALL_CHECKS = [
    *SOURCE_CHECKS,
    *VOLUME_CHECKS,
    contacts_suite,
    rows_balance,
    golden_suite,
    golden_traceable,
]
