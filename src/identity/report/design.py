"""Report section: what the batch held and the model linkage chose for it."""

from __future__ import annotations

from typing import Any

from identity.report.html import esc, fmt_int, fmt_percent, number, table


def design(data: dict[str, Any]) -> str:
    """The data profile (per source and attribute) and the chosen comparisons, rules and passes.

    Args:
        data: The run's linkage diagnostics (``profile``, ``design``, ``design_summary``...).

    Returns:
        HTML; a short note when the run recorded no design.
    """
    chosen = data.get("design")
    profile = data.get("profile")
    if not isinstance(chosen, dict) or not isinstance(profile, dict):
        return '<p class="empty">No data profile was recorded for this run.</p>'
    parts = [f'<p class="design-summary"><strong>{esc(data.get("design_summary"))}</strong></p>']
    parts.append(_profile_table(profile))
    parts.append(_choices(chosen, data))
    notes = [str(n) for n in chosen.get("notes") or []]
    notes += [str(n) for n in data.get("training_notes") or []]
    if notes:
        items = "".join(f"<li>{esc(note)}</li>" for note in notes)
        parts.append(f'<h4>What the model could not use</h4><ul class="notes">{items}</ul>')
    return "".join(parts)


def _profile_table(profile: dict[str, Any]) -> str:
    by_source = profile.get("by_source") or {}
    overall = profile.get("overall") or {}
    attributes = list(overall)
    rows = []
    for attribute in attributes:
        cells = [esc(attribute.replace("_", " "))]
        for source in sorted(by_source):
            stats = (by_source[source] or {}).get(attribute) or {}
            cells.append(_share(stats))
        cells.append(_share(overall.get(attribute) or {}))
        rows.append(cells)
    headers = ["attribute"]
    headers += [f"{source} ({fmt_int(n)})" for source, n in sorted(profile["sources"].items())]
    headers.append(f"all ({fmt_int(profile.get('records'))})")
    numeric = list(range(1, len(headers)))
    return "<h4>Data profile: share of records with a value (distinct values)</h4>" + table(
        headers, rows, numeric=numeric, css_class="profile", empty="No records."
    )


def _share(stats: dict[str, Any]) -> str:
    share = number(stats.get("share"))
    if share is None:
        return "–"
    return f"{fmt_percent(100 * share)} ({fmt_int(stats.get('distinct'))})"


def _choices(chosen: dict[str, Any], data: dict[str, Any]) -> str:
    counts = chosen.get("rule_comparisons") or {}
    kept = set(chosen.get("blocking_rules") or [])
    rules = [
        [esc(name), fmt_int(count), "used" if name in kept else "dropped (over budget)"]
        for name, count in counts.items()
    ]
    rows = [
        ["link type", esc(chosen.get("link_type"))],
        ["comparisons", esc(", ".join(chosen.get("comparisons") or []) or "none")],
        ["absent attributes", esc(", ".join(chosen.get("absent") or []) or "none")],
        ["training passes (EM)", esc(", ".join(chosen.get("em_passes") or []) or "none")],
        [
            "comparisons on default m",
            esc(", ".join(chosen.get("untrained") or []) or "none: all trained"),
        ],
        ["prior from", esc(data.get("prior_source"))],
        ["trained on", f"{fmt_int(data.get('training_records'))} records"],
    ]
    return (
        "<h4>Model design</h4>"
        + table(["choice", "value"], rows, css_class="design")
        + f"<details><summary>Candidate blocking rules ({len(rules)}, "
        f"{len([r for r in counts if r in kept])} used)</summary>"
        + table(
            ["rule", "comparisons", "status"],
            rules,
            numeric=[1],
            css_class="rules",
            empty="No blocking rule fits this data.",
        )
        + "</details>"
    )
