"""Report section about probabilistic linkage: model, score distribution, clusters, waterfalls."""

from __future__ import annotations

from typing import Any

from identity.report.charts import Bar, Bin, bar_chart, histogram, swatch
from identity.report.design import design
from identity.report.html import cards, esc, fmt_float, fmt_int, number, table
from identity.report.training import parameters, training_warnings

_MAX_WATERFALLS = 10


def linkage(data: dict[str, Any]) -> str:
    """Headline linkage figures, parameters, histogram, cluster sizes, blocking, waterfalls."""
    if not data:
        return '<p class="empty">No linkage results for this run yet.</p>'
    parts = [_figures(data)]
    parts.append("<h3>Data profile and model design</h3>" + design(data))
    warnings = training_warnings(data)
    parts.append("<h3>Model parameters</h3>" + _callout(warnings) + parameters(data))
    parts.append("<h3>Match weight distribution</h3>" + _histogram(data))
    parts.append("<h3>Cluster sizes</h3>" + _cluster_sizes(_dicts(data.get("cluster_sizes"))))
    parts.append("<h3>Blocking rules</h3>" + _blocking_rules(_dicts(data.get("blocking_rules"))))
    parts.append("<h3>Sample waterfalls</h3>" + _waterfalls(_dicts(data.get("waterfalls"))))
    return "".join(parts)


def _callout(lines: list[str]) -> str:
    if not lines:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return (
        '<div class="callout warn" role="note"><b>Weakly trained model: check before trusting '
        f"its links</b><ul>{items}</ul></div>"
    )


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value or [] if isinstance(item, dict)]


def _figures(data: dict[str, Any]) -> str:
    sizes = [
        (number(c.get("size")), number(c.get("count"))) for c in _dicts(data.get("cluster_sizes"))
    ]
    multi = [(s, c) for s, c in sizes if s and c and s > 1]
    items = [
        ("records clustered (one-record customers too)", fmt_int(data.get("records")), ""),
        ("customers", fmt_int(data.get("customers")), ""),
        (
            "records in a multi-record customer",
            fmt_int(sum(s * c for s, c in multi) if sizes else None),
            "",
        ),
        ("largest customer (records)", fmt_int(data.get("largest_cluster")), ""),
        ("pairs scored", fmt_int(data.get("scored_pairs")), ""),
        ("links kept", fmt_int(data.get("links")), ""),
    ]
    pairwise = data.get("pairwise") or {}
    if isinstance(pairwise, dict):
        for key in ("precision", "recall", "f1"):
            if number(pairwise.get(key)) is not None:
                items.append((f"pairwise {key} (vs truth)", fmt_float(pairwise.get(key), 3), ""))
    return cards(items)


def _histogram(data: dict[str, Any]) -> str:
    bins = [
        Bin(
            number(b.get("bin_start")) or 0.0,
            number(b.get("bin_end")) or 0.0,
            number(b.get("count")) or 0.0,
        )
        for b in _dicts(data.get("match_weight_histogram"))
        if number(b.get("bin_start")) is not None and number(b.get("bin_end")) is not None
    ]
    threshold = number(data.get("threshold_match_weight"))
    floor = number(data.get("scoring_floor_match_weight"))
    if floor is None and threshold is not None and bins:
        # Runs before the floor was recorded scored from the threshold (the default floor, 0).
        floor = min(threshold, 0.0)
    chart = histogram(
        bins,
        title="Match weights of scored pairs",
        x_label="match weight (log2 Bayes factor, prior included)",
        y_label="pairs",
        threshold=threshold,
        floor=floor,
    )
    legend = [swatch("linked", "at or above the threshold: linked")]
    if threshold is not None and floor is not None and floor < threshold:
        legend.append(swatch("unlinked", "scored, below the threshold: not linked"))
    caption = "".join(legend)
    if floor is not None:
        caption += swatch("unscored", f"below {fmt_float(floor, 1)}: not scored")
        candidates = _candidates(data)
        scored = number(data.get("scored_pairs"))
        below = None if candidates is None or scored is None else max(candidates - scored, 0.0)
        caption += (
            f"<br>Pairs the blocking rules proposed with a weight below {fmt_float(floor, 1)} "
            "(the scoring floor) are not kept, so they are not drawn"
            + (
                f": {fmt_int(below)} of {fmt_int(candidates)} candidate pairs"
                f"{' (estimated)' if _estimated(data) else ''}."
                if below is not None
                else "."
            )
        )
    return f'<figure class="chart">{chart}<figcaption>{caption}</figcaption></figure>'


