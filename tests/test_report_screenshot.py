"""Render the report index in headless Chromium (no network) and check what a browser sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from identity.report import write_run_report
from support.browser import chromium, dump_dom, ink_share, page_size, screenshot
from support.reports import sample_report

# A real browser renders the report: the slow tier runs it (test_report.py checks the HTML).
pytestmark = pytest.mark.slow


def test_index_renders_in_headless_chromium(tmp_path: Path) -> None:
    binary = chromium()
    reports = tmp_path / "reports"
    write_run_report(
        sample_report("run-1", "2026-01-01T10:00:00+00:00", read=400, customers=320, bad_emails=0),
        reports,
    )
    index = write_run_report(
        sample_report("run-2", "2026-01-02T10:00:00+00:00", read=500, customers=350, bad_emails=20),
        reports,
    )

    pixels = screenshot(binary, index, tmp_path / "index.png", 1280, 2000)
    assert ink_share(pixels) > 0.05  # a blank page is all background

    text = dump_dom(binary, index).replace("<wbr>", "")  # wrap hints inside long names
    assert '<table class="expectations">' in text
    assert "expect_column_values_to_match_regex" in text
    assert "j***@g****.com" in text
    assert text.count("<svg") == 2 + 5  # linkage charts, five trend plots (F1 included)


def test_the_page_never_scrolls_sideways_at_800_px(tmp_path: Path) -> None:
    binary = chromium()
    index = write_run_report(
        sample_report("run-1", "2026-01-01T10:00:00+00:00", read=400, customers=320, bad_emails=9),
        tmp_path,
    )
    scroll_width, client_width, _ = page_size(binary, index, 800)
    assert scroll_width <= client_width, (scroll_width, client_width)
