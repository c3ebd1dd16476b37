"""One asset per source export folder, plus the optional transaction exports."""

import dagster as dg
import pandas as pd

from dagster_project.resources import Warehouse
from identity import schema as s
from identity.readers import SourceBatch, SourceFormatError
from identity.stages import read_landing_source, read_landing_transactions

# I/O errors (a share that hiccups, a folder being replaced) are worth another try; a file
# that cannot be read at all will not read better in two seconds (see _no_retry).
READ_RETRY = dg.RetryPolicy(max_retries=2, delay=2)


def _no_retry(error: SourceFormatError) -> dg.Failure:
    """Fail the step at once, with the reader's message (file, line, column, what to fix)."""
    return dg.Failure(description=str(error), allow_retries=False)


DESCRIPTIONS = {
    "crm": "Salesforce contacts as exported, one row per contact record.",
    "ecommerce": "Shopify customers as exported, one row per shop account.",
    "pos": "Square customer directory as exported, one row per store customer.",
    "social": "Meta lead-ad leads as exported, one row per lead.",
}


def _table(frame: pd.DataFrame) -> str:
    """A small table as markdown for the UI; file names and reasons only, no row content."""
    return frame.to_markdown(index=False) if len(frame) else "none"


def _source_asset(source_system: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{source_system}_records",
        group_name="sources",
        kinds={"csv", "pandas"},
        description=DESCRIPTIONS[source_system],
        retry_policy=READ_RETRY,
    )
    def _records(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.Output[SourceBatch]:
        try:
            batch = read_landing_source(warehouse.landing, source_system)
        except SourceFormatError as error:
            raise _no_retry(error) from error
        if len(batch.skipped) or len(batch.unreadable):
            context.log.warning(
                f"{source_system}: {len(batch.skipped)} file(s) skipped, "
                f"{len(batch.unreadable)} quarantined whole as unreadable (see metadata)"
            )
        return dg.Output(
            batch,
            metadata={
                "files": len(batch.files),
                "rows_read": int(batch.files["rows_read"].sum()) if len(batch.files) else 0,
                "records": len(batch.records),
                "rows_quarantined_by_reader": len(batch.quarantine),
                "skipped_files": dg.MetadataValue.md(_table(batch.skipped)),
                "unreadable_files": dg.MetadataValue.md(_table(batch.unreadable)),
            },
        )

    return _records


SOURCE_ASSETS = [_source_asset(system) for system in s.SOURCE_SYSTEMS]


@dg.asset(group_name="sources", kinds={"csv", "pandas"}, retry_policy=READ_RETRY)
def transactions(warehouse: Warehouse) -> dg.Output:
    """Shopify orders and Square item sales, one row per order or store transaction."""
    try:
        frame = read_landing_transactions(warehouse.landing)
    except SourceFormatError as error:
        raise _no_retry(error) from error
    by_source = frame.groupby(s.SOURCE_SYSTEM).size().to_dict() if len(frame) else {}
    return dg.Output(
        frame, metadata={"transactions": len(frame), **{k: int(v) for k, v in by_source.items()}}
    )
