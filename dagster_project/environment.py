"""The job's resources from the environment: the one place ``IDENTITY_*`` variables are read."""

import os
from pathlib import Path
from typing import Any

from dagster_project.resources import LinkageEngine, Warehouse, WarehouseLock
from dagster_project.storage import WarehouseIOManager
from identity import engine
from identity.golden.volume import DEFAULT_SHRINK_WARN_SHARE, check_share


def resources_from_env(
    landing: str | None = None,
    warehouse: str | None = None,
    engine_kind: str | None = None,
    full_refresh: bool = False,
    truth: str | None = None,
) -> dict[str, Any]:
    """Build the resources from arguments, else the environment, else the documented defaults.

    Args:
        landing: Overrides ``IDENTITY_LANDING_DIR``.
        warehouse: Overrides ``IDENTITY_WAREHOUSE_DIR``.
        engine_kind: Overrides ``IDENTITY_ENGINE``.
        full_refresh: Ignore the previous run's ids (new ids never reuse old ones).
        truth: ``truth.csv`` of generated data: the report scores the run against it.

    Returns:
        Resource instances keyed by name.
    """
    env = os.environ
    kind = engine.check_engine(engine_kind or env.get("IDENTITY_ENGINE", "spark"))
    warehouse_dir = str(Path(warehouse or env.get("IDENTITY_WAREHOUSE_DIR", "warehouse")).resolve())
    resources: dict[str, Any] = {
        "warehouse": Warehouse(
            landing_dir=str(Path(landing or env.get("IDENTITY_LANDING_DIR", "landing")).resolve()),
            warehouse_dir=warehouse_dir,
            default_region=env.get("IDENTITY_DEFAULT_REGION", "US"),
            full_refresh=full_refresh,
            truth_path=str(Path(truth).resolve()) if truth else "",
            shrink_warn_share=check_share(
                float(env.get("IDENTITY_SHRINK_WARN_SHARE", DEFAULT_SHRINK_WARN_SHARE))
            ),
        ),
        "warehouse_lock": WarehouseLock(
            warehouse_dir=warehouse_dir,
            wait_seconds=float(env.get("IDENTITY_LOCK_WAIT_SECONDS", "0")),
        ),
        "linkage_engine": LinkageEngine(
            kind=kind,
            spark_master=env.get("IDENTITY_SPARK_MASTER", "local[*]"),
            shuffle_partitions=int(env.get("IDENTITY_SPARK_SHUFFLE_PARTITIONS", "4")),
            driver_memory=env.get("IDENTITY_SPARK_DRIVER_MEMORY", "6g"),
        ),
    }
    # Every step output goes to the warehouse, on every launch path (see ``storage``).
    resources["io_manager"] = WarehouseIOManager(
        warehouse=resources["warehouse"],
        linkage_engine=resources["linkage_engine"],
        warehouse_lock=resources["warehouse_lock"],
    )
    return resources
