"""Train the Splink model (seeded) and score candidate pairs, on whichever engine we are given."""

from __future__ import annotations

import itertools
import json
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from splink import Linker

from identity import engine
from identity.linkage import model as m

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


def _linker(tables: list[Any], settings: Any) -> Linker:
    return Linker(tables, settings, log_level=logging.ERROR)


_REGISTRATIONS = itertools.count()


def _register_sources(db_api: Any, frame: pd.DataFrame) -> list[Any]:
    # A Spark session outlives one linkage (tests, reruns), so table names must not repeat;
    # the display name (Splink's source_dataset) must not vary, because Splink samples records
    # for u estimation by hashing it with the record id: a varying name trains another model.
    batch = next(_REGISTRATIONS)
    tables = []
    for system, part in frame.groupby("source_system", sort=True):
        frame_part = part.reset_index(drop=True)
        name = f"src_{system}_{batch}"
        tables.append(engine.register(db_api, frame_part, name, display_name=f"src_{system}"))
    return tables


def _train(linker: Linker, config: LinkageConfig) -> None:
    training = linker.training
    training.estimate_probability_two_random_records_match(
        m.DETERMINISTIC_RULES, recall=m.DETERMINISTIC_RECALL
    )
    training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    for rule in m.EM_BLOCKING_RULES:
        try:
            training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError:
            # A level almost never seen in one pass can underflow; the other passes still
            # train every comparison, so the run goes on with a warning rather than failing.
            logger.warning("EM pass skipped: a parameter underflowed", exc_info=True)


def blocking_counts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Marginal comparisons each prediction rule adds; exact on small data, sampled on large.

    Counts depend on the data, not the engine, so they are taken in-process on DuckDB.
    """
    proportion = min(1.0, 20_000 / max(len(frame), 1))
    db_api = engine.training_db_api()
    linker = _linker(_register_sources(db_api, frame), m.settings())
    with warnings.catch_warnings():
        # Splink warns when a sampled estimate rests on few pairs; the report says "estimated".
        warnings.simplefilter("ignore", UserWarning)
        records_ = linker.blocking_analysis.count_comparisons_from_blocking_rules(
            record_sample_proportion=proportion
        )
    return [
        {
            "rule": str(record["blocking_rule"]),
            "comparisons": int(record["marginal_comparison_count"]),
            "cumulative": int(record["cumulative_comparison_count"]),
            "estimated": bool(record["is_estimate"]),
        }
        for record in records_
    ]


def train_model(frame: pd.DataFrame, config: LinkageConfig) -> dict[str, Any]:
    """Train the model (seeded) on the embedded training engine and return it as JSON.

    Training always runs in-process on DuckDB, whatever engine scores the pairs: its EM is fast
    on one machine, numerically steadier than Spark's on sparse levels, and it gives both
    engines bit-identical parameters, so Spark and DuckDB produce the same clusters. Large
    inputs are trained on a seeded sample.

    Args:
        frame: Linkage columns from ``prepare.prepare``.
        config: Seed and sampling.

    Returns:
        The trained Splink model.
    """
    sample = frame
    if len(frame) > config.training_sample:
        sample = frame.sample(n=config.training_sample, random_state=config.seed)
        sample = sample.sort_values(m.UID, kind="stable").reset_index(drop=True)
    db_api = engine.training_db_api()
    linker = _linker(_register_sources(db_api, sample), m.settings())
    _train(linker, config)
    model = json.loads(json.dumps(linker.misc.save_model_to_json()))
    # A random per-linker id; dropping it makes the saved model a pure function of the inputs.
    model.pop("linker_uid", None)
    return model


def with_parameters(trained: dict[str, Any], dialect: str) -> dict[str, Any]:
    """Our model's settings in an engine's SQL dialect, carrying trained parameters.

    A saved model's SQL is written in the dialect it was trained in (DuckDB quotes identifiers
    with double quotes, which Spark reads as strings), so rather than reuse that SQL we render
    the settings afresh for the target dialect and copy the trained numbers across, level by
    level.

    Args:
        trained: A model saved by ``train_model`` (or any model of ``model.settings()``).
        dialect: ``duckdb`` or ``spark``.

    Returns:
        A settings dict for ``Linker`` with the trained probabilities.
    """
    fresh = m.settings().create_settings_dict(dialect)
    fresh["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    for target, source in zip(fresh["comparisons"], trained["comparisons"], strict=True):
        levels = zip(target["comparison_levels"], source["comparison_levels"], strict=True)
        for level, learned in levels:
            for key in ("m_probability", "u_probability", "tf_minimum_u_value"):
                if learned.get(key) is not None:
                    level[key] = learned[key]
    return fresh


def score_pairs(frame: pd.DataFrame, db_api: Any, config: LinkageConfig) -> Scored:
    """Train (unless a model is given) and score every blocked pair on the given engine.

    Args:
        frame: Linkage columns from ``prepare.prepare``.
        db_api: From ``identity.engine.make_db_api``: where pairs are blocked and scored.
        config: Seed, thresholds, optional pre-trained model.

    Returns:
        The trained model as a JSON dict and the scored pairs with a positive match weight:
        ``unique_id_l``, ``unique_id_r``, ``match_weight``, per-comparison ``gamma_*`` and ``bf_*``.
    """
    model = config.trained_model or train_model(frame, config)
    settings = with_parameters(model, db_api.sql_dialect.sql_dialect_str)
    # Scored pairs keep ids, weights, gammas and Bayes factors only: carrying both sides' name,
    # email, phone and address through prediction and back to pandas roughly doubles its cost.
    settings["retain_matching_columns"] = False
    linker = _linker(_register_sources(db_api, frame), settings)
    floor = min(MIN_EDGE_MATCH_WEIGHT, config.match_weight_threshold)
    predictions = linker.inference.predict(threshold_match_weight=floor)
    edges = engine.to_pandas(predictions)
    keep = ["unique_id_l", "unique_id_r", "match_weight"] + [
        c for c in edges.columns if c.startswith(("gamma_", "bf_", "tf_"))
    ]
    edges = edges[keep].sort_values(["unique_id_l", "unique_id_r"], kind="stable")
    # Engines sum the same terms in different orders; rounding keeps a last-bit difference from
    # ever tipping a pair across the threshold on one engine and not the other.
    edges["match_weight"] = edges["match_weight"].astype(float).round(9)
    logger.info("scored %d candidate pairs with positive weight", len(edges))
    return Scored(
        model=model,
        edges=edges.reset_index(drop=True),
        blocking_counts=blocking_counts(frame) if config.blocking_analysis else [],
    )
