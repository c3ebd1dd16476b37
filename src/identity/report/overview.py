"""Report sections about volumes: headline figures, trends, sources, quarantine and id churn."""

from __future__ import annotations

from identity.report.figures import (
    ordered_sources,
    run_status,
    source_total,
    totals,
    trends,
)
from identity.report.history import vanished_files
from identity.report.html import (
    badge,
    cards,
    delta,
    esc,
    fmt_float,
    fmt_int,
    fmt_percent,
    number,
    table,
)
from identity.report.model import RunReport
from identity.report.training import training_warnings

CHURN_KEYS = ("new", "merged", "split", "retired", "kept")


def headline(report: RunReport, previous: RunReport | None) -> str:
    """The run's outcome, its warnings, and cards with its main figures and their change."""
    now = totals(report)
    before = totals(previous) if previous else {}
    items = [
        ("rows read", "rows_read", None),
        ("rows accepted", "rows_linked", True),
        ("rows quarantined", "rows_quarantined", False),
        ("customers", "customers", None),
        ("customers with 2+ records", "multi_record_customers", None),
        ("records in a multi-record customer", "multi_record_rows", None),
        ("largest customer (records)", "largest_cluster", None),
        ("blocking failures", "blocking_failures", False),
        ("expectation warnings", "warnings", False),
    ]
    figures = [
        (
            label,
            fmt_int(now.get(key)),
            delta(now.get(key), before.get(key), higher_is_better=good) if previous else "",
        )
        for label, key, good in items
    ]
    status = run_status(report)
    meta = (
        f'<p class="meta">Run <code>{esc(report.run_id)}</code> started {esc(report.started_at)}'
        f" on <b>{esc(report.engine or 'unknown engine')}</b> · {outcome_badge(report.outcome)}"
        f" · data quality {badge(status)}"
        + (
            f" · compared with run <code>{esc(previous.run_id)}</code>"
            if previous
            else " · first run: nothing to compare with"
        )
        + "</p>"
    )
    note = (
        '<p class="muted">Rows accepted = rows read − rows quarantined: each accepted row is in '
        "exactly one customer, one-record customers included. Records in a multi-record "
        "customer are the ones linkage actually joined to another record.</p>"
    )
    return (
        meta + _failures(report) + callout(run_warnings(report, previous)) + cards(figures) + note
    )


def run_warnings(report: RunReport, previous: RunReport | None) -> list[str]:
    """What an analyst should look at before trusting the run: vanished files, weak training."""
    return vanished_files(report, previous) + training_warnings(report.linkage)


def callout(lines: list[str]) -> str:
    """A warning box listing ``lines`` (plain text); nothing when there are none."""
    if not lines:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return (
        f'<div class="callout warn" role="note"><b>{len(lines)} warning(s)</b>'
        f"<ul>{items}</ul></div>"
    )


def accuracy(report: RunReport) -> str | None:
    """Pairwise and B-cubed precision, recall and F1 against ``truth.csv``; None without truth."""
    scores = report.linkage.get("pairwise")
    if not isinstance(scores, dict) or number(scores.get("f1")) is None:
        return None
    rows = [
        [
            esc(kind),
            fmt_float(scores.get(f"{prefix}precision"), 4),
            fmt_float(scores.get(f"{prefix}recall"), 4),
            f"<b>{fmt_float(scores.get(f'{prefix}f1'), 4)}</b>",
        ]
        for kind, prefix in (("pairwise (record pairs)", ""), ("B-cubed (per record)", "bcubed_"))
        if number(scores.get(f"{prefix}f1")) is not None
    ]
    intro = (
        '<p class="muted">This run was scored against the known people behind each record '
        f"(<code>--truth</code>), over {fmt_int(scores.get('records'))} records. Precision: "
        "share of the records put together that are one person; recall: share of one person's "
        "records that were put together.</p>"
    )
    return intro + table(
        ["measure", "precision", "recall", "F1"], rows, numeric=(1, 2, 3), css_class="accuracy"
    )


OUTCOMES = {
    "published": ("pass", "published"),
    "blocked": ("fail", "blocked by a check: nothing published"),
    "failed": ("fail", "failed: nothing published"),
}


def outcome_badge(outcome: str) -> str:
    """Whether the run published, was blocked by a quality check, or failed."""
    status, label = OUTCOMES.get(outcome, ("none", outcome))
    return badge(status, label)


def _failures(report: RunReport) -> str:
    if not report.failures:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in report.failures)
    return f'<ul class="failures">{items}</ul>'


