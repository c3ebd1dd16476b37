"""Runs launched the way the UI launches them, against a real ``dagster dev`` (issue 14).

The test starts ``dagster dev`` on this project's ``workspace.yaml`` with its own DAGSTER_HOME,
launches the job through the webserver's GraphQL API (what the "Materialize all" button sends),
and waits for the run worker, a separate process started by Dagster's run launcher, to finish.
It then checks what the UI path left: the same published tables and report as ``identity run``
on the same files, a report for a run blocked by a quality check, and no personal data under
DAGSTER_HOME.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from dagster_project.cli import main
from identity import publish as pub
from identity import schema as s
from identity import step_store
from identity.readers.landing import read_landing_source
from support.landing_faults import lose_cities
from support.runs import run_record

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 150
SEED = 5
LAUNCH = """
mutation Launch($selector: JobOrPipelineSelector!) {
  launchRun(executionParams: {selector: $selector, mode: "default"}) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
STATUS = """
query Status($runId: ID!) {
  runOrError(runId: $runId) { ... on Run { status } }
}
"""
START_SENSOR = """
mutation Start($selector: SensorSelector!) {
  startSensor(sensorSelector: $selector) { __typename ... on PythonError { message } }
}
"""
SENSOR_RUNS = """
query SensorRuns($sensor: String!) {
  runsOrError(filter: {tags: [{key: "dagster/sensor_name", value: $sensor}]}) {
    ... on Runs { results { runId status } }
  }
}
"""
LOCATIONS = """
{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DagsterDev:
    """``dagster dev`` in its own session (so it and its children stop together)."""

    def __init__(self, home: Path, landing: Path, warehouse: Path, log: Path) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "DAGSTER_DISABLE_TELEMETRY": "1",
            "IDENTITY_LANDING_DIR": str(landing),
            "IDENTITY_WAREHOUSE_DIR": str(warehouse),
            "IDENTITY_ENGINE": "duckdb",
        }
        dagster = Path(sys.executable).with_name("dagster")
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_loaded()

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.loads(response.read())
        assert "errors" not in payload, payload
        return payload["data"]

    def _wait_until_loaded(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "dagster dev exited early"
            try:
                entries = self.graphql(LOCATIONS)["workspaceOrError"]["locationEntries"]
            except OSError:
                time.sleep(1)
                continue
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                location = entries[0]["locationOrLoadError"]
                assert location["__typename"] == "RepositoryLocation", location
                self.location = entries[0]["name"]
                return
            time.sleep(1)
        raise AssertionError("dagster dev did not load the workspace in 180 s")

    def _selector(self) -> dict:
        return {"repositoryLocationName": self.location, "repositoryName": "__repository__"}

    def sensor_run(self, sensor: str) -> tuple[str, str]:
        """Turn a sensor on, as its toggle in the UI does; return the run it starts, finished."""
        started = self.graphql(
            START_SENSOR, {"selector": {**self._selector(), "sensorName": sensor}}
        )
        assert started["startSensor"]["__typename"] == "Sensor", started
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            runs = self.graphql(SENSOR_RUNS, {"sensor": sensor})["runsOrError"]["results"]
            if runs:
                return runs[0]["runId"], self.wait(runs[0]["runId"])
            time.sleep(2)
        raise AssertionError(f"sensor {sensor} started no run in 300 s")

    def wait(self, run_id: str) -> str:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            status = self.graphql(STATUS, {"runId": run_id})["runOrError"]["status"]
            if status in {"SUCCESS", "FAILURE", "CANCELED"}:
                return status
            time.sleep(1)
        raise AssertionError(f"run {run_id} did not finish in 600 s")

    def run_job(self) -> tuple[str, str]:
        """Launch the whole job as the UI does; return its run id and final status."""
        selector = {
            "repositoryLocationName": self.location,
            "repositoryName": "__repository__",
            "jobName": "identity_resolution",
        }
        launched = self.graphql(LAUNCH, {"selector": selector})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        return run_id, self.wait(run_id)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@pytest.fixture(scope="module")
def ui_runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One good and one blocked run from ``dagster dev``; the good landing also via the CLI."""
    from identity_demo import generate

    root = tmp_path_factory.mktemp("ui_runs")
    landing, home = root / "landing", root / "dagster_home"
    generate(PEOPLE, landing, seed=SEED)
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    ui_warehouse = root / "ui_warehouse"
    server = DagsterDev(home, landing, ui_warehouse, root / "dagster_dev.log")
    try:
        good_id, good_status = server.run_job()
        good_report = run_record(ui_warehouse, good_id)
        # What a data engineer sees on the asset pages, rendered by a real browser.
        pages = {
            asset: _dump_dom(f"http://127.0.0.1:{server.port}/assets/{asset}", root / asset)
            for asset in ("golden_records", "quality_report", "standardised_contacts")
        }
        # The next night's crm export arrives with every city mangled: a blocking rule.
        assert sum(lose_cities(path) for path in (landing / "crm").glob("*.csv")) > 10
        blocked_id, blocked_status = server.run_job()
        # The sensor sees landed files it has not run on, and starts the same job.
        sensor_id, sensor_status = server.sensor_run("new_exports_sensor")
    finally:
        server.stop()
    # The first night's files again, through ``identity run``, into a warehouse of its own.
    cli_landing = root / "cli_landing"
    generate(PEOPLE, cli_landing, seed=SEED)
    cli_warehouse = root / "cli_warehouse"
    assert main(["run", "--landing", str(cli_landing), "--warehouse", str(cli_warehouse)]
                + ["--engine", "duckdb"]) == 0  # fmt: skip
    cli_id = pub.published(cli_warehouse)["run_id"]
    return {
        "landing": landing,
        "home": home,
        "ui_warehouse": ui_warehouse,
        "cli_warehouse": cli_warehouse,
        "good": (good_id, good_status),
        "good_report": good_report,
        "blocked": (blocked_id, blocked_status),
        "sensor": (sensor_id, sensor_status),
        "pages": pages,
        "cli_id": cli_id,
        "log": (root / "dagster_dev.log").read_text(errors="replace"),
    }


def _dump_dom(url: str, profile: Path) -> str:
    """The page's DOM once Dagster's UI has rendered it, from headless Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is not installed (Debian: apt-get install -y chromium)"
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--virtual-time-budget=20000", "--dump-dom", url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _without_run(frame: pd.DataFrame) -> pd.DataFrame:
    dropped = frame.drop(columns=[c for c in (s.RUN_ID, "changed_at") if c in frame.columns])
    return dropped.sort_values(list(dropped.columns[:2])).reset_index(drop=True)


def test_a_ui_run_publishes_what_the_cli_publishes(ui_runs: dict) -> None:
    run_id, status = ui_runs["good"]
    assert status == "SUCCESS", ui_runs["log"][-3000:]
    # The blocked run after it published nothing: the tables are still the good run's.
    assert pub.published(ui_runs["ui_warehouse"])["run_id"] == run_id
    for table in (pub.GOLDEN, pub.CROSSWALK, pub.CHANGES, pub.TOUCHPOINTS, pub.QUARANTINE):
        ui = pub.read_table(ui_runs["ui_warehouse"], table)
        cli = pub.read_table(ui_runs["cli_warehouse"], table)
        assert len(ui) > 0 or table == pub.QUARANTINE, table
        pd.testing.assert_frame_equal(_without_run(ui), _without_run(cli), check_like=True)
    ids = pub.read_table(ui_runs["ui_warehouse"], pub.GOLDEN)[s.CUSTOMER_ID]
    assert ids.is_unique and ids.str.len().min() > 0


def test_a_ui_run_reports_what_the_cli_reports(ui_runs: dict) -> None:
    ui = ui_runs["good_report"]
    cli = run_record(ui_runs["cli_warehouse"], ui_runs["cli_id"])
    assert ui["outcome"] == cli["outcome"] == "published"
    for section in ("sources", "quality", "quarantine_by_reason", "id_churn"):
        assert ui[section] == cli[section], section
    assert ui["linkage"]["customers"] == cli["linkage"]["customers"] > 0
    assert ui["linkage"]["parameters"] == cli["linkage"]["parameters"]


def test_a_ui_run_blocked_by_a_check_leaves_a_report_that_lists_it(ui_runs: dict) -> None:
    run_id, status = ui_runs["blocked"]
    assert status == "FAILURE"
    record = run_record(ui_runs["ui_warehouse"], run_id)
    assert record["outcome"] == "blocked"
    crm = [q for q in record["quality"] if q["suite"] == "crm_raw"]
    assert crm and crm[0]["blocking_failures"] >= 1
    assert any("crm_raw_suite" in line for line in record["failures"]), record["failures"]
    index = (ui_runs["ui_warehouse"] / "reports" / "index.html").read_text("utf-8")
    runs_table = index[index.index('<table class="runs">') :]
    assert run_id in runs_table and ui_runs["good"][0] in runs_table
    assert "blocked by a check" in runs_table


def test_step_outputs_stay_in_the_warehouse_and_records_leave_it_once_published(
    ui_runs: dict,
) -> None:
    warehouse = ui_runs["ui_warehouse"]
    good, blocked = ui_runs["good"][0], ui_runs["blocked"][0]
    good_steps = step_store.steps_folder(warehouse, good)
    # Published: summaries stay (the report can be made again), records are gone.
    assert (good_steps / "standardised_contacts" / step_store.SUMMARY_FILE).exists()
    assert not list(good_steps.glob("*/*.parquet"))
    # Blocked: its sources stay for a re-execution from the UI, in the warehouse only.
    assert step_store.stored(step_store.steps_folder(warehouse, blocked) / "crm_records")


def _personal_values(landing: Path) -> set[str]:
    """Names, emails and phones of the generated people, as their exports hold them."""
    values: set[str] = set()
    for system in s.SOURCE_SYSTEMS:
        records = read_landing_source(landing, system).records
        for column in ("email", "phone", "last_name", "full_name"):
            if column in records.columns:
                values |= {v for v in records[column].dropna() if len(v) >= 7}
        names = records[["first_name", "last_name"]].dropna()
        values |= {f"{a} {b}" for a, b in names.itertuples(index=False)}
    return values


def _found(folder: Path, values: set[str]) -> list[tuple[str, str]]:
    """Every (file, value) where a file under ``folder`` holds one of ``values``."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            found += [(str(path), v) for v in values if v in text]
    return found


def test_nothing_under_dagster_home_holds_a_name_an_email_or_a_phone(ui_runs: dict) -> None:
    values = _personal_values(ui_runs["landing"])
    assert len(values) > 100
    assert not _found(ui_runs["home"], values), _found(ui_runs["home"], values)[:10]
    # The search finds a value that is there, in a log line or a pickle alike.
    leak = ui_runs["home"] / "storage" / "leak.log"
    sample = sorted(values)[0]
    leak.write_bytes(b"INFO ... " + sample.encode() + b" ...")
    try:
        assert _found(ui_runs["home"], values) == [(str(leak), sample)]
    finally:
        leak.unlink()


def test_asset_pages_show_row_counts_schemas_and_a_working_report_link(ui_runs: dict) -> None:
    golden = pub.read_table(ui_runs["ui_warehouse"], pub.GOLDEN)
    page = ui_runs["pages"]["golden_records"]
    assert "Row count" in page and f">{len(golden)}<" in page
    # The column schema lists the golden table's columns with their types.
    for column in (s.CUSTOMER_ID, "email", "source_record_count", "first_seen_at"):
        assert f">{column}<" in page, column
    assert ">timestamp<" in page and ">integer<" in page
    contacts = ui_runs["pages"]["standardised_contacts"]
    assert "quarantined_share" in contacts and "Row count" in contacts
    report = ui_runs["pages"]["quality_report"]
    links = re.findall(r'<a href="(file://[^"]+)"', report)
    index = ui_runs["ui_warehouse"] / "reports" / "index.html"
    assert index.resolve().as_uri() in links
    assert Path(urllib.parse.urlparse(links[0]).path).is_file()


def test_a_sensor_run_is_the_same_job_with_the_same_report(ui_runs: dict) -> None:
    run_id, status = ui_runs["sensor"]
    assert status == "FAILURE"  # the landing still holds the mangled cities
    record = run_record(ui_runs["ui_warehouse"], run_id)
    assert record["outcome"] == "blocked"
    blocked = run_record(ui_runs["ui_warehouse"], ui_runs["blocked"][0])
    assert record["quality"] == blocked["quality"] and record["sources"] == blocked["sources"]
    # Published tables are still the good run's.
    assert pub.published(ui_runs["ui_warehouse"])["run_id"] == ui_runs["good"][0]
