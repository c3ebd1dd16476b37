"""Clustering against a plain union-find reference on random graphs."""

import numpy as np
import pandas as pd
import pytest

from identity.linkage.cluster import cluster


def _reference(keys: list[str], edges: pd.DataFrame, threshold: float) -> dict[str, str]:
    """Union-find over links at or above the threshold; each cluster named by its smallest key."""
    parent = {k: k for k in keys}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for row in edges.itertuples():
        if (
            row.match_weight >= threshold
            and row.unique_id_l in parent
            and row.unique_id_r in parent
        ):
            a, b = root(row.unique_id_l), root(row.unique_id_r)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {k: root(k) for k in keys}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clusters_are_connected_components_named_by_their_smallest_key(seed):
    rng = np.random.default_rng(seed)
    keys = [f"{src}:{i}" for src in ("crm", "pos", "social") for i in range(400)]
    pairs = rng.integers(0, len(keys), size=(900, 2))
    edges = pd.DataFrame(
        {
            "unique_id_l": [keys[a] for a in pairs[:, 0]],
            "unique_id_r": [keys[b] for b in pairs[:, 1]],
            "match_weight": rng.normal(0.0, 5.0, size=len(pairs)).round(3),
        }
    )
    # An edge to a record we were not asked to place is ignored, not an error.
    edges.loc[len(edges)] = ["crm:9999", keys[0], 30.0]

    result = cluster(pd.Series(keys), edges, threshold=0.0, max_cluster_size=10_000)

    expected = _reference(keys, edges, 0.0)
    got = dict(zip(result.assignments["record_key"], result.assignments["cluster_id"], strict=True))
    assert got == expected
    assert result.assignments["record_key"].tolist() == sorted(keys)
    # Every kept link joins two members of one cluster and is at or above the threshold.
    assert (result.links["match_weight"] >= 0.0).all()
    assert (
        result.links["unique_id_l"].map(got).to_numpy()
        == result.links["unique_id_r"].map(got).to_numpy()
    ).all()
    assert len(result.links) == int(
        ((edges["match_weight"] >= 0.0) & (edges["unique_id_l"] != "crm:9999")).sum()
    )


def test_records_without_links_are_their_own_cluster():
    keys = pd.Series(["b", "a", "c"])
    edges = pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["b"], "match_weight": [-1.0]})
    result = cluster(keys, edges, threshold=0.0, max_cluster_size=12)
    assert result.assignments.to_dict("list") == {
        "record_key": ["a", "b", "c"],
        "cluster_id": ["a", "b", "c"],
    }
    assert result.links.empty
