"""The job's resources from the environment: the one place ``IDENTITY_*`` variables are read."""

import os
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.resources import LinkageEngine, Warehouse, WarehouseLock
from dagster_project.storage import WarehouseIOManager
from identity import engine
from identity.golden.volume import DEFAULT_SHRINK_WARN_SHARE, check_share
from identity.rights.register import KEY_VARIABLE
from identity.rights.retention import DEFAULT_RETENTION_DAYS, RETENTION_VARIABLE, check_days


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
            default_region=default_region(),
            full_refresh=full_refresh,
            truth_path=str(Path(truth).resolve()) if truth else "",
            shrink_warn_share=check_share(
                float(env.get("IDENTITY_SHRINK_WARN_SHARE", DEFAULT_SHRINK_WARN_SHARE))
            ),
            # A secret: through EnvVar, so Dagster records the variable's name, not its value.
            erasure_key=dg.EnvVar(KEY_VARIABLE) if env.get(KEY_VARIABLE) else "",
            quarantine_retention_days=retention_days(),
        ),
        "warehouse_lock": WarehouseLock(
            warehouse_dir=warehouse_dir,
            wait_seconds=lock_wait_seconds(),
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


def retention_days() -> int:
    """``IDENTITY_QUARANTINE_RETENTION_DAYS`` (default 30), checked; ValueError when unusable."""
    text = os.environ.get(RETENTION_VARIABLE, str(DEFAULT_RETENTION_DAYS))
    try:
        days = int(text)
    except ValueError:
        raise ValueError(
            f"{RETENTION_VARIABLE} must be a whole number of days, not {text!r}"
        ) from None
    return check_days(days)


def erasure_secret() -> str:
    """``IDENTITY_ERASURE_KEY``, the erasure register's secret ("" when unset)."""
    return os.environ.get(KEY_VARIABLE, "")


def default_region() -> str:
    """``IDENTITY_DEFAULT_REGION`` (default ``US``): the phone region of numbers without one."""
    return os.environ.get("IDENTITY_DEFAULT_REGION", "US")


def lock_wait_seconds() -> float:
    """``IDENTITY_LOCK_WAIT_SECONDS`` (default 0): how long to wait for a busy warehouse."""
    return float(os.environ.get("IDENTITY_LOCK_WAIT_SECONDS", "0"))
