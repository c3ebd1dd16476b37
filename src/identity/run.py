"""What a run is: one function per asset of the job, with typed inputs and outputs.

A run reads every source folder of the landing area, checks each export, standardises every
record, links them into customers, builds the golden records and publishes the tables, then
writes the analyst report. Each step below is what one Dagster asset calls; the value it returns
is what the next steps receive (through ``identity.step_store``, whichever way the run was
started), and nothing is handed over through side files. The quality verdicts are computed
with the data they judge and travel with it, so the asset checks only report them and the
report shows exactly what the checks decided.

Values that carry records also have a ``summary()``: counts, quality results and diagnostics,
no personal data. The report and the checks read summaries only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from identity import evaluate, step_store
from identity import publish as pub
from identity import schema as s
from identity.golden import PreviousRun, build_golden
from identity.golden.figures import golden_figures
from identity.golden.volume import DEFAULT_SHRINK_WARN_SHARE, baseline, check_volume
from identity.linkage import link_and_cluster
from identity.quality import check_golden_traceable, validate_frame
from identity.readers.landing import read_landing_source, read_landing_transactions
from identity.results import (
    Contacts,
    Customers,
    Golden,
    Publication,
    RunResults,
    SourceRead,
    Transactions,
)
from identity.rights import erase as erasure
from identity.rights import retention
from identity.rights.match import drop_from_batch, raw_hits
from identity.rights.register import Register
from identity.safe_csv import write_csv
from identity.standardise.batches import (
    Standardised,
    source_summary,
    standardise_sources,
)

logger = logging.getLogger(__name__)

# The steps of a run, by the name its result is stored under (the Dagster asset names).
SOURCE_STEPS = {system: f"{system}_records" for system in s.SOURCE_SYSTEMS}
TRANSACTIONS_STEP = "transactions"
CONTACTS_STEP = "standardised_contacts"
CUSTOMERS_STEP = "customer_clusters"
GOLDEN_STEP = "golden_records"
PUBLISH_STEP = "published_tables"
REPORT_STEP = "quality_report"
MODEL_FILE = "model.json"
QUARANTINE_CSV = "quarantine.csv"


@dataclass(frozen=True)
class RunSettings:
    """Everything a run's steps need to know about where they run.

    Attributes:
        landing: The folder of exports (``<landing>/<source_system>/``).
        warehouse: The folder of tables, reports and run files.
        run_id: This run.
        engine: ``spark`` or ``duckdb`` (where linkage runs).
        default_region: Phone region when a record's country is unknown.
        full_refresh: Ignore the previous run's ids (new ids never reuse old ones).
        shrink_warn_share: A source this much smaller than last time is warned about.
        truth: ``truth.csv`` from ``identity generate``: the report then scores the run.
        erasure_key: The secret of the erasure register (``IDENTITY_ERASURE_KEY``); needed
            once anybody has been erased (``identity.rights``), never shown.
        quarantine_retention_days: Quarantined rows keep their content this long.
    """

    landing: Path
    warehouse: Path
    run_id: str
    engine: str = "duckdb"
    default_region: str = "US"
    full_refresh: bool = False
    shrink_warn_share: float = DEFAULT_SHRINK_WARN_SHARE
    truth: Path | None = None
    erasure_key: str = field(default="", repr=False)
    quarantine_retention_days: int = retention.DEFAULT_RETENTION_DAYS

    @property
    def folder(self) -> Path:
        """``<warehouse>/runs/<run_id>/``."""
        return step_store.run_folder(self.warehouse, self.run_id)

    def erasure_register(self) -> Register | None:
        """The warehouse's erasure register, or None when nobody was erased.

        Raises:
            identity.rights.register.ErasureKeyError: There is a register, and the key is
                missing or not its own: the run stops rather than let erased people back in.
        """
        return Register.open(self.warehouse, self.erasure_key)


def read_source(settings: RunSettings, source_system: str) -> SourceRead:
    """Read every export of one source and check it against its raw suite.

    Args:
        settings: The run.
        source_system: One of ``schema.SOURCE_SYSTEMS``.

    Returns:
        The batch and its suite result (blocking failures stop the run at the asset check).

    Raises:
        identity.readers.SourceFormatError: A file cannot be read as this source's export at
            all in a way that must stop the run (the message names file, line and column).
    """
    batch = read_landing_source(settings.landing, source_system)
    register = settings.erasure_register()
    if register is not None:  # the records of erased people go no further than this
        batch = drop_from_batch(batch, register, settings.default_region)
    quality = validate_frame(batch.records, f"{source_system}_raw", source_system)
    return SourceRead(batch=batch, quality=quality)


def read_transactions(settings: RunSettings) -> Transactions:
    """Read the optional order and store-sale exports of every source.

    Orders and sales that name an erased person (their record, email or phone) are dropped
    here and only counted.
    """
    frame = read_landing_transactions(settings.landing)
    register = settings.erasure_register()
    if register is None or frame.empty:
        return Transactions(frame=frame)
    erased = raw_hits(frame, register, settings.default_region)
    return Transactions(frame=frame[~erased].reset_index(drop=True), erased=int(erased.sum()))


def standardise(settings: RunSettings, sources: list[SourceRead]) -> Contacts:
    """Standardise every source's records together, account for every row, check the result.

    Args:
        settings: The run.
        sources: One read per source system.

    Returns:
        The contacts with their quarantine, balance and verdicts.
    """
    standardised = standardise_sources(
        [read.batch for read in sources], settings.default_region, settings.erasure_register()
    )
    quality = validate_frame(standardised.contacts, "contacts", "contacts")
    last = baseline(settings.warehouse)
    files = standardised.files
    volume = {
        system: check_volume(
            system,
            int(files.loc[files[s.SOURCE_SYSTEM] == system, "rows_read"].sum()),
            last,
            settings.shrink_warn_share,
        )
        for system in s.SOURCE_SYSTEMS
    }
    return Contacts(standardised=standardised, quality=quality, volume=volume)


def link(settings: RunSettings, contacts: Contacts, db_api: Any) -> Customers:
    """Link the contacts into customers and keep the trained model with the run.

    Args:
        settings: The run.
        contacts: From ``standardise``.
        db_api: The engine's Splink backend (``identity.engine.backend``).

    Returns:
        The partition, with the path of ``runs/<run_id>/model.json`` (for people to read; no
        later step reads it back).
    """
    result = link_and_cluster(contacts.standardised.contacts, db_api)
    model_path = step_store.write_json(settings.folder / MODEL_FILE, result.model)
    return Customers(linkage=result, model_path=model_path)


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


def golden(
    settings: RunSettings, contacts: Contacts, customers: Customers, transactions: Transactions
) -> Golden:
    """Build this run's golden tables against the last published run, and check them.

    Args:
        settings: The run.
        contacts: From ``standardise``.
        customers: From ``link``.
        transactions: From ``read_transactions``.

    Returns:
        The tables, not yet published, with their verdicts (and accuracy when truth is given).
    """
    previous = previous_run(settings.warehouse, settings.full_refresh)
    result = build_golden(
        contacts.standardised.contacts,
        customers.linkage.clusters,
        previous,
        settings.run_id,
        transactions.frame,
    )
    accuracy = None
    if settings.truth is not None:
        truth = evaluate.read_truth(settings.truth)
        accuracy = evaluate.score(customers.linkage.clusters, truth).as_dict()
    return Golden(
        result=result,
        quality=validate_frame(result.golden, "golden_customers", "golden"),
        traceable=check_golden_traceable(result.golden, result.crosswalk),
        accuracy=accuracy,
        figures=golden_figures(
            result.golden, result.crosswalk, result.touchpoints, transactions.frame
        ),
    )


def quarantine_table(standardised: Standardised, run_id: str) -> pd.DataFrame:
    """The quarantine rows of this run with the published columns."""
    table = standardised.quarantine.copy()
    table[s.RUN_ID] = run_id
    return table[s.QUARANTINE_COLUMNS]


def publish(settings: RunSettings, contacts: Contacts, golden: Golden) -> Publication:
    """Publish every table of this run as Delta tables, then the manifest that makes it current.

    A run that fails or is killed before the manifest is replaced publishes nothing (see
    ``identity.publish``). Also writes ``runs/<run_id>/quarantine.csv`` for analysts, formula
    prefixes neutralised (``identity.safe_csv``). Then carries out erasures still pending, or
    made necessary by a record this run dropped that the last publication held (its older
    versions are removed: ``identity.rights.erase``), and applies quarantine retention.

    Returns:
        The versions published.
    """
    warehouse, run_id = settings.warehouse, settings.run_id
    quarantine = quarantine_table(contacts.standardised, run_id)
    result = golden.result
    register = settings.erasure_register()
    held = erasure.held_by_publication(warehouse, contacts.standardised.erased_keys())
    versions = pub.publish(
        warehouse,
        {
            pub.QUARANTINE: quarantine,
            pub.TOUCHPOINTS: result.touchpoints,
            pub.CHANGES: result.changes.assign(changed_at=datetime.now(UTC)),
            pub.GOLDEN: result.golden,
            pub.CROSSWALK: result.crosswalk,
        },
        run_id,
        rows_read={
            system: int(values["rows_read"])
            for system, values in source_summary(contacts.standardised.files).items()
        },
    )
    csv = settings.folder / QUARANTINE_CSV
    write_csv(quarantine, csv)
    now = datetime.now(UTC)
    if register is not None and (held or register.pending):
        outcome = erasure.apply(
            warehouse,
            register,
            settings.default_region,
            settings.quarantine_retention_days,
            now,
            records=held,
        )
        logger.info("carried out pending erasures: %d customers", len(outcome.customers))
    retention.expire(warehouse, settings.quarantine_retention_days, now)
    # An erasure or retention may have committed again: the manifest names what is current.
    versions = pub.published(warehouse)["tables"]
    return Publication(versions=versions, manifest=pub.manifest_path(warehouse), quarantine_csv=csv)


def stored_results(settings: RunSettings, failures: list[str] | None = None) -> RunResults:
    """The summaries this run's steps stored, for the report of a run that stopped early.

    Args:
        settings: The run.
        failures: One line per failed step, as the orchestrator reported them.

    Returns:
        Whatever the steps that ran left in ``runs/<run_id>/steps/``.
    """
    folder = step_store.steps_folder(settings.warehouse, settings.run_id)

    def summary(name: str) -> Any:
        path = folder / name
        if not (path / step_store.SUMMARY_FILE).exists() and not step_store.stored(path):
            return None
        if (path / step_store.SUMMARY_FILE).exists():
            return step_store.load_summary(path)
        return step_store.load(path)

    sources = [summary(name) for name in SOURCE_STEPS.values()]
    return RunResults(
        sources=[source for source in sources if source is not None],
        transactions=summary(TRANSACTIONS_STEP),
        contacts=summary(CONTACTS_STEP),
        customers=summary(CUSTOMERS_STEP),
        golden=summary(GOLDEN_STEP),
        publication=summary(PUBLISH_STEP),
        failures=list(failures or []),
    )


def report(settings: RunSettings, results: RunResults) -> Path:
    """Write the analyst report of this run and refresh the index of all runs.

    Works for runs that stopped early too: sections a run never reached are empty, and the
    page says whether the run was published, blocked by a check, or failed.

    Returns:
        The path of ``reports/index.html``.
    """
    from identity.report import RunReport, write_run_report

    contacts = results.contacts
    sources = contacts.sources if contacts is not None else _sources_before_balance(results)
    linkage: dict[str, Any] = dict(results.customers.diagnostics) if results.customers else {}
    golden = results.golden
    if golden is not None:
        linkage.setdefault("customers", golden.customers)
        if golden.accuracy:
            linkage["pairwise"] = golden.accuracy
    churn = golden.changes if golden is not None else {}
    run_report = RunReport(
        run_id=settings.run_id,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        engine=settings.engine,
        outcome=results.outcome,
        failures=results.failures,
        sources=sources,
        quality=[result.to_dict() for result in results.quality],
        quarantine_by_reason=contacts.quarantine_by_reason if contacts is not None else {},
        linkage=linkage,
        golden=golden.figures if golden is not None else {},
        transactions=(
            {"rows": results.transactions.rows, "by_source": results.transactions.by_source}
            if results.transactions is not None
            else {}
        ),
        id_churn={
            **{k: int(churn.get(k, 0)) for k in ("new", "merged", "split", "retired", "revived")},
            "kept": golden.kept_ids if golden is not None else 0,
        },
    )
    return write_run_report(run_report, settings.warehouse / "reports")


def _sources_before_balance(results: RunResults) -> dict[str, dict[str, Any]]:
    """Per source, rows read and quarantined by the readers (standardisation never ran)."""
    out: dict[str, dict[str, Any]] = {}
    for source in results.sources:
        files = [{s.ROWS_ERASED: 0, **f, s.ROWS_LINKED: 0} for f in source.files]
        out[source.source_system] = {
            "files": files,
            s.ROWS_READ: source.rows_read,
            s.ROWS_LINKED: 0,
            **{
                column: sum(int(f.get(column, 0)) for f in source.files)
                for column in (s.ROWS_QUARANTINED, s.ROWS_ERASED)
            },
        }
    return out
