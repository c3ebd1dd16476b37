"""Group linked records into customers, and split clusters too large to be one person.

Clustering runs on the edge list in plain pandas/scipy after scoring, so Spark and DuckDB give the
same partition for the same scored pairs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from identity import schema as s

logger = logging.getLogger(__name__)


@dataclass
class Clusters:
    """A partition of records into customers.

    Attributes:
        assignments: ``record_key`` -> ``cluster_id`` (the smallest record key in the cluster).
        links: The edges that were kept (at or above the threshold, after guards).
        oversized: One entry per cluster that exceeded the size limit and was split.
    """

    assignments: pd.DataFrame
    links: pd.DataFrame
    oversized: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def sizes(self) -> pd.Series:
        """Records per cluster (computed once: a string groupby over every record)."""
        return self.assignments.groupby(s.CLUSTER_ID).size()


def _components(nodes: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Label each node with its connected component (labels are arbitrary ints)."""
    n = len(nodes)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def _split_weakest(
    members: np.ndarray, edges: pd.DataFrame, max_size: int
) -> tuple[list[np.ndarray], int]:
    """Remove the weakest links of one oversized cluster until every part is small enough.

    Returns:
        The parts (arrays of node indices) and the number of links removed.
    """
    position = {node: i for i, node in enumerate(members)}
    local = edges.sort_values([s.MATCH_WEIGHT, "l", "r"], kind="stable").reset_index(drop=True)
    left = local["l"].map(position).to_numpy()
    right = local["r"].map(position).to_numpy()
    removed = 0
    # Drop links weakest first; after each batch recompute parts. Batches of 1 keep it exact and
    # oversized clusters are rare and small, so this stays cheap.
    while True:
        labels = _components(members, left[removed:], right[removed:])
        sizes = np.bincount(labels)
        if sizes.max() <= max_size or removed >= len(local):
            break
        removed += 1
    parts = [members[labels == label] for label in range(len(sizes))]
    return parts, removed


def cluster(
    record_keys: pd.Series,
    edges: pd.DataFrame,
    threshold: float,
    max_cluster_size: int,
) -> Clusters:
    """Cluster records by connected components over links at or above a weight.

    Args:
        record_keys: Every record to place (unlinked records become singletons).
        edges: ``unique_id_l``, ``unique_id_r``, ``match_weight``.
        threshold: Minimum match weight for a link.
        max_cluster_size: Larger clusters are split at their weakest links and reported.

    Returns:
        The partition, the links kept and the oversized clusters found.
    """
    nodes = np.sort(record_keys.astype(str).unique())
    index = pd.Index(nodes)
    kept = edges.loc[
        edges[s.MATCH_WEIGHT] >= threshold, [s.UNIQUE_ID_L, s.UNIQUE_ID_R, s.MATCH_WEIGHT]
    ]
    # Integer positions of both ends (-1: not a record we were asked to place).
    left = index.get_indexer(kept[s.UNIQUE_ID_L].astype(str))
    right = index.get_indexer(kept[s.UNIQUE_ID_R].astype(str))
    known = (left >= 0) & (right >= 0)
    kept, left, right = kept[known], left[known], right[known]
    labels = _components(nodes, left, right)

    sizes = np.bincount(labels)
    oversized: list[dict[str, Any]] = []
    next_label = labels.max() + 1 if len(labels) else 0
    local_edges = pd.DataFrame(
        {"l": left, "r": right, s.MATCH_WEIGHT: kept[s.MATCH_WEIGHT].to_numpy()}
    )
    for label in np.flatnonzero(sizes > max_cluster_size):
        members = np.flatnonzero(labels == label)
        member_set = set(members.tolist())
        inside = local_edges[local_edges["l"].isin(member_set) & local_edges["r"].isin(member_set)]
        parts, removed = _split_weakest(members, inside, max_cluster_size)
        for part in parts[1:]:
            labels[part] = next_label
            next_label += 1
        oversized.append(
            {
                s.CLUSTER_ID: str(nodes[members.min()]),
                "size": int(len(members)),
                "parts": len(parts),
                "links_removed": removed,
            }
        )
        logger.warning(
            "cluster of %d records exceeded the limit of %d: split into %d parts",
            len(members),
            max_cluster_size,
            len(parts),
        )

    # The smallest record key names the cluster: stable and independent of engine or order.
    # Nodes are sorted, so that is the member with the smallest position: integer work only.
    first = np.full(int(labels.max()) + 1 if len(labels) else 0, len(nodes), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(nodes)))
    assignments = pd.DataFrame({s.RECORD_KEY: nodes, s.CLUSTER_ID: nodes[first[labels]]})
    same = labels[left] == labels[right]
    return Clusters(
        assignments=assignments,
        links=kept.loc[same].reset_index(drop=True),
        oversized=oversized,
    )
