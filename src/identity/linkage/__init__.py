"""Probabilistic linkage of every standardised source record into customers (Splink 5)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from identity import schema as s
from identity.linkage import diagnostics, train
from identity.linkage.cluster import Clusters, cluster
from identity.linkage.link import MIN_EDGE_MATCH_WEIGHT, LinkageConfig, score_pairs
from identity.linkage.prepare import Guards, prepare

__all__ = ["Guards", "LinkageConfig", "LinkageResult", "link_and_cluster"]

logger = logging.getLogger(__name__)


@dataclass
class LinkageResult:
    """Customers found by linkage, with what explains them.

    Attributes:
        clusters: ``record_key`` -> ``cluster_id`` for every contact.
        model: The trained Splink model (JSON-ready), saved with the run.
        diagnostics: Parameters, histograms, cluster sizes, blocking counts, waterfalls.
        oversized: Clusters that exceeded the size limit and were split.
    """

    clusters: pd.DataFrame
    model: dict[str, Any]
    diagnostics: dict[str, Any] = field(default_factory=dict)
    oversized: list[dict[str, Any]] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Records placed in a cluster."""
        return len(self.clusters)

    @property
    def customers(self) -> int:
        """Distinct clusters."""
        return int(self.clusters[s.CLUSTER_ID].nunique())

    @property
    def largest_cluster(self) -> int:
        """Records in the largest cluster."""
        return int(self.clusters.groupby(s.CLUSTER_ID).size().max()) if self.records else 0


def _empty(model: dict[str, Any] | None) -> LinkageResult:
    frame = pd.DataFrame({s.RECORD_KEY: pd.Series(dtype=str), s.CLUSTER_ID: pd.Series(dtype=str)})
    return LinkageResult(clusters=frame, model=model or {})


def design_diagnostics(model: dict[str, Any]) -> dict[str, Any]:
    """The data profile and model design a model was built from, for the report and Dagster."""
    meta = model.get(train.META_KEY)
    if not meta:
        return {}
    chosen = train.design_of(model)
    return {
        "profile": meta["profile"],
        "design": meta["design"],
        "design_summary": chosen.summary(),
        "prior_source": meta.get("prior_source"),
        "training_notes": meta.get("training_notes", []),
        "training_records": meta.get("training_records"),
    }


def link_and_cluster(
    contacts: pd.DataFrame,
    db_api: Any,
    config: LinkageConfig | None = None,
    guards: Guards | None = None,
) -> LinkageResult:
    """Link standardised contacts across and within sources and cluster them into customers.

    Args:
        contacts: Standardised contacts (``identity.schema.CONTACT_COLUMNS``).
        db_api: The engine's Splink backend, from ``identity.engine.make_db_api``.
        config: Seed, threshold and optionally a pre-trained model.
        guards: Limits on identifier frequency and cluster size.

    Returns:
        The clusters, the trained model and diagnostics.
    """
    config = config or LinkageConfig()
    guards = guards or Guards()
    if len(contacts) < 2:
        result = _empty(config.trained_model)
        keys = contacts[s.RECORD_KEY].astype(str)
        result.clusters = pd.DataFrame({s.RECORD_KEY: keys, s.CLUSTER_ID: keys})
        return result
    frame = prepare(contacts, guards)
    scored = score_pairs(frame, db_api, config)
    clusters: Clusters = cluster(
        frame[s.UNIQUE_ID], scored.edges, config.match_weight_threshold, guards.max_cluster_size
    )
    logger.info(
        "linkage: %d records -> %d customers (largest %d, %d oversized split)",
        len(frame),
        clusters.assignments[s.CLUSTER_ID].nunique(),
        int(clusters.sizes.max()),
        len(clusters.oversized),
    )
    return LinkageResult(
        clusters=clusters.assignments,
        model=scored.model,
        oversized=clusters.oversized,
        diagnostics={
            "records": len(frame),
            "customers": int(clusters.assignments[s.CLUSTER_ID].nunique()),
            "largest_cluster": int(clusters.sizes.max()),
            "parameters": diagnostics.parameters(scored.model),
            **design_diagnostics(scored.model),
            "match_weight_histogram": diagnostics.weight_histogram(scored.edges),
            "cluster_sizes": diagnostics.cluster_size_distribution(clusters),
            "blocking_rules": scored.blocking_counts,
            "waterfalls": diagnostics.waterfalls(clusters, scored.edges, scored.model),
            "threshold_match_weight": config.match_weight_threshold,
            # Pairs below this weight are never scored back (``link.score_pairs``): the report
            # says so under the weight histogram rather than show an empty left side.
            "scoring_floor_match_weight": min(MIN_EDGE_MATCH_WEIGHT, config.match_weight_threshold),
            "scored_pairs": len(scored.edges),
            "links": len(clusters.links),
            "oversized": clusters.oversized,
        },
    )
