"""The analyst sections of the report on hand-made figures: what each shows, warns and hides.

Channel overlap, source-pair match rates, completeness, orders matched, vanished files, weakly
trained levels, accuracy, trend plots, the weight histogram and cluster sizes, failures first;
and the charts' axes on their own. The same sections on a real generated run, in Chromium, are
``test_report_sections.py``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from identity.report import RunReport, write_run_report
from identity.report.charts import Bin, Point, axis, histogram, line_chart, nice_step
from identity.report.training import training_warnings, weak_levels
from support.reports import HOSTILE, sample_report

GOLDEN: dict[str, Any] = {
    "customers": 10,
    "channels": [
        {"systems": 1, "customers": 6},
        {"systems": 2, "customers": 3},
        {"systems": 3, "customers": 0},
        {"systems": 4, "customers": 1},
    ],
    "combinations": [
        {"sources": "crm", "customers": 4},
        {"sources": "crm+ecommerce", "customers": 3},
        {"sources": HOSTILE, "customers": 2},
        {"sources": "crm+ecommerce+pos+social", "customers": 1},
    ],
    "sources": {
        "crm": {"customers": 8, "records": 9},
        "ecommerce": {"customers": 4, "records": 4},
        "pos": {"customers": 1, "records": 1},
        "social": {"customers": 3, "records": 3},
    },
    "source_pairs": [
        {
            "left": "crm",
            "right": "ecommerce",
            "customers": 4,
            "left_customers": 8,
            "right_customers": 4,
            "left_share": 0.5,
            "right_share": 1.0,
        }
    ],
    "completeness": [
        {"attribute": "email", "label": "email", "customers": 7, "share": 0.7},
        {"attribute": "address", "label": "postal address", "customers": 0, "share": 0.0},
    ],
    "consent": {
        "email_consent": {
            "granted": 3,
            "refused": 5,
            "unknown": 2,
            "granted_share": 0.3,
            "known_share": 0.8,
        }
    },
    "transactions": {
        "rows": 12,
        "matched": 9,
        "unmatched": 3,
        "by_source": {
            "ecommerce": {
                "rows": 12,
                "matched": 9,
                "unmatched": 3,
                "no_customer_named": 2,
                "matched_share": 0.75,
                "files": [{"file": "orders_export_1.csv", "rows": 12}],
            }
        },
    },
}


def _read(path: Path) -> str:
    return path.read_text("utf-8").replace("<wbr>", "")


def _section(html: str, anchor: str) -> str:
    start = html.index(f'<section id="{anchor}">')
    return html[start : html.index("</section>", start)]


def _report(run_id: str, day: int, **changes: Any) -> RunReport:
    base = sample_report(
        run_id, f"2026-01-0{day}T10:00:00+00:00", read=400, customers=300, bad_emails=0
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def page(tmp_path: Path) -> str:
    report = _report(
        "r1", 1, golden=GOLDEN, transactions={"rows": 12, "by_source": {"ecommerce": 12}}
    )
    return _read(write_run_report(report, tmp_path))


def test_channel_overlap_shows_customers_by_number_of_sources(page: str) -> None:
    part = _section(page, "customers")
    values = re.findall(r'<text class="value"[^>]*>([\d,]+)<', part)
    assert values == ["6", "3", "0", "1"]
    assert ">1 source<" in part and ">4 sources<" in part
    assert '<div class="value">4</div><div class="label">seen in 2+ sources (40.0%)' in part
    assert HOSTILE not in part and "&lt;script&gt;" in part  # combination names are escaped


def test_source_pairs_read_from_each_side(page: str) -> None:
    part = _section(page, "customers")
    table = part[part.index('<table class="source-pairs">') :]
    crm_row = table[table.index("<b>crm</b> (8)") :]
    crm_row = crm_row[: crm_row.index("</tr>")]
    shop_row = table[table.index("<b>ecommerce</b> (4)") :]
    shop_row = shop_row[: shop_row.index("</tr>")]
    assert "50.0% <span class='muted'>(4)</span>" in crm_row  # half the CRM is in the shop
    assert "100.0% <span class='muted'>(4)</span>" in shop_row  # all the shop is in the CRM
    assert "–" in crm_row  # a pair never measured (crm with pos) is unknown, not 0%


def test_completeness_and_consent_are_shares_of_customers(page: str) -> None:
    part = _section(page, "customers")
    assert re.search(
        r"<td>email</td><td class=\"num\">7</td><td><span class=\"share\">70\.0%", part
    )
    assert re.search(
        r"postal address</td><td class=\"num\">0</td><td><span class=\"share\">0%", part
    )
    assert "<td>email consent</td>" in part and "80.0%" in part


def test_orders_show_matched_and_unmatched_per_source_and_their_files(page: str) -> None:
    part = _section(page, "transactions")
    assert re.search(
        r"<td>ecommerce</td><td class=\"num\">12</td><td class=\"num\">9</td>"
        r"<td class=\"num\"><b>3</b></td><td class=\"num\">2</td><td class=\"num\">1</td>"
        r"<td class=\"num\">75\.0%</td>",
        part,
    )
    assert "orders_export_1.csv" in part


def test_orders_read_before_matching_show_rows_only(tmp_path: Path) -> None:
    report = _report("r1", 1, transactions={"rows": 5, "by_source": {"pos": 5}})
    part = _section(_read(write_run_report(report, tmp_path)), "transactions")
    assert "Matching was not reached this run" in part
    assert re.search(r"<td>pos</td><td class=\"num\">5</td><td class=\"num\">–</td>", part)


def test_sections_without_figures_say_so(tmp_path: Path) -> None:
    html = _read(
        write_run_report(RunReport("empty", "2026-01-01T00:00:00+00:00", "duckdb"), tmp_path)
    )
    assert "No golden records were built this run." in html
    assert "No order or store-sale files were read this run." in html
    assert '<section id="accuracy">' not in html and 'href="#accuracy"' not in html
    assert "Trend plots appear from the second run on." in html


def test_a_vanished_file_is_a_warning_with_its_rows_last_time(tmp_path: Path) -> None:
    first = _report("r1", 1, golden=GOLDEN)
    write_run_report(first, tmp_path)
    sources = {"crm": {**first.sources["crm"], "files": first.sources["crm"]["files"][:1]}}
    golden = {**GOLDEN, "transactions": {**GOLDEN["transactions"], "by_source": {}}}
    html = _read(write_run_report(_report("r2", 2, sources=sources, golden=golden), tmp_path))
    headline = _section(html, "headline")
    assert (
        "crm/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: read last run (10 rows)" in headline
    )
    assert "ecommerce/orders_export_1.csv: 12 orders or sales last run, file missing" in headline
    assert "social" not in headline.split("callout")[1].split("</div>")[0]  # it had no files


def test_no_previous_run_and_unchanged_files_give_no_file_warning(tmp_path: Path) -> None:
    write_run_report(_report("r1", 1), tmp_path)
    html = _read(write_run_report(_report("r2", 2), tmp_path))
    assert "missing this run" not in html


def _weak_linkage() -> dict[str, Any]:
    return {
        "records": 600,
        "customers": 300,
        "parameters": [
            {"comparison": "date_of_birth", "level": "All other", "m": 5e-17, "u": 0.98},
            {"comparison": "email", "level": "exact", "m": 0.8, "u": 3e-9},
            {"comparison": "phone", "level": "exact", "m": 0.99999999, "u": 0.001},
            {"comparison": "name", "level": "both fuzzy", "m": None, "u": 0.01},
            {"comparison": "name", "level": "exact", "m": 0.7, "u": 0.002},
        ],
        "design": {
            "notes": [
                "training pass on postcode_dob_year skipped: 18 pairs (needs 30 to 20,000,000)",
                "blocking rule dob dropped: it would add 99,999 comparisons (budget 20,000)",
            ],
        },
        "training_records": 600,
    }


def test_levels_at_zero_or_one_are_weak() -> None:
    weak = weak_levels(_weak_linkage()["parameters"])
    assert [(c, lv) for c, lv, _ in weak] == [
        ("date_of_birth", "All other"),
        ("email", "exact"),
        ("phone", "exact"),
    ]
    assert "5e-17" in weak[0][2] and "vetoes" in weak[0][2]
    lines = training_warnings(_weak_linkage())
    assert any("postcode_dob_year skipped: 18 pairs" in line for line in lines)
    assert not any("blocking rule" in line for line in lines)  # cost, not training
    assert "trained on 600 records only" in lines[-1]


def test_a_sound_model_gets_no_training_warning() -> None:
    sound = {"parameters": [{"comparison": "email", "level": "exact", "m": 0.8, "u": 0.001}]}
    assert training_warnings({**sound, "training_records": 500}) == []


def test_weak_levels_are_flagged_in_the_headline_and_the_parameter_table(tmp_path: Path) -> None:
    html = _read(write_run_report(_report("r1", 1, linkage=_weak_linkage()), tmp_path))
    headline = _section(html, "headline")
    assert "comparison date_of_birth, level “All other”: m = 5e-17" in headline
    linkage = _section(html, "linkage")
    assert "Weakly trained model" in linkage
    assert linkage.count('<span class="badge warn">weak</span>') == 3 + 1  # 3 rows + legend
    assert "<b>–</b>: not estimated from this batch" in linkage


def test_accuracy_shows_pairwise_and_b_cubed(tmp_path: Path) -> None:
    linkage = {
        **sample_report("r", "2026", read=1, customers=1, bad_emails=0).linkage,
        "pairwise": {
            "records": 612,
            "precision": 0.98,
            "recall": 0.91,
            "f1": 0.9437,
            "bcubed_precision": 0.99,
            "bcubed_recall": 0.95,
            "bcubed_f1": 0.9696,
        },
    }
    html = _read(write_run_report(_report("r1", 1, linkage=linkage), tmp_path))
    part = _section(html, "accuracy")
    assert "<b>0.9437</b>" in part and "<b>0.9696</b>" in part and "over 612 records" in part
    assert html.index('<section id="accuracy">') < html.index('<section id="trends">')


def test_trend_plots_cover_every_run_oldest_first(tmp_path: Path) -> None:
    for day, customers in ((1, 300), (2, 320), (3, 310)):
        report = _report(f"r{day}", day)
        report.linkage["customers"] = customers
        index = write_run_report(report, tmp_path)
    part = _section(_read(index), "trends")
    charts = re.findall(r"<svg.*?</svg>", part, re.S)
    assert len(charts) == 5
    customers_chart = next(c for c in charts if ">customers · latest 310<" in c)
    titles = re.findall(r"<title>(r\d) \([^)]*\): ([\d,]+)</title>", customers_chart)
    assert titles == [("r1", "300"), ("r2", "320"), ("r3", "310")]
    assert "2026-01-01" in customers_chart and "2026-01-03" in customers_chart
    run1 = _section(_read(tmp_path / "runs" / "r1.html"), "trends")
    assert "Trend plots appear from the second run on." in run1  # a run page plots its past


def test_the_histogram_marks_the_threshold_and_the_unscored_range(tmp_path: Path) -> None:
    linkage = {
        **_report("r", 1).linkage,
        "match_weight_histogram": [
            {"bin_start": float(w), "bin_end": float(w + 1), "count": c}
            for w, c in zip(range(0, 30), [512, 3, 1] + [0] * 26 + [7], strict=True)
        ],
        "threshold_match_weight": 0.0,
        "scoring_floor_match_weight": 0.0,
        "scored_pairs": 523,
        "blocking_rules": [{"rule": "email", "comparisons": 700, "cumulative": 700}],
    }
    part = _section(_read(write_run_report(_report("r1", 1, linkage=linkage), tmp_path)), "linkage")
    svg = part[part.index("<h3>Match weight distribution</h3>") :]
    svg = svg[svg.index("<svg") : svg.index("</svg>")]
    assert 'class="threshold"' in svg and "threshold 0: pairs at or above it link" in svg
    assert 'class="unscored"' in svg
    y_ticks = re.findall(r'<text x="54" y="[\d.]+" text-anchor="end">([^<]+)</text>', svg)
    assert y_ticks == ["0", "200", "400", "600"]  # no "512.5 pairs"
    assert "177 of 700 candidate pairs" in part


def test_cluster_sizes_are_bucketed(tmp_path: Path) -> None:
    sizes = [{"size": n, "count": c} for n, c in ((1, 2207), (2, 46), (5, 4), (7, 2), (30, 1))]
    linkage = {**_report("r", 1).linkage, "cluster_sizes": sizes}
    part = _section(_read(write_run_report(_report("r1", 1, linkage=linkage), tmp_path)), "linkage")
    block = part[part.index("<h3>Cluster sizes</h3>") : part.index("<h3>Blocking rules")]
    labels = re.findall(r'<text x="[\d.]+" y="228" text-anchor="middle">([^<]+)</text>', block)
    assert labels == ["1", "2", "3", "4–5", "6–10", "11+"]
    values = re.findall(r'<text class="value"[^>]*>([\d,]+)<', block)
    assert values == ["2,207", "46", "0", "4", "2", "1"]
    headline = _section(_read(tmp_path / "index.html"), "headline")
    assert '<div class="value">53</div><div class="label">customers with 2+ records' in headline
    # 46 pairs, 4 of five, 2 of seven and one of thirty: records actually linked.
    assert f'<div class="value">{46 * 2 + 4 * 5 + 2 * 7 + 30}</div>' in headline


def test_failures_come_first_and_passing_suites_are_collapsed(tmp_path: Path) -> None:
    html = _read(write_run_report(_report("r1", 1, quality=_report("x", 1).quality), tmp_path))
    part = _section(html, "quality")
    assert "Every expectation of every suite passed." in part
    assert " open>" not in part
    failing = sample_report("r2", "2026-01-02T10:00:00+00:00", read=9, customers=9, bad_emails=20)
    part = _section(_read(write_run_report(failing, tmp_path)), "quality")
    problems = part[part.index('<details class="problems" open>') : part.index("</details>")]
    assert problems.index('class="problem fail"') < problems.index('class="problem warn"')
    assert "(1 blocking, 1 warnings)" in problems
    assert part.index('id="suite-1"') < part.index('id="suite-0"')  # contacts fails: first


def test_axes_have_round_ticks() -> None:
    assert nice_step(512, 4, integer=True) == 200
    assert nice_step(3, 4, integer=True) == 1
    assert axis(0, 512.5, integer=True).ticks == (0, 200, 400, 600)
    assert axis(0, 0, integer=True).ticks == (0, 1)
    rates = axis(0.974, 0.98)
    assert rates.low <= 0.974 and rates.high >= 0.98 and len(rates.ticks) <= 6


def test_charts_draw_gaps_and_empty_data() -> None:
    chart = line_chart([Point("a", 1), Point("b", None), Point("c", 3)], title="t")
    assert chart.count("<circle") == 2 and "<polyline" not in chart  # no segment spans a gap
    assert "no data" in line_chart([Point("a", None)], title="t")
    assert "No pairs were scored." in histogram([], title="t", x_label="x", y_label="y")
    one = histogram([Bin(3, 4, 1)], title="t", x_label="x", y_label="y", threshold=0, floor=0)
    assert 'class="threshold"' in one
