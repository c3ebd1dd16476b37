"""Report parts drawn from the run history: trend plots over every run, and vanished files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from identity.report.charts import Point, line_chart
from identity.report.figures import ordered_sources, totals
from identity.report.html import fmt_int, number
from identity.report.model import RunReport


def _f1(run: RunReport) -> float | None:
    pairwise = run.linkage.get("pairwise")
    return number(pairwise.get("f1")) if isinstance(pairwise, dict) else None


# What is plotted, in order: title, the figure of one run, whether it is a count.
SERIES: list[tuple[str, Callable[[RunReport], float | None], bool]] = [
    ("rows read", lambda run: totals(run)["rows_read"], True),
    ("customers", lambda run: totals(run)["customers"], True),
    ("rows quarantined", lambda run: totals(run)["rows_quarantined"], True),
    ("blocking expectation failures", lambda run: totals(run)["blocking_failures"], True),
    ("pairwise F1 against truth", _f1, False),
]


def trend_plots(runs: list[RunReport]) -> str:
    """One small line chart per headline figure over every run, oldest on the left.

    Args:
        runs: The history up to the run shown, oldest first.

    Returns:
        A grid of inline SVG charts; a note when there is only one run. F1 is plotted only
        when some run was scored against truth.
    """
    if len(runs) < 2:
        return '<p class="empty">Trend plots appear from the second run on.</p>'
    labels = _labels(runs)
    charts = []
    for title, figure, integer in SERIES:
        points = [Point(f"{run.run_id} ({run.started_at})", figure(run)) for run in runs]
        if all(p.value is None for p in points) and not integer:
            continue  # no run was scored against truth
        chart = line_chart(points, title=title, x_labels=labels, integer=integer)
        charts.append(f'<div class="trend">{chart}</div>')
    return (
        f'<p class="muted">{fmt_int(len(runs))} runs, oldest on the left; hover a point for its '
        "run.</p>"
        f'<div class="trend-grid">{"".join(charts)}</div>'
    )


def _labels(runs: list[RunReport]) -> list[str]:
    """Each run's date; its time too when runs share a date; its number when even that does."""
    for labels in (
        [str(run.started_at)[:10] for run in runs],
        [str(run.started_at)[5:16].replace("T", " ") for run in runs],
    ):
        if len(set(labels)) == len(labels) and all(labels):
            return labels
    return [f"run {position}" for position in range(1, len(runs) + 1)]


def _files(data: dict[str, Any] | None, rows_key: str) -> dict[str, float | None]:
    files = (data or {}).get("files") or []
    return {
        str(f.get("file")): number(f.get(rows_key))
        for f in files
        if isinstance(f, dict) and f.get("file") is not None
    }


def vanished_files(report: RunReport, previous: RunReport | None) -> list[str]:
    """Source and transaction files the previous run read that this run did not see.

    Args:
        report: This run.
        previous: The run before it, or None.

    Returns:
        One warning line per vanished file, naming it and its rows last time.
    """
    if previous is None:
        return []
    lines = []
    for source in ordered_sources(previous):
        before = _files(previous.sources.get(source), "rows_read")
        now = _files(report.sources.get(source), "rows_read")
        lines += [
            f"{source}/{name}: read last run ({fmt_int(rows)} rows), missing this run"
            for name, rows in before.items()
            if name not in now
        ]
    lines += _vanished_transactions(report, previous)
    return lines


def _vanished_transactions(report: RunReport, previous: RunReport) -> list[str]:
    now_all = (report.golden or {}).get("transactions")
    if not isinstance(now_all, dict):  # matching not reached this run: files not known
        return []
    before_all = ((previous.golden or {}).get("transactions") or {}).get("by_source") or {}
    now_by = now_all.get("by_source") or {}
    lines = []
    for source, data in before_all.items():
        now = _files(now_by.get(source), "rows")
        lines += [
            f"{source}/{name}: {fmt_int(rows)} orders or sales last run, file missing this run"
            for name, rows in _files(data, "rows").items()
            if name not in now
        ]
    return lines
