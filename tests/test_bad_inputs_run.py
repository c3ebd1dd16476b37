"""Bad inputs through the real Dagster job (DuckDB, small generated data), and safe CSV output.

A file that cannot be read is quarantined as a whole with a reason naming file, line and column,
and the run goes on; rows that cannot be used land in the published ``quarantine`` Delta table
with their reasons and in the run's spreadsheet-safe ``quarantine.csv``; every file's counts
balance.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable

from dagster_project.cli import run_job
from dagster_project.failures import failure_message
from identity.safe_csv import FORMULA_PREFIXES, neutralise, write_csv
from identity_demo import generate
from support.bad_input_files import crm_export, crm_row, utf8_bom
from support.runs import quarantine_csv, run_sources

PEOPLE = 300
SEED = 11


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo exports for 300 people, copied by each test before it damages them."""
    out = tmp_path_factory.mktemp("bad_inputs_landing")
    generate(PEOPLE, out, seed=SEED)
    return out


def landing_copy(small_landing: Path, tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    return landing


@pytest.mark.slow
def test_unreadable_file_is_quarantined_whole_and_the_run_goes_on(
    small_landing: Path, tmp_path: Path, dagster_home: Path
) -> None:
    # Issue 13 changed this: a file that is not a readable export no longer fails the run (one
    # stray file stopped the night); it is one quarantine row naming file, line and column.
    landing = landing_copy(small_landing, tmp_path)
    # A Salesforce export dropped in the shop's folder.
    shutil.copy(landing / "crm" / "contacts_dataloader.csv", landing / "ecommerce" / "sf.csv")
    warehouse = tmp_path / "warehouse"

    ok, run_id, result = run_job(str(landing), str(warehouse), "duckdb")

    assert ok, failure_message(result)
    quarantine = DeltaTable(str(warehouse / "quarantine")).to_pandas()
    crosswalk = DeltaTable(str(warehouse / "customer_crosswalk")).to_pandas()
    held = quarantine[quarantine["file"] == "sf.csv"]
    assert held[["source_system", "line"]].values.tolist() == [["ecommerce", 1]]
    reason = held["reason"].iloc[0]
    assert reason.startswith("whole file not read: line 1 has no column 'Customer ID'")
    assert "Shopify customers export" in reason
    assert json.loads(held["raw"].iloc[0])["file"] == "sf.csv"
    sources = run_sources(warehouse, run_id)
    files = {f["file"]: f for f in sources["ecommerce"]["files"]}
    assert (files["sf.csv"]["rows_read"], files["sf.csv"]["rows_quarantined"]) == (1, 1)
    # The other files of the night are all there.
    for system, summary in sources.items():
        for f in summary["files"]:
            assert f["rows_read"] == f["rows_linked"] + f["rows_quarantined"], f
        assert summary["rows_linked"] == int((crosswalk["source_system"] == system).sum())
    assert sources["ecommerce"]["rows_linked"] > 0
    assert (warehouse / "golden_customers").exists()


@pytest.mark.slow
def test_quarantine_reasons_land_in_the_quarantine_delta_table(
    small_landing: Path, tmp_path: Path, dagster_home: Path
) -> None:
    landing = landing_copy(small_landing, tmp_path)
    crm = landing / "crm"
    # The same export delivered twice, and a file with a formula "name", a spreadsheet-mangled
    # id and a last line cut short. (An id repeated inside one file is quarantined by the
    # stages too, but the raw data-quality suite deliberately blocks such a run.)
    shutil.copy(crm / "contacts_weekly_export.csv", crm / "contacts_weekly_export (1).csv")
    damaged = crm_export(
        [
            crm_row(0, FirstName='=HYPERLINK("http://evil.example","Click")'),
            crm_row(1, Id="3.5E+14"),
            crm_row(2),
            crm_row(3),
        ]
    )
    (crm / "zz_damaged.csv").write_bytes(utf8_bom(damaged[: damaged.rindex("Chicago")]))
    warehouse = tmp_path / "warehouse"

    ok, run_id, result = run_job(str(landing), str(warehouse), "duckdb")
    assert ok, failure_message(result)

    quarantine = DeltaTable(str(warehouse / "quarantine")).to_pandas()
    crosswalk = DeltaTable(str(warehouse / "customer_crosswalk")).to_pandas()
    assert set(quarantine["run_id"]) == {run_id}
    twice = quarantine[quarantine["file"] == "contacts_weekly_export.csv"]
    weekly_rows = pd.read_csv(crm / "contacts_weekly_export.csv", dtype=str)
    assert len(twice) == len(weekly_rows)
    copy = quarantine[quarantine["file"] == "contacts_weekly_export (1).csv"]
    # Rows the first copy already quarantined keep their more specific reason.
    assert set(copy["reason"]) == {"deleted in source"}
    assert twice["reason"].value_counts().to_dict() == {
        "same file delivered twice: identical to contacts_weekly_export (1).csv": len(twice)
        - len(copy),
        "deleted in source": len(copy),
    }
    bad = quarantine[quarantine["file"] == "zz_damaged.csv"].sort_values("line")
    reasons = dict(zip(bad["line"], bad["reason"], strict=True))
    assert set(reasons) == {3, 5}
    assert "scientific notation" in reasons[3]
    # Data Loader quotes every field, so a download cut mid-field ends inside a quote.
    assert reasons[5] == "unterminated quoted field starting at line 5"
    assert json.loads(bad.iloc[0]["raw"])["Id"] == "3.5E+14"

    # Every file balances: rows read = crosswalk rows + quarantined rows.
    sources = run_sources(warehouse, run_id)
    files = {f["file"]: f for f in sources["crm"]["files"]}
    assert (files["zz_damaged.csv"]["rows_read"], files["zz_damaged.csv"]["rows_linked"]) == (4, 2)
    assert files["contacts_weekly_export.csv"]["rows_linked"] == 0
    for system, summary in sources.items():
        for f in summary["files"]:
            assert f["rows_read"] == f["rows_linked"] + f["rows_quarantined"], f
        assert summary["rows_linked"] == int((crosswalk["source_system"] == system).sum())
        assert summary["rows_quarantined"] == int((quarantine["source_system"] == system).sum())
    assert len(crosswalk) + len(quarantine) == sum(s["rows_read"] for s in sources.values())

    # The run's quarantine.csv holds the same rows, safe to open in a spreadsheet.
    with quarantine_csv(warehouse, run_id).open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(quarantine)
    assert not [v for r in rows for v in r.values() if v.startswith(FORMULA_PREFIXES)]


def test_csv_we_write_neutralises_formula_prefixes(tmp_path: Path) -> None:
    dangerous = [
        '=HYPERLINK("http://evil.example","Click")',
        "+Bob",
        "-Ann",
        "@SUM(A1:A9)",
        "\tTab",
        "\rReturn",
        "=cmd|' /C calc'!A0",
    ]
    harmless = ["Maria", "O'Brien", "محمد", "Zoë 🌸", "a=b", "", "1+1"]
    frame = pd.DataFrame(
        {
            "first_name": dangerous + harmless,
            "amount": [-5.5, 1.0, 2.0, -3.0, 4.0, 5.0, 6.0] * 2,
            "=column": ["x"] * 14,
        }
    )
    path = write_csv(frame, tmp_path / "out" / "names.csv")

    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["first_name", "amount", "'=column"]
    names = [r[0] for r in rows]
    assert names == ["'" + v for v in dangerous] + harmless
    assert not [n for n in names if n.startswith(FORMULA_PREFIXES)]
    # Numbers stay numbers: a spreadsheet reads -5.5 as a value, not a formula.
    assert [r[1] for r in rows][:4] == ["-5.5", "1.0", "2.0", "-3.0"]
    # Our readers drop the apostrophe again, so the text round-trips.
    assert [n[1:] if n.startswith("'") else n for n in names] == dangerous + harmless


def test_neutralise_leaves_missing_values_and_non_text_alone() -> None:
    assert neutralise(None) is None
    assert neutralise(-1) == -1
    assert neutralise("-1") == "'-1"
    assert neutralise(" =not at start") == " =not at start"
