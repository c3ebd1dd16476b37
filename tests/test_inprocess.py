"""The in-process run holds each output only until its last reader has loaded it."""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.checks import ALL_CHECKS
from dagster_project.cli import _failure_message, run_job
from dagster_project.definitions import ASSETS
from dagster_project.inprocess import ReleasingMemoryIOManager, readers_of
from identity import publish as pub


def test_each_source_batch_is_read_by_standardisation_and_its_own_check():
    readers = readers_of([*ASSETS, *ALL_CHECKS])
    assert readers[dg.AssetKey("crm_records")] == {
        "standardised_contacts",
        "crm_records_crm_raw_suite",
    }
    assert readers[dg.AssetKey("transactions")] == {"golden_records"}
    assert readers[dg.AssetKey("golden_records")] == {
        "published_tables",
        "golden_records_golden_suite",
        "golden_records_golden_traceable",
    }
    # Linkage may be retried, and a retry loads the contacts again: they stay for the run.
    assert dg.AssetKey("standardised_contacts") not in readers
    # The report only waits for publication; nothing loads a value from it.
    assert dg.AssetKey("published_tables") not in readers


@dg.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@dg.asset
def total(numbers: list[int]) -> int:
    return sum(numbers)


@dg.asset
def largest(numbers: list[int]) -> int:
    return max(numbers)


@dg.asset(retry_policy=dg.RetryPolicy(max_retries=1))
def smallest(total: int) -> int:
    return total


def test_an_output_is_dropped_after_its_last_reader_and_kept_for_a_retrying_reader():
    assets = [numbers, total, largest, smallest]
    manager = ReleasingMemoryIOManager(readers_of(assets))
    result = dg.materialize(assets, resources={"io_manager": manager})
    assert result.success
    assert manager.released == ["numbers"]
    # ``total`` feeds a step with a retry policy, so it is still there to be loaded again.
    assert manager.held == ["largest", "smallest", "total"]
    manager.clear()
    assert manager.held == []


def test_loading_a_released_output_names_the_step():
    @dg.asset
    def again(numbers: list[int]) -> int:
        return len(numbers)

    @dg.asset
    def reread(numbers: list[int]) -> int:
        return len(numbers)

    # The manager is told only ``again`` reads ``numbers``; ``reread`` then finds it gone.
    manager = ReleasingMemoryIOManager({dg.AssetKey("numbers"): frozenset({"again"})})
    result = dg.materialize(
        [numbers, again, reread], resources={"io_manager": manager}, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "reread"
    error = failure.step_failure_data.error
    while error.cause is not None:
        error = error.cause
    assert "output of numbers was released" in error.message
    assert "reread" in error.message


@pytest.mark.slow
def test_a_real_run_releases_raw_batches_and_publishes_everything(
    tmp_path: Path, dagster_home: Path, caplog: pytest.LogCaptureFixture
):
    from identity.demo import generate

    landing = tmp_path / "landing"
    generate(150, landing, seed=11)
    warehouse = tmp_path / "warehouse"
    with caplog.at_level(logging.DEBUG, logger="dagster_project.inprocess"):
        ok, _, result = run_job(str(landing), str(warehouse), "duckdb")
    assert ok, _failure_message(result)
    released = {
        r.args[0] for r in caplog.records if r.name == "dagster_project.inprocess" and r.args
    }
    sources = {"crm_records", "ecommerce_records", "pos_records", "social_records"}
    assert sources | {"transactions", "customer_clusters", "golden_records"} <= released
    assert "standardised_contacts" not in released
    golden = pub.read_table(warehouse, pub.GOLDEN, ["customer_id"])
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
    assert len(golden) > 0 and crosswalk["customer_id"].isin(golden["customer_id"]).all()
