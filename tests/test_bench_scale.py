"""The scale benchmark's own machinery: sizes, memory sampling, stage grouping, BENCHMARKS.md.

The benchmark itself (minutes to hours) is `make bench`; these check the parts it relies on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from identity_bench import scale


def test_sizes_parse_suffixes_and_reject_nothing_silently() -> None:
    assert scale.parse_sizes("10k,100K, 1m") == [
        ("10k", 10_000),
        ("100k", 100_000),
        ("1m", 1_000_000),
    ]
    assert scale.parse_sizes("2500") == [("2500", 2500)]
    with pytest.raises(ValueError):
        scale.parse_sizes("tenk")


def test_tree_rss_counts_children_memory() -> None:
    # A child holding ~200 MB: the tree's RSS must include it, the parent's alone must not.
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; b = bytearray(200 * 2**20); time.sleep(30)"]
    )
    shell = child.pid
    try:
        for _ in range(100):
            if scale.tree_rss(shell) > 150 * 2**20:
                break
            subprocess.run(["sleep", "0.1"], check=True)
        assert scale.tree_rss(shell) > 150 * 2**20
        assert scale.tree_rss(999_999_999) == 0
    finally:
        child.kill()
        child.wait()


def test_a_jvm_in_the_tree_is_counted_on_its_own_side(tmp_path: Path) -> None:
    # Any process named ``java`` is a JVM to the sampler; a copy of sleep will do.
    java = tmp_path / "java"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", java)
    shell = subprocess.Popen(["sh", "-c", f"{java} 30 & {shutil.which('sleep')} 30 & wait"])
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            python, jvm = scale.tree_rss_by_kind(shell.pid)
            if jvm and python:
                break
            time.sleep(0.05)
        assert jvm > 0 and python > 0
        assert python + jvm == scale.tree_rss(shell.pid)
    finally:
        shell.kill()
        subprocess.run(["pkill", "-f", str(java)], check=False)
        shell.wait()
    # Without a JVM, nothing lands on its side.
    plain = subprocess.Popen(["sh", "-c", f"{shutil.which('sleep')} 30 & wait"])
    try:
        time.sleep(0.3)
        assert scale.tree_rss_by_kind(plain.pid)[1] == 0
    finally:
        subprocess.run(["pkill", "-P", str(plain.pid)], check=False)
        plain.kill()
        plain.wait()


def test_run_measured_reports_peak_of_a_process_tree(tmp_path: Path) -> None:
    # The measured command starts a grandchild that holds the memory.
    script = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "'import time; b = bytearray(120 * 2**20); time.sleep(1.5)'])"
    )
    code, wall, peak, stopped = scale.run_measured([sys.executable, "-c", script], tmp_path / "log")
    assert code == 0
    assert wall >= 1.5
    assert peak > 100 * 2**20
    assert stopped == ""


def test_a_run_over_its_memory_cap_is_stopped_with_its_grandchildren(tmp_path: Path) -> None:
    # The grandchild holds the memory and would sleep for a minute.
    script = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "'import time; b = bytearray(300 * 2**20); time.sleep(60)'])"
    )
    limits = scale.Limits(seconds=120, rss=200 * 2**20)
    code, wall, peak, stopped = scale.run_measured(
        [sys.executable, "-c", script], tmp_path / "log", limits
    )
    assert stopped == "stopped: memory above 0.195 GB"
    assert code != 0
    assert wall < 30
    assert peak > 200 * 2**20


def test_a_run_over_its_time_limit_is_stopped(tmp_path: Path) -> None:
    script = "import time; time.sleep(60)"
    limits = scale.Limits(seconds=1.0)
    code, wall, _, stopped = scale.run_measured(
        [sys.executable, "-c", script], tmp_path / "log", limits
    )
    assert stopped == "stopped: still running after 1 s"
    assert code != 0
    assert wall < 30


def test_dagster_steps_group_into_pipeline_stages() -> None:
    assert scale._stage_of("crm_records") == "read"
    assert scale._stage_of("transactions") == "read"
    assert scale._stage_of("crm_records_crm_raw_suite") == "checks"
    assert scale._stage_of("standardised_contacts_rows_balance") == "checks"
    assert scale._stage_of("golden_records_golden_traceable") == "checks"
    assert scale._stage_of("standardised_contacts") == "standardise"
    assert scale._stage_of("customer_clusters") == "link"
    assert scale._stage_of("golden_records") == "golden"
    assert scale._stage_of("published_tables") == "publish"


def _measure(size: str, variant: str, engine: str, wall: float) -> scale.Measure:
    records = scale.SIZES[size]
    return scale.Measure(size, variant, engine, records, wall=wall, ok=True, f1=0.9)


def test_results_replace_the_same_run_and_keep_others(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    scale.save_result(_measure("10k", "job", "duckdb", 10.0), path)
    scale.save_result(_measure("10k", "plain", "duckdb", 5.0), path)
    kept = scale.save_result(_measure("10k", "job", "duckdb", 8.0), path)
    assert [(m.variant, m.wall) for m in kept] == [("job", 8.0), ("plain", 5.0)]
    assert len(json.loads(path.read_text())) == 2


def test_table_gives_ratio_to_plain_splink_and_growth_against_n_log_n() -> None:
    measures = [
        _measure("10k", "job", "duckdb", 20.0),
        _measure("10k", "plain", "duckdb", 10.0),
        _measure("100k", "job", "duckdb", 100.0),
        _measure("100k", "plain", "duckdb", 400.0),
    ]
    table = scale.table(measures)
    assert "| 2.00x |" in table
    assert "| 0.25x |" in table
    growth = scale.growth(measures)
    # x5 for x10 records is within n log n; x40 is not.
    assert any("job duckdb" in g and "within" in g for g in growth)
    assert any("plain duckdb" in g and "WORSE" in g for g in growth)


def test_write_section_replaces_only_the_scale_section(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        "# B\n<!-- accuracy:start -->\nA\n<!-- accuracy:end -->\n"
        f"{scale.START}\nold\n{scale.END}\ntail\n",
        encoding="utf-8",
    )
    scale.write_section("new figures", path)
    text = path.read_text(encoding="utf-8")
    assert f"{scale.START}\nnew figures\n{scale.END}" in text
    assert "old" not in text
    assert "<!-- accuracy:start -->\nA\n" in text
    assert text.endswith("tail\n")


def test_a_job_run_is_a_measured_child_that_runs_measure_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from identity_bench import measure

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "truth.csv").write_text("record_key,person_id\ncrm:1,p1\npos:2,p1\n")
    commands: list[list[str]] = []

    def child(
        command: list[str],
        log: Path,
        limits: scale.Limits | None = None,
        peaks: dict[str, int] | None = None,
    ) -> tuple:
        commands.append(command)
        log.write_text("the child failed\n")
        return 1, 2.0, 100, ""

    monkeypatch.setattr(scale, "run_measured", child)
    measured = scale.measure("tiny", landing, "job", "duckdb", tmp_path)
    (command,) = commands
    assert command[:5] == [sys.executable, "-m", "identity_bench.scale", "--child", "job"]
    assert (measured.records, measured.ok, measured.error) == (2, False, "the child failed")

    # The child's entry point hands its arguments to measure_job.
    calls: list[tuple[Path, str, Path]] = []
    monkeypatch.setattr(measure, "measure_job", lambda *args: calls.append(args) or 0)
    assert scale.main(command[3:]) == 0
    out = tmp_path / "tiny-job-duckdb.json"
    assert calls == [(landing.resolve(), "duckdb", out)]


def test_the_table_shows_the_python_and_jvm_peaks_apart() -> None:
    spark = scale.Measure(
        "10k", "job", "spark", 10_000, wall=50.0, peak_rss=3 * 2**30, ok=True,
        peak_python_rss=2**30, peak_jvm_rss=2 * 2**30,
    )  # fmt: skip
    older = scale.Measure("10k", "job", "duckdb", 10_000, wall=20.0, peak_rss=2**30, ok=True)
    rows = scale.table([spark, older]).splitlines()
    assert "| 3.00 | 1.00 / 2.00 |" in rows[2]
    # A row measured before the split was sampled leaves the column blank, not "0.00 / 0.00".
    assert "| 1.00 |  |" in rows[3]
