"""Writing the analyst report: one page per run plus an index of all runs."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from identity.report.customers import customers, transactions
from identity.report.figures import run_status, totals
from identity.report.history import trend_plots
from identity.report.html import badge, delta, esc, fmt_int, page, section, table
from identity.report.linkage import linkage
from identity.report.model import RUNS_FOLDER, RunReport, load_runs, run_file_stem, save_run
from identity.report.overview import (
    accuracy,
    headline,
    id_churn,
    outcome_badge,
    quarantine,
    sources,
    trend_table,
)
from identity.report.quality import quality

logger = logging.getLogger(__name__)

_SECTIONS = [
    ("headline", "Headline figures"),
    ("accuracy", "Accuracy against truth"),
    ("trends", "Trends over all runs"),
    ("runs", "All runs"),
    ("sources", "Sources"),
    ("transactions", "Orders and store sales"),
    ("customers", "Customers: channels, source overlap, completeness"),
    ("quality", "Data quality"),
    ("quarantine", "Quarantine"),
    ("linkage", "Linkage"),
    ("churn", "Customer id churn"),
]


def write_run_report(report: RunReport, reports_dir: Path) -> Path:
    """Write this run's report and refresh the index of all runs.

    Writes ``reports_dir/runs/<run_id>.json`` (the data, which later runs compare against),
    ``reports_dir/runs/<run_id>.html`` and rewrites ``reports_dir/index.html``: the newest run
    in full, a table of every run (newest first) linking its page, and trends against the
    previous run. Pages use inline CSS and SVG only: they render with no network.

    Args:
        report: Everything known about the run; empty sections are shown as such.
        reports_dir: The reports folder, e.g. ``<warehouse>/reports``.

    Returns:
        The path of ``index.html``.
    """
    reports_dir = Path(reports_dir)
    save_run(report, reports_dir)
    history = load_runs(reports_dir)
    stem = run_file_stem(report.run_id)
    run_page = reports_dir / RUNS_FOLDER / f"{stem}.html"
    run_page.write_text(_run_page(report, _up_to(report, history)), encoding="utf-8")
    index = reports_dir / "index.html"
    index.write_text(_index_page(history), encoding="utf-8")
    logger.info("report for run %s written; index lists %d runs", report.run_id, len(history))
    return index


def _up_to(report: RunReport, history: list[RunReport]) -> list[RunReport]:
    """``report`` and the runs before it, oldest first (what its page compares and plots)."""
    ids = [run.run_id for run in history]
    if report.run_id not in ids:
        return [report]
    return list(reversed(history[ids.index(report.run_id) :]))


def _trends(runs: list[RunReport]) -> str:
    report = runs[-1]
    previous = runs[-2] if len(runs) > 1 else None
    table_html = trend_table(report, previous)
    if previous is None:
        return trend_plots(runs) + table_html
    return (
        trend_plots(runs) + f"<details><summary>Every figure against the previous run <code>"
        f"{esc(previous.run_id)}</code></summary>{table_html}</details>"
    )


def _run_sections(runs: list[RunReport], runs_html: str | None) -> tuple[list[str], str]:
    """The sections of the last run of ``runs`` (oldest first): present anchors, and HTML."""
    report = runs[-1]
    previous = runs[-2] if len(runs) > 1 else None
    bodies = {
        "headline": headline(report, previous),
        "accuracy": accuracy(report),
        "trends": _trends(runs),
        "runs": runs_html,
        "sources": sources(report),
        "transactions": transactions(report),
        "customers": customers(report),
        "quality": quality(report),
        "quarantine": quarantine(report),
        "linkage": linkage(report.linkage),
        "churn": id_churn(report, previous),
    }
    shown = [(anchor, title) for anchor, title in _SECTIONS if bodies[anchor] is not None]
    html = "".join(section(anchor, title, bodies[anchor] or "") for anchor, title in shown)
    return [anchor for anchor, _ in shown], html


def _nav(anchors: list[str], home: str | None) -> str:
    titles = dict(_SECTIONS)
    links = [f'<a href="{esc(home)}">← all runs</a>'] if home else []
    links += [f'<a href="#{esc(a)}">{esc(titles[a])}</a>' for a in anchors]
    return f"<nav>{''.join(links)}</nav>"


def _run_page(report: RunReport, runs: list[RunReport]) -> str:
    anchors, sections_html = _run_sections(runs, None)
    body = (
        f"<h1>Identity resolution run <code>{esc(report.run_id)}</code></h1>"
        + _nav(anchors, "../index.html")
        + sections_html
    )
    return page(f"Run {report.run_id}", body)


def _index_page(history: list[RunReport]) -> str:
    if not history:
        return page("Identity resolution reports", "<h1>Identity resolution reports</h1>")
    latest = history[0]
    anchors, sections_html = _run_sections(list(reversed(history)), _runs_table(history))
    body = (
        "<h1>Identity resolution reports</h1>"
        f'<p class="meta">Latest run <a href="{_run_href(latest)}"><code>{esc(latest.run_id)}'
        f"</code></a> in full below; {len(history)} run(s) recorded.</p>"
        + _nav(anchors, None)
        + sections_html
    )
    return page("Identity resolution reports", body)


def _run_href(report: RunReport) -> str:
    return esc(f"{RUNS_FOLDER}/{quote(run_file_stem(report.run_id))}.html")


def _runs_table(history: list[RunReport]) -> str:
    rows = []
    for position, run in enumerate(history):
        older = history[position + 1] if position + 1 < len(history) else None
        now = totals(run)
        before = totals(older) if older else {}
        rows.append(
            [
                badge(run_status(run)),
                outcome_badge(run.outcome),
                f'<a href="{_run_href(run)}" title="{esc(run.run_id)}"><code>'
                f"{esc(_short(run.run_id))}</code></a>",
                f'<span title="{esc(run.started_at)}">{esc(_when(run.started_at))}</span>',
                esc(run.engine),
                _figure(now, before, "rows_read", None),
                _figure(now, before, "rows_quarantined", False),
                _figure(now, before, "customers", None),
                fmt_int(now.get("blocking_failures")),
                fmt_int(now.get("warnings")),
            ]
        )
    return table(
        [
            "quality",
            "outcome",
            "run",
            "started",
            "engine",
            "rows read",
            "quarantined",
            "customers",
            "blocking failures",
            "warnings",
        ],
        rows,
        numeric=(5, 6, 7, 8, 9),
        css_class="runs",
    )


def _when(started_at: str) -> str:
    """``2026-12-02T01:01:53+00:00`` as ``2026-12-02 01:01`` (the full stamp is its title)."""
    return str(started_at)[:16].replace("T", " ")


def _short(run_id: str) -> str:
    """A long run id (Dagster's are UUIDs) cut to its first characters; the link has it all."""
    return run_id if len(run_id) <= 12 else f"{run_id[:8]}…"


def _figure(now: dict, before: dict, key: str, higher_is_better: bool | None) -> str:
    if not before:  # the oldest run has nothing to compare with
        return fmt_int(now.get(key))
    change = delta(now.get(key), before.get(key), higher_is_better=higher_is_better)
    return f"{fmt_int(now.get(key))} {change}"
