"""Typed resources: where data lives, which engine links it, and the warehouse lock.

They are built from the environment in ``dagster_project.environment``.
"""

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Literal

import dagster as dg
from pydantic import PrivateAttr

from identity import engine, lock
from identity.golden.volume import DEFAULT_SHRINK_WARN_SHARE
from identity.rights.retention import DEFAULT_RETENTION_DAYS
from identity.run import RunSettings


class Warehouse(dg.ConfigurableResource):
    """Where exports land and where tables and reports are published.

    ``erasure_key`` is the erasure register's secret: set it with ``dg.EnvVar`` (as
    ``dagster_project.environment`` does), so that Dagster stores the variable's name, never
    its value.
    """

    landing_dir: str = "landing"
    warehouse_dir: str = "warehouse"
    default_region: str = "US"
    full_refresh: bool = False
    shrink_warn_share: float = DEFAULT_SHRINK_WARN_SHARE
    truth_path: str = ""
    erasure_key: str = ""
    quarantine_retention_days: int = DEFAULT_RETENTION_DAYS

    @property
    def landing(self) -> Path:
        """The landing folder."""
        return Path(self.landing_dir)

    @property
    def warehouse(self) -> Path:
        """The warehouse folder."""
        return Path(self.warehouse_dir)

    @property
    def reports(self) -> Path:
        """The analyst reports folder."""
        return Path(self.warehouse_dir) / "reports"

    def settings(self, run_id: str, engine_kind: str = "") -> RunSettings:
        """What the library's steps need to know about this run (``identity.run``).

        Args:
            run_id: The Dagster run.
            engine_kind: Where linkage runs, for the steps that say so (linkage, the report).
        """
        return RunSettings(
            landing=self.landing,
            warehouse=self.warehouse,
            run_id=run_id,
            engine=engine_kind,
            default_region=self.default_region,
            full_refresh=self.full_refresh,
            shrink_warn_share=self.shrink_warn_share,
            truth=Path(self.truth_path) if self.truth_path else None,
            erasure_key=self.erasure_key,
            quarantine_retention_days=self.quarantine_retention_days,
        )


class WarehouseLock(dg.ConfigurableResource):
    """One run at a time per warehouse: taken when the run starts, released when it ends.

    The run's IO manager (``dagster_project.storage``) holds it, so Dagster initialises it
    before the first step of any run however launched (UI, schedule, sensor, ``identity run``);
    with the in-process executor resources live for the whole run and are torn down even when a
    step fails. A second run fails at initialisation with ``identity.lock``'s one-line message.
    """

    warehouse_dir: str = "warehouse"
    wait_seconds: float = 0.0
    _path: Path | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Take the warehouse lock for this run (reentrant within ``identity run``)."""
        run_id = context.run.run_id if context.run else None
        self._path = lock.acquire(Path(self.warehouse_dir), run_id, self.wait_seconds)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Give the warehouse back."""
        if self._path is not None:
            lock.release(self._path)
            self._path = None


class LinkageEngine(dg.ConfigurableResource):
    """Where linkage runs: embedded Spark by default, or DuckDB."""

    kind: Literal["spark", "duckdb"] = "spark"
    spark_master: str = "local[*]"
    shuffle_partitions: int = 4
    driver_memory: str = "6g"

    def backend(self) -> AbstractContextManager[Any]:
        """A fresh Splink backend for a ``with`` block (the Spark session is shared per process)."""
        if self.kind == "duckdb":
            return engine.backend("duckdb")
        options = engine.SparkOptions(
            master=self.spark_master,
            shuffle_partitions=self.shuffle_partitions,
            driver_memory=self.driver_memory,
        )
        return engine.backend("spark", engine.spark_session(options))
