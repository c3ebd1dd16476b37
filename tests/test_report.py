"""The analyst report: content, escaping, history and trends, and no external resources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from identity.report import RunReport, load_runs, write_run_report
from support.reports import HOSTILE, sample_report

EXTERNAL = re.compile(r"https?://|//cdn|<script\s+src|<link\b", re.IGNORECASE)


@pytest.fixture
def two_runs(tmp_path: Path) -> Path:
    write_run_report(
        sample_report("run-1", "2026-01-01T10:00:00+00:00", read=400, customers=320, bad_emails=0),
        tmp_path,
    )
    write_run_report(
        sample_report("run-2", "2026-01-02T10:00:00+00:00", read=500, customers=350, bad_emails=20),
        tmp_path,
    )
    return tmp_path


def _read(path: Path) -> str:
    # Long expectation names carry <wbr> wrap hints; tests look for the names themselves.
    return path.read_text(encoding="utf-8").replace("<wbr>", "")


def test_writes_run_data_run_pages_and_the_index(two_runs: Path) -> None:
    assert (two_runs / "index.html").is_file()
    for name in ("run-1.json", "run-1.html", "run-2.json", "run-2.html"):
        assert (two_runs / "runs" / name).is_file()
    saved = json.loads(_read(two_runs / "runs" / "run-2.json"))
    assert saved["run_id"] == "run-2" and saved["linkage"]["customers"] == 350
    index = write_run_report(RunReport("run-3", "2026-01-03T10:00:00+00:00", "spark"), two_runs)
    assert index == two_runs / "index.html"


def test_pages_reference_nothing_external(two_runs: Path) -> None:
    for path in [two_runs / "index.html", *sorted((two_runs / "runs").glob("*.html"))]:
        text = _read(path)
        assert EXTERNAL.search(text) is None, path.name
        assert "<script" not in text and "<img" not in text and "@import" not in text
        assert "<style>" in text  # inline CSS only


def test_every_value_is_html_escaped(two_runs: Path) -> None:
    for path in [two_runs / "index.html", two_runs / "runs" / "run-2.html"]:
        text = _read(path)
        assert HOSTILE not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text


def test_index_shows_the_expectation_table_of_the_latest_run(two_runs: Path) -> None:
    text = _read(two_runs / "index.html")
    assert text.count('<table class="expectations">') == 2
    # Suites are listed worst first: crm_raw (a warning) after contacts (a blocking failure).
    table = text[text.index('<details class="suite" id="suite-0">') :]
    table = table[table.index('<table class="expectations">') : table.index("</table>")]
    assert "expect_column_values_to_match_regex" in table
    assert '<span class="badge warn">warn</span>' in table
    assert "<code>j***@g****.com</code>" in table
    assert '<td class="num">20</td><td class="num">4.0%</td>' in table
    assert "Email is the strongest identifier." in table
    assert '<span class="badge fail">fail</span>' in text  # contacts has a blocking failure


def test_runs_are_listed_newest_first_with_links_and_deltas(two_runs: Path) -> None:
    text = _read(two_runs / "index.html")
    runs = text[text.index('<table class="runs">') :]
    assert runs.index('href="runs/run-2.html"') < runs.index('href="runs/run-1.html"')
    assert '510 <span class="delta flat">+100</span>' in runs
    assert 'Latest run <a href="runs/run-2.html">' in text


def test_trends_compare_with_the_previous_run(two_runs: Path) -> None:
    text = _read(two_runs / "index.html")
    trends = text[text.index('<table class="trends">') :]
    trends = trends[: trends.index("</table>")]
    assert re.search(r"crm: rows read</td>.*?510.*?410.*?\+100", trends)
    assert re.search(r"customers</td>.*?350.*?320.*?\+30", trends)
    assert re.search(r"crm_raw \(crm\): email valid</td>.*?96\.0%.*?100\.0%.*?−4\.0 pt", trends)
    assert re.search(r"quarantined rows \(all sources\)</td>.*?5.*?5.*?±0", trends)
    run_page = _read(two_runs / "runs" / "run-2.html")
    assert "compared with run <code>run-1</code>" in run_page
    assert 'href="../index.html"' in run_page
    assert "First run: trends appear" in _read(two_runs / "runs" / "run-1.html")


def test_sections_show_sources_quarantine_linkage_and_churn(two_runs: Path) -> None:
    text = _read(two_runs / "index.html")
    for anchor in (
        "headline",
        "trends",
        "runs",
        "sources",
        "quality",
        "quarantine",
        "linkage",
        "churn",
    ):
        assert f'<section id="{anchor}">' in text
    # contacts.csv balances (500 = 495 + 5 + 0 erased); the second file does not (10 != 9 + 0).
    assert re.search(
        r"contacts\.csv</td>(<td[^>]*>[^<]*</td>){4}<td><span class=\"badge pass\"", text
    )
    assert re.search(
        r"/script&gt;</td>(<td[^>]*>[^<]*</td>){4}<td><span class=\"badge fail\"", text
    )
    assert "No files for this source this run." in text
    assert re.search(r"missing id</td><td class=\"num\">3</td>", text)
    linkage = text[text.index('<section id="linkage">') :]
    assert linkage.count("<svg") == 2
    assert linkage.count("<rect") == 8 + 4  # histogram bins + cluster sizes 1, 2, 3, 4–5
    assert "<code>l.email = r.email</code>" in text and "1,234" in text
    assert "9,000.00" in text and "0.0001" in text
    assert 'class="pos" style="left:50%;width:50.0%"' in text  # email term, the largest
    assert "0.944" in text
    assert re.search(r"merged</td><td class=\"num\">2</td>", text)


def test_a_first_run_with_empty_sections_still_renders(tmp_path: Path) -> None:
    index = write_run_report(RunReport("first", "2026-01-01T00:00:00+00:00", "spark"), tmp_path)
    text = _read(index)
    assert "No source data this run." in text
    assert "No data-quality results for this run." in text
    assert "Nothing was quarantined." in text
    assert "No linkage results for this run yet." in text
    assert "No id changes recorded" in text
    assert "first run: nothing to compare with" in text
    assert EXTERNAL.search(text) is None


def test_partial_and_malformed_sections_do_not_break_the_page(tmp_path: Path) -> None:
    report = RunReport(
        "odd",
        "2026-01-01T00:00:00+00:00",
        "duckdb",
        sources={"pos": {"files": [{"file": "a.csv"}, "junk"]}},
        quality=[{"suite": "pos_raw", "outcomes": [{"expectation_type": "x", "success": False}]}],
        quarantine_by_reason={"pos": {"bad phone": None}},
        linkage={
            "customers": None,
            "match_weight_histogram": [{"count": "n/a"}],
            "waterfalls": [{"pairs": [{"terms": [{"weight": None}]}]}],
        },
        id_churn={"new": 3},
    )
    text = _read(write_run_report(report, tmp_path))
    assert '<span class="badge warn">warn</span>' in text
    assert "<code>x</code>" in text
    assert "a.csv" in text


def test_run_ids_cannot_escape_the_runs_folder(tmp_path: Path) -> None:
    write_run_report(RunReport("../../evil run", "2026-01-01T00:00:00+00:00", "spark"), tmp_path)
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [
        "_.._evil_run.html",
        "_.._evil_run.json",
    ]
    assert not (tmp_path.parent / "evil run.json").exists()


def test_history_round_trips_and_skips_unreadable_files(two_runs: Path) -> None:
    (two_runs / "runs" / "broken.json").write_text("{", encoding="utf-8")
    runs = load_runs(two_runs)
    assert [run.run_id for run in runs] == ["run-2", "run-1"]
    expected = sample_report(
        "run-2", "2026-01-02T10:00:00+00:00", read=500, customers=350, bad_emails=20
    )
    assert runs[0].to_dict() == json.loads(json.dumps(expected.to_dict()))


def test_the_same_report_renders_to_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        write_run_report(
            sample_report("r", "2026-01-01T00:00:00+00:00", read=5, customers=4, bad_emails=1),
            folder,
        )
    assert _read(first / "index.html") == _read(second / "index.html")
    assert _read(first / "runs" / "r.json") == _read(second / "runs" / "r.json")
