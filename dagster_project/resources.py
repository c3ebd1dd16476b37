"""Typed resources: where data lives and which engine links it. Environment is read only here."""

import os
from pathlib import Path
from typing import Any, Literal

import dagster as dg

from identity import engine


class Warehouse(dg.ConfigurableResource):
    """Where exports land and where tables and reports are published."""

    landing_dir: str = "landing"
    warehouse_dir: str = "warehouse"
    default_region: str = "US"
    full_refresh: bool = False

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


class LinkageEngine(dg.ConfigurableResource):
    """Where linkage runs: embedded Spark by default, or DuckDB."""

    kind: Literal["spark", "duckdb"] = "spark"
    spark_master: str = "local[*]"
    shuffle_partitions: int = 4
    driver_memory: str = "6g"

    def db_api(self) -> Any:
        """A fresh Splink backend for this run (the Spark session is shared per process)."""
        if self.kind == "duckdb":
            return engine.make_db_api("duckdb")
        options = engine.SparkOptions(
            master=self.spark_master,
            shuffle_partitions=self.shuffle_partitions,
            driver_memory=self.driver_memory,
        )
        return engine.make_db_api("spark", engine.spark_session(options))


def resources_from_env(
    landing: str | None = None,
    warehouse: str | None = None,
    engine_kind: str | None = None,
    full_refresh: bool = False,
) -> dict[str, Any]:
    """Build the resources from arguments, else the environment, else the documented defaults.

    Args:
        landing: Overrides ``IDENTITY_LANDING_DIR``.
        warehouse: Overrides ``IDENTITY_WAREHOUSE_DIR``.
        engine_kind: Overrides ``IDENTITY_ENGINE``.
        full_refresh: Ignore the previous run's ids (new ids never reuse old ones).

    Returns:
        Resource instances keyed by name.
    """
    env = os.environ
    kind = engine.check_engine(engine_kind or env.get("IDENTITY_ENGINE", "spark"))
    return {
        "warehouse": Warehouse(
            landing_dir=str(Path(landing or env.get("IDENTITY_LANDING_DIR", "landing")).resolve()),
            warehouse_dir=str(
                Path(warehouse or env.get("IDENTITY_WAREHOUSE_DIR", "warehouse")).resolve()
            ),
            default_region=env.get("IDENTITY_DEFAULT_REGION", "US"),
            full_refresh=full_refresh,
        ),
        "linkage_engine": LinkageEngine(
            kind=kind,
            spark_master=env.get("IDENTITY_SPARK_MASTER", "local[*]"),
            shuffle_partitions=int(env.get("IDENTITY_SPARK_SHUFFLE_PARTITIONS", "4")),
            driver_memory=env.get("IDENTITY_SPARK_DRIVER_MEMORY", "6g"),
        ),
    }
