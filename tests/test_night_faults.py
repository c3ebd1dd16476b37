"""Fault injection (issue 13): overlapping runs, a full disk, a read-only warehouse.

Each fault runs the real ``identity run`` (DuckDB) in a subprocess; afterwards every table is
checked against the manifest: what plain Delta readers see is the version the manifest names
(or a rollback to it), and no file a failed write left behind remains.

The disk faults happen in a private mount namespace (``unshare --mount``; ``--user`` as well
when not root), on a small tmpfs or a read-only bind mount of the warehouse, so they touch
nothing outside the test. CI runs as root, where both work; nothing here is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from deltalake import DeltaTable

from identity import lock
from identity import publish as pub
from identity import schema as s

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 120
SEED = 21

# ``identity run`` with deltalake's writer patched: argv = landing, warehouse, fault, go-file.
# "pause": after each commit, wait until the go-file exists (the run holds the warehouse
# mid-publication); "fill": right after the first commit the disk fills up to the last byte.
RUNNER = """
import os, sys, time
import deltalake

landing, warehouse, fault, go = sys.argv[1:5]
real_write = deltalake.write_deltalake

def faulty_write(path, *args, **kwargs):
    real_write(path, *args, **kwargs)
    if fault == "pause":
        deadline = time.monotonic() + 300
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.05)
    filler = os.path.join(warehouse, "filler")
    if fault == "fill" and not os.path.exists(filler):
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(bytes(1 << 16))
            except OSError:
                pass

deltalake.write_deltalake = faulty_write
from dagster_project.cli import main
from dagster_project.failures import failure_message
sys.exit(main(["run", "--landing", landing, "--warehouse", warehouse, "--engine", "duckdb"]))
"""


def _command(landing: Path, warehouse: Path, fault: str = "none", go: Path | None = None):
    return [sys.executable, "-c", RUNNER, str(landing), str(warehouse), fault, str(go or "-")]


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1", **extra}


def _in_private_mounts(script: str, **variables: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace; its mounts vanish when it ends."""
    if os.geteuid() == 0:
        prefix = ["unshare", "--mount", "--propagation", "private"]
    else:
        prefix = ["unshare", "--user", "--map-root-user", "--mount"]
    return subprocess.run(
        [*prefix, "sh", "-eu", "-c", script],
        cwd=ROOT,
        env=_env(**variables),
        capture_output=True,
        text=True,
        timeout=900,
    )


def _referenced(table: Path) -> set[str]:
    """Every data file any commit of a Delta table ever added."""
    files = set()
    for commit in (table / "_delta_log").glob("*.json"):
        for line in commit.read_text("utf-8").splitlines():
            action = json.loads(line)
            if "add" in action:
                files.add(action["add"]["path"])
    return files


def assert_at_manifest(warehouse: Path) -> dict:
    """Every table as the manifest says, for plain Delta readers too; no leftovers."""
    manifest = pub.published(warehouse)
    tables = {**manifest["tables"], **manifest.get("state", {})}
    assert set(tables) == {*pub.PUBLISH_ORDER, *pub.STATE_ORDER}
    for table, version in tables.items():
        path = pub.table_path(warehouse, table)
        current = DeltaTable(str(path))
        if current.version() != version:  # then the last commit rolled it back to the manifest
            assert current.history(1)[0][pub.ROLLBACK_KEY] == str(version), table
        pinned = DeltaTable(str(path), version=version)
        assert set(current.file_uris()) == set(pinned.file_uris()), table
        on_disk = {
            str(p.relative_to(path))
            for p in path.rglob("*")
            if p.is_file() and "_delta_log" not in p.parts
        }
        assert on_disk <= _referenced(path), f"{table}: files no commit refers to"
    assert not (warehouse / pub.RESERVE_FILE).exists()
    assert lock.holder(warehouse) is None
    return manifest


def _one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text[-3000:]
    assert "Traceback" not in text and "panicked" not in text
    return lines[0]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from identity_demo import generate

    out = tmp_path_factory.mktemp("faults_landing")
    generate(PEOPLE, out, seed=SEED)
    return out


