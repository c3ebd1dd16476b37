"""Render the report index in headless Chromium (no network) and check what a browser sees."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from identity.report import write_run_report
from support.reports import sample_report

CHROMIUM_NAMES = ("chromium", "chromium-browser")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMEOUT_SECONDS = 90


def _chromium() -> str:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    message = "chromium is not installed (Debian: apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, so the screenshot test must run")
    pytest.skip(f"{message}; set CI=1 to make this a failure")


def _run(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )


def test_index_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = _chromium()
    reports = tmp_path / "reports"
    write_run_report(
        sample_report("run-1", "2026-01-01T10:00:00+00:00", read=400, customers=320, bad_emails=0),
        reports,
    )
    index = write_run_report(
        sample_report("run-2", "2026-01-02T10:00:00+00:00", read=500, customers=350, bad_emails=20),
        reports,
    )
    url = index.resolve().as_uri()
    png = tmp_path / "index.png"

    shot = _run(
        chromium, tmp_path / "profile", f"--screenshot={png}", "--window-size=1280,2000", url
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 50_000  # a blank 1280x2000 page compresses to a few kB

    dom = _run(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout.replace("<wbr>", "")  # wrap hints inside long expectation names
    assert '<table class="expectations">' in text
    assert "expect_column_values_to_match_regex" in text
    assert "j***@g****.com" in text
    assert text.count("<svg") == 2 + 5  # linkage charts, five trend plots (F1 included)
