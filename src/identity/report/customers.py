"""Report sections about the golden customers: channels, source overlap, completeness, orders.

They draw ``RunReport.golden`` (``identity.golden.figures.golden_figures``) and
``RunReport.transactions``: counts and shares only.
"""

from __future__ import annotations

from typing import Any

from identity.report.charts import Bar, bar_chart
from identity.report.figures import ordered_sources
from identity.report.html import cards, esc, fmt_int, fmt_percent, number, table
from identity.report.model import RunReport

_MAX_COMBINATIONS = 16


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value or [] if isinstance(item, dict)]


def _percent(share: Any) -> str:
    value = number(share)
    return fmt_percent(None if value is None else 100 * value)


def _meter(share: Any) -> str:
    value = min(max(number(share) or 0.0, 0.0), 1.0)
    return f'<div class="meter"><span style="width:{100 * value:.1f}%"></span></div>'


def customers(report: RunReport) -> str:
    """Channel overlap, source-pair match rates, golden completeness and consent."""
    figures = report.golden or {}
    if not figures:
        return '<p class="empty">No golden records were built this run.</p>'
    total = number(figures.get("customers"))
    if not total:
        return '<p class="empty">The golden table has no customers this run.</p>'
    return (
        "<h3>Channel overlap</h3>"
        + _channels(figures)
        + "<h3>Source-pair match rates</h3>"
        + _pairs(figures, report)
        + "<h3>Golden record completeness</h3>"
        + _completeness(figures)
    )


def _channels(figures: dict[str, Any]) -> str:
    rows = _dicts(figures.get("channels"))
    total = number(figures.get("customers")) or 0.0
    multi = sum(number(r.get("customers")) or 0.0 for r in rows if (r.get("systems") or 0) > 1)
    bars = [Bar(_systems_label(r.get("systems")), number(r.get("customers")) or 0.0) for r in rows]
    chart = bar_chart(
        bars,
        title="Customers by number of source systems holding their records",
        x_label="source systems holding the customer",
        y_label="customers",
    )
    summary = cards(
        [
            ("customers", fmt_int(total), ""),
            ("seen in 2+ sources", fmt_int(multi), f"({_percent(multi / total)})"),
        ]
    )
    combos = [
        [esc(c.get("sources")), fmt_int(c.get("customers")), _percent(_ratio(c, total))]
        for c in _dicts(figures.get("combinations"))[:_MAX_COMBINATIONS]
    ]
    listing = table(
        ["sources", "customers", "share"], combos, numeric=(1, 2), css_class="combinations"
    )
    return (
        summary + f'<figure class="chart">{chart}<figcaption>How many source systems (CRM, shop, '
        "store, lead forms) hold at least one record of each customer.</figcaption></figure>"
        + f"<details><summary>Customers per combination of sources ({len(combos)})</summary>"
        + listing
        + "</details>"
    )


def _systems_label(systems: Any) -> str:
    count = number(systems)
    if not count:
        return "no source"
    return f"{fmt_int(count)} source" + ("" if count == 1 else "s")


def _ratio(row: dict[str, Any], total: float) -> float | None:
    value = number(row.get("customers"))
    return value / total if value is not None and total else None


def _pairs(figures: dict[str, Any], report: RunReport) -> str:
    pairs = _dicts(figures.get("source_pairs"))
    counts = figures.get("sources") or {}
    names = [n for n in ordered_sources(report) if n in counts] + [
        n for n in counts if n not in ordered_sources(report)
    ]
    if len(names) < 2:
        return '<p class="empty">Only one source holds customers: there is no pair to compare.</p>'
    found: dict[tuple[str, str], tuple[Any, Any]] = {}
    for p in pairs:
        left, right = str(p.get("left")), str(p.get("right"))
        found[(left, right)] = (p.get("customers"), p.get("left_share"))
        found[(right, left)] = (p.get("customers"), p.get("right_share"))
    rows = []
    for row in names:
        held = (counts.get(row) or {}).get("customers")
        cells = [f"<b>{esc(row)}</b> ({fmt_int(held)})"]
        for column in names:
            if row == column:
                cells.append('<span class="muted">–</span>')
                continue
            both, share = found.get((row, column), (None, None))
            cells.append(f"{_percent(share)} <span class='muted'>({fmt_int(both)})</span>")
        rows.append(cells)
    numeric = tuple(range(1, len(names) + 1))
    return (
        '<p class="muted">Each cell: the share of the row source\'s customers that the column '
        "source holds too (customers in both in brackets). Row totals are the source's "
        "customers.</p>"
        + table(
            ["customers of ↓ also in →", *names], rows, numeric=numeric, css_class="source-pairs"
        )
    )


