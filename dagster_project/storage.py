"""The one storage for step outputs, on every launch path: the run's folder of the warehouse.

``identity run``, ``dagster dev``, the schedule and the sensor all hand step outputs over
through ``WarehouseIOManager``: frames as parquet and the rest as JSON under
``<warehouse>/runs/<run_id>/steps/`` (``identity.step_store``). Dagster's default IO manager
would pickle whole frames of names, emails and phones under ``DAGSTER_HOME``; here personal data
stays in the warehouse, next to the golden table.

When the run ends the IO manager also closes it, whatever the outcome:

- A run that stopped before its report (a blocking check, a failed step) still gets one, made
  by the report's own function from the summaries its steps stored, and the report asset is
  marked materialised for it. Dagster never starts a step downstream of a failed one, so this is
  the only place that can see every run end, however it was launched.
- A published run's records are removed from its folder (summaries stay, so the report can be
  made again from the UI), and so are those of earlier runs. A failed run keeps its step
  outputs until a later run publishes, so "re-execute from failure" in the UI can use them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import PrivateAttr

from dagster_project.failures import failure_lines
from dagster_project.metadata import report_links
from dagster_project.resources import LinkageEngine, Warehouse, WarehouseLock
from identity import run, step_store

logger = logging.getLogger(__name__)


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Step outputs as parquet and JSON in ``<warehouse>/runs/<run_id>/steps/<asset>/``.

    An input annotated with a value's summary type (``identity.run.*Summary``) is loaded from
    the summary alone, without reading any frame: the checks and the report read only those.
    It needs the warehouse lock, so every run, however launched, holds it from its first step.
    """

    warehouse: Warehouse
    linkage_engine: LinkageEngine
    warehouse_lock: WarehouseLock
    _run_id: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Note the run this IO manager serves."""
        self._run_id = context.run.run_id if context.run else None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Close the run: its report if it stopped early, then its records if it published."""
        dagster_run = context.run
        instance = context.instance
        if dagster_run is None or instance is None:
            return
        settings = self.warehouse.settings(dagster_run.run_id, self.linkage_engine.kind)
        try:
            if _includes(dagster_run, run.REPORT_STEP) and not _reported(settings):
                report_stopped_run(settings, instance)
        finally:
            if step_store.stored(self._folder(dagster_run.run_id, run.PUBLISH_STEP)):
                removed = step_store.drop_records(settings.warehouse)
                logger.debug("removed the stored records of %d step outputs", removed)

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        """Store a step's value in this run's folder."""
        if obj is None:
            return
        folder = self._folder(context.run_id, _name(context.asset_key))
        step_store.save(obj, folder)
        context.add_output_metadata({"stored_in": dg.MetadataValue.path(str(folder))})

    def load_input(self, context: dg.InputContext) -> Any:
        """Load an upstream value (or only its summary, when that is what the input asks for)."""
        name = _name(context.asset_key)
        folder = self._find(context, name)
        wanted = context.dagster_type.typing_type
        if step_store.summary_class(folder) == _class_name(wanted):
            return step_store.load_summary(folder)
        if not step_store.stored(folder):
            raise dg.Failure(
                description=(
                    f"the records of {name} were removed when run {folder.parts[-3]} published "
                    f"(they hold personal data): materialise {name} again in the same run as "
                    "the assets that read it"
                ),
                allow_retries=False,
            )
        return step_store.load(folder)

    def _folder(self, run_id: str, name: str) -> Path:
        return step_store.steps_folder(self.warehouse.warehouse, run_id) / name

    def _find(self, context: dg.InputContext, name: str) -> Path:
        """This run's value if it made one, else the newest a run of this warehouse kept."""
        if self._run_id is not None:
            own = self._folder(self._run_id, name)
            if (own / step_store.SUMMARY_FILE).exists() or step_store.stored(own):
                return own
        kept = step_store.latest(self.warehouse.warehouse, name)
        if kept is None:
            raise dg.Failure(
                description=(
                    f"no run of {self.warehouse.warehouse} has stored {name} yet: materialise it "
                    "first (or run the whole job)"
                ),
                allow_retries=False,
            )
        return kept


def report_stopped_run(settings: run.RunSettings, instance: dg.DagsterInstance) -> Path:
    """The report of a run that stopped before its report step, from what its steps stored.

    Args:
        settings: The run.
        instance: The Dagster instance that holds the run's events (for its failures).

    Returns:
        The path of ``reports/index.html``.
    """
    events = [
        entry.dagster_event
        for entry in instance.all_logs(settings.run_id)
        if entry.dagster_event is not None
    ]
    results = run.stored_results(settings, failure_lines(events))
    index = run.report(settings, results)
    instance.report_runless_asset_event(
        dg.AssetMaterialization(
            asset_key=run.REPORT_STEP,
            description=f"report of run {settings.run_id}, which was {results.outcome}",
            metadata={
                **report_links(index),
                "run_id": settings.run_id,
                "outcome": results.outcome,
            },
        )
    )
    logger.info("run %s stopped (%s); its report is %s", settings.run_id, results.outcome, index)
    return index


def _reported(settings: run.RunSettings) -> bool:
    from identity.report.model import RUNS_FOLDER, run_file_stem

    page = settings.warehouse / "reports" / RUNS_FOLDER / f"{run_file_stem(settings.run_id)}.json"
    return page.exists()


def _includes(dagster_run: dg.DagsterRun, asset: str) -> bool:
    """Whether a run was asked to materialise ``asset`` (a whole-job run selects everything)."""
    selection = dagster_run.asset_selection
    return selection is None or dg.AssetKey(asset) in selection


def _name(key: dg.AssetKey | None) -> str:
    if key is None:
        raise dg.DagsterInvariantViolationError("the warehouse IO manager stores assets only")
    return "__".join(key.path)


def _class_name(cls: Any) -> str | None:
    return f"{cls.__module__}:{cls.__qualname__}" if isinstance(cls, type) else None