def trend_table(report: RunReport, previous: RunReport | None) -> str:
    """This run against the previous one, figure by figure."""
    if previous is None:
        return '<p class="empty">First run: trends appear from the next run on.</p>'
    rows = []
    for trend in trends(report, previous):
        show = fmt_percent if trend.unit else fmt_int
        change = delta(
            trend.current, trend.previous, higher_is_better=trend.higher_is_better, unit=trend.unit
        )
        rows.append([esc(trend.label), show(trend.current), show(trend.previous), change])
    return table(
        ["figure", "this run", "previous run", "change"],
        rows,
        numeric=(1, 2, 3),
        css_class="trends",
    )


def sources(report: RunReport) -> str:
    """Per source: rows read, linked, quarantined and erased for every file, with a balance."""
    names = ordered_sources(report)
    if not names:
        return '<p class="empty">No source data this run.</p>'
    parts = []
    counts = ("rows_read", "rows_linked", "rows_quarantined", "rows_erased")
    for name in names:
        data = report.sources.get(name) or {}
        files = [f for f in data.get("files") or [] if isinstance(f, dict)]
        rows = [
            _file_row(esc(f.get("file")), [f.get(c, _absent(c)) for c in counts]) for f in files
        ]
        if rows:
            total = [source_total(report, name, c) for c in counts]
            rows.append(_file_row("<b>total</b>", [*total[:3], total[3] or 0]))
        parts.append(f"<h3>{esc(name)}</h3>")
        parts.append(
            table(
                [
                    "file",
                    "rows read",
                    "rows accepted",
                    "rows quarantined",
                    "rows erased",
                    "balanced",
                ],
                rows,
                numeric=(1, 2, 3, 4),
                css_class="files",
                empty="No files for this source this run.",
            )
        )
    note = (
        '<p class="muted">Every row read is either accepted (in the crosswalk, so in exactly '
        "one customer), quarantined, or erased (it names a person who asked to be forgotten: "
        "counted, never kept); “balanced” checks that per file. Order and store-sale "
        'files are listed under <a href="#transactions">Orders and store sales</a>.</p>'
    )
    return note + "".join(parts)


def _absent(column: str) -> object:
    # Runs from before erasure existed erased nothing.
    return 0 if column == "rows_erased" else None


def _file_row(label: str, counts: list[object]) -> list[str]:
    """A file's read, linked, quarantined and erased rows, and whether they balance."""
    known = [v for v in map(number, counts) if v is not None]
    if len(known) < len(counts):
        check = badge("none", "?")
    else:
        check = badge("pass") if known[0] == sum(known[1:]) else badge("fail")
    return [label, *(fmt_int(count) for count in counts), check]


def quarantine(report: RunReport) -> str:
    """Quarantined rows by source and reason, largest first, with a proportional bar."""
    entries = [
        (source, str(reason), number(count) or 0.0)
        for source in ordered_sources(report)
        for reason, count in (report.quarantine_by_reason.get(source) or {}).items()
    ]
    if not entries:
        return '<p class="empty">Nothing was quarantined.</p>'
    entries.sort(key=lambda e: (ordered_sources(report).index(e[0]), -e[2], e[1]))
    largest = max(count for _, _, count in entries) or 1.0
    rows = [
        [
            esc(source),
            esc(reason),
            fmt_int(count),
            f'<div class="qbar" style="width:{100 * count / largest:.1f}%"></div>',
        ]
        for source, reason, count in entries
    ]
    total = sum(count for _, _, count in entries)
    rows.append(["<b>all sources</b>", "", f"<b>{fmt_int(total)}</b>", ""])
    return table(["source", "reason", "rows", ""], rows, numeric=(2,), css_class="quarantine")


def id_churn(report: RunReport, previous: RunReport | None) -> str:
    """What happened to customer ids this run: new, merged, split, retired, kept."""
    if not report.id_churn:
        return '<p class="empty">No id changes recorded (first publication or no linkage yet).</p>'
    before = previous.id_churn if previous else None
    keys = [k for k in CHURN_KEYS if k in report.id_churn]
    keys += sorted(k for k in report.id_churn if k not in CHURN_KEYS)
    rows = [
        [
            esc(key),
            fmt_int(report.id_churn.get(key)),
            delta(report.id_churn.get(key), before.get(key)) if before is not None else "",
        ]
        for key in keys
    ]
    return table(
        ["change", "customer ids", "vs previous run"], rows, numeric=(1, 2), css_class="churn"
    )
