"""The golden customer table and its publication, then the analyst report of the run."""

from datetime import timedelta

import dagster as dg

from dagster_project.metadata import report_links, table_metadata
from dagster_project.resources import LinkageEngine, Warehouse
from identity import run
from identity.results import (
    Contacts,
    ContactsSummary,
    Customers,
    Golden,
    GoldenSummary,
    LinkageSummary,
    Publication,
    RunResults,
    SourceSummary,
    Transactions,
    TransactionsSummary,
)


@dg.asset(name=run.GOLDEN_STEP, group_name="golden", kinds={"pandas"})
def golden_records(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    standardised_contacts: Contacts,
    customer_clusters: Customers,
    transactions: Transactions,
) -> dg.Output[Golden]:
    """One best record per customer with lineage, persistent ids and channel rollups."""
    settings = warehouse.settings(context.run.run_id)
    result = run.golden(settings, standardised_contacts, customer_clusters, transactions)
    summary = result.summary()
    return dg.Output(
        result,
        metadata={
            **table_metadata(result.result.golden),
            "customers": summary.customers,
            "crosswalk_rows": summary.crosswalk_rows,
            "touchpoints": summary.touchpoints,
            "ids_kept": summary.kept_ids,
            **{f"ids_{k}": v for k, v in summary.changes.items()},
        },
    )


@dg.asset(
    name=run.PUBLISH_STEP,
    group_name="golden",
    kinds={"deltalake"},
    # A nightly job: a golden table older than a day and two hours missed a night.
    freshness_policy=dg.FreshnessPolicy.time_window(
        fail_window=timedelta(hours=26), warn_window=timedelta(hours=25)
    ),
)
def published_tables(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    standardised_contacts: Contacts,
    golden_records: Golden,
) -> dg.Output[Publication]:
    """Golden customers, crosswalk, changes, touchpoints and quarantine as Delta tables."""
    settings = warehouse.settings(context.run.run_id)
    result = run.publish(settings, standardised_contacts, golden_records)
    return dg.Output(
        result,
        metadata={
            **table_metadata(golden_records.result.golden),
            **{f"{table}_version": v for table, v in result.versions.items()},
            "crosswalk_rows": len(golden_records.result.crosswalk),
            "quarantine_rows": len(standardised_contacts.standardised.quarantine),
            "warehouse": dg.MetadataValue.path(str(warehouse.warehouse)),
            "manifest": dg.MetadataValue.path(str(result.manifest)),
            "quarantine_csv": dg.MetadataValue.path(str(result.quarantine_csv)),
        },
    )


@dg.asset(
    name=run.REPORT_STEP,
    group_name="golden",
    kinds={"html"},
)
def quality_report(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    linkage_engine: LinkageEngine,
    crm_records: SourceSummary,
    ecommerce_records: SourceSummary,
    pos_records: SourceSummary,
    social_records: SourceSummary,
    transactions: TransactionsSummary,
    standardised_contacts: ContactsSummary,
    customer_clusters: LinkageSummary,
    golden_records: GoldenSummary,
    published_tables: Publication,
) -> dg.MaterializeResult:
    """The analyst report: quality results, source balance, linkage diagnostics, id churn.

    A run that stops before this step (a blocking check, a failed step) gets its report from
    the run's IO manager instead, made by the same function (``dagster_project.storage``).
    """
    results = RunResults(
        sources=[crm_records, ecommerce_records, pos_records, social_records],
        transactions=transactions,
        contacts=standardised_contacts,
        customers=customer_clusters,
        golden=golden_records,
        publication=published_tables,
    )
    settings = warehouse.settings(context.run.run_id, linkage_engine.kind)
    index = run.report(settings, results)
    return dg.MaterializeResult(metadata={**report_links(index), "outcome": results.outcome})
