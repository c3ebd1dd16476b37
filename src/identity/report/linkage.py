"""Report section about probabilistic linkage: model, score distribution, clusters, waterfalls."""

from __future__ import annotations

from typing import Any

from identity.report.charts import Bar, bar_chart
from identity.report.design import design
from identity.report.html import cards, esc, fmt_float, fmt_int, number, table

_MAX_WATERFALLS = 10


def linkage(data: dict[str, Any]) -> str:
    """Headline linkage figures, parameters, histogram, cluster sizes, blocking, waterfalls."""
    if not data:
        return '<p class="empty">No linkage results for this run yet.</p>'
    parts = [_figures(data)]
    parts.append("<h3>Data profile and model design</h3>" + design(data))
    parts.append("<h3>Model parameters</h3>" + _parameters(_dicts(data.get("parameters"))))
    parts.append(
        "<h3>Match weight distribution</h3>"
        + bar_chart(
            _histogram_bars(_dicts(data.get("match_weight_histogram"))),
            title="Pairwise match weights",
            x_label="match weight (log2 Bayes factor)",
            y_label="pairs",
        )
    )
    parts.append(
        "<h3>Cluster sizes</h3>"
        + bar_chart(
            [
                Bar(fmt_int(c.get("size")), number(c.get("count")) or 0.0)
                for c in sorted(
                    _dicts(data.get("cluster_sizes")), key=lambda c: number(c.get("size")) or 0
                )
            ],
            title="Customers by number of source records",
            x_label="records per customer",
            y_label="customers",
            log=True,
        )
    )
    parts.append("<h3>Blocking rules</h3>" + _blocking_rules(_dicts(data.get("blocking_rules"))))
    parts.append("<h3>Sample waterfalls</h3>" + _waterfalls(_dicts(data.get("waterfalls"))))
    return "".join(parts)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value or [] if isinstance(item, dict)]


def _figures(data: dict[str, Any]) -> str:
    items = [
        ("records linked", fmt_int(data.get("records")), ""),
        ("customers", fmt_int(data.get("customers")), ""),
        ("largest cluster", fmt_int(data.get("largest_cluster")), ""),
    ]
    pairwise = data.get("pairwise") or {}
    if isinstance(pairwise, dict):
        for key in ("precision", "recall", "f1"):
            if number(pairwise.get(key)) is not None:
                items.append((f"pairwise {key} (vs truth)", fmt_float(pairwise.get(key), 3), ""))
    return cards(items)


def _parameters(parameters: list[dict[str, Any]]) -> str:
    rows = [
        [
            esc(p.get("comparison")),
            esc(p.get("level")),
            fmt_float(p.get("m"), 4),
            fmt_float(p.get("u"), 4),
            fmt_float(p.get("bayes_factor"), 2),
        ]
        for p in parameters
    ]
    return table(
        ["comparison", "level", "m", "u", "Bayes factor"],
        rows,
        numeric=(2, 3, 4),
        css_class="parameters",
        empty="No trained parameters recorded.",
    )


def _histogram_bars(bins: list[dict[str, Any]]) -> list[Bar]:
    ordered = sorted(bins, key=lambda b: number(b.get("bin_start")) or 0.0)
    bars = []
    for b in ordered:
        start, end = number(b.get("bin_start")), number(b.get("bin_end"))
        label = f"{fmt_float(start, 1)}–{fmt_float(end, 1)}"
        # Negative weights mean the evidence is against a match: drawn in a second colour.
        bars.append(Bar(label, number(b.get("count")) or 0.0, negative=(end or 0.0) <= 0.0))
    return bars


def _blocking_rules(rules: list[dict[str, Any]]) -> str:
    rows = [[f"<code>{esc(r.get('rule'))}</code>", fmt_int(r.get("comparisons"))] for r in rules]
    return table(
        ["rule", "comparisons"],
        rows,
        numeric=(1,),
        css_class="blocking-rules",
        empty="No blocking rules recorded.",
    )


def _waterfalls(waterfalls: list[dict[str, Any]]) -> str:
    if not waterfalls:
        return '<p class="empty">No sample clusters recorded.</p>'
    parts = []
    for waterfall in waterfalls[:_MAX_WATERFALLS]:
        records = waterfall.get("records") or []
        parts.append(f"<h4>Cluster <code>{esc(waterfall.get('cluster_id'))}</code></h4>")
        if records:
            items = "".join(f"<li>{_record(r)}</li>" for r in records)
            parts.append(f'<ul class="records">{items}</ul>')
        for pair in _dicts(waterfall.get("pairs")):
            parts.append(_pair(pair))
    return "".join(parts)


def _record(record: Any) -> str:
    if isinstance(record, dict):
        return ", ".join(f"{esc(k)}: <code>{esc(v)}</code>" for k, v in record.items())
    return f"<code>{esc(record)}</code>"


def _pair(pair: dict[str, Any]) -> str:
    terms = _dicts(pair.get("terms"))
    scale = max((abs(number(t.get("weight")) or 0.0) for t in terms), default=0.0) or 1.0
    rows = [
        [
            esc(t.get("comparison")),
            esc(t.get("level")),
            fmt_float(t.get("weight"), 2),
            _bar(t, scale),
        ]
        for t in terms
    ]
    rows.append(["<b>match weight</b>", "", f"<b>{fmt_float(pair.get('match_weight'), 2)}</b>", ""])
    title = f"<p><code>{esc(pair.get('left'))}</code> ↔ <code>{esc(pair.get('right'))}</code></p>"
    return title + table(
        ["comparison", "level", "weight", "contribution"],
        rows,
        numeric=(2,),
        css_class="waterfall",
    )


def _bar(term: dict[str, Any], scale: float) -> str:
    """A bar growing right (evidence for a match) or left (against) from the centre line."""
    weight = number(term.get("weight")) or 0.0
    width = 50.0 * abs(weight) / scale
    if weight >= 0:
        span = f'<span class="pos" style="left:50%;width:{width:.1f}%"></span>'
    else:
        span = f'<span class="neg" style="left:{50.0 - width:.1f}%;width:{width:.1f}%"></span>'
    return f'<div class="hbar">{span}<span class="mid"></span></div>'
