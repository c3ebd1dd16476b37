"""Writing the analyst report: one page per run plus an index of all runs."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from identity.report.figures import run_status, totals
from identity.report.html import badge, delta, esc, fmt_int, page, section, table
from identity.report.linkage import linkage
from identity.report.model import RUNS_FOLDER, RunReport, load_runs, run_file_stem, save_run
from identity.report.overview import (
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
    ("trends", "Trends since the previous run"),
    ("runs", "All runs"),
    ("sources", "Sources"),
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
    run_page.write_text(_run_page(report, _previous(report, history)), encoding="utf-8")
    index = reports_dir / "index.html"
    index.write_text(_index_page(history), encoding="utf-8")
    logger.info("report for run %s written; index lists %d runs", report.run_id, len(history))
    return index


def _previous(report: RunReport, history: list[RunReport]) -> RunReport | None:
    """The run just before ``report`` in the (newest-first) history."""
    ids = [run.run_id for run in history]
    if report.run_id not in ids:
        return None
    position = ids.index(report.run_id)
    return history[position + 1] if position + 1 < len(history) else None


def _run_sections(report: RunReport, previous: RunReport | None, runs_html: str | None) -> str:
    bodies = {
        "headline": headline(report, previous),
        "trends": trend_table(report, previous),
        "runs": runs_html,
        "sources": sources(report),
        "quality": quality(report),
        "quarantine": quarantine(report),
        "linkage": linkage(report.linkage),
        "churn": id_churn(report, previous),
    }
    return "".join(
        section(anchor, title, bodies[anchor])
        for anchor, title in _SECTIONS
        if bodies[anchor] is not None
    )


def _nav(anchors: list[str], home: str | None) -> str:
    titles = dict(_SECTIONS)
    links = [f'<a href="{esc(home)}">← all runs</a>'] if home else []
    links += [f'<a href="#{esc(a)}">{esc(titles[a])}</a>' for a in anchors]
    return f"<nav>{''.join(links)}</nav>"


def _run_page(report: RunReport, previous: RunReport | None) -> str:
    anchors = [a for a, _ in _SECTIONS if a != "runs"]
    body = (
        f"<h1>Identity resolution run <code>{esc(report.run_id)}</code></h1>"
        + _nav(anchors, "../index.html")
        + _run_sections(report, previous, None)
    )
    return page(f"Run {report.run_id}", body)


def _index_page(history: list[RunReport]) -> str:
    if not history:
        return page("Identity resolution reports", "<h1>Identity resolution reports</h1>")
    latest = history[0]
    previous = history[1] if len(history) > 1 else None
    body = (
        "<h1>Identity resolution reports</h1>"
        f'<p class="meta">Latest run <a href="{_run_href(latest)}"><code>{esc(latest.run_id)}'
        f"</code></a> in full below; {len(history)} run(s) recorded.</p>"
        + _nav([a for a, _ in _SECTIONS], None)
        + _run_sections(latest, previous, _runs_table(history))
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
                f'<a href="{_run_href(run)}"><code>{esc(run.run_id)}</code></a>',
                esc(run.started_at),
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


def _figure(now: dict, before: dict, key: str, higher_is_better: bool | None) -> str:
    if not before:  # the oldest run has nothing to compare with
        return fmt_int(now.get(key))
    change = delta(now.get(key), before.get(key), higher_is_better=higher_is_better)
    return f"{fmt_int(now.get(key))} {change}"
