"""HTML building blocks: escaping, number formatting, tables, badges and the page shell.

Every value that reaches the page goes through ``esc`` (or a helper that calls it); the page
uses inline CSS only, so it renders the same with no network access.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#f5f7fa; --pass:#1b7f4b;
  --warn:#b7791f; --fail:#c53030; --bar:#3d6fb6; }
* { box-sizing:border-box; }
body { margin:0; padding:24px 32px; color:var(--ink); background:var(--bg);
  font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
h1 { font-size:24px; margin:0 0 4px; }
h2 { font-size:19px; margin:24px 0 10px; border-bottom:2px solid var(--line); padding-bottom:4px; }
h3 { font-size:16px; margin:20px 0 8px; }
h4 { font-size:14px; margin:14px 0 6px; }
p.meta, .muted { color:var(--muted); }
p.empty { color:var(--muted); font-style:italic; }
section { background:#fff; border:1px solid var(--line); border-radius:8px;
  padding:4px 20px 16px; margin:18px 0; }
table { border-collapse:collapse; width:100%; margin:6px 0 12px; background:#fff; }
th, td { border-bottom:1px solid var(--line); padding:5px 8px; text-align:left;
  vertical-align:top; }
th { background:#eef2f7; font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
td.num { white-space:nowrap; }
code { font:12px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  overflow-wrap:anywhere; }
.badge { display:inline-block; min-width:44px; text-align:center; padding:1px 8px;
  border-radius:10px; font-size:12px; font-weight:600; color:#fff; }
.badge.pass { background:var(--pass); }
.badge.warn { background:var(--warn); }
.badge.fail { background:var(--fail); }
.badge.none { background:var(--muted); }
.delta { font-size:12px; }
.delta.up { color:var(--pass); }
.delta.down { color:var(--fail); }
.delta.flat { color:var(--muted); }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:10px 0; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:150px;
  background:#fff; }
.card .value { font-size:22px; font-weight:700; }
.card .label { color:var(--muted); font-size:12px; }
.hbar { position:relative; height:12px; min-width:160px; background:#f0f4f8;
  border-radius:2px; }
.hbar span { position:absolute; top:0; height:12px; border-radius:2px; }
.hbar span.pos { background:var(--pass); }
.hbar span.neg { background:var(--fail); }
.hbar span.mid { left:50%; width:1px; background:var(--muted); }
table.quarantine td:last-child { width:40%; }
table.expectations td:nth-child(2) { min-width:170px; }
table.expectations td:nth-child(7) { min-width:120px; }
table.expectations td:nth-child(8) { min-width:170px; max-width:220px; }
table.expectations td:nth-child(9) { min-width:200px; }
.qbar { height:10px; background:var(--bar); border-radius:2px; }
svg { background:#fff; max-width:100%; height:auto; }
svg text { font-size:11px; fill:var(--ink); }
svg text.muted { fill:var(--muted); font-style:italic; }
svg text.threshold-label { fill:var(--fail); font-weight:600; }
svg text.chart-title { font-size:12px; font-weight:600; }
nav a { margin-right:14px; display:inline-block; }
a { color:#2458a6; }
.table-wrap { max-width:100%; overflow-x:auto; }
figure.chart { margin:8px 0 14px; max-width:100%; }
figcaption { color:var(--muted); font-size:12px; margin-top:4px; }
.swatch { display:inline-block; margin-right:14px; white-space:nowrap; }
.swatch span { display:inline-block; width:10px; height:10px; margin-right:5px;
  vertical-align:-1px; border:1px solid #9aa5b1; }
.callout { border-left:4px solid var(--warn); background:#fffaf0; padding:8px 12px;
  margin:10px 0; border-radius:4px; }
.callout ul { margin:4px 0 0; padding-left:20px; }
.meter { display:inline-block; width:120px; max-width:40%; height:10px; margin-left:8px;
  background:#f0f4f8; border-radius:2px; vertical-align:middle; }
.meter span { display:block; height:10px; background:var(--bar); border-radius:2px; }
.share { display:inline-block; min-width:52px; text-align:right;
  font-variant-numeric:tabular-nums; }
details { margin:8px 0; }
details > summary { cursor:pointer; padding:4px 0; }
details.suite { border-top:1px solid var(--line); }
details.problems > summary { color:var(--fail); }
.problem { border-left:4px solid var(--warn); background:#fff; padding:6px 10px;
  margin:6px 0; border-radius:4px; border-top:1px solid var(--line);
  border-right:1px solid var(--line); border-bottom:1px solid var(--line); }
.problem.fail { border-left-color:var(--fail); }
.problem > div { margin:2px 0; overflow-wrap:anywhere; }
p.all-passed { color:var(--pass); font-weight:600; }
.trend-grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(300px, 1fr));
  gap:12px; }
.trend { border:1px solid var(--line); border-radius:6px; padding:4px; min-width:0; }
.trend svg { width:100%; }
table.source-pairs td, table.source-pairs th { white-space:nowrap; }
table.runs code { overflow-wrap:normal; white-space:nowrap; }
table.runs td { white-space:nowrap; }
@media (max-width: 900px) {
  body { padding:12px; }
  section { padding:4px 12px 12px; }
  .card { min-width:120px; }
  th { white-space:normal; }
  th, td { padding:4px 6px; }
}
"""


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute; None becomes an empty string."""
    return "" if value is None else html.escape(str(value), quote=True)


def number(value: Any) -> float | None:
    """Return ``value`` as a finite float, or None when it is missing or not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def fmt_int(value: Any) -> str:
    """Format a count with thousands separators; ``"–"`` when unknown."""
    num = number(value)
    return "–" if num is None else f"{round(num):,}"


