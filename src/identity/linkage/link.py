"""Train the Splink model (seeded) and score candidate pairs, on whichever engine we are given."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from identity import engine
from identity import schema as s
from identity.linkage import model as m
from identity.linkage import train
from identity.linkage.frequencies import full_name_frequencies, register_frequencies

logger = logging.getLogger(__name__)

# Pairs below this weight (or the link threshold, if lower) are never kept: they cannot change a
# cluster and would bloat the edge list that comes back from the engine.
MIN_EDGE_MATCH_WEIGHT = 0.0


@dataclass
class LinkageConfig:
    """Knobs of one linkage run.

    Attributes:
        seed: Seeds u-sampling so training is reproducible.
        u_max_pairs: Random pairs sampled to estimate u probabilities.
        match_weight_threshold: Pairs at or above this weight link records.
        trained_model: A previously saved model (JSON dict); when given, training is skipped,
            which is how two engines are made to use identical parameters.
        blocking_analysis: Count the comparisons each blocking rule adds, for the report.
        training_sample: Train on at most this many records (a seeded sample).
    """

    seed: int = 42
    u_max_pairs: float = 2e6
    # Weight 0 is a posterior match probability of one half: a pair is linked when, after the
    # prior (about 1 in 3,000 record pairs is one person), it is more likely one person than two.
    # Measured on generated data (BENCHMARKS.md) it is also near the F1 optimum while keeping
    # pairwise precision above 0.99; the household and shared-inbox levels, not a high
    # threshold, are what keep families apart.
    match_weight_threshold: float = 0.0
    trained_model: dict[str, Any] | None = None
    blocking_analysis: bool = True
    # Measured at a million records (BENCHMARKS.md): 100k, 150k and 300k-record samples gave
    # pairwise F1 0.957, 0.957 and 0.953, and the smaller sample trains in half the time.
    training_sample: int = 100_000


@dataclass
class Scored:
    """What the engine hands back: the model and the scored pairs worth keeping."""

    model: dict[str, Any]
    edges: pd.DataFrame
    blocking_counts: list[dict[str, Any]] = field(default_factory=list)


def blocking_counts(frame: pd.DataFrame, model: dict[str, Any]) -> list[dict[str, Any]]:
    """Marginal comparisons each of the model's prediction rules adds, for the report.

    Exact on small data, sampled on large. Counts depend on the data, not the engine, so they
    are taken in-process on DuckDB.
    """
    chosen = train.design_of(model)
    if not chosen.blocking_rules:
        return []
    proportion = train.sample_proportion(len(frame))
    with engine.training_backend() as db_api, warnings.catch_warnings():
        tables = train.register_sources(db_api, frame)
        settings = m.settings(
            train.link_type_for(tables), chosen.comparisons, chosen.blocking_rules
        )
        linker = train.linker(tables, settings)
        # Splink warns when a sampled estimate rests on few pairs; the report says "estimated".
        warnings.simplefilter("ignore", UserWarning)
        records_ = linker.blocking_analysis.count_comparisons_from_blocking_rules(
            record_sample_proportion=proportion
        )
    return [
        {
            "rule": str(record["blocking_rule"]),
            "name": name,
            "comparisons": int(record["marginal_comparison_count"]),
            "cumulative": int(record["cumulative_comparison_count"]),
            "estimated": bool(record["is_estimate"]),
        }
        for name, record in zip(chosen.blocking_rules, records_, strict=True)
    ]


def train_model(frame: pd.DataFrame, config: LinkageConfig) -> dict[str, Any]:
    """Train the model this batch's profile calls for (seeded) and return it as JSON.

    Training runs in-process on DuckDB whatever engine scores the pairs (see ``train``), on a
    seeded sample of large inputs.

    Args:
        frame: Linkage columns from ``prepare.prepare``.
        config: Seed and sampling.

    Returns:
        The trained Splink model, with the data profile and model design it was built from.
    """
    return train.train(frame, config.seed, config.u_max_pairs, config.training_sample)


def with_parameters(
    trained: dict[str, Any], dialect: str, link_type: str = "link_and_dedupe"
) -> dict[str, Any]:
    """Our model's settings in an engine's SQL dialect, carrying trained parameters.

    A saved model's SQL is written in the dialect it was trained in (DuckDB quotes identifiers
    with double quotes, which Spark reads as strings), so rather than reuse that SQL we render
    the settings afresh for the target dialect and copy the trained numbers across, level by
    level.

    Args:
        trained: A model saved by ``train_model``: its design says which comparisons and
            rules it has.
        dialect: ``duckdb`` or ``spark``.
        link_type: For the batch being scored: ``dedupe_only`` when it holds one source.

    Returns:
        A settings dict for ``Linker`` with the trained probabilities.
    """
    chosen = train.design_of(trained)
    fresh = m.settings(link_type, chosen.comparisons, chosen.blocking_rules).create_settings_dict(
        dialect
    )
    fresh["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    for target, source in zip(fresh["comparisons"], trained["comparisons"], strict=True):
        levels = zip(target["comparison_levels"], source["comparison_levels"], strict=True)
        for level, learned in levels:
            for key in ("m_probability", "u_probability", "tf_minimum_u_value"):
                if learned.get(key) is not None:
                    level[key] = learned[key]
    return fresh


def _no_edges(settings: dict[str, Any]) -> pd.DataFrame:
    names = [c["output_column_name"] for c in settings["comparisons"]]
    columns = [s.UNIQUE_ID_L, s.UNIQUE_ID_R, s.MATCH_WEIGHT]
    columns += [f"{prefix}_{name}" for name in names for prefix in ("gamma", "bf")]
    return pd.DataFrame({c: pd.Series(dtype=float) for c in columns}).astype(
        {s.UNIQUE_ID_L: str, s.UNIQUE_ID_R: str}
    )


def score_pairs(frame: pd.DataFrame, db_api: Any, config: LinkageConfig) -> Scored:
    """Train (unless a model is given) and score every blocked pair on the given engine.

    Args:
        frame: Linkage columns from ``prepare.prepare``.
        db_api: From ``identity.engine.make_db_api``: where pairs are blocked and scored.
        config: Seed, thresholds, optional pre-trained model.

    Returns:
        The trained model as a JSON dict and the scored pairs with a positive match weight:
        ``unique_id_l``, ``unique_id_r``, ``match_weight`` and per-comparison ``mw_*`` weights.
    """
    model = config.trained_model or train_model(frame, config)
    tables = train.register_sources(db_api, frame)
    settings = with_parameters(
        model, db_api.sql_dialect.sql_dialect_str, train.link_type_for(tables)
    )
    # Scored pairs keep ids, weights, gammas and Bayes factors only: carrying both sides' name,
    # email, phone and address through prediction and back to pandas roughly doubles its cost.
    settings["retain_matching_columns"] = False
    # Each comparison's match weight (``mw_*``, ``mw_tf_adj_*``) explains a link in the report's
    # waterfalls; without this Splink returns only the total and every waterfall is the prior.
    settings["retain_intermediate_calculation_columns"] = True
    if not settings["blocking_rules_to_generate_predictions"]:
        # No rule fits this data within budget; Splink would compare every pair instead.
        return Scored(model=model, edges=_no_edges(settings))
    linker = train.linker(tables, settings)
    register_frequencies(linker, db_api, full_name_frequencies(frame))
    floor = min(MIN_EDGE_MATCH_WEIGHT, config.match_weight_threshold)
    predictions = linker.inference.predict(threshold_match_weight=floor)
    edges = engine.to_pandas(predictions)
    keep = [s.UNIQUE_ID_L, s.UNIQUE_ID_R, s.MATCH_WEIGHT] + [
        c for c in edges.columns if c.startswith(("gamma_", "bf_", "mw_"))
    ]
    edges = edges[keep].sort_values([s.UNIQUE_ID_L, s.UNIQUE_ID_R], kind="stable")
    # Engines sum the same terms in different orders; rounding keeps a last-bit difference from
    # ever tipping a pair across the threshold on one engine and not the other.
    edges[s.MATCH_WEIGHT] = edges[s.MATCH_WEIGHT].astype(float).round(9)
    logger.info("scored %d candidate pairs with positive weight", len(edges))
    return Scored(
        model=model,
        edges=edges.reset_index(drop=True),
        blocking_counts=blocking_counts(frame, model) if config.blocking_analysis else [],
    )
