"""Atomic publication: a run killed or failing while it publishes never shows half a run.

Library-level tests write real Delta tables the way a run does; the end-to-end test runs the
real Dagster job in a subprocess, kills it (SIGKILL) right after it committed the new golden
table but before the crosswalk and the manifest, and checks what readers see, then that the next
run rolls the leftovers back and publishes normally.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable

from dagster_project.cli import run_job
from dagster_project.failures import failure_message
from identity import publish as pub
from identity import schema as s
from support.runs import run_sources

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 200
SEED = 31


def _tables(run: str, customers: list[str]) -> dict[str, pd.DataFrame]:
    """A small but complete set of run tables: customers ``customers``, one record each."""
    ids = [f"cus_{c}" for c in customers]
    return {
        pub.QUARANTINE: pd.DataFrame(
            {
                s.SOURCE_SYSTEM: ["crm"],
                "file": ["contacts.csv"],
                "line": [7],
                "raw": ["{}"],
                "reason": ["no usable identifier"],
                s.RUN_ID: [run],
            }
        ),
        pub.TOUCHPOINTS: pd.DataFrame({s.CUSTOMER_ID: ids, "channel": "web", s.RUN_ID: run}),
        pub.CHANGES: pd.DataFrame({"run_id": run, "change_type": "new", s.CUSTOMER_ID: ids}),
        pub.GOLDEN: pd.DataFrame({s.CUSTOMER_ID: ids, s.RUN_ID: run}),
        pub.CROSSWALK: pd.DataFrame(
            {
                s.SOURCE_SYSTEM: "crm",
                s.SOURCE_RECORD_ID: [f"r{c}" for c in customers],
                s.CUSTOMER_ID: ids,
                s.RUN_ID: run,
            }
        ),
    }


def _current(warehouse: Path, table: str) -> pd.DataFrame:
    """What a plain ``deltalake.DeltaTable(path)`` reader sees."""
    return DeltaTable(str(pub.table_path(warehouse, table))).to_pandas()


def test_publish_writes_every_table_then_the_manifest(tmp_path: Path) -> None:
    first = pub.publish(tmp_path, _tables("run-1", ["a", "b"]), "run-1")
    assert first == dict.fromkeys(pub.PUBLISH_ORDER, 0)
    second = pub.publish(tmp_path, _tables("run-2", ["a", "c"]), "run-2")
    assert second == dict.fromkeys(pub.PUBLISH_ORDER, 1)
    manifest = json.loads(pub.manifest_path(tmp_path).read_text("utf-8"))
    assert manifest["run_id"] == "run-2" and manifest["tables"] == second
    assert sorted(pub.read_table(tmp_path, pub.GOLDEN)[s.CUSTOMER_ID]) == ["cus_a", "cus_c"]
    changes = pub.read_table(tmp_path, pub.CHANGES)
    assert changes.groupby("run_id").size().to_dict() == {"run-1": 2, "run-2": 2}  # appended
    for table in pub.PUBLISH_ORDER:
        history = DeltaTable(str(pub.table_path(tmp_path, table))).history()
        assert history[0]["identity.run_id"] == "run-2"


def test_readers_stay_on_the_published_run_while_a_run_is_half_written(tmp_path: Path) -> None:
    pub.publish(tmp_path, _tables("run-1", ["a", "b"]), "run-1")
    # What a run killed between the golden table and the crosswalk leaves behind.
    half = _tables("run-2", ["c"])
    for table in (pub.QUARANTINE, pub.TOUCHPOINTS, pub.CHANGES, pub.GOLDEN):
        pub.write_table(tmp_path, table, half[table], "run-2", append=table == pub.CHANGES)
    assert set(_current(tmp_path, pub.GOLDEN)[s.RUN_ID]) == {"run-2"}  # the commit exists
    assert pub.published(tmp_path)["run_id"] == "run-1"
    golden = pub.read_table(tmp_path, pub.GOLDEN)
    crosswalk = pub.read_table(tmp_path, pub.CROSSWALK)
    assert set(golden[s.CUSTOMER_ID]) == set(crosswalk[s.CUSTOMER_ID]) == {"cus_a", "cus_b"}
    assert set(pub.read_table(tmp_path, pub.CHANGES)["run_id"]) == {"run-1"}

    assert pub.recover(tmp_path) == [pub.QUARANTINE, pub.TOUCHPOINTS, pub.CHANGES, pub.GOLDEN]
    # Plain Delta readers are back on run-1 too, and the change log lost the phantom rows.
    for table in pub.PUBLISH_ORDER:
        assert set(_current(tmp_path, table)[s.RUN_ID]) == {"run-1"}, table
    assert pub.recover(tmp_path) == []

    pub.publish(tmp_path, _tables("run-3", ["a", "d"]), "run-3")
    changes = pub.read_table(tmp_path, pub.CHANGES)
    assert changes.groupby("run_id").size().to_dict() == {"run-1": 2, "run-3": 2}


def test_a_publication_that_fails_rolls_back_at_once(tmp_path: Path) -> None:
    pub.publish(tmp_path, _tables("run-1", ["a", "b"]), "run-1")
    tables = _tables("run-2", ["c"])
    # A value arrow cannot write fails the crosswalk, after four tables were committed.
    tables[pub.CROSSWALK][s.SOURCE_RECORD_ID] = [object()]
    with pytest.raises((TypeError, ValueError, OSError)):
        pub.publish(tmp_path, tables, "run-2")
    assert pub.published(tmp_path)["run_id"] == "run-1"
    for table in pub.PUBLISH_ORDER:
        assert set(_current(tmp_path, table)[s.RUN_ID]) == {"run-1"}, table
        assert set(pub.read_table(tmp_path, table)[s.RUN_ID]) == {"run-1"}, table


def test_a_first_run_killed_before_its_manifest_publishes_nothing(tmp_path: Path) -> None:
    first = _tables("run-1", ["a"])
    for table in (pub.QUARANTINE, pub.TOUCHPOINTS, pub.CHANGES):
        pub.write_table(tmp_path, table, first[table], "run-1")
    for table in pub.PUBLISH_ORDER:
        assert pub.read_table(tmp_path, table).empty, table
    assert pub.previous_crosswalk(tmp_path).empty
    assert pub.issued_ids(tmp_path) == set()
    pub.publish(tmp_path, _tables("run-2", ["b"]), "run-2")
    # The change log is replaced, not appended to: run-1's rows were never published.
    assert set(pub.read_table(tmp_path, pub.CHANGES)["run_id"]) == {"run-2"}
    assert set(_current(tmp_path, pub.CHANGES)["run_id"]) == {"run-2"}


def test_a_warehouse_from_before_manifests_reads_its_current_versions(tmp_path: Path) -> None:
    tables = _tables("run-1", ["a"])
    for table in pub.PUBLISH_ORDER:
        pub.write_table(tmp_path, table, tables[table], "run-1")
    assert not pub.manifest_path(tmp_path).exists()
    assert pub.published(tmp_path)["tables"] == dict.fromkeys(pub.PUBLISH_ORDER, 0)
    assert list(pub.read_table(tmp_path, pub.GOLDEN)[s.CUSTOMER_ID]) == ["cus_a"]


# The real job, killed with SIGKILL while it publishes.

# Runs the real job in a fresh interpreter; deltalake's writer stalls after committing one
# table (as a slow disk would) so that the kill lands right after that commit every time.
DRIVER = """
import sys, time
import deltalake

