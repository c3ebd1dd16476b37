"""The analyst report: self-contained HTML pages (no network) built from each run's figures.

Public API::

    from identity.report import RunReport, write_run_report
    index = write_run_report(RunReport(run_id, started_at, "duckdb", sources=..., ...), reports_dir)
"""

from __future__ import annotations

from identity.report.model import RunReport, load_runs
from identity.report.writer import write_run_report

__all__ = ["RunReport", "load_runs", "write_run_report"]
