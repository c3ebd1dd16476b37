"""Report part about how well the linkage model was trained: its parameters and their warnings.

A level whose m or u probability is (almost) 0 or 1 acts as a veto or a certainty: on a small
batch, EM can drive a rarely seen level there (on 300 people, date of birth "all other" once got
m = 5e-17, so any two records with different birth dates could never link). The report names
such levels, and the comparisons and passes training could not use.
"""

from __future__ import annotations

from typing import Any

from identity.report.html import esc, fmt_float, fmt_int, number, table

# m or u this close to 0 or 1 is a veto or a certainty, not an estimate.
EXTREME = 1e-6
# Below this many training records, rare levels rest on a handful of pairs.
FEW_TRAINING_RECORDS = 1_000


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value or [] if isinstance(item, dict)]


def weak_levels(parameters: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Levels whose trained m or u is within ``EXTREME`` of 0 or 1.

    Args:
        parameters: ``linkage["parameters"]`` rows (comparison, level, m, u).

    Returns:
        ``(comparison, level, why)`` per such level, in table order.
    """
    out = []
    for p in parameters:
        for key in ("m", "u"):
            value = number(p.get(key))
            if value is None:
                continue
            if value < EXTREME:
                why = f"{key} = {value:.2g}: this level all but vetoes a match"
                if key == "u":
                    why = f"u = {value:.2g}: this level all but forces a match"
            elif value > 1 - EXTREME:
                why = f"{key} = {value:.8f}: every other level of the comparison is starved"
            else:
                continue
            out.append((str(p.get("comparison")), str(p.get("level")), why))
    return out


def training_warnings(data: dict[str, Any]) -> list[str]:
    """Plain-text warnings about a weakly trained model, for the headline and the linkage part.

    Args:
        data: The run's linkage diagnostics.

    Returns:
        One line per weak level, untrained comparison, skipped training pass, and a note when
        the model was trained on few records; empty when training looks sound.
    """
    lines = [
        f"model: comparison {comparison}, level “{level}”: {why}"
        for comparison, level, why in weak_levels(_dicts(data.get("parameters")))
    ]
    design = data.get("design")
    if not isinstance(design, dict):
        design = {}
    # The design's notes on training (passes with too few pairs, comparisons left on default
    # m); its notes on blocking rules are about cost, not about how well the model learned.
    notes = [str(n) for n in design.get("notes") or [] if "train" in str(n)]
    notes += [str(n) for n in data.get("training_notes") or []]
    lines += [f"model: {note}" for note in notes]
    records = number(data.get("training_records"))
    if records is not None and 0 < records < FEW_TRAINING_RECORDS and lines:
        lines.append(
            f"model: trained on {fmt_int(records)} records only: rare levels rest on a few "
            "pairs; check the levels above before trusting this run's links"
        )
    return lines


def parameters(data: dict[str, Any]) -> str:
    """The trained m and u of every level, weak ones flagged, with what the columns mean."""
    rows_in = _dicts(data.get("parameters"))
    weak = {(c, lv) for c, lv, _ in weak_levels(rows_in)}
    rows = []
    for p in rows_in:
        flagged = (str(p.get("comparison")), str(p.get("level"))) in weak
        mark = ' <span class="badge warn">weak</span>' if flagged else ""
        rows.append(
            [
                esc(p.get("comparison")),
                esc(p.get("level")) + mark,
                fmt_float(p.get("m"), 4),
                fmt_float(p.get("u"), 4),
                fmt_float(p.get("bayes_factor"), 2),
                fmt_float(p.get("match_weight"), 2),
            ]
        )
    legend = (
        '<p class="muted legend"><b>m</b>: how often two records of the same person fall in the '
        "level; <b>u</b>: how often two records of different people do; <b>Bayes factor</b> = "
        "m / u, and <b>match weight</b> its log2 (added up over comparisons, with the prior, to "
        "score a pair). <b>–</b>: not estimated from this batch (no training pair fell in the "
        "level), so Splink scores it with its own default m and u. "
        '<span class="badge warn">weak</span>: m or u within 1e-6 of 0 or 1, a veto or a '
        "certainty rather than an estimate.</p>"
    )
    if not rows:
        return '<p class="empty">No trained parameters recorded.</p>'
    listing = table(
        ["comparison", "level", "m", "u", "Bayes factor", "match weight"],
        rows,
        numeric=(2, 3, 4, 5),
        css_class="parameters",
    )
    return (
        legend
        + f"<details><summary>m and u of all {fmt_int(len(rows))} levels ({fmt_int(len(weak))} "
        f"weak)</summary>{listing}</details>"
    )
