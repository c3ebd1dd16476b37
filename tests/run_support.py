"""Reading what a run left for people: its report record, its model, its quarantine CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from identity import run as spine
from identity import step_store
from identity.report.model import RUNS_FOLDER, run_file_stem


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