real_write = deltalake.write_deltalake

def slow_write(path, *args, **kwargs):
    real_write(path, *args, **kwargs)
    if path.endswith(sys.argv[3]):
        time.sleep(60)

deltalake.write_deltalake = slow_write
from dagster_project.cli import run_job
from dagster_project.failures import failure_message
run_job(sys.argv[1], sys.argv[2], "duckdb")
"""


def _snapshot(warehouse: Path) -> dict[str, pd.DataFrame]:
    return {t: pub.read_table(warehouse, t) for t in pub.PUBLISH_ORDER}


def _kill_while_publishing(landing: Path, warehouse: Path, after: str) -> str:
    """Run the job in a subprocess and SIGKILL it once it committed table ``after``.

    Returns:
        The killed run's id (from the commit it left).
    """
    version = pub.published(warehouse)["tables"][after]
    commit = pub.table_path(warehouse, after) / "_delta_log" / f"{version + 1:020d}.json"
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(landing), str(warehouse), after],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    try:
        while not commit.exists():
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode()[-3000:])
            assert time.monotonic() < deadline, "the run never reached the publish stage"
            time.sleep(0.02)
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    assert process.returncode == -9
    history = DeltaTable(str(pub.table_path(warehouse, after))).history(1)
    return history[0]["identity.run_id"]


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory, dagster_home: Path) -> dict:
    from identity_demo import generate

    landing = tmp_path_factory.mktemp("atomic_landing")
    generate(PEOPLE, landing, seed=SEED)
    warehouse = tmp_path_factory.mktemp("atomic_warehouse")
    ok, first_run, result = run_job(str(landing), str(warehouse), "duckdb")
    assert ok, failure_message(result)
    state = {
        "landing": landing,
        "warehouse": warehouse,
        "first_run": first_run,
        "before": _snapshot(warehouse),
        "manifest": pub.published(warehouse),
    }
    state["killed_run"] = _kill_while_publishing(landing, warehouse, pub.GOLDEN)
    state["after_kill"] = _snapshot(warehouse)
    state["current_after_kill"] = {
        t: DeltaTable(str(pub.table_path(warehouse, t))).version() for t in pub.PUBLISH_ORDER
    }
    return state


def test_a_killed_run_leaves_the_previous_golden_and_crosswalk_readable(killed) -> None:
    warehouse, manifest = killed["warehouse"], killed["manifest"]
    assert killed["killed_run"] != killed["first_run"]
    # The kill really came mid-publish: the golden commit exists, the crosswalk one does not.
    assert killed["current_after_kill"][pub.GOLDEN] == manifest["tables"][pub.GOLDEN] + 1
    assert killed["current_after_kill"][pub.CROSSWALK] == manifest["tables"][pub.CROSSWALK]
    assert pub.published(warehouse) == manifest
    for table, frame in killed["before"].items():
        pd.testing.assert_frame_equal(killed["after_kill"][table], frame, obj=table)
    golden, crosswalk = killed["after_kill"][pub.GOLDEN], killed["after_kill"][pub.CROSSWALK]
    assert set(golden[s.CUSTOMER_ID]) == set(crosswalk[s.CUSTOMER_ID])
    assert set(golden[s.RUN_ID]) == set(crosswalk[s.RUN_ID]) == {killed["first_run"]}
    changes = killed["after_kill"][pub.CHANGES]
    assert killed["killed_run"] not in set(changes["run_id"])


@pytest.fixture(scope="module")
def next_run(killed) -> dict:
    ok, run_id, result = run_job(str(killed["landing"]), str(killed["warehouse"]), "duckdb")
    assert ok, failure_message(result)
    return {**killed, "next_run": run_id, "after": _snapshot(killed["warehouse"])}


def test_the_next_run_rolls_back_the_killed_run_and_publishes_normally(next_run) -> None:
    warehouse = next_run["warehouse"]
    manifest = pub.published(warehouse)
    assert manifest["run_id"] == next_run["next_run"]
    for table, version in manifest["tables"].items():
        # Plain Delta readers and manifest readers see the same, complete, run.
        assert DeltaTable(str(pub.table_path(warehouse, table))).version() == version, table
    changes = next_run["after"][pub.CHANGES]
    assert next_run["killed_run"] not in set(changes["run_id"])
    golden, crosswalk = next_run["after"][pub.GOLDEN], next_run["after"][pub.CROSSWALK]
    assert set(golden[s.RUN_ID]) == set(crosswalk[s.RUN_ID]) == {next_run["next_run"]}
    # Same landing files: the same customers under the same ids as before the crash.
    before = next_run["before"][pub.CROSSWALK]
    key = [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID]
    pd.testing.assert_frame_equal(
        crosswalk.drop(columns=s.RUN_ID).sort_values(key).reset_index(drop=True),
        before.drop(columns=s.RUN_ID).sort_values(key).reset_index(drop=True),
    )
    assert set(golden[s.CUSTOMER_ID]) == set(next_run["before"][pub.GOLDEN][s.CUSTOMER_ID])


# Idempotence: the run after the (rolled back) killed one is a second run on the same files.

# Columns that say when or by which run a row was written, not what it holds.
RUN_COLUMNS = {s.RUN_ID, "changed_at"}
KEYS = {
    pub.GOLDEN: [s.CUSTOMER_ID],
    pub.CROSSWALK: [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID],
    pub.QUARANTINE: [s.SOURCE_SYSTEM, "file", "line"],
    pub.TOUCHPOINTS: None,
}


def _content(frame: pd.DataFrame, keys: list[str] | None) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in frame.columns if c in RUN_COLUMNS])
    keys = keys or list(frame.columns)
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("table", list(KEYS))
def test_a_second_run_on_the_same_files_gives_identical_tables(next_run, table: str) -> None:
    before, after = next_run["before"][table], next_run["after"][table]
    assert set(after[s.RUN_ID]) == {next_run["next_run"]}
    pd.testing.assert_frame_equal(_content(after, KEYS[table]), _content(before, KEYS[table]))


def test_a_second_run_on_the_same_files_changes_no_customer_id(next_run) -> None:
    changes = next_run["after"][pub.CHANGES]
    # The first run minted every id; the second kept them all: no event at all.
    assert set(changes["run_id"]) == {next_run["first_run"]}
    assert set(changes["change_type"]) == {"new"}
    assert set(changes[s.CUSTOMER_ID]) == set(next_run["after"][pub.GOLDEN][s.CUSTOMER_ID])


def test_the_report_compares_the_second_run_with_the_first(next_run) -> None:

    reports = next_run["warehouse"] / "reports"
    index = (reports / "index.html").read_text("utf-8")
    trends = index[index.index('<table class="trends">') :]
    trends = trends[: trends.index("</table>")]
    sources = {"sources": run_sources(next_run["warehouse"], next_run["next_run"])}
    for system, summary in sources["sources"].items():
        read = f"{summary['rows_read']:,}"
        # Same files: the same counts in both columns, and no change.
        assert re.search(rf"{system}: rows read</td>.*?>{read}<.*?>{read}<.*?±0", trends), system
    assert re.search(r"crm_raw \(crm\): email valid</td>.*?%.*?%.*?±0", trends)
    assert re.search(r"customers</td>.*?±0", trends)
    assert f"compared with run <code>{next_run['first_run']}</code>" in index
