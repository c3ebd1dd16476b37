"""The golden customer table, its crosswalk, id changes and touchpoints, and their publication."""

import dagster as dg
import pandas as pd

from dagster_project.resources import LinkageEngine, Warehouse
from identity.golden import GoldenResult
from identity.linkage import LinkageResult
from identity.pipeline import build_golden_for_run, publish_run, write_report
from identity.publish import manifest_path
from identity.stages import Standardised


@dg.asset(group_name="golden", kinds={"pandas"})
def golden_records(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    standardised_contacts: Standardised,
    customer_clusters: LinkageResult,
    transactions: pd.DataFrame,
) -> dg.Output[GoldenResult]:
    """One best record per customer with lineage, persistent ids and channel rollups."""
    result = build_golden_for_run(
        warehouse.warehouse,
        standardised_contacts,
        customer_clusters,
        transactions,
        context.run.run_id,
        full_refresh=warehouse.full_refresh,
    )
    changes = result.changes["change_type"].value_counts().to_dict()
    return dg.Output(
        result,
        metadata={
            "customers": result.customers,
            "crosswalk_rows": len(result.crosswalk),
            "touchpoints": len(result.touchpoints),
            "ids_kept": result.kept_ids,
            **{f"ids_{k}": int(v) for k, v in sorted(changes.items())},
        },
    )


@dg.asset(group_name="golden", kinds={"deltalake"})
def published_tables(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    standardised_contacts: Standardised,
    golden_records: GoldenResult,
) -> dg.MaterializeResult:
    """Golden customers, crosswalk, changes, touchpoints and quarantine as Delta tables."""
    versions = publish_run(
        warehouse.warehouse, standardised_contacts, golden_records, context.run.run_id
    )
    return dg.MaterializeResult(
        metadata={
            **{f"{table}_version": v for table, v in versions.items()},
            "warehouse": dg.MetadataValue.path(str(warehouse.warehouse)),
            "manifest": dg.MetadataValue.path(str(manifest_path(warehouse.warehouse))),
        }
    )


@dg.asset(group_name="golden", kinds={"html"}, deps=[published_tables])
def quality_report(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    linkage_engine: LinkageEngine,
) -> dg.MaterializeResult:
    """The analyst report: quality results, quarantine, linkage diagnostics and id churn."""
    index = write_report(warehouse.warehouse, context.run.run_id, linkage_engine.kind)
    return dg.MaterializeResult(metadata={"report": dg.MetadataValue.path(str(index))})
