"""Every source record in one canonical contact schema, with unusable rows quarantined."""

import dagster as dg

from dagster_project.resources import Warehouse
from identity.pipeline import save_sources
from identity.readers import SourceBatch
from identity.stages import Standardised, quarantine_by_reason, standardise_sources


@dg.asset(group_name="standardise", kinds={"pandas"})
def standardised_contacts(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    crm_records: SourceBatch,
    ecommerce_records: SourceBatch,
    pos_records: SourceBatch,
    social_records: SourceBatch,
) -> dg.Output[Standardised]:
    """Contacts from every source with names, emails, phones, places and dates standardised."""
    result = standardise_sources(
        [crm_records, ecommerce_records, pos_records, social_records], warehouse.default_region
    )
    save_sources(warehouse.warehouse, context.run.run_id, result)
    return dg.Output(
        result,
        metadata={
            "contacts": len(result.contacts),
            "rows_read": int(result.files["rows_read"].sum()),
            "rows_quarantined": len(result.quarantine),
            "balanced": result.balanced,
            "quarantine_by_reason": dg.MetadataValue.json(quarantine_by_reason(result.quarantine)),
            "files": dg.MetadataValue.md(result.files.to_markdown(index=False)),
            # Counts only: which cells standardisation nulled (placeholders, damaged text).
            "nulled_cells": dg.MetadataValue.json(result.nulled_summary()),
        },
    )
