"""Run the job once for the scale benchmark and write its step timings and accuracy as JSON.

``identity_bench.scale`` calls ``measure_job`` in the measured subprocess of a ``job`` run
(``python -m identity_bench.scale --child job``). A tool may use Dagster; the library may not.
"""

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from dagster_project.cli import run_job
from identity import evaluate
from identity import publish as pub


def step_seconds(result: Any) -> dict[str, float]:
    """Seconds per Dagster step key, from the run's step success and failure events."""
    steps: dict[str, float] = {}
    for event in result.all_events:
        data = event.event_specific_data
        if event.step_key is None or not hasattr(data, "duration_ms"):
            continue
        if event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and data.duration_ms:
            steps[event.step_key] = steps.get(event.step_key, 0.0) + data.duration_ms / 1000
    return steps


def measure_job(landing: Path, engine: str, out: Path) -> int:
    """Run the job once in a scratch Dagster home and warehouse and write what it measured.

    Args:
        landing: The landing folder, with the generator's ``truth.csv``.
        engine: ``duckdb`` or ``spark``.
        out: Where the JSON goes: ``ok``, ``run_id``, ``steps`` (seconds per Dagster step),
            ``run`` (seconds), ``accuracy`` (pairwise, when the run succeeded) and ``scoring``.

    Returns:
        0 when the run succeeded, else 1.
    """
    landing = landing.resolve()
    os.environ["DAGSTER_HOME"] = tempfile.mkdtemp(prefix="bench-dagster-")
    os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"
    warehouse = Path(tempfile.mkdtemp(prefix="bench-wh-"))
    started = time.perf_counter()
    ok, run_id, result = run_job(str(landing), str(warehouse), engine)
    payload: dict[str, Any] = {
        "ok": ok,
        "run_id": run_id,
        "steps": step_seconds(result),
        "run": time.perf_counter() - started,
    }
    clock = time.perf_counter()
    if ok:
        crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
        crosswalk["record_key"] = crosswalk["source_system"] + ":" + crosswalk["source_record_id"]
        truth = evaluate.read_truth(landing / "truth.csv")
        payload["accuracy"] = evaluate.score(crosswalk, truth).as_dict()
    payload["scoring"] = time.perf_counter() - clock
    out.write_text(json.dumps(payload))
    return 0 if ok else 1
