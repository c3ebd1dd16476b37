"""End to end: generated exports -> the real Dagster job -> Delta tables, on DuckDB and Spark."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.cli import run_job
from dagster_project.failures import failure_message
from identity import evaluate
from identity import publish as pub
from identity import schema as s
from support.runs import model_json, run_record, run_sources

pytestmark = pytest.mark.slow


def _run(landing: Path, warehouse: Path, engine: str) -> str:
    ok, run_id, result = run_job(str(landing), str(warehouse), engine)
    assert ok, failure_message(result)
    return run_id


@pytest.fixture(scope="module")
def duckdb_run(demo_landing: Path, tmp_path_factory: pytest.TempPathFactory, dagster_home: Path):
    warehouse = tmp_path_factory.mktemp("warehouse_duckdb")
    return warehouse, _run(demo_landing, warehouse, "duckdb")


def _keys(frame: pd.DataFrame) -> pd.Series:
    return frame["source_system"] + ":" + frame["source_record_id"]


def test_crosswalk_covers_every_usable_record_exactly_once(duckdb_run, demo_landing):
    warehouse, run_id = duckdb_run
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
    quarantine = pub.read_table(warehouse, pub.QUARANTINE)
    truth = evaluate.read_truth(demo_landing / "truth.csv")

    keys = _keys(crosswalk)
    assert keys.is_unique
    assert set(crosswalk["run_id"]) == {run_id}
    # Every true customer record is either linked or quarantined with a reason; nearly all link.
    missing = set(truth["record_key"]) - set(keys)
    assert len(missing) <= len(quarantine)
    assert len(missing) / len(truth) < 0.02
    assert quarantine["reason"].str.len().gt(0).all()

    sources = run_sources(warehouse, run_id)
    read = sum(v["rows_read"] for v in sources.values())
    assert read == len(crosswalk) + len(quarantine)
    for system, summary in sources.items():
        for f in summary["files"]:
            assert f["rows_read"] == f["rows_linked"] + f["rows_quarantined"], (system, f)


def test_pairwise_f1_against_truth_is_at_least_0_97(duckdb_run, demo_landing):
    warehouse, _ = duckdb_run
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
    crosswalk["record_key"] = _keys(crosswalk)
    score = evaluate.score(crosswalk, evaluate.read_truth(demo_landing / "truth.csv"))
    assert score.records > 3500
    assert score.f1 >= 0.97, score


def test_golden_has_one_row_per_crosswalk_customer(duckdb_run):
    warehouse, _ = duckdb_run
    golden = pub.read_table(warehouse, pub.GOLDEN)
    crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
    assert golden["customer_id"].is_unique
    assert set(golden["customer_id"]) == set(crosswalk["customer_id"])
    counts = crosswalk.groupby("customer_id").size()
    assert (golden.set_index("customer_id")["source_record_count"] == counts).all()
    assert golden["customer_id"].str.match(r"^cus_[0-9a-f]{20}$").all()
    assert golden["phone"].dropna().str.match(r"^\+[1-9]\d{6,14}$").all()
    assert golden["country"].dropna().isin(["FR", "GB", "US"]).all()


def test_changes_record_every_customer_as_new_on_a_first_run(duckdb_run):
    warehouse, _ = duckdb_run
    changes = pub.read_table(warehouse, pub.CHANGES)
    golden = pub.read_table(warehouse, pub.GOLDEN)
    assert set(changes["change_type"]) == {"new"}
    assert sorted(changes["customer_id"]) == sorted(golden["customer_id"])


def test_model_and_report_are_saved_with_the_run(duckdb_run):
    warehouse, run_id = duckdb_run
    model = model_json(warehouse, run_id)
    assert len(model["comparisons"]) == 5
    index = (warehouse / "reports" / "index.html").read_text("utf-8")
    assert run_id in index


def _explains(pair: dict) -> bool:
    """A link is explained when its terms add up to its weight and more than the prior speaks."""
    terms = pair["terms"]
    total = sum(term["weight"] for term in terms)
    speaking = [t for t in terms if t["comparison"] != "prior" and abs(t["weight"]) > 1e-9]
    return abs(total - pair["match_weight"]) < 1e-6 and bool(speaking)


def test_every_sample_link_is_explained_by_its_comparisons(duckdb_run):
    warehouse, run_id = duckdb_run
    waterfalls = run_record(warehouse, run_id)["linkage"]["waterfalls"]
    pairs = [pair for cluster in waterfalls for pair in cluster["pairs"]]
    assert len(waterfalls) == 5 and pairs
    assert all(_explains(pair) for pair in pairs)
    labels = {
        term["level"] for pair in pairs for term in pair["terms"] if term["comparison"] != "prior"
    }
    # Levels are the model's own labels, e.g. "Exact match on email", never a bare number.
    assert not [label for label in labels if label.startswith("level ")]
    assert any("xact" in label for label in labels), labels
    # A waterfall holding only the prior (the bug this guards against) is not an explanation.
    prior_only = {**pairs[0], "terms": [pairs[0]["terms"][0]]}
    assert not _explains(prior_only)


@pytest.mark.spark
def test_spark_run_publishes_the_same_customers_as_duckdb(
    duckdb_run, demo_landing, spark, tmp_path
):
    duck_warehouse, _ = duckdb_run
    _run(demo_landing, tmp_path, "spark")

    def partition(warehouse: Path) -> set[frozenset[str]]:
        crosswalk = pub.read_table(warehouse, pub.CROSSWALK)
        crosswalk["key"] = _keys(crosswalk)
        return {frozenset(g["key"]) for _, g in crosswalk.groupby("customer_id")}

    assert partition(tmp_path) == partition(duck_warehouse)
    # Same inputs, same seed: the same ids too.
    spark_ids = set(pub.read_table(tmp_path, pub.GOLDEN)["customer_id"])
    assert spark_ids == set(pub.read_table(duck_warehouse, pub.GOLDEN)["customer_id"])
    # And every published table is the same, row for row, apart from run ids and timestamps.
    for table in (pub.GOLDEN, pub.CROSSWALK, pub.CHANGES, pub.TOUCHPOINTS, pub.QUARANTINE):
        spark_rows, duck_rows = (
            _comparable(pub.read_table(warehouse, table))
            for warehouse in (tmp_path, duck_warehouse)
        )
        assert len(spark_rows) == len(duck_rows) > 0, table
        pd.testing.assert_frame_equal(spark_rows, duck_rows, check_like=True, obj=table)


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """A table without what differs between any two runs (run ids, when it was written)."""
    frame = frame.drop(columns=[c for c in (s.RUN_ID, "changed_at") if c in frame.columns])
    order = frame.astype(str).sort_values(sorted(frame.columns)).index
    return frame.loc[order, sorted(frame.columns)].reset_index(drop=True)
