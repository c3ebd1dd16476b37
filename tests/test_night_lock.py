"""One run at a time per warehouse (issue 13): refused, waited for, and cleared after a kill.

Library tests hold the lock from a second process; the Dagster tests show the job itself takes
it, so a run started from the UI, a schedule or a sensor is refused like ``identity run``.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from identity import lock

ROOT = Path(__file__).resolve().parents[1]

# Holds a warehouse's lock from another process: argv = warehouse, run id, seconds, release?
HOLDER = """
import sys, time
from identity import lock
path = lock.acquire(sys.argv[1], sys.argv[2])
print("locked", flush=True)
time.sleep(float(sys.argv[3]))
if sys.argv[4] == "release":
    lock.release(path)
"""


def hold(warehouse: Path, run_id: str, seconds: float, release: bool = True) -> subprocess.Popen:
    """Start a process holding the lock; return once it does."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), run_id, str(seconds)]
        + ["release" if release else "keep"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "locked"
    return process


def stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()
    process.stdout.close()


def test_the_lock_is_reentrant_in_one_process_and_free_afterwards(tmp_path: Path) -> None:
    assert lock.holder(tmp_path) is None
    outer = lock.acquire(tmp_path)
    inner = lock.acquire(tmp_path, "run-1")  # the job's resource, inside ``identity run``
    assert inner == outer
    assert lock.holder(tmp_path)["run_id"] == "run-1"
    assert lock.holder(tmp_path)["pid"] == os.getpid()
    lock.release(inner)
    assert lock.holder(tmp_path) is not None  # the outer hold remains
    lock.release(outer)
    assert lock.holder(tmp_path) is None
    assert lock.lock_path(tmp_path).read_text() == ""  # released cleanly: nothing left


def test_a_second_process_is_refused_in_one_line_naming_the_holder(tmp_path: Path) -> None:
    holder = hold(tmp_path, "run-a", 60)
    try:
        assert lock.holder(tmp_path)["pid"] == holder.pid
        with pytest.raises(lock.WarehouseBusyError) as refused:
            lock.acquire(tmp_path, "run-b")
        message = str(refused.value)
        assert "\n" not in message
        assert f"in use by run run-a (pid {holder.pid} on " in message
        assert str(tmp_path) in message and "IDENTITY_LOCK_WAIT_SECONDS" in message
    finally:
        stop(holder)


def test_a_run_can_wait_for_the_lock_with_a_timeout(tmp_path: Path) -> None:
    holder = hold(tmp_path, "run-a", 2.0)
    try:
        started = time.monotonic()
        with pytest.raises(lock.WarehouseBusyError, match="after waiting 0.5 s"):
            lock.acquire(tmp_path, "run-b", wait_seconds=0.5)
        assert time.monotonic() - started >= 0.5
        with lock.warehouse_lock(tmp_path, "run-b", wait_seconds=60):
            assert lock.holder(tmp_path)["run_id"] == "run-b"
        assert holder.wait(timeout=30) == 0
    finally:
        stop(holder)


def test_a_lock_left_by_a_killed_run_is_cleared(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    holder = hold(tmp_path, "run-killed", 60, release=False)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    # Its note is still in the file, but the kernel dropped the lock with the process.
    assert "run-killed" in lock.lock_path(tmp_path).read_text()
    assert lock.holder(tmp_path) is None
    with (
        caplog.at_level(logging.WARNING, logger="identity.lock"),
        lock.warehouse_lock(tmp_path, "run-next"),
    ):
        assert lock.holder(tmp_path)["run_id"] == "run-next"
    (record,) = [r for r in caplog.records if r.name == "identity.lock"]
    assert f"cleared the lock of run run-killed (pid {holder.pid} " in record.getMessage()


def test_a_note_from_a_dead_pid_or_garbage_never_blocks(tmp_path: Path) -> None:
    path = lock.lock_path(tmp_path)
    path.write_text('{"pid": 999999999, "host": "elsewhere", "run_id": "old"}')
    with lock.warehouse_lock(tmp_path, "run-1"):
        pass
    path.write_text("\x00garbage")
    with lock.warehouse_lock(tmp_path, "run-2"):
        pass


def test_a_warehouse_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(lock.WarehouseNotWritableError) as error:
        lock.acquire(blocker / "warehouse")
    assert "\n" not in str(error.value) and "is not writable" in str(error.value)


def test_identity_run_refuses_a_locked_warehouse_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, dagster_home: Path
) -> None:
    from dagster_project.cli import main

    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    (landing / "crm" / "contacts.csv").write_text("Id,LastName\n0031,Smith\n", encoding="utf-8")
    holder = hold(tmp_path / "warehouse", "run-a", 60)
    try:
        code = main(
            ["run", "--landing", str(landing), "--warehouse", str(tmp_path / "warehouse")]
            + ["--engine", "duckdb"]
        )
        err = capsys.readouterr().err.strip()
        assert code == 2
        assert err.startswith("error: warehouse ") and "in use by run run-a" in err
        assert len(err.splitlines()) == 1
    finally:
        stop(holder)


def _failure_events(result: object) -> list[str]:
    return [
        e.event_specific_data.error.message
        for e in result.all_events
        if e.event_type_value == "RESOURCE_INIT_FAILURE"
    ]


def test_the_dagster_job_takes_the_lock_however_it_is_launched(
    tmp_path: Path, dagster_home: Path
) -> None:
    """As from the UI (Dagster's own IO manager), and as ``identity run`` launches it."""
    from dagster_project.definitions import build_defs
    from dagster_project.environment import resources_from_env
    from dagster_project.failures import failure_message
    from dagster_project.inprocess import execute

    warehouse = tmp_path / "warehouse"
    resources = resources_from_env(str(tmp_path), str(warehouse), "duckdb")
    holder = hold(warehouse, "run-a", 120)
    try:
        job = build_defs(resources).resolve_job_def("identity_resolution")
        with dg.DagsterInstance.get() as instance:
            from_ui = job.execute_in_process(instance=instance, raise_on_error=False)
            from_cli = execute(resources, instance, {})
        for result in (from_ui, from_cli):
            assert not result.success
            (message,) = _failure_events(result)
            assert "in use by run run-a" in message
            assert "in use by run run-a" in failure_message(result)
            # Refused before any step ran: nothing read, nothing written.
            assert not [e for e in result.all_events if e.is_step_start]
    finally:
        stop(holder)
    assert sorted(p.name for p in warehouse.iterdir()) == ["_lock.json"]


def test_the_sensor_does_not_need_the_lock(tmp_path: Path) -> None:
    from dagster_project.definitions import new_exports_sensor
    from dagster_project.environment import resources_from_env

    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "contacts.csv").write_text('"Id","LastName"\n"003A","Doe"\n')
    resources = resources_from_env(str(tmp_path), str(tmp_path / "warehouse"), "duckdb")
    # The daemon builds only the resources a sensor needs: a run in progress never stops it.
    assert new_exports_sensor.required_resource_keys == {"warehouse"}
    holder = hold(tmp_path / "warehouse", "run-a", 60)
    try:
        context = dg.build_sensor_context(
            cursor=None, resources={"warehouse": resources["warehouse"]}
        )
        assert len(new_exports_sensor(context).run_requests) == 1
    finally:
        stop(holder)
