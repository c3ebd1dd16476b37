"""Ids that survive a bad night (issue 13): retired ids revive, and a shrunk source warns.

Library tests assign ids on hand-made crosswalks and publish small tables; the end-to-end test
runs the real job three nights on one warehouse: a full landing, the same landing with the
Shopify customer export header-only, then the full landing again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from deltalake import DeltaTable

from identity import publish as pub
from identity import schema as s
from identity.golden import retired
from identity.golden.ids import assign_ids
from identity.golden.volume import Baseline, check_share, check_volume
from support.ids import clusters, previous


def ids(assignment) -> dict[str, str]:
    return dict(zip(assignment.ids[s.CLUSTER_ID], assignment.ids[s.CUSTOMER_ID], strict=True))


def changes(assignment) -> set[tuple]:
    return {
        (
            r.change_type,
            r.customer_id,
            None if pd.isna(r.related_customer_id) else r.related_customer_id,
            r.record_count,
        )
        for r in assignment.changes.itertuples()
    }


EMPTY = previous()


def with_retired(live: pd.DataFrame, **gone: list[str]) -> pd.DataFrame:
    """A previous crosswalk as ``publish.previous_crosswalk`` gives it: live rows, then retired."""
    old = previous(**gone).assign(**{s.RETIRED: True})
    return pd.concat([live.assign(**{s.RETIRED: False}), old], ignore_index=True)


def test_a_retired_customer_whose_records_return_gets_its_id_back() -> None:
    old = with_retired(previous(cus_a=["crm:1"]), cus_gone=["ecommerce:9"])
    now = clusters(k1=["crm:1"], k2=["ecommerce:9", "social:5"])
    result = assign_ids(now, old, {"cus_a", "cus_gone"}, "r3")
    assert ids(result) == {"k1": "cus_a", "k2": "cus_gone"}
    assert changes(result) == {("revived", "cus_gone", None, 2)}
    assert result.kept == 1


def test_retired_customers_that_stay_away_log_nothing_more() -> None:
    old = with_retired(previous(cus_a=["crm:1"], cus_b=["pos:2"]), cus_gone=["ecommerce:9"])
    result = assign_ids(clusters(k1=["crm:1"]), old, {"cus_a", "cus_b", "cus_gone"}, "r3")
    # cus_b retires tonight; cus_gone retired before and is not retired a second time.
    assert changes(result) == {("retired", "cus_b", None, 0)}


def test_a_split_part_holding_a_retired_record_stays_a_split() -> None:
    old = with_retired(previous(cus_a=["crm:1", "pos:2", "social:3"]), cus_gone=["ecommerce:9"])
    now = clusters(p1=["crm:1", "pos:2"], p2=["social:3", "ecommerce:9"])
    result = assign_ids(now, old, {"cus_a", "cus_gone"}, "r3")
    got = ids(result)
    assert got["p1"] == "cus_a" and got["p2"] not in {"cus_a", "cus_gone"}
    assert changes(result) == {("split", got["p2"], "cus_a", 2)}


def test_one_retired_id_per_cluster_the_one_with_most_records_back() -> None:
    old = with_retired(EMPTY, cus_big=["pos:1", "pos:2"], cus_small=["crm:3"])
    now = clusters(k=["pos:1", "pos:2", "crm:3"])
    result = assign_ids(now, old, {"cus_big", "cus_small"}, "r3")
    assert ids(result) == {"k": "cus_big"}
    assert changes(result) == {("revived", "cus_big", None, 3)}


def test_a_retired_id_comes_back_where_most_of_its_records_are() -> None:
    old = with_retired(EMPTY, cus_gone=["pos:1", "pos:2", "crm:3"])
    now = clusters(k1=["crm:3"], k2=["pos:1", "pos:2"])
    result = assign_ids(now, old, {"cus_gone"}, "r3")
    got = ids(result)
    assert got["k2"] == "cus_gone" and got["k1"] != "cus_gone"
    assert changes(result) == {("revived", "cus_gone", None, 2), ("new", got["k1"], None, 1)}


def test_new_ids_never_take_a_retired_id() -> None:
    first = ids(assign_ids(clusters(k=["crm:1"]), EMPTY, set(), "r1"))["k"]
    # The same record key would mint the same id: it is retired, so it is taken.
    old = with_retired(EMPTY, **{first: ["pos:7"]})
    result = assign_ids(clusters(k=["crm:1"]), old, set(), "r3")
    assert ids(result)["k"] != first


def test_retired_records_follow_retirements_revivals_and_records_that_return() -> None:
    before = pd.DataFrame(
        {
            s.SOURCE_SYSTEM: ["crm", "pos", "pos"],
            s.SOURCE_RECORD_ID: ["1", "2", "3"],
            s.CUSTOMER_ID: ["cus_a", "cus_b", "cus_b"],
        }
    )
    kept = pd.DataFrame(
        {
            s.SOURCE_SYSTEM: ["social", "ecommerce"],
            s.SOURCE_RECORD_ID: ["8", "9"],
            s.CUSTOMER_ID: ["cus_old", "cus_back"],
            s.RUN_ID: ["r1", "r1"],
        }
    )
    log = pd.DataFrame(
        {"change_type": ["retired", "revived"], s.CUSTOMER_ID: ["cus_b", "cus_back"]}
    )
    # pos:3 is live again (under another customer): it can no longer revive cus_b.
    now = pd.DataFrame(
        {
            s.SOURCE_SYSTEM: ["crm", "ecommerce", "pos"],
            s.SOURCE_RECORD_ID: ["1", "9", "3"],
            s.CUSTOMER_ID: ["cus_a", "cus_back", "cus_new"],
        }
    )
    got = retired.next_retired(before, kept, log, now, "r2")
    assert got.to_dict("records") == [
        {s.SOURCE_SYSTEM: "pos", s.SOURCE_RECORD_ID: "2", s.CUSTOMER_ID: "cus_b", s.RUN_ID: "r2"},
        {
            s.SOURCE_SYSTEM: "social",
            s.SOURCE_RECORD_ID: "8",
            s.CUSTOMER_ID: "cus_old",
            s.RUN_ID: "r1",
        },
    ]


def _run_tables(run: str, records: dict[str, str], log: list[tuple[str, str]]) -> dict:
    """A small set of run tables: ``records`` maps ``crm`` record ids to customer ids."""
    return {
        pub.CHANGES: pd.DataFrame(
            [(run, kind, customer) for kind, customer in log],
            columns=[s.RUN_ID, "change_type", s.CUSTOMER_ID],
        ),
        pub.GOLDEN: pd.DataFrame({s.CUSTOMER_ID: sorted(set(records.values())), s.RUN_ID: run}),
        pub.CROSSWALK: pd.DataFrame(
            {
                s.SOURCE_SYSTEM: "crm",
                s.SOURCE_RECORD_ID: list(records),
                s.CUSTOMER_ID: list(records.values()),
                s.RUN_ID: run,
            }
        ),
    }


def _flagged(warehouse: Path) -> dict[str, tuple[str, bool]]:
    frame = pub.previous_crosswalk(warehouse)
    return {r.record_key: (r.customer_id, bool(getattr(r, s.RETIRED))) for r in frame.itertuples()}


def test_publication_keeps_the_records_of_retired_customers_until_they_revive(
    tmp_path: Path,
) -> None:
    pub.publish(tmp_path, _run_tables("r1", {"1": "cus_a", "2": "cus_b"}, []), "r1")
    assert _flagged(tmp_path) == {"crm:1": ("cus_a", False), "crm:2": ("cus_b", False)}
    pub.publish(tmp_path, _run_tables("r2", {"1": "cus_a"}, [("retired", "cus_b")]), "r2")
    assert _flagged(tmp_path) == {"crm:1": ("cus_a", False), "crm:2": ("cus_b", True)}
    manifest = pub.published(tmp_path)
    assert set(manifest["tables"]) == {pub.CHANGES, pub.GOLDEN, pub.CROSSWALK}
    assert manifest["state"] == {pub.RETIRED_RECORDS: 1}
    back = _run_tables("r3", {"1": "cus_a", "2": "cus_b"}, [("revived", "cus_b")])
    pub.publish(tmp_path, back, "r3")
    assert _flagged(tmp_path) == {"crm:1": ("cus_a", False), "crm:2": ("cus_b", False)}


def test_a_warehouse_published_before_the_state_table_finds_retired_records_in_history(
    tmp_path: Path,
) -> None:
    pub.publish(tmp_path, _run_tables("r1", {"1": "cus_a", "2": "cus_b"}, []), "r1")
    pub.publish(tmp_path, _run_tables("r2", {"1": "cus_a"}, [("retired", "cus_b")]), "r2")
    # What a warehouse published by the previous release looks like: no state in the manifest.
    manifest = json.loads(pub.manifest_path(tmp_path).read_text("utf-8"))
    del manifest["state"]
    pub.manifest_path(tmp_path).write_text(json.dumps(manifest), "utf-8")
    shutil.rmtree(pub.table_path(tmp_path, pub.RETIRED_RECORDS))
    assert _flagged(tmp_path) == {"crm:1": ("cus_a", False), "crm:2": ("cus_b", True)}


def test_a_source_that_shrinks_past_the_share_warns_naming_it() -> None:
    last = Baseline("run-1", {"ecommerce": 170, "crm": 100})
    empty = check_volume("ecommerce", 0, last, 0.5)
    assert not empty.ok
    assert empty.description.startswith("ecommerce: 0 rows read, 170 in the last published run")
    assert "run-1" in empty.description and "empty" in empty.description
    outcome = empty.result.to_dict()["outcomes"][0]
    assert (outcome["status"], outcome["blocking"], outcome["unexpected_count"]) == (
        "warn",
        False,
        170,
    )
    assert empty.result.subject == "ecommerce" and empty.result.suite == "source_volume"
    assert not check_volume("crm", 50, last, 0.5).ok  # half the rows: warns
    assert check_volume("crm", 51, last, 0.5).ok
    assert check_volume("crm", 1, last, 1.0).ok  # 1.0 warns only when empty
    assert not check_volume("crm", 0, last, 1.0).ok
    assert check_volume("pos", 0, last, 0.5).ok  # nothing published before: nothing to lose
    assert check_volume("crm", 0, Baseline(None), 0.5).ok


def test_the_shrink_share_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_project.environment import resources_from_env

    assert resources_from_env("l", "w", "duckdb")["warehouse"].shrink_warn_share == 0.5
    monkeypatch.setenv("IDENTITY_SHRINK_WARN_SHARE", "0.8")
    assert resources_from_env("l", "w", "duckdb")["warehouse"].shrink_warn_share == 0.8
    monkeypatch.setenv("IDENTITY_SHRINK_WARN_SHARE", "0")
    with pytest.raises(ValueError, match="IDENTITY_SHRINK_WARN_SHARE"):
        resources_from_env("l", "w", "duckdb")
    assert check_share(1.0) == 1.0


# The real job over three nights: full, Shopify header-only, full again.

PEOPLE = 150
SEED = 4


def _header_only(landing: Path, night: Path) -> int:
    """``night``: ``landing`` with the Shopify customer export cut to its header line."""
    shutil.copytree(landing, night)
    export = night / "ecommerce" / "customers_export.csv"
    lines = export.read_bytes().splitlines(keepends=True)
    export.write_bytes(lines[0])
    return len(lines) - 1


def _crosswalk(warehouse: Path) -> dict[str, str]:
    frame = pub.read_table(warehouse, pub.CROSSWALK)
    keys = frame[s.SOURCE_SYSTEM] + ":" + frame[s.SOURCE_RECORD_ID]
    return dict(zip(keys, frame[s.CUSTOMER_ID], strict=True))


def _checks(result: object) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


@pytest.fixture(scope="module")
def three_nights(tmp_path_factory: pytest.TempPathFactory, dagster_home: Path) -> dict:
    from dagster_project.cli import run_job
    from dagster_project.failures import failure_message
    from identity_demo import generate

    root = tmp_path_factory.mktemp("three_nights")
    full, warehouse = root / "full", root / "warehouse"
    generate(PEOPLE, full, seed=SEED)
    shopify_rows = _header_only(full, root / "bad_night")
    nights = []
    for landing in (full, root / "bad_night", full):
        ok, run_id, result = run_job(str(landing), str(warehouse), "duckdb")
        assert ok, failure_message(result)
        nights.append({"run_id": run_id, "checks": _checks(result), "ids": _crosswalk(warehouse)})
    changes = pub.read_table(warehouse, pub.CHANGES)
    for night in nights:
        night["changes"] = changes[changes[s.RUN_ID] == night["run_id"]]
    return {"warehouse": warehouse, "nights": nights, "shopify_rows": shopify_rows}


@pytest.mark.slow
def test_customers_retired_by_an_empty_export_get_their_ids_back(three_nights: dict) -> None:
    first, bad, back = three_nights["nights"]
    retired_ids = set(bad["changes"].loc[bad["changes"]["change_type"] == "retired", "customer_id"])
    shopify_only = {
        c
        for c in set(first["ids"].values())
        if all(k.startswith("ecommerce:") for k, v in first["ids"].items() if v == c)
    }
    assert retired_ids == shopify_only and len(retired_ids) > 5
    revived = back["changes"][back["changes"]["change_type"] == "revived"]
    assert set(revived[s.CUSTOMER_ID]) == retired_ids
    assert revived[s.CUSTOMER_ID].is_unique and revived["related_customer_id"].isna().all()
    # Every record is back under the id it had before the bad night, and nothing was minted.
    assert back["ids"] == first["ids"]
    assert "new" not in set(back["changes"]["change_type"])
    # The change log holds ids and counts only (no personal data), revivals included.
    log = pub.read_table(three_nights["warehouse"], pub.CHANGES)
    assert set(log.columns) == {*s.CHANGE_COLUMNS, s.CHANGED_AT}


@pytest.mark.slow
def test_the_empty_export_warns_naming_the_source_and_the_run_goes_on(three_nights: dict) -> None:
    from support.runs import suite_result

    first, bad, back = three_nights["nights"]
    check = bad["checks"]["ecommerce_volume"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    rows = three_nights["shopify_rows"]
    assert check.description.startswith(f"ecommerce: 0 rows read, {rows:,} in the last published")
    assert first["run_id"] in check.description
    for system in ("crm", "pos", "social"):
        assert bad["checks"][f"{system}_volume"].passed, system
    assert all(c.passed for name, c in back["checks"].items() if name.endswith("_volume"))
    # The report reads the same verdict from the run's files.
    saved = suite_result(three_nights["warehouse"], bad["run_id"], "source_volume", "ecommerce")
    assert saved["warnings"] == 1 and saved["outcomes"][0]["status"] == "warn"
    assert saved["outcomes"][0]["kwargs"]["previous_run"] == first["run_id"]


@pytest.mark.slow
def test_every_table_and_the_state_are_at_the_manifest_after_three_nights(
    three_nights: dict,
) -> None:
    warehouse = three_nights["warehouse"]
    manifest = pub.published(warehouse)
    assert manifest["run_id"] == three_nights["nights"][2]["run_id"]
    for table, version in {**manifest["tables"], **manifest["state"]}.items():
        assert DeltaTable(str(pub.table_path(warehouse, table))).version() == version, table
    # Everyone came back: no retired records are left.
    assert pub.previous_crosswalk(warehouse)[s.RETIRED].sum() == 0
