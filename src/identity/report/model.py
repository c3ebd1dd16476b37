"""The data behind one run's analyst report, and the run history kept next to the HTML."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

RUNS_FOLDER = "runs"


@dataclass
class RunReport:
    """Everything the analyst report shows about one run; every section may be empty.

    Attributes:
        run_id: The Dagster run id.
        started_at: ISO timestamp of the run start (orders the history).
        engine: ``"spark"`` or ``"duckdb"``.
        sources: Per source system: ``{"files": [{"file", "rows_read", "rows_linked",
            "rows_quarantined", "rows_erased"}], "rows_read", "rows_linked", "rows_quarantined",
            "rows_erased"}`` (``rows_erased`` absent in runs from before erasure existed).
        quality: ``SuiteResult.to_dict()`` of every suite run this run.
        quarantine_by_reason: ``source -> reason -> count``.
        linkage: ``{"records", "customers", "largest_cluster", "match_weight_histogram",
            "cluster_sizes", "parameters", "blocking_rules", "waterfalls", "pairwise",
            "threshold_match_weight", "scoring_floor_match_weight", "scored_pairs", "links",
            "design", "training_notes", "training_records"}``; ``pairwise`` (precision, recall,
            F1 and their B-cubed forms) only when the run was given the truth.
        id_churn: ``{"new", "merged", "split", "retired", "kept"}``.
        outcome: ``published``, ``blocked`` (a blocking check stopped it) or ``failed``.
        failures: One line per failed step (file, line and column for reader errors; never
            record values).
        golden: ``identity.golden.figures.golden_figures``: channel overlap, source-pair match
            rates, golden attribute completeness, transactions matched and unmatched.
        transactions: ``{"rows", "by_source"}``: the order and store-sale rows read.
    """

    run_id: str
    started_at: str
    engine: str
    outcome: str = "published"
    failures: list[str] = field(default_factory=list)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    quality: list[dict[str, Any]] = field(default_factory=list)
    quarantine_by_reason: dict[str, dict[str, int]] = field(default_factory=dict)
    linkage: dict[str, Any] = field(default_factory=dict)
    id_churn: dict[str, int] = field(default_factory=dict)
    golden: dict[str, Any] = field(default_factory=dict)
    transactions: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunReport:
        """Rebuild a report saved by ``to_dict``; unknown keys are ignored, missing ones empty.

        Args:
            data: A dict as read from ``runs/<run_id>.json``.

        Returns:
            The report.
        """
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values.setdefault("run_id", "unknown")
        values.setdefault("started_at", "")
        values.setdefault("engine", "")
        return cls(**values)


def run_file_stem(run_id: str) -> str:
    """File name (without extension) for a run: the id with anything unsafe replaced.

    Args:
        run_id: Any run id; Dagster's are UUIDs, but nothing here trusts that.

    Returns:
        A name made of letters, digits, ``.``, ``_`` and ``-`` that cannot leave ``runs/``.
    """
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", run_id).lstrip(".")
    return stem or "run"


def save_run(report: RunReport, reports_dir: Path) -> Path:
    """Write ``reports_dir/runs/<run_id>.json`` and return its path."""
    path = reports_dir / RUNS_FOLDER / f"{run_file_stem(report.run_id)}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report.to_dict(), indent=2, sort_keys=True, default=_json_default)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load_runs(reports_dir: Path) -> list[RunReport]:
    """Read the run history, newest first.

    Args:
        reports_dir: The reports folder (holding ``runs/*.json``).

    Returns:
        Every readable run, ordered by ``started_at`` then ``run_id``, newest first. Unreadable
        files are skipped with a warning naming the file.
    """
    runs: list[RunReport] = []
    for path in sorted((reports_dir / RUNS_FOLDER).glob("*.json")):
        try:
            runs.append(RunReport.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError) as exc:
            logger.warning("skipping unreadable run report %s: %s", path.name, exc)
    return sorted(runs, key=lambda run: (str(run.started_at), run.run_id), reverse=True)


def _json_default(value: Any) -> Any:
    # numpy scalars and timestamps arrive from pandas-based callers.
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
