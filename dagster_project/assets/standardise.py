"""Every source record in one canonical contact schema, with unusable rows quarantined."""

import dagster as dg

from dagster_project.metadata import share, table_metadata
from dagster_project.resources import Warehouse
from identity import run
from identity.results import Contacts, SourceRead


@dg.asset(name=run.CONTACTS_STEP, group_name="standardise", kinds={"pandas"})
def standardised_contacts(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    crm_records: SourceRead,
    ecommerce_records: SourceRead,
    pos_records: SourceRead,
    social_records: SourceRead,
) -> dg.Output[Contacts]:
    """Contacts from every source with names, emails, phones, places and dates standardised."""
    settings = warehouse.settings(context.run.run_id)
    result = run.standardise(
        settings, [crm_records, ecommerce_records, pos_records, social_records]
    )
    summary = result.summary()
    files = result.standardised.files
    rows_read, quarantined = int(files["rows_read"].sum()), len(result.standardised.quarantine)
    return dg.Output(
        result,
        metadata={
            **table_metadata(result.standardised.contacts),
            "contacts": summary.contacts,
            "rows_read": rows_read,
            "rows_quarantined": quarantined,
            # Rows named by the erasure register: counted, never kept.
            "rows_erased": len(result.standardised.erased),
            "quarantined_share": share(quarantined, rows_read),
            "balanced": not summary.unbalanced_files,
            "quarantine_by_reason": dg.MetadataValue.json(summary.quarantine_by_reason),
            "files": dg.MetadataValue.md(files.to_markdown(index=False)),
            # Counts only: which cells standardisation nulled (placeholders, damaged text).
            "nulled_cells": dg.MetadataValue.json(summary.nulled_cells),
        },
    )
