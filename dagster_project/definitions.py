"""The one Definitions object: assets, checks, the job, its schedule and its sensor."""

import hashlib
from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.assets.golden import golden_records, published_tables, quality_report
from dagster_project.assets.linkage import customer_clusters
from dagster_project.assets.sources import SOURCE_ASSETS, transactions
from dagster_project.assets.standardise import standardised_contacts
from dagster_project.checks import ALL_CHECKS
from dagster_project.environment import resources_from_env
from dagster_project.resources import Warehouse

ASSETS = [
    *SOURCE_ASSETS,
    transactions,
    standardised_contacts,
    customer_clusters,
    golden_records,
    published_tables,
    quality_report,
]

# Spark keeps one session per process, so every step runs in the run's own process.
identity_resolution = dg.define_asset_job(
    name="identity_resolution",
    selection=dg.AssetSelection.assets(*ASSETS),
    executor_def=dg.in_process_executor,
    description="Read every landed export, check it, link it, publish the golden customer table.",
)

nightly = dg.ScheduleDefinition(
    name="nightly_identity_resolution",
    job=identity_resolution,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description=(
        "Every night at 02:00 UTC: read whatever the landing folder holds, check it, link it "
        "and publish the golden customer table. Off until started in the UI."
    ),
)


def landing_fingerprint(landing: Path) -> str:
    """A digest of every landed file's path, size and modification time."""
    digest = hashlib.sha256()
    if landing.is_dir():
        for path in sorted(p for p in landing.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(
                f"{path.relative_to(landing)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()[:16]


@dg.sensor(
    job=identity_resolution,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Starts the job when a file in the landing folder is added, replaced or removed "
        "(checked every minute; one run per distinct set of files). Off until started."
    ),
)
def new_exports_sensor(
    context: dg.SensorEvaluationContext, warehouse: Warehouse
) -> dg.SensorResult:
    """Start a run when files in the landing folder are added or changed."""
    landing = warehouse.landing
    fingerprint = landing_fingerprint(landing)
    if fingerprint == context.cursor or not any(landing.rglob("*.csv")):
        return dg.SensorResult(skip_reason="no new exports", cursor=context.cursor)
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)


def build_defs(resources: dict[str, Any]) -> dg.Definitions:
    """Assemble the definitions with the given resources (the CLI passes its own paths).

    Args:
        resources: Resource instances keyed by name, from ``resources_from_env``.

    Returns:
        The project's one ``Definitions``.
    """
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[identity_resolution],
        schedules=[nightly],
        sensors=[new_exports_sensor],
        resources=resources,
    )


defs = build_defs(resources_from_env())
