"""The warehouse IO manager: values and summaries in the run's folder, clear when missing."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd

from dagster_project.environment import resources_from_env
from identity import step_store
from identity.results import SourceRead, SourceSummary
from support.runs import source_read

SEEN: dict[str, object] = {}


@dg.asset(name="crm_records")
def crm_records() -> SourceRead:
    return source_read(pd.DataFrame({"source_record_id": ["1", "2"], "email": ["a@x.org", None]}))


@dg.asset
def counts(crm_records: SourceSummary) -> int:
    SEEN["counts"] = crm_records
    return 0


@dg.asset
def emails(crm_records: SourceRead) -> int:
    SEEN["emails"] = crm_records
    return 0


def _resources(tmp_path: Path) -> dict:
    resources = resources_from_env(str(tmp_path / "landing"), str(tmp_path / "wh"), "duckdb")
    return {"io_manager": resources["io_manager"]}


def test_an_input_typed_as_a_summary_gets_the_summary_and_others_the_value(
    tmp_path: Path, dagster_home: Path
) -> None:
    SEEN.clear()
    result = dg.materialize([crm_records, counts], resources=_resources(tmp_path))
    assert result.success
    assert isinstance(SEEN["counts"], SourceSummary) and SEEN["counts"].records == 2
    folder = step_store.steps_folder(tmp_path / "wh", result.run_id) / "crm_records"
    assert step_store.stored(folder)
    # A later run materialising only ``emails`` finds the value the first run kept.
    again = dg.materialize([crm_records.to_source_asset(), emails], resources=_resources(tmp_path))
    assert again.success
    assert isinstance(SEEN["emails"], SourceRead)
    assert SEEN["emails"].batch.records["email"].tolist() == ["a@x.org", None]


def test_a_value_removed_after_publication_is_explained(tmp_path: Path, dagster_home: Path) -> None:
    first = dg.materialize([crm_records], resources=_resources(tmp_path))
    assert step_store.drop_records(tmp_path / "wh") == 1
    result = dg.materialize(
        [crm_records.to_source_asset(), emails],
        resources=_resources(tmp_path),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    error = failure.step_failure_data.error
    while error.cause is not None:
        error = error.cause
    assert f"the records of crm_records were removed when run {first.run_id} published" in (
        error.message
    )
    # The summary is still there for the report and the checks.
    assert dg.materialize(
        [crm_records.to_source_asset(), counts], resources=_resources(tmp_path)
    ).success


def test_an_asset_no_run_has_made_yet_says_to_materialise_it(
    tmp_path: Path, dagster_home: Path
) -> None:
    result = dg.materialize(
        [crm_records.to_source_asset(), emails],
        resources=_resources(tmp_path),
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "no run of" in str(failure.step_failure_data.error.to_string())
    assert "has stored crm_records yet" in str(failure.step_failure_data.error.to_string())
