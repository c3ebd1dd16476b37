"""Report section listing every expectation of every suite run, with its result."""

from __future__ import annotations

import json
from typing import Any

from identity.report.figures import outcome_status
from identity.report.html import badge, esc, fmt_int, fmt_percent, table
from identity.report.model import RunReport

_MAX_RULE_TEXT = 60
_LIST_PREVIEW = 4


def quality(report: RunReport) -> str:
    """A summary of every suite, then one table per suite with every expectation."""
    if not report.quality:
        return '<p class="empty">No data-quality results for this run.</p>'
    summary_rows = []
    details = []
    for position, suite in enumerate(report.quality):
        outcomes = [o for o in suite.get("outcomes") or [] if isinstance(o, dict)]
        statuses = [outcome_status(o) for o in outcomes]
        overall = "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
        anchor = f"suite-{position}"
        title = _title(suite)
        summary_rows.append(
            [
                badge(overall),
                f'<a href="#{anchor}">{esc(title)}</a>',
                fmt_int(statuses.count("pass")),
                fmt_int(statuses.count("warn")),
                fmt_int(statuses.count("fail")),
            ]
        )
        details.append(f'<h3 id="{anchor}">{esc(title)} {badge(overall)}</h3>')
        details.append(_expectation_table(outcomes))
    legend = (
        '<p class="muted">Result: <span class="badge pass">pass</span> rule held · '
        '<span class="badge warn">warn</span> failed, reported only · '
        '<span class="badge fail">fail</span> failed and blocks publication. '
        "Examples are masked.</p>"
    )
    overview = table(
        ["result", "suite (subject)", "passed", "warnings", "blocking failures"],
        summary_rows,
        numeric=(2, 3, 4),
        css_class="suites",
    )
    return legend + overview + "".join(details)


def _title(suite: dict[str, Any]) -> str:
    name, subject = suite.get("suite", "?"), suite.get("subject")
    return str(name) if not subject or subject == name else f"{name} ({subject})"


def _expectation_table(outcomes: list[dict[str, Any]]) -> str:
    rows = []
    for outcome in outcomes:
        examples = outcome.get("examples") or []
        example_html = ", ".join(f"<code>{esc(e)}</code>" for e in examples)
        if outcome.get("error"):
            example_html = f"<b>not evaluated:</b> {esc(outcome['error'])}"
        rows.append(
            [
                badge(outcome_status(outcome)),
                f"<code>{_breakable(outcome.get('expectation_type'))}</code>",
                esc(outcome.get("column") or "(table)"),
                "blocking" if outcome.get("blocking") else "warn",
                fmt_int(outcome.get("unexpected_count")),
                fmt_percent(outcome.get("unexpected_percent")),
                example_html,
                _rule_text(outcome.get("kwargs") or {}),
                esc(outcome.get("why")),
            ]
        )
    return table(
        [
            "result",
            "expectation",
            "column",
            "severity",
            "unexpected",
            "%",
            "examples (masked)",
            "rule",
            "why",
        ],
        rows,
        numeric=(4, 5),
        css_class="expectations",
        empty="This suite has no expectations.",
    )


def _rule_text(kwargs: dict[str, Any]) -> str:
    """Short, escaped description of an expectation's arguments (long lists summarised)."""
    parts = []
    for key, value in kwargs.items():
        if key in {"column", "column_list", "column_A", "column_B", "batch_id"}:
            continue
        if isinstance(value, list) and len(value) > _LIST_PREVIEW:
            shown = ", ".join(str(v) for v in value[:_LIST_PREVIEW])
            text = f"{key}: {len(value)} values ({shown}, …)"
        else:
            text = f"{key}={json.dumps(value, ensure_ascii=False, default=str)}"
        if len(text) > _MAX_RULE_TEXT:
            parts.append(f'<code title="{esc(text)}">{esc(text[:_MAX_RULE_TEXT])}…</code>')
        else:
            parts.append(f"<code>{esc(text)}</code>")
    return "<br>".join(parts)


def _breakable(name: object) -> str:
    """Escape a snake_case name and let the browser wrap it after underscores."""
    return esc(name).replace("_", "_<wbr>")
