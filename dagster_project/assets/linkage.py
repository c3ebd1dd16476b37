"""Customers found by probabilistic linkage of every standardised source record."""

import dagster as dg

from dagster_project.metadata import share, table_metadata
from dagster_project.resources import LinkageEngine, Warehouse
from identity import run
from identity import schema as s
from identity.results import Contacts, Customers


@dg.asset(
    name=run.CUSTOMERS_STEP,
    group_name="linkage",
    kinds={"splink"},
    retry_policy=dg.RetryPolicy(max_retries=1, delay=5),
)
def customer_clusters(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    linkage_engine: LinkageEngine,
    standardised_contacts: Contacts,
) -> dg.Output[Customers]:
    """Records grouped into customers by a Splink model trained on this run's data."""
    settings = warehouse.settings(context.run.run_id, linkage_engine.kind)
    with linkage_engine.backend() as db_api:
        result = run.link(settings, standardised_contacts, db_api)
    summary = result.summary()
    design = summary.diagnostics.get("design", {})
    sizes = result.linkage.clusters.groupby(s.CLUSTER_ID).size()
    in_multi = sizes[sizes > 1].sum()
    return dg.Output(
        result,
        metadata={
            **table_metadata(result.linkage.clusters),
            "engine": linkage_engine.kind,
            "records": summary.records,
            "customers": summary.customers,
            # Records that share their customer with another record: what linkage found.
            "linked_share": share(int(in_multi), summary.records),
            "largest_cluster": summary.largest_cluster,
            "oversized_clusters_split": summary.oversized_split,
            "model": dg.MetadataValue.path(str(summary.model_path)),
            "model_design": summary.diagnostics.get("design_summary", "no model (under 2 records)"),
            "comparisons": ", ".join(design.get("comparisons", [])),
            "absent_attributes": ", ".join(design.get("absent", [])),
            "link_type": design.get("link_type", ""),
            "design_notes": dg.MetadataValue.md(
                "\n".join(f"- {note}" for note in design.get("notes", [])) or "none"
            ),
        },
    )
