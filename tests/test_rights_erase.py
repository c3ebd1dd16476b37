"""An erasure leaves no trace in any table, version or run file; the next run carries on (issue 19).

Small warehouses are published with the real ``identity.publish`` (real Delta tables, two runs so
there is history), then erased with the real ``identity.rights.erase``; every file is searched
byte by byte (parquet decoded) for the person's values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest
from deltalake import DeltaTable

from identity import publish as pub
from identity import schema as s
from identity.rights import erase as erasure
from identity.rights import history
from identity.rights.keys import CUSTOMER, EMAIL, PHONE, RECORD, RightsInputError, subject_key
from identity.rights.register import Register
from identity.safe_csv import write_csv
from support.rights import SECRET, golden_row, publish_run, scan

ANN = {"email": "ann.zed@zedmail.net", "phone": "+442079460001", "last": "Zedworth"}
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
# Ann's deleted CRM row, as a quarantined raw row (it names her email), and a stranger's.
ANN_RAW = json.dumps({"Id": "003ANNOLD", "LastName": "Zedworth", "Email": "Ann.Zed@zedmail.net"})
BOB_RAW = json.dumps({"Id": "003BOBOLD", "LastName": "Brown", "Email": "bob@zedmail.net"})


def _golden(ann_first: str = "Ann") -> list[dict[str, object]]:
    return [
        golden_row(
            "cus_aaaaaaaaaaaaaaaaaaaa",
            first_name=ann_first,
            last_name=ANN["last"],
            email=ANN["email"],
            phone=ANN["phone"],
            source_record_count=2,
        ),
        golden_row(
            "cus_bbbbbbbbbbbbbbbbbbbb",
            first_name="Bob",
            last_name="Brown",
            email="bob@zedmail.net",
            phone="+442079460002",
        ),  # fmt: skip
    ]


CROSSWALK = {
    "crm:003ANN": "cus_aaaaaaaaaaaaaaaaaaaa",
    "pos:SQANN": "cus_aaaaaaaaaaaaaaaaaaaa",
    "crm:003BOB": "cus_bbbbbbbbbbbbbbbbbbbb",
}


@pytest.fixture
def warehouse(tmp_path):
    """Two published runs (Ann's first name changed between them), with run files beside."""
    wh = tmp_path / "warehouse"
    publish_run(wh, "run-1", _golden("Annie"), CROSSWALK, [("crm", ANN_RAW), ("crm", BOB_RAW)])
    publish_run(wh, "run-2", _golden(), CROSSWALK, [("crm", ANN_RAW), ("crm", BOB_RAW)], [])
    for run in ("run-1", "run-2"):
        write_csv(pub.read_table(wh, pub.QUARANTINE), wh / "runs" / run / "quarantine.csv")
    return wh


NEEDLES = [ANN["email"], ANN["phone"], ANN["last"], "Annie", "003ANN", "SQANN"]


def _erase(warehouse, kind: str, value: str):
    return erasure.erase(warehouse, subject_key(kind, value, "GB"), SECRET, "GB", now=NOW)


def test_the_scanner_finds_what_the_warehouse_holds(warehouse) -> None:
    found = scan([warehouse], NEEDLES)
    # In the data files, in the run CSVs, and in the Delta log's column statistics (min/max).
    assert any(path.endswith(".parquet") for path in found)
    assert any("quarantine.csv" in path for path in found)
    stats = [
        path for path, hits in found.items() if "_delta_log" in path and ANN["last"].lower() in hits
    ]
    assert stats, found


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (EMAIL, "ANN.ZED@zedmail.net"),
        (PHONE, "020 7946 0001"),
        (RECORD, "pos:SQANN"),
        (CUSTOMER, "cus_aaaaaaaaaaaaaaaaaaaa"),
    ],
)
def test_erasure_by_any_key_leaves_no_trace(warehouse, kind, value) -> None:
    outcome = _erase(warehouse, kind, value)
    assert outcome.customers == {"cus_aaaaaaaaaaaaaaaaaaaa": 2}
    assert scan([warehouse], NEEDLES) == {}
    # Every other row is unchanged.
    golden = pub.read_table(warehouse, pub.GOLDEN)
    assert golden[s.CUSTOMER_ID].tolist() == ["cus_bbbbbbbbbbbbbbbbbbbb"]
    assert set(pub.read_table(warehouse, pub.CROSSWALK)[s.SOURCE_RECORD_ID]) == {"003BOB"}
    assert json.loads(pub.read_table(warehouse, pub.QUARANTINE)[s.RAW].iloc[0])["Id"] == "003BOBOLD"
    assert set(pub.read_table(warehouse, pub.TOUCHPOINTS)[s.SOURCE_RECORD_ID]) == {"003BOB"}


def test_the_id_is_retired_by_an_erased_row_without_personal_data(warehouse) -> None:
    outcome = _erase(warehouse, EMAIL, ANN["email"])
    changes = pub.read_table(warehouse, pub.CHANGES)
    erased = changes[changes[s.CHANGE_TYPE] == s.ERASED]
    assert erased[[s.RUN_ID, s.CUSTOMER_ID, s.RECORD_COUNT]].values.tolist() == [
        [outcome.request_id, "cus_aaaaaaaaaaaaaaaaaaaa", 2]
    ]
    assert erased[s.RELATED_CUSTOMER_ID].isna().all()
    assert "cus_aaaaaaaaaaaaaaaaaaaa" in pub.issued_ids(warehouse)  # never minted again
    # Erasing again finds nothing more and adds no second row.
    again = _erase(warehouse, EMAIL, ANN["email"])
    assert again.tables == {}
    assert (pub.read_table(warehouse, pub.CHANGES)[s.CHANGE_TYPE] == s.ERASED).sum() == 1


