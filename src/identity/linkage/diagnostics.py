"""Explain a linkage run: parameters, weight distribution, cluster sizes and why records linked.

Everything here is plain data (lists of dicts) for the offline HTML report; no charts library and
no network.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from identity import schema as s
from identity.linkage.cluster import Clusters


def parameters(model: dict[str, Any]) -> list[dict[str, Any]]:
    """List the trained m and u probability of every comparison level.

    Args:
        model: The Splink model as saved to JSON.

    Returns:
        One dict per non-null level: comparison, level, m, u, bayes_factor, match_weight.
    """
    rows = []
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            m = level.get("m_probability")
            u = level.get("u_probability")
            bf = (m / u) if (m and u) else None
            rows.append(
                {
                    "comparison": comparison.get("output_column_name"),
                    "level": level.get("label_for_charts") or level.get("sql_condition"),
                    "m": m,
                    "u": u,
                    "bayes_factor": bf,
                    "match_weight": math.log2(bf) if bf else None,
                }
            )
    return rows


def weight_histogram(edges: pd.DataFrame, max_bins: int = 40) -> list[dict[str, Any]]:
    """Histogram of the match weights of scored pairs, in bins on whole weights.

    Bins are one weight unit wide (a whole number of units when the weights span more than
    ``max_bins``) and start on multiples of their width, so no bin straddles weight 0 (the
    default link threshold) and the report can label its axis with round numbers.

    Args:
        edges: Scored pairs with ``match_weight``.
        max_bins: At most this many bins.

    Returns:
        One dict per bin, lowest first: ``bin_start``, ``bin_end`` (exclusive, but the last
        bin holds its end) and ``count``.
    """
    weights = edges[s.MATCH_WEIGHT].to_numpy(dtype=float) if not edges.empty else np.array([])
    weights = weights[np.isfinite(weights)]
    if not len(weights):
        return []
    span = math.floor(weights.max()) + 1 - math.floor(weights.min())
    width = max(1, math.ceil(span / max_bins))
    # Bins on multiples of their width: weight 0 (the default threshold) is always an edge.
    low = math.floor(weights.min() / width) * width
    high = (math.floor(weights.max() / width) + 1) * width
    bounds = np.arange(low, high + width / 2, width, dtype=float)
    counts, _ = np.histogram(weights, bins=bounds)
    return [
        {"bin_start": float(bounds[i]), "bin_end": float(bounds[i + 1]), "count": int(c)}
        for i, c in enumerate(counts)
    ]


def cluster_size_distribution(clusters: Clusters) -> list[dict[str, int]]:
    """How many clusters have each size."""
    distribution = clusters.sizes.value_counts().sort_index()
    return [{"size": int(size), "count": int(count)} for size, count in distribution.items()]


def _prior_weight(model: dict[str, Any]) -> float:
    p = float(model.get("probability_two_random_records_match") or 1e-4)
    return math.log2(p / (1 - p))


def _number(value: Any) -> float:
    return float(value) if value is not None and pd.notna(value) else 0.0


def level_weights(model: dict[str, Any]) -> dict[str, list[tuple[str, float]]]:
    """Per comparison, each level's label and match weight (before term frequencies)."""
    out: dict[str, list[tuple[str, float]]] = {}
    for comparison in model.get("comparisons", []):
        rows = []
        for level in comparison.get("comparison_levels", []):
            label = str(level.get("label_for_charts") or level.get("sql_condition"))
            if level.get("is_null_level"):
                rows.append((label, 0.0))
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u:
                rows.append((label, math.log2(m / u)))
        out[str(comparison.get("output_column_name"))] = rows
    return out


def level_label(levels: list[tuple[str, float]], weight: float) -> str:
    """The level a comparison's weight came from (Splink returns weights, not levels).

    Levels with the same weight (a missing value and a neutral level both count 0) are named
    together.
    """
    found = [label for label, w in levels if abs(w - weight) < 1e-6]
    return " / ".join(found) if found else f"weight {weight:+.2f}"


def waterfalls(
    clusters: Clusters, edges: pd.DataFrame, model: dict[str, Any], samples: int = 5
) -> list[dict[str, Any]]:
    """For a sample of multi-record clusters, the per-comparison weights of each link.

    The sample is deterministic: the largest clusters, ties by cluster id.

    Args:
        clusters: The final partition.
        edges: Scored pairs with Splink's per-comparison ``mw_*`` (and ``mw_tf_adj_*``)
            weight columns.
        model: The trained model (for the prior).
        samples: Clusters to explain.

    Returns:
        One dict per cluster with its record keys and links; each link lists the weight each
        comparison contributed (``log2`` of its Bayes factor, term-frequency adjusted) and the
        level it came from.
    """
    sizes = clusters.sizes
    multi = sizes[sizes > 1].sort_index().sort_values(ascending=False, kind="stable")
    chosen = list(multi.index[:samples])
    # Only the chosen clusters' records and links: merging every link with every scored pair
    # costs seconds at a million records for the handful of clusters shown.
    assignments = clusters.assignments
    members = assignments[assignments[s.CLUSTER_ID].isin(chosen)]
    by_cluster = members.set_index(s.RECORD_KEY)[s.CLUSTER_ID]
    names = [c[3:] for c in edges.columns if c.startswith("mw_") and not c.startswith("mw_tf_")]
    levels = level_weights(model)
    prior = _prior_weight(model)
    out = []
    chosen_links = clusters.links[clusters.links[s.UNIQUE_ID_L].isin(by_cluster.index)]
    links = chosen_links.merge(edges, on=[s.UNIQUE_ID_L, s.UNIQUE_ID_R], how="left")
    links = links.rename(columns={f"{s.MATCH_WEIGHT}_x": s.MATCH_WEIGHT})
    links[s.CLUSTER_ID] = links[s.UNIQUE_ID_L].map(by_cluster)
    for cluster_id in chosen:
        records = sorted(by_cluster.index[by_cluster == cluster_id])
        pairs = []
        for _, link in links[links[s.CLUSTER_ID] == cluster_id].iterrows():
            terms = [{"comparison": "prior", "level": "", "weight": prior}]
            for name in names:
                weight = _number(link.get(f"mw_{name}"))
                adjustment = _number(link.get(f"mw_tf_adj_{name}"))
                terms.append(
                    {
                        "comparison": name,
                        "level": level_label(levels.get(name, []), weight),
                        "weight": weight + adjustment,
                    }
                )
            pairs.append(
                {
                    "left": link[s.UNIQUE_ID_L],
                    "right": link[s.UNIQUE_ID_R],
                    s.MATCH_WEIGHT: float(link[s.MATCH_WEIGHT]),
                    "terms": terms,
                }
            )
        out.append({s.CLUSTER_ID: cluster_id, "records": records, "pairs": pairs})
    return out
