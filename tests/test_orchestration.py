"""The Dagster definitions load, with the promised graph, job, schedule, sensor and checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.definitions import build_defs, landing_fingerprint, new_exports_sensor
from dagster_project.environment import resources_from_env
from dagster_project.resources import Warehouse

ROOT = Path(__file__).resolve().parents[1]


def _defs() -> dg.Definitions:
    return build_defs(resources_from_env("landing", "warehouse", "duckdb"))


def test_asset_graph_has_every_stage_in_its_group():
    graph = _defs().resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == {
        "crm_records": "sources",
        "ecommerce_records": "sources",
        "pos_records": "sources",
        "social_records": "sources",
        "transactions": "sources",
        "standardised_contacts": "standardise",
        "customer_clusters": "linkage",
        "golden_records": "golden",
        "published_tables": "golden",
        "quality_report": "golden",
    }


def test_job_runs_in_process_and_covers_every_asset():
    job = _defs().resolve_job_def("identity_resolution")
    assert job.executor_def.name == "in_process"
    assert len(job.asset_layer.executable_asset_keys) == 10


def test_schedule_is_nightly_and_off_by_default():
    schedule = _defs().resolve_schedule_def("nightly_identity_resolution")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    assert schedule.job_name == "identity_resolution"


def test_quality_checks_are_blocking_on_their_assets():
    checks = {
        spec.key.name: spec
        for checks_def in _defs().asset_checks or []
        for spec in checks_def.check_specs
    }
    assert {"crm_raw_suite", "contacts_suite", "rows_balance", "golden_suite"} <= set(checks)
    assert all(spec.blocking for spec in checks.values())
    assert checks["golden_suite"].asset_key.to_user_string() == "golden_records"


def test_sensor_requests_a_run_only_when_new_files_land(tmp_path: Path):
    (tmp_path / "crm").mkdir()
    warehouse = Warehouse(landing_dir=str(tmp_path), warehouse_dir=str(tmp_path / "w"))
    empty = new_exports_sensor(dg.build_sensor_context(cursor=None), warehouse=warehouse)
    assert not empty.run_requests

    (tmp_path / "crm" / "contacts.csv").write_text('"Id","LastName"\n"003A","Doe"\n')
    first = new_exports_sensor(dg.build_sensor_context(cursor=None), warehouse=warehouse)
    assert len(first.run_requests) == 1
    assert first.cursor == landing_fingerprint(tmp_path)

    again = new_exports_sensor(dg.build_sensor_context(cursor=first.cursor), warehouse=warehouse)
    assert not again.run_requests

    (tmp_path / "crm" / "contacts_2.csv").write_text('"Id","LastName"\n"003B","Roe"\n')
    newer = new_exports_sensor(dg.build_sensor_context(cursor=first.cursor), warehouse=warehouse)
    assert len(newer.run_requests) == 1
    assert newer.cursor != first.cursor


# The Dagster CLI in a subprocess loads the whole code location: the slow tier runs it.
@pytest.mark.slow
def test_workspace_loads_with_the_dagster_cli(tmp_path: Path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "DAGSTER_DISABLE_TELEMETRY": "1"}
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Validation successful" in done.stdout + done.stderr


def test_unknown_engine_is_refused():
    try:
        resources_from_env("landing", "warehouse", "postgres")
    except ValueError as error:
        assert "postgres" in str(error)
    else:
        raise AssertionError("an unknown engine must be refused")