def test_older_versions_are_gone_and_the_manifest_still_holds(warehouse) -> None:
    before = pub.published(warehouse)
    _erase(warehouse, EMAIL, ANN["email"])
    manifest = pub.published(warehouse)
    assert manifest["run_id"] == before["run_id"] and "history_rewritten_at" in manifest
    for table, version in {**manifest["tables"], **manifest["state"]}.items():
        path = str(pub.table_path(warehouse, table))
        assert DeltaTable(path).version() == version, table  # nothing ahead of the manifest
        assert version >= before["tables"].get(table, before["state"].get(table)), table
        with pytest.raises(Exception, match="log segment|not found|No files"):
            DeltaTable(path, version=0).to_pyarrow_table()
    # Nothing to roll back, and the next run publishes on top as usual.
    assert pub.recover(warehouse) == []
    publish_run(
        warehouse, "run-3", _golden()[1:], {"crm:003BOB": "cus_bbbbbbbbbbbbbbbbbbbb"}, [], []
    )
    changes = pub.read_table(warehouse, pub.CHANGES)
    assert set(changes[s.CHANGE_TYPE]) == {"new", s.ERASED}
    assert pub.read_table(warehouse, pub.GOLDEN)[s.CUSTOMER_ID].tolist() == [
        "cus_bbbbbbbbbbbbbbbbbbbb"
    ]


def test_an_interrupted_erasure_stays_pending_and_is_finished_later(warehouse) -> None:
    register = Register.open(warehouse, SECRET, create=True)
    assert register is not None
    register.request(subject_key(EMAIL, ANN["email"]), NOW)
    register.save()  # as `identity erase` does first; then it was killed
    assert Register.open(warehouse, SECRET).pending  # type: ignore[union-attr]
    assert scan([warehouse], [ANN["email"]])  # still there
    erasure.apply(warehouse, register, "GB", 30, NOW)
    assert scan([warehouse], NEEDLES) == {}
    assert Register.open(warehouse, SECRET).pending == []  # type: ignore[union-attr]


def test_an_unknown_customer_is_refused_before_anything_is_registered(warehouse) -> None:
    with pytest.raises(RightsInputError, match="no customer cus_cccccccccccccccccccc"):
        _erase(warehouse, CUSTOMER, "cus_cccccccccccccccccccc")
    assert Register.open(warehouse, SECRET, create=True).requests == []  # type: ignore[union-attr]


def test_sample_clusters_naming_the_person_leave_summaries_and_reports(warehouse) -> None:
    from identity.report import RunReport, write_run_report

    waterfalls = [
        {"cluster_id": "crm:003ANN", "pairs": [{"left": "crm:003ANN", "right": "pos:SQANN"}]},
        {"cluster_id": "crm:003BOB", "pairs": []},
    ]
    report = RunReport("run-2", "2026-12-02T00:00:00", "duckdb", linkage={"waterfalls": waterfalls})
    write_run_report(report, warehouse / "reports")
    summary = warehouse / "runs" / "run-2" / "steps" / "customer_clusters" / "summary.json"
    summary.parent.mkdir(parents=True)
    summary.write_text(json.dumps({"__dict__": {"waterfalls": waterfalls}}), "utf-8")
    assert scan([warehouse], ["SQANN"])
    _erase(warehouse, EMAIL, ANN["email"])
    assert scan([warehouse], ["SQANN", "003ANN"]) == {}
    kept = json.loads(summary.read_text("utf-8"))["__dict__"]["waterfalls"]
    assert [w["cluster_id"] for w in kept] == ["crm:003BOB"]
    assert "crm:003BOB" in (warehouse / "reports" / "index.html").read_text("utf-8")


def test_keep_from_cuts_a_table_history_and_keeps_later_versions(tmp_path) -> None:
    import pyarrow as pa
    from deltalake import write_deltalake

    path = tmp_path / "t"
    for value in ["SECRET0", "SECRET1", "kept2", "kept3"]:
        write_deltalake(str(path), pa.table({"x": [value, "zz"]}), mode="overwrite")
    history.keep_from(path, 2)
    history.keep_from(path, 2)  # repeating it is harmless
    assert scan([path], ["SECRET"]) == {}
    assert DeltaTable(str(path), version=2).to_pyarrow_table()["x"].to_pylist() == ["kept2", "zz"]
    assert DeltaTable(str(path)).to_pyarrow_table()["x"].to_pylist() == ["kept3", "zz"]
    assert history.oldest_version(path) == 2
    # Restoring the kept version still works (what a rollback of a killed run does).
    DeltaTable(str(path)).restore(2)
    assert DeltaTable(str(path)).to_pandas()["x"].tolist() == ["kept2", "zz"]
    assert pd.Series(dtype=object).empty