def _candidates(data: dict[str, Any]) -> float | None:
    rules = _dicts(data.get("blocking_rules"))
    totals = [number(r.get("cumulative")) for r in rules]
    known = [t for t in totals if t is not None]
    if known:
        return max(known)
    counts = [number(r.get("comparisons")) for r in rules]
    return sum(c for c in counts if c is not None) if any(c is not None for c in counts) else None


def _estimated(data: dict[str, Any]) -> bool:
    return any(r.get("estimated") for r in _dicts(data.get("blocking_rules")))


# Customers by records held: singletons, pairs and triples each alone, larger ones grouped.
SIZE_BUCKETS = [(1, 1), (2, 2), (3, 3), (4, 5), (6, 10), (11, None)]


def _cluster_sizes(sizes: list[dict[str, Any]]) -> str:
    if not sizes:
        return '<p class="empty">No clusters recorded.</p>'
    bars = []
    for low, high in SIZE_BUCKETS:
        count = sum(
            number(c.get("count")) or 0.0
            for c in sizes
            if (size := number(c.get("size"))) is not None
            and size >= low
            and (high is None or size <= high)
        )
        label = str(low) if low == high else f"{low}+" if high is None else f"{low}–{high}"
        bars.append(Bar(label, count))
    while len(bars) > 3 and not bars[-1].value:  # no empty tail of large sizes
        bars.pop()
    chart = bar_chart(
        bars,
        title="Customers by number of source records",
        x_label="source records per customer",
        y_label="customers",
    )
    return (
        f'<figure class="chart">{chart}<figcaption>A customer of size 1 is a record nothing else '
        "matched; sizes 4 and up are grouped.</figcaption></figure>"
    )


def _blocking_rules(rules: list[dict[str, Any]]) -> str:
    rows = [[f"<code>{esc(r.get('rule'))}</code>", fmt_int(r.get("comparisons"))] for r in rules]
    if not rows:
        return '<p class="empty">No blocking rules recorded.</p>'
    listing = table(["rule", "comparisons"], rows, numeric=(1,), css_class="blocking-rules")
    return (
        f"<details><summary>The {fmt_int(len(rows))} rules that proposed pairs, with the "
        f"comparisons each added ({fmt_int(_candidates({'blocking_rules': rules}))} in all)"
        f"</summary>{listing}</details>"
    )


def _waterfalls(waterfalls: list[dict[str, Any]]) -> str:
    if not waterfalls:
        return '<p class="empty">No sample clusters recorded.</p>'
    parts = [
        '<p class="muted">The largest customers, and for each link the weight every comparison '
        "added (right: evidence for one person, left: against). Each opens on a click.</p>"
    ]
    for waterfall in waterfalls[:_MAX_WATERFALLS]:
        records = waterfall.get("records") or []
        pairs = _dicts(waterfall.get("pairs"))
        body = []
        if records:
            items = "".join(f"<li>{_record(r)}</li>" for r in records)
            body.append(f'<ul class="records">{items}</ul>')
        body += [_pair(pair) for pair in pairs]
        parts.append(
            f'<details class="waterfall"><summary>Cluster <code>'
            f'{esc(waterfall.get("cluster_id"))}</code> <span class="muted">'
            f"{fmt_int(len(records))} records, {fmt_int(len(pairs))} links</span></summary>"
            f"{''.join(body)}</details>"
        )
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
