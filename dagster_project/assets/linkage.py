"""Customers found by probabilistic linkage of every standardised source record."""

import dagster as dg

from dagster_project.resources import LinkageEngine, Warehouse
from identity.artifacts import save_json
from identity.linkage import LinkageResult, link_and_cluster
from identity.stages import Standardised


@dg.asset(
    group_name="linkage",
    kinds={"splink"},
    retry_policy=dg.RetryPolicy(max_retries=1, delay=5),
)
def customer_clusters(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    linkage_engine: LinkageEngine,
    standardised_contacts: Standardised,
) -> dg.Output[LinkageResult]:
    """Records grouped into customers by a Splink model trained on this run's data."""
    with linkage_engine.backend() as db_api:
        result = link_and_cluster(standardised_contacts.contacts, db_api)
    model_path = save_json(warehouse.warehouse, context.run.run_id, "model.json", result.model)
    save_json(
        warehouse.warehouse, context.run.run_id, "linkage_diagnostics.json", result.diagnostics
    )
    design = result.diagnostics.get("design", {})
    return dg.Output(
        result,
        metadata={
            "engine": linkage_engine.kind,
            "records": result.records,
            "customers": result.customers,
            "largest_cluster": result.largest_cluster,
            "oversized_clusters_split": len(result.oversized),
            "model": dg.MetadataValue.path(str(model_path)),
            "model_design": result.diagnostics.get("design_summary", "no model (under 2 records)"),
            "comparisons": ", ".join(design.get("comparisons", [])),
            "absent_attributes": ", ".join(design.get("absent", [])),
            "link_type": design.get("link_type", ""),
            "design_notes": dg.MetadataValue.md(
                "\n".join(f"- {note}" for note in design.get("notes", [])) or "none"
            ),
        },
    )