def _completeness(figures: dict[str, Any]) -> str:
    rows = [
        [esc(r.get("label") or r.get("attribute")), fmt_int(r.get("customers")), _share_cell(r)]
        for r in _dicts(figures.get("completeness"))
    ]
    consent_rows = []
    for flag, counts in (figures.get("consent") or {}).items():
        if not isinstance(counts, dict):
            continue
        consent_rows.append(
            [
                esc(str(flag).replace("_", " ")),
                fmt_int(counts.get("granted")),
                fmt_int(counts.get("refused")),
                fmt_int(counts.get("unknown")),
                _share_cell({"share": counts.get("known_share")}),
            ]
        )
    return (
        '<p class="muted">Share of golden customers whose record has each attribute.</p>'
        + table(["attribute", "customers", "share"], rows, numeric=(1,), css_class="completeness")
        + "<h4>Consent (most restrictive statement wins)</h4>"
        + table(
            ["consent", "granted", "refused", "never stated", "known"],
            consent_rows,
            numeric=(1, 2, 3),
            css_class="consent",
            empty="No consent flags recorded.",
        )
    )


def _share_cell(row: dict[str, Any]) -> str:
    return f'<span class="share">{_percent(row.get("share"))}</span>{_meter(row.get("share"))}'


def transactions(report: RunReport) -> str:
    """The order and store-sale files read, and how many named a customer the run knows."""
    matched = (report.golden or {}).get("transactions") or {}
    by_source = matched.get("by_source") or {}
    read = (report.transactions or {}).get("by_source") or {}
    names = list(by_source) + [n for n in read if n not in by_source]
    if not names:
        return '<p class="empty">No order or store-sale files were read this run.</p>'
    rows, files = [], []
    for name in names:
        figures = by_source.get(name) or {}
        files += [
            [esc(name), esc(f.get("file")), fmt_int(f.get("rows"))]
            for f in _dicts(figures.get("files"))
        ]
        unmatched = number(figures.get("unmatched"))
        nobody = number(figures.get("no_customer_named"))
        rows.append(
            [
                esc(name),
                fmt_int(figures.get("rows", read.get(name))),
                fmt_int(figures.get("matched")),
                f"<b>{fmt_int(unmatched)}</b>",
                fmt_int(nobody),
                fmt_int(None if unmatched is None or nobody is None else unmatched - nobody),
                _percent(figures.get("matched_share")),
            ]
        )
    note = (
        '<p class="muted">Orders (Shopify, by customer email) and store sales (Square, by '
        "customer id) become touchpoints of the customer whose record they name. Unmatched "
        "rows name no customer (guest checkout, walk-in sale) or a record this run does not "
        "hold; they are counted here and published nowhere.</p>"
    )
    if not by_source:
        note += (
            '<p class="muted">Matching was not reached this run (no golden records): only '
            "rows read are known.</p>"
        )
    summary = table(
        [
            "source",
            "rows read",
            "matched",
            "unmatched",
            "no customer named",
            "unknown record",
            "matched share",
        ],
        rows,
        numeric=(1, 2, 3, 4, 5, 6),
        css_class="transactions",
    )
    listing = table(
        ["source", "file", "rows read"],
        files,
        numeric=(2,),
        css_class="transaction-files",
        empty="Files not recorded this run.",
    )
    return note + summary + "<h4>Files read</h4>" + listing
