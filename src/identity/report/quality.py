"""Report section listing every expectation of every suite run, with its result."""

from __future__ import annotations

import json
from typing import Any

from identity.report.figures import outcome_status
from identity.report.html import badge, esc, fmt_int, fmt_percent, table
from identity.report.model import RunReport

_MAX_RULE_TEXT = 60
_LIST_PREVIEW = 4


_ORDER = {"fail": 0, "warn": 1, "pass": 2}


def quality(report: RunReport) -> str:
    """Failures first: every failed expectation, then every suite's tally and list, collapsed.

    Blocking failures and warnings of every suite are listed open, in one table; each suite's
    full list of expectations (passing ones included) sits in a collapsed ``<details>``, which
    needs no script to open.
    """
    if not report.quality:
        return '<p class="empty">No data-quality results for this run.</p>'
    suites = []
    for position, suite in enumerate(report.quality):
        outcomes = [o for o in suite.get("outcomes") or [] if isinstance(o, dict)]
        statuses = [outcome_status(o) for o in outcomes]
        overall = "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
        suites.append((position, suite, outcomes, statuses, overall))
    # Worst suites first; the run's own order among equals.
    suites.sort(key=lambda item: (_ORDER[item[4]], item[0]))
    problems, details = [], []
    for position, suite, outcomes, statuses, overall in suites:
        anchor, title = f"suite-{position}", _title(suite)
        problems += [(title, o) for o, st in zip(outcomes, statuses, strict=True) if st != "pass"]
        ordered = sorted(
            outcomes, key=lambda o: _ORDER.get(outcome_status(o), 3)
        )  # failures first inside a suite too
        details.append(
            f'<details class="suite" id="{anchor}"><summary>{esc(title)} {badge(overall)} '
            f'<span class="muted">{fmt_int(statuses.count("pass"))} passed, '
            f"{fmt_int(statuses.count('warn'))} warnings, {fmt_int(statuses.count('fail'))} "
            f"blocking failures</span></summary>{_expectation_table(ordered)}</details>"
        )
    legend = (
        '<p class="muted">Result: <span class="badge pass">pass</span> rule held · '
        '<span class="badge warn">warn</span> failed, reported only · '
        '<span class="badge fail">fail</span> failed and blocks publication. '
        "Examples are masked.</p>"
    )
    passed = sum(item[3].count("pass") for item in suites)
    return (
        legend
        + _problems(problems)
        + f"<h3>Every expectation, by suite ({fmt_int(passed)} passed)</h3>"
        + '<p class="muted">Worst suite first; each opens on a click, its failed expectations '
        "first.</p>" + "".join(details)
    )


def _problems(problems: list[tuple[str, dict[str, Any]]]) -> str:
    """The failed expectations of every suite, blocking ones first, in an open ``<details>``.

    One card per failure rather than a table row: it reads the same at any page width.
    """
    if not problems:
        return '<p class="all-passed">Every expectation of every suite passed.</p>'
    problems = sorted(problems, key=lambda p: _ORDER.get(outcome_status(p[1]), 3))
    fails = sum(1 for _, o in problems if outcome_status(o) == "fail")
    return (
        f'<details class="problems" open><summary><b>Failures and warnings</b> '
        f"({fmt_int(fails)} blocking, {fmt_int(len(problems) - fails)} warnings)</summary>"
        + "".join(_problem(title, outcome) for title, outcome in problems)
        + "</details>"
    )


def _problem(title: str, outcome: dict[str, Any]) -> str:
    status = outcome_status(outcome)
    examples = outcome.get("examples") or []
    found = (
        f"{fmt_int(outcome.get('unexpected_count'))} unexpected "
        f"({fmt_percent(outcome.get('unexpected_percent'))})"
    )
    if examples:
        found += " · examples (masked): " + ", ".join(f"<code>{esc(e)}</code>" for e in examples)
    if outcome.get("error"):
        found = f"<b>not evaluated:</b> {esc(outcome['error'])}"
    rule = _rule_text(outcome.get("kwargs") or {}).replace("<br>", " ")
    return (
        f'<div class="problem {esc(status)}"><div>{badge(status)} <b>{esc(title)}</b> · '
        f"<code>{_breakable(outcome.get('expectation_type'))}</code> on "
        f"<b>{esc(outcome.get('column') or '(table)')}</b> · "
        f"{'blocking' if outcome.get('blocking') else 'warning only'}</div>"
        f"<div>{found}</div>"
        + (f'<div class="muted">rule: {rule}</div>' if rule else "")
        + (f'<div class="muted">why: {esc(outcome.get("why"))}</div>' if outcome.get("why") else "")
        + "</div>"
    )


def _title(suite: dict[str, Any]) -> str:
    name, subject = suite.get("suite", "?"), suite.get("subject")
    return str(name) if not subject or subject == name else f"{name} ({subject})"


_HEADERS = [
    "result",
    "expectation",
    "column",
    "severity",
    "unexpected",
    "%",
    "examples (masked)",
    "rule",
    "why",
]


def _cells(outcome: dict[str, Any]) -> list[str]:
    examples = outcome.get("examples") or []
    example_html = ", ".join(f"<code>{esc(e)}</code>" for e in examples)
    if outcome.get("error"):
        example_html = f"<b>not evaluated:</b> {esc(outcome['error'])}"
    return [
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


def _expectation_table(outcomes: list[dict[str, Any]]) -> str:
    return table(
        _HEADERS,
        [_cells(outcome) for outcome in outcomes],
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
