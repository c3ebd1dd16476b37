"""One asset per source export folder, plus the optional transaction exports."""

import dagster as dg

from dagster_project.metadata import share, table_metadata
from dagster_project.resources import Warehouse
from identity import run
from identity import schema as s
from identity.readers import SourceFormatError
from identity.results import SourceRead, Transactions

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


def _table(rows: list[dict]) -> str:
    """A small table as markdown for the UI; file names and reasons only, no row content."""
    if not rows:
        return "none"
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(str(row.get(h, "")) for h in headers) + " |" for row in rows]
    return "\n".join(lines)


def _source_asset(source_system: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=run.SOURCE_STEPS[source_system],
        group_name="sources",
        kinds={"csv", "pandas"},
        description=DESCRIPTIONS[source_system],
        retry_policy=READ_RETRY,
    )
    def _records(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.Output[SourceRead]:
        try:
            read = run.read_source(warehouse.settings(context.run.run_id), source_system)
        except SourceFormatError as error:
            raise _no_retry(error) from error
        summary = read.summary()
        if summary.skipped or summary.unreadable:
            context.log.warning(
                f"{source_system}: {len(summary.skipped)} file(s) skipped, "
                f"{len(summary.unreadable)} quarantined whole as unreadable (see metadata)"
            )
        return dg.Output(
            read,
            metadata={
                **table_metadata(read.batch.records),
                "files": len(summary.files),
                "rows_read": summary.rows_read,
                "quarantined_share": share(len(read.batch.quarantine), summary.rows_read),
                "records": summary.records,
                "rows_quarantined_by_reader": len(read.batch.quarantine),
                "skipped_files": dg.MetadataValue.md(_table(summary.skipped)),
                "unreadable_files": dg.MetadataValue.md(_table(summary.unreadable)),
            },
        )

    return _records


SOURCE_ASSETS = [_source_asset(system) for system in s.SOURCE_SYSTEMS]


@dg.asset(
    name=run.TRANSACTIONS_STEP,
    group_name="sources",
    kinds={"csv", "pandas"},
    retry_policy=READ_RETRY,
)
def transactions(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.Output[Transactions]:
    """Shopify orders and Square item sales, one row per order or store transaction."""
    try:
        result = run.read_transactions(warehouse.settings(context.run.run_id))
    except SourceFormatError as error:
        raise _no_retry(error) from error
    summary = result.summary()
    return dg.Output(
        result,
        metadata={
            **table_metadata(result.frame),
            "transactions": summary.rows,
            "transactions_erased": summary.erased,
            **summary.by_source,
        },
    )
