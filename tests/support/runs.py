"""Reading what a run left for people: its report record, its model, its quarantine CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from identity import run as spine
from identity import step_store
from identity.quality.outcomes import ExpectationOutcome, SuiteResult
from identity.readers import SourceBatch
from identity.report.model import RUNS_FOLDER, run_file_stem
from identity.results import SourceRead


def run_record(warehouse: Path, run_id: str) -> dict[str, Any]:
    """The report's saved record of a run: sources, quality, linkage, id churn, outcome."""
    path = Path(warehouse) / "reports" / RUNS_FOLDER / f"{run_file_stem(run_id)}.json"
    return json.loads(path.read_text("utf-8"))


def run_sources(warehouse: Path, run_id: str) -> dict[str, dict[str, Any]]:
    """Per source: files and rows read, linked and quarantined, as the report shows them."""
    return run_record(warehouse, run_id)["sources"]


def suite_result(warehouse: Path, run_id: str, suite: str, subject: str) -> dict[str, Any]:
    """One suite's result as the report holds it."""
    found = [
        q
        for q in run_record(warehouse, run_id)["quality"]
        if q["suite"] == suite and q["subject"] == subject
    ]
    assert len(found) == 1, (suite, subject, [(q["suite"], q["subject"]) for q in found])
    return found[0]


def model_json(warehouse: Path, run_id: str) -> dict[str, Any]:
    """The trained model a run kept for people to read."""
    return json.loads((step_store.run_folder(warehouse, run_id) / spine.MODEL_FILE).read_text())


def quarantine_csv(warehouse: Path, run_id: str) -> Path:
    """The quarantine CSV a run wrote for analysts."""
    return step_store.run_folder(warehouse, run_id) / spine.QUARANTINE_CSV


def suite_outcome(success: bool) -> ExpectationOutcome:
    """One blocking not-null outcome of the crm raw suite, passed or failed."""
    return ExpectationOutcome(
        suite="crm_raw",
        expectation_type="expect_column_values_to_not_be_null",
        column="Id",
        kwargs={"column": "Id", "mostly": 0.95},
        blocking=True,
        success=success,
        element_count=3,
        unexpected_count=0 if success else 1,
        unexpected_percent=0.0 if success else 33.3,
        examples=[] if success else ["0*****"],
        why="every contact needs its id",
    )


def source_read(records: pd.DataFrame) -> SourceRead:
    """A crm read of ``records`` from one file, with a failed raw-suite verdict."""
    files = pd.DataFrame({"file": ["a.csv"], "rows_read": [3], "rows_quarantined": [0]})
    batch = SourceBatch(
        source_system="crm",
        records=records,
        quarantine=pd.DataFrame(columns=["source_system", "file", "line", "raw", "reason"]),
        files=files,
    )
    return SourceRead(batch=batch, quality=SuiteResult("crm_raw", "crm", [suite_outcome(False)]))
