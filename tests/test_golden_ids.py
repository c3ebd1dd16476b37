"""Persistent customer ids: reuse by overlap, merges, splits, new and retired ids."""

from __future__ import annotations

import re

import pandas as pd

from identity import schema as s
from identity.golden.ids import IdAssignment, assign_ids, mint_id
from support.ids import clusters, previous

ID = re.compile(r"cus_[0-9a-f]{20}")


def ids(assignment: IdAssignment) -> dict[str, str]:
    return dict(zip(assignment.ids[s.CLUSTER_ID], assignment.ids[s.CUSTOMER_ID], strict=True))


def changes(assignment: IdAssignment) -> set[tuple]:
    frame = assignment.changes
    return {
        (
            r.change_type,
            r.customer_id,
            None if pd.isna(r.related_customer_id) else r.related_customer_id,
            r.record_count,
        )
        for r in frame.itertuples()
    }


EMPTY = previous()


def test_first_run_mints_opaque_deterministic_ids() -> None:
    now = clusters(k1=["crm:1", "pos:2"], k2=["social:3"])
    first = assign_ids(now, EMPTY, set(), "r1")
    again = assign_ids(now, EMPTY, set(), "r1")
    got = ids(first)
    assert got == ids(again)
    assert all(ID.fullmatch(v) for v in got.values()) and len(set(got.values())) == 2
    assert changes(first) == {("new", got["k1"], None, 2), ("new", got["k2"], None, 1)}
    assert set(first.changes[s.RUN_ID]) == {"r1"}


def test_unchanged_clusters_keep_their_ids_and_log_nothing() -> None:
    old = previous(cus_a=["crm:1", "pos:2"], cus_b=["social:3"])
    # Cluster ids are linkage's own labels and may change between runs: overlap decides.
    now = clusters(x9=["crm:1", "pos:2"], x1=["social:3"])
    result = assign_ids(now, old, {"cus_a", "cus_b"}, "r2")
    assert ids(result) == {"x9": "cus_a", "x1": "cus_b"}
    assert result.changes.empty
    assert result.kept == 2


def test_merge_keeps_the_larger_customer() -> None:
    old = previous(cus_small=["social:3"], cus_big=["crm:1", "pos:2"])
    now = clusters(k=["crm:1", "pos:2", "social:3"])
    result = assign_ids(now, old, {"cus_small", "cus_big"}, "r2")
    assert ids(result) == {"k": "cus_big"}
    assert changes(result) == {("merged", "cus_big", "cus_small", 3)}


def test_merge_of_equal_sizes_keeps_the_older_then_the_smaller_id() -> None:
    old = previous(cus_b=["crm:1"], cus_a=["pos:2"])
    now = clusters(k=["crm:1", "pos:2"])
    seen = pd.Series(
        {
            "cus_a": pd.Timestamp("2024-01-01", tz="UTC"),
            "cus_b": pd.Timestamp("2020-01-01", tz="UTC"),
        }
    )
    older = assign_ids(now, old, {"cus_a", "cus_b"}, "r2", seen)
    assert ids(older) == {"k": "cus_b"}
    assert changes(older) == {("merged", "cus_b", "cus_a", 2)}
    unknown_age = assign_ids(now, old, {"cus_a", "cus_b"}, "r2")
    assert ids(unknown_age) == {"k": "cus_a"}


def test_split_keeps_the_id_on_the_larger_part_and_mints_the_rest() -> None:
    old = previous(cus_a=["crm:1", "pos:2", "social:3", "ecommerce:4"])
    now = clusters(p1=["social:3"], p2=["crm:1", "pos:2", "ecommerce:4"])
    result = assign_ids(now, old, {"cus_a"}, "r2")
    got = ids(result)
    assert got["p2"] == "cus_a"
    assert ID.fullmatch(got["p1"]) and got["p1"] != "cus_a"
    assert changes(result) == {("split", got["p1"], "cus_a", 1)}
    assert result.kept == 0  # cus_a lost a record: not kept unchanged


def test_new_records_get_new_ids_and_vanished_customers_retire() -> None:
    old = previous(cus_a=["crm:1"], cus_gone=["pos:9"])
    now = clusters(k1=["crm:1"], k2=["social:5", "ecommerce:6"])
    result = assign_ids(now, old, {"cus_a", "cus_gone"}, "r2")
    got = ids(result)
    assert got["k1"] == "cus_a"
    assert changes(result) == {("new", got["k2"], None, 2), ("retired", "cus_gone", None, 0)}


def test_minted_ids_never_reuse_an_issued_id() -> None:
    taken: set[str] = set()
    first = mint_id("crm:1", taken)
    assert first in taken
    second = mint_id("crm:1", taken)  # same seed key, but the first is taken now
    assert second != first and ID.fullmatch(second)
    now = clusters(k=["crm:1"])
    result = assign_ids(now, EMPTY, {ids(assign_ids(now, EMPTY, set(), "r1"))["k"]}, "r2")
    assert ids(result)["k"] != ids(assign_ids(now, EMPTY, set(), "r1"))["k"]
