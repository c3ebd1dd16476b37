"""Quarantined rows keep their content for the retention period, then only file, line, reason.

Ages are real: run CSVs get old modification times, and Delta commits old commit times (the
commit file's ``commitInfo.timestamp``, as Delta's own history reports it).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from deltalake import DeltaTable

from identity import publish as pub
from identity import schema as s
from identity.rights import history, retention
from identity.rights.files import read_quarantine_csv
from identity.safe_csv import write_csv
from support.rights import golden_row, publish_run, scan

OLD_RAW = json.dumps({"Id": "003OLD", "Email": "olga.old@zedmail.net"})
NEW_RAW = json.dumps({"Id": "003NEW", "Email": "nina.new@zedmail.net"})
NOW = datetime.now(UTC)
DAYS = 30


def _age_commit(table: Path, version: int, age: timedelta) -> None:
    log = table / "_delta_log" / f"{version:020d}.json"
    lines = [json.loads(line) for line in log.read_text("utf-8").splitlines() if line]
    for action in lines:
        if "commitInfo" in action:
            action["commitInfo"]["timestamp"] = int((NOW - age).timestamp() * 1000)
    log.write_text("".join(json.dumps(a) + "\n" for a in lines), "utf-8")


def _age_file(path: Path, age: timedelta) -> None:
    when = (NOW - age).timestamp()
    os.utime(path, (when, when))


@pytest.fixture
def warehouse(tmp_path) -> Path:
    """Two runs: one 40 days ago quarantined Olga's row, one today Nina's."""
    wh = tmp_path / "warehouse"
    golden = [golden_row("cus_bbbbbbbbbbbbbbbbbbbb", last_name="Brown")]
    crosswalk = {"crm:003BOB": "cus_bbbbbbbbbbbbbbbbbbbb"}
    publish_run(wh, "run-old", golden, crosswalk, [("crm", OLD_RAW)])
    write_csv(pub.read_table(wh, pub.QUARANTINE), wh / "runs" / "run-old" / "quarantine.csv")
    publish_run(wh, "run-new", golden, crosswalk, [("crm", NEW_RAW)], [])
    write_csv(pub.read_table(wh, pub.QUARANTINE), wh / "runs" / "run-new" / "quarantine.csv")
    _age_commit(pub.table_path(wh, pub.QUARANTINE), 0, timedelta(days=40))
    _age_file(wh / "runs" / "run-old" / "quarantine.csv", timedelta(days=40))
    return wh


def test_content_older_than_the_period_goes_newer_content_stays(warehouse) -> None:
    assert scan([warehouse], ["olga.old"])  # the old version and the old CSV hold it
    out = retention.expire(warehouse, DAYS, NOW)
    assert (out.csv_files, out.versions, out.published_rows) == (1, 1, 0)
    assert scan([warehouse], ["olga.old", "003OLD"]) == {}
    # The old run's CSV keeps where and why; the new one keeps its content.
    old = read_quarantine_csv(warehouse / "runs" / "run-old" / "quarantine.csv")
    assert old[[s.FILE, s.LINE, s.REASON]].values.tolist() == [["export.csv", "2", "no identifier"]]
    assert old[s.RAW].tolist() == [""]
    new = read_quarantine_csv(warehouse / "runs" / "run-new" / "quarantine.csv")
    assert json.loads(new[s.RAW].iloc[0])["Id"] == "003NEW"
    assert json.loads(pub.read_table(warehouse, pub.QUARANTINE)[s.RAW].iloc[0])["Id"] == "003NEW"
    # Blanking kept the CSV's age: expiring again changes nothing.
    assert retention.expire(warehouse, DAYS, NOW) == retention.Expired()


def test_nothing_expires_within_the_period(warehouse) -> None:
    out = retention.expire(warehouse, 60, NOW)
    assert out == retention.Expired()
    assert history.oldest_version(pub.table_path(warehouse, pub.QUARANTINE)) == 0
    assert scan([warehouse], ["olga.old", "nina.new"])


def test_a_published_version_older_than_the_period_is_blanked(warehouse) -> None:
    later = NOW + timedelta(days=DAYS + 5)  # no run for over a month
    out = retention.expire(warehouse, DAYS, later)
    assert out.published_rows == 1
    assert scan([warehouse / "quarantine"], ["nina.new", "003NEW", "olga.old"]) == {}
    table = pub.read_table(warehouse, pub.QUARANTINE)
    assert table[[s.FILE, s.LINE, s.REASON]].values.tolist() == [["export.csv", 2, "no identifier"]]
    assert table[s.RAW].isna().all()
    manifest = pub.published(warehouse)["tables"][pub.QUARANTINE]
    path = str(pub.table_path(warehouse, pub.QUARANTINE))
    assert DeltaTable(path).version() == manifest  # the manifest names the blanked version
    assert pub.recover(warehouse) == []
    # The blanked version keeps the age of its rows: it is not blanked again.
    assert retention.expire(warehouse, DAYS, later).published_rows == 0


def test_a_retention_period_under_a_day_is_refused() -> None:
    with pytest.raises(ValueError, match="IDENTITY_QUARANTINE_RETENTION_DAYS must be at least 1"):
        retention.check_days(0)
