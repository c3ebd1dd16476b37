"""Retries on the stages that read files or start Spark, and clear failures otherwise."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import dagster as dg

from dagster_project.assets.sources import SOURCE_ASSETS
from dagster_project.definitions import build_defs
from dagster_project.environment import resources_from_env
from dagster_project.failures import failure_message
from dagster_project.resources import Warehouse

# Stages that touch the landing files or start a Spark session: worth another try on I/O errors.
RETRIED = {
    "crm_records",
    "ecommerce_records",
    "pos_records",
    "social_records",
    "transactions",
    "customer_clusters",
}


def _retry_policies() -> dict[str, dg.RetryPolicy | None]:
    defs = build_defs(resources_from_env("landing", "warehouse", "duckdb"))
    graph = defs.resolve_asset_graph()
    return {
        key.to_user_string(): graph.get(key).assets_def.op.retry_policy
        for key in graph.get_all_asset_keys()
    }


def test_stages_that_read_files_or_start_spark_have_a_retry_policy() -> None:
    policies = _retry_policies()
    assert {name for name, policy in policies.items() if policy} == RETRIED
    for name in RETRIED:
        assert policies[name].max_retries >= 1 and policies[name].delay >= 1, name


CRM_EXPORT = (
    '"Id","FirstName","LastName","Email","Phone","CreatedDate","LastModifiedDate"\n'
    '"0038d000M1vCxjSAIS","Abby","Townsend","a.townsend@example.org","+44 20 7946 0958",'
    '"2016-01-09T10:08:23.000Z","2022-09-22T00:01:00.000Z"\n'
)


def _materialize_crm(
    landing: Path, warehouse: Path, instance: dg.DagsterInstance
) -> dg.ExecuteInProcessResult:
    (crm_records,) = [a for a in SOURCE_ASSETS if a.key.to_user_string() == "crm_records"]
    return dg.materialize(
        [crm_records],
        resources={"warehouse": Warehouse(landing_dir=str(landing), warehouse_dir=str(warehouse))},
        instance=instance,
        raise_on_error=False,
    )


def _events(result: dg.ExecuteInProcessResult, event_type: str) -> list[dg.DagsterEvent]:
    return [e for e in result.all_events if e.event_type_value == event_type]


def test_an_io_error_while_reading_is_retried_and_the_run_succeeds(
    tmp_path: Path, dagster_home: Path
) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    # An upload tool still replacing the folder: for a moment `crm` is a file, not a folder.
    (landing / "crm").write_text("partial upload", encoding="utf-8")
    ready = tmp_path / "crm_ready"
    ready.mkdir()
    (ready / "contacts.csv").write_text(CRM_EXPORT, encoding="utf-8")

    instance = dg.DagsterInstance.get()  # storage initialised here, before the thread reads it

    def finish_upload() -> None:
        # Once the first attempt has failed (Dagster logged the retry), put the folder in place.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            runs = instance.get_runs(limit=1)
            retry = dg.DagsterEventType.STEP_UP_FOR_RETRY
            if runs and instance.all_logs(runs[0].run_id, of_type=retry):
                break
            time.sleep(0.05)
        (landing / "crm").unlink()
        shutil.move(str(ready), str(landing / "crm"))

    worker = threading.Thread(target=finish_upload)
    worker.start()
    try:
        result = _materialize_crm(landing, tmp_path / "warehouse", instance)
    finally:
        worker.join()
    assert result.success, failure_message(result)
    assert len(_events(result, "STEP_UP_FOR_RETRY")) == 1
    (materialization,) = result.asset_materializations_for_node("crm_records")
    assert materialization.metadata["records"].value == 1


def test_an_unreadable_export_is_quarantined_whole_without_retry(
    tmp_path: Path, dagster_home: Path
) -> None:
    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    # A Shopify export dropped into the CRM folder: no retry will make it a Salesforce export,
    # and it must not stop the night: the file is quarantined whole, naming why.
    (landing / "crm" / "contacts.csv").write_text(
        "Customer ID,First Name,Last Name,Email\n'6800000020991,Pierre,Gauthier,p@x.fr\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    with dg.DagsterInstance.get() as instance:
        result = _materialize_crm(landing, tmp_path / "warehouse", instance)
    assert result.success
    assert _events(result, "STEP_UP_FOR_RETRY") == []
    assert time.monotonic() - started < 30  # no retry delays
    (materialization,) = result.asset_materializations_for_node("crm_records")
    unreadable = materialization.metadata["unreadable_files"].value
    assert "contacts.csv" in unreadable and "no column 'Id'" in unreadable
    assert materialization.metadata["records"].value == 0
    assert "Pierre" not in unreadable and "Gauthier" not in unreadable