def fmt_float(value: Any, digits: int = 2) -> str:
    """Format a real number; ``"–"`` when unknown. Very small values use scientific notation."""
    num = number(value)
    if num is None:
        return "–"
    if num != 0 and abs(num) < 10 ** (-digits):
        return f"{num:.{digits}e}"
    return f"{num:,.{digits}f}"


def fmt_percent(value: Any) -> str:
    """Format a percentage (0–100) so that small non-zero values never show as 0%."""
    num = number(value)
    if num is None:
        return "–"
    if num == 0:
        return "0%"
    if 0 < abs(num) < 0.1:
        return "<0.1%"
    return f"{num:.1f}%"


def delta(
    current: Any, previous: Any, *, higher_is_better: bool | None = None, unit: str = ""
) -> str:
    """Render the change from ``previous`` to ``current`` as a coloured span.

    Args:
        current: This run's value.
        previous: The previous run's value (None on a first run).
        higher_is_better: Colours an increase green (True), red (False) or grey (None).
        unit: Appended to the number, e.g. ``" pt"`` for percentage points.

    Returns:
        ``<span class="delta up">+12</span>``, or ``<span class="delta flat">new</span>`` when
        there is nothing to compare with.
    """
    now, before = number(current), number(previous)
    if now is None or before is None:
        return '<span class="delta flat">new</span>' if now is not None else ""
    change = now - before
    if abs(change) < 1e-9:
        return '<span class="delta flat">±0</span>'
    text = f"{change:+,.1f}" if unit or not float(change).is_integer() else f"{round(change):+,}"
    direction = "flat"
    if higher_is_better is not None:
        direction = "up" if (change > 0) == higher_is_better else "down"
    return f'<span class="delta {direction}">{esc(text.replace("-", "−") + unit)}</span>'


def badge(status: str, label: str | None = None) -> str:
    """A coloured pass/warn/fail badge (grey for anything else), labelled with the status."""
    kind = status if status in {"pass", "warn", "fail"} else "none"
    return f'<span class="badge {kind}">{esc(label or status)}</span>'


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    css_class: str = "",
    empty: str = "No data.",
) -> str:
    """Build a table from already-escaped cell HTML.

    Args:
        headers: Column titles (plain text, escaped here).
        rows: Cells as HTML; callers escape values with ``esc``.
        numeric: Indexes of right-aligned numeric columns.
        css_class: Class of the ``<table>`` element.
        empty: Message shown instead of a table with no rows.

    Returns:
        The table HTML, or a paragraph saying there is no data.
    """
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        return f'<p class="empty">{esc(empty)}</p>'
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    cls = f' class="{esc(css_class)}"' if css_class else ""
    # A table wider than the page scrolls inside its own box, never the page sideways.
    return (
        f'<div class="table-wrap"><table{cls}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def cards(items: Iterable[tuple[str, str, str]]) -> str:
    """Headline figure cards from ``(label, value_html, delta_html)``."""
    parts = [
        f'<div class="card"><div class="value">{value}</div>'
        f'<div class="label">{esc(label)} {change}</div></div>'
        for label, value, change in items
    ]
    return f'<div class="cards">{"".join(parts)}</div>'


def section(anchor: str, title: str, body: str) -> str:
    """A titled section with an anchor for the page navigation."""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}</section>'


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML document (inline CSS, no external resources)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