@pytest.fixture(scope="module")
def seeded(landing: Path, tmp_path_factory: pytest.TempPathFactory, dagster_home: Path) -> Path:
    """A warehouse with one published run."""
    from dagster_project.cli import run_job
    from dagster_project.failures import failure_message

    warehouse = tmp_path_factory.mktemp("faults_seed") / "warehouse"
    ok, _, result = run_job(str(landing), str(warehouse), "duckdb")
    assert ok, failure_message(result)
    return warehouse


def _copy(seed: Path, where: Path) -> Path:
    shutil.copytree(seed, where, symlinks=True)
    return where


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# Two overlapping runs.


@pytest.fixture(scope="module")
def overlap(landing: Path, tmp_path_factory: pytest.TempPathFactory, dagster_home: Path) -> dict:
    """Run A pauses mid-publication; B is refused, then C waits for A and runs after it."""
    from dagster_project.cli import main
    from dagster_project.environment import resources_from_env
    from dagster_project.inprocess import execute

    root = tmp_path_factory.mktemp("overlap")
    warehouse, go = root / "warehouse", root / "go"
    first_commit = pub.table_path(warehouse, pub.QUARANTINE) / "_delta_log" / f"{0:020d}.json"
    a = subprocess.Popen(
        _command(landing, warehouse, "pause", go), cwd=ROOT, env=_env(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not first_commit.exists():
        assert a.poll() is None, a.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "run A never reached publication"
        time.sleep(0.05)
    state: dict = {"warehouse": warehouse, "a_pid": a.pid}
    # B: refused at once, by ``identity run`` and by the job itself (as from the UI).
    err = root / "b.err"
    with open(err, "w") as stream:
        saved, sys.stderr = sys.stderr, stream
        try:
            state["b_code"] = main(
                ["run", "--landing", str(landing), "--warehouse", str(warehouse)]
                + ["--engine", "duckdb"]
            )
        finally:
            sys.stderr = saved
    state["b_err"] = err.read_text()
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        resources = resources_from_env(str(landing), str(warehouse), "duckdb")
        state["b_dagster"] = execute(resources, instance, {})
    # C: told to wait, starts while A still holds the warehouse.
    c = subprocess.Popen(
        _command(landing, warehouse), cwd=ROOT, env=_env(IDENTITY_LOCK_WAIT_SECONDS="600"),
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(3)
    state["c_waited"] = c.poll() is None and not first_commit.with_name(f"{1:020d}.json").exists()
    go.touch()
    for name, process in (("a", a), ("c", c)):
        out, errors = process.communicate(timeout=600)
        state[f"{name}_code"], state[f"{name}_out"], state[f"{name}_err"] = (
            process.returncode,
            out,
            errors,
        )
    return state


def _run_id(summary: str) -> str:
    assert summary.startswith("run ") and " ok on duckdb" in summary, summary
    return summary.split()[1]


def test_a_second_run_is_refused_while_the_first_publishes(overlap: dict) -> None:
    line = _one_line(overlap["b_err"])
    assert overlap["b_code"] == 2
    assert line.startswith(f"error: warehouse {overlap['warehouse']} is in use by run ")
    assert f"(pid {overlap['a_pid']} on " in line
    dagster_run = overlap["b_dagster"]
    assert not dagster_run.success
    assert not [e for e in dagster_run.all_events if e.is_step_start]


def test_a_waiting_run_starts_after_the_first_and_the_log_is_not_doubled(overlap: dict) -> None:
    assert overlap["c_waited"], "run C did not wait for run A"
    assert overlap["a_code"] == 0, overlap["a_err"][-3000:]
    assert overlap["c_code"] == 0, (overlap["c_out"][-2000:], overlap["c_err"][-3000:])
    run_a, run_c = _run_id(overlap["a_out"]), _run_id(overlap["c_out"])
    warehouse = overlap["warehouse"]
    manifest = assert_at_manifest(warehouse)
    assert manifest["run_id"] == run_c
    changes = pub.read_table(warehouse, pub.CHANGES)
    golden = pub.read_table(warehouse, pub.GOLDEN)
    # A minted every id once; C, on the same files after A, changed none.
    assert set(changes[s.RUN_ID]) == {run_a}
    assert set(changes["change_type"]) == {"new"}
    assert changes[s.CUSTOMER_ID].is_unique
    assert set(changes[s.CUSTOMER_ID]) == set(golden[s.CUSTOMER_ID])
    assert set(golden[s.RUN_ID]) == {run_c}


# A full disk and a read-only warehouse.


def _state(warehouse: Path) -> tuple[dict, dict[str, int]]:
    manifest = pub.published(warehouse)
    versions = {
        t: DeltaTable(str(pub.table_path(warehouse, t))).version()
        for t in (*manifest["tables"], *manifest.get("state", {}))
    }
    return manifest, versions


FULL_DISK = """
mount -t tmpfs -o size="$SIZE" tmpfs "$MNT"
cp -a "$SEED/." "$MNT/"
set +e
"$PY" -c "$RUNNER" "$LANDING" "$MNT" "$FAULT" -
code=$?
rm -f "$MNT/filler"
cp -a "$MNT/." "$OUT/"
exit $code
"""


def _on_tmpfs(seed: Path, landing: Path, root: Path, size: int, fault: str):
    (root / "mnt").mkdir()
    (root / "out").mkdir()
    done = _in_private_mounts(
        FULL_DISK,
        SIZE=str(size),
        MNT=str(root / "mnt"),
        SEED=str(seed),
        OUT=str(root / "out"),
        PY=sys.executable,
        RUNNER=RUNNER,
        LANDING=str(landing),
        FAULT=fault,
    )
    assert not any((root / "mnt").iterdir()), "the tmpfs leaked out of its namespace"
    return done, root / "out"


def test_a_disk_that_fills_up_while_publishing_rolls_every_table_back(
    seeded: Path, landing: Path, tmp_path: Path, dagster_home: Path
) -> None:
    from dagster_project.cli import run_job
    from dagster_project.failures import failure_message

    before, _ = _state(seeded)
    done, out = _on_tmpfs(seeded, landing, tmp_path, 64 * 2**20, "fill")
    assert done.returncode == 1, done.stderr[-3000:]
    line = _one_line(done.stderr)
    assert " FAILED: step published_tables failed: PublishError: publishing run " in line
    assert "(No space left on device); every table was rolled back to run " in line
    assert before["run_id"] in line
    failed_run = line.split()[1]
    # The first table was committed before the disk filled: it is back at the manifest now.
    manifest = assert_at_manifest(out)
    assert manifest == before
    assert (
        DeltaTable(str(pub.table_path(out, pub.QUARANTINE))).version()
        > (manifest["tables"][pub.QUARANTINE])
    )
    # With room again, the next run publishes normally and the failed run left no change rows.
    ok, run_id, result = run_job(str(landing), str(out), "duckdb")
    assert ok, failure_message(result)
    assert assert_at_manifest(out)["run_id"] == run_id
    assert failed_run not in set(pub.read_table(out, pub.CHANGES)[s.RUN_ID])


def test_a_disk_without_room_refuses_to_publish_and_writes_no_table(
    seeded: Path, landing: Path, tmp_path: Path
) -> None:
    before, versions = _state(seeded)
    # The seed and this run's small files fit; its tables and the rollback reserve do not.
    size = (_size(seeded) + 3 * 2**20) // 4096 * 4096
    done, out = _on_tmpfs(seeded, landing, tmp_path, size, "none")
    assert done.returncode == 1, done.stderr[-3000:]
    line = _one_line(done.stderr)
    assert "NotEnoughSpaceError: not enough free space in " in line
    assert f"nothing was written, every table stays at run {before['run_id']}" in line
    assert _state(out) == (before, versions)  # not one commit
    assert_at_manifest(out)


READ_ONLY = """
mount --bind "$WAREHOUSE" "$WAREHOUSE"
mount -o remount,bind,ro "$WAREHOUSE"
"$PY" -c "$RUNNER" "$LANDING" "$WAREHOUSE" none -
"""


def test_a_read_only_warehouse_is_refused_in_one_line(
    seeded: Path, landing: Path, tmp_path: Path
) -> None:
    warehouse = _copy(seeded, tmp_path / "warehouse")
    before = _state(warehouse)
    done = _in_private_mounts(
        READ_ONLY, WAREHOUSE=str(warehouse), PY=sys.executable, RUNNER=RUNNER,
        LANDING=str(landing),
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-3000:]
    line = _one_line(done.stderr)
    assert line == (
        f"error: warehouse {warehouse} is not writable (Read-only file system: the file system "
        "is mounted read-only); nothing was run"
    )
    assert _state(warehouse) == before
    assert_at_manifest(warehouse)
    (warehouse / "probe").write_text("ok")
