"""Train the model a batch's profile calls for (seeded, in-process on DuckDB).

Training always runs in-process on DuckDB, whatever engine scores the pairs: its EM is fast on
one machine, numerically steadier than Spark's on sparse levels, and it gives both engines
bit-identical parameters, so Spark and DuckDB produce the same clusters.
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import warnings
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from splink import Linker
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from identity import engine
from identity import schema as s
from identity.linkage import model as m
from identity.linkage.design import ModelDesign, design
from identity.linkage.frequencies import full_name_frequencies, register_frequencies
from identity.linkage.profile import ATTRIBUTES, DataProfile, profile

logger = logging.getLogger(__name__)

# Where the profile and design travel inside a saved model (Splink ignores unknown keys only
# when told to, so ``link.with_parameters`` never hands this part to Splink).
META_KEY = "identity"

_REGISTRATIONS = itertools.count()


def linker(tables: list[Any], settings: Any) -> Linker:
    """A quiet Splink linker."""
    return Linker(tables, settings, log_level=logging.ERROR)


def register_sources(db_api: Any, frame: pd.DataFrame) -> list[Any]:
    """Register one table per source system (one table in all for a single source)."""
    # A Spark session outlives one linkage (tests, reruns), so table names must not repeat;
    # the display name (Splink's source_dataset) must not vary, because Splink samples records
    # for u estimation by hashing it with the record id: a varying name trains another model.
    batch = next(_REGISTRATIONS)
    tables = []
    for system, part in frame.groupby(s.SOURCE_SYSTEM, sort=True):
        frame_part = part.reset_index(drop=True)
        name = f"src_{system}_{batch}"
        tables.append(engine.register(db_api, frame_part, name, display_name=f"src_{system}"))
    return tables


def link_type_for(tables: list[Any]) -> str:
    """Splink's link type for these input tables: one table is deduplicated on its own."""
    return "dedupe_only" if len(tables) <= 1 else "link_and_dedupe"


def sample_proportion(records: int) -> float:
    """Share of records Splink's blocking analysis samples: all of up to 20,000 records."""
    return min(1.0, 20_000 / max(records, 1))


def count_pairs(tables: list[Any], rules: list[Any], records: int) -> list[int]:
    """Comparisons the rules generate on these tables (Splink's blocking analysis).

    Args:
        tables: Registered inputs.
        rules: Blocking rule creators or SQL.
        records: Records in the tables.

    Returns:
        Each rule's comparisons on its own (not marginally: a rule that explodes must not hide
        behind an earlier one), exact on up to 20,000 records and estimated from a
        deterministic sample above that.
    """
    proportion = sample_proportion(records)
    kind = link_type_for(tables)

    def run(batch: list[Any]) -> list[dict[str, Any]]:
        with warnings.catch_warnings():
            # Splink warns when a sampled estimate rests on few pairs; that is accepted here.
            warnings.simplefilter("ignore", UserWarning)
            return list(
                count_comparisons_from_blocking_rules(
                    tables if len(tables) > 1 else tables[0],
                    blocking_rules=batch,
                    link_type=kind,  # type: ignore[arg-type]
                    unique_id_column_name=m.UID,
                    record_sample_proportion=proportion,
                )
            )

    return [int(run([rule])[0]["marginal_comparison_count"]) for rule in rules]


def training_sample(frame: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """A seeded sample of at most ``size`` records, in record order."""
    if len(frame) <= size:
        return frame
    sample = frame.sample(n=size, random_state=seed)
    return sample.sort_values(m.UID, kind="stable").reset_index(drop=True)


def choose_design(frame: pd.DataFrame, sample: pd.DataFrame, db_api: Any) -> tuple[Any, ...]:
    """Profile the batch and choose its model.

    Returns:
        The profile, the design, and the registered sample tables (reused for training).
    """
    batch_profile = profile(frame)
    whole = register_sources(db_api, frame)
    sampled = register_sources(db_api, sample) if sample is not frame else whole
    chosen = design(
        batch_profile,
        count_rules=lambda rules: count_pairs(whole, [r.spec for r in rules], len(frame)),
        count_em=lambda rules: count_pairs(sampled, [r.spec for r in rules], len(sample)),
    )
    return batch_profile, chosen, sampled


def _fallback_prior(records: int) -> float:
    # About one true pair per record: what a batch deduplicated at all is likely to hold. Only
    # used when the deterministic rules find nothing to count, or more than can be true.
    total = max(records * (records - 1) / 2, 1.0)
    return min(0.5, max(records, 1) / total)


# Bounds on a trained recall: a rule that seems to find almost nothing, or everything, says more
# about sparse training data than about the rule.
MIN_RECALL = 0.05
MAX_RECALL = 0.99


def rule_coverage(frame: pd.DataFrame, rules: list[m.Candidate]) -> float:
    """Share of record pairs on which at least one rule can hold at all.

    A deterministic rule only finds pairs whose both records carry its attributes: with dates
    of birth on a third of the records, ``full name and date of birth`` can see about a ninth
    of the true pairs however good it is, and taking its matches as 80% of all true pairs
    would put the prior several times too low.

    Args:
        frame: Linkage columns of the records trained on.
        rules: Deterministic rules.

    Returns:
        Estimated share of pairs (0 to 1) where both sides can satisfy some rule.
    """
    if frame.empty or not rules:
        return 0.0
    masks = np.zeros(len(frame), dtype=np.int64)
    for bit, rule in enumerate(rules):
        complete = np.ones(len(frame), dtype=bool)
        for need in rule.needs:
            complete &= frame[ATTRIBUTES[need]].notna().to_numpy()
        masks |= complete.astype(np.int64) << bit
    values, counts = np.unique(masks, return_counts=True)
    overlap = (values[:, None] & values[None, :]) != 0
    covered = float((counts[:, None] * counts[None, :] * overlap).sum())
    return covered / float(len(frame)) ** 2


def estimate_prior(
    tables: list[Any], chosen: ModelDesign, frame: pd.DataFrame
) -> tuple[float, str]:
    """The prior match probability from the design's deterministic rules.

    Args:
        tables: The registered training records.
        chosen: The design (its deterministic rules).
        frame: The same records, to see how many pairs the rules can reach.

    Returns:
        The probability and how it was found (for the report).
    """
    candidates = m.deterministic_candidates(chosen.deterministic_rules)
    recall = m.DETERMINISTIC_RECALL * rule_coverage(frame, candidates)
    if recall <= 0:
        return _fallback_prior(len(frame)), "default: no deterministic rule fits the data"
    settings = m.settings(link_type_for(tables), chosen.comparisons, chosen.blocking_rules)
    probe = linker(tables, settings)
    try:
        probe.training.estimate_probability_two_random_records_match(
            [c.spec for c in candidates], recall=recall
        )
    except ValueError:
        # More exact matches than that recall allows: nearly every pair is a match.
        return _fallback_prior(len(frame)), "default: deterministic rules matched too many pairs"
    prior = float(probe.misc.save_model_to_json()["probability_two_random_records_match"])
    if prior <= 0:
        return _fallback_prior(len(frame)), "default: deterministic rules matched no pair"
    return prior, f"deterministic rules (assumed recall {recall:.3f})"


def trained_recall(model: dict[str, Any], rules: tuple[str, ...]) -> float | None:
    """Share of true pairs (with the values present) the rules find, from trained m.

    Each rule's parts are taken as independent given a match, and the rules as independent of
    each other: ``1 - prod(1 - prod(m))``.

    Returns:
        The recall, or None when a part's levels are not in the model.
    """
    levels: dict[tuple[str, str], float] = {}
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            m_probability = level.get("m_probability")
            if not level.get("is_null_level") and m_probability is not None:
                key = (comparison["output_column_name"], str(level.get("label_for_charts")))
                levels[key] = float(m_probability)
    missed = 1.0
    for rule in rules:
        found = 1.0
        for comparison, labels in m.DETERMINISTIC_PARTS[rule]:
            shares = [
                levels[(comparison, label)] for label in labels if (comparison, label) in levels
            ]
            if not shares:
                return None
            found *= min(1.0, sum(shares))
        missed *= 1.0 - found
    return 1.0 - missed


def _train_em(
    trainer: Linker, tables: list[Any], chosen: ModelDesign, db_api: Any, names: pd.DataFrame
) -> tuple[Linker, list[str]]:
    """Run the design's EM passes; a pass that fails is skipped with a note, never fatal.

    Returns:
        The linker holding the trained model (a rebuilt one if a pass failed) and the notes.
    """
    start = trainer.misc.save_model_to_json()
    done: list[Any] = []
    notes = []
    for name, rule in zip(chosen.em_passes, m.em_rules(chosen.em_passes), strict=True):
        try:
            trainer.training.estimate_parameters_using_expectation_maximisation(rule)
            done.append(rule)
        except Exception as error:  # noqa: BLE001  (Splink raises several kinds; see note)
            # A pass with too few pairs, or a level that underflows, loses only that pass:
            # the others still train, and untrained levels keep their defaults. Splink leaves
            # a failed pass's linker without the comparisons that pass had set aside, so the
            # linker is rebuilt from before the first pass and the passes that worked are run
            # again: the model is then exactly what it would be without the failed pass.
            logger.warning("EM pass %s skipped: %s", name, type(error).__name__)
            notes.append(f"training pass on {name} skipped: {type(error).__name__}")
            trainer = linker(tables, start)
            register_frequencies(trainer, db_api, names)
            for earlier in done:
                trainer.training.estimate_parameters_using_expectation_maximisation(earlier)
    return trainer, notes


def default_m() -> dict[str, list[float]]:
    """Documented default m probabilities per comparison (``default_m.json``)."""
    text = resources.files("identity.linkage").joinpath("default_m.json").read_text("utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def apply_default_m(model: dict[str, Any], comparisons: list[str]) -> dict[str, Any]:
    """Give untrained comparisons the documented default m of each non-null level."""
    defaults = default_m()
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        if name not in comparisons:
            continue
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for level, value in zip(levels, defaults[name], strict=True):
            if not level.get("fix_m_probability"):
                level["m_probability"] = value
    return out


def train(frame: pd.DataFrame, seed: int, u_max_pairs: float, sample_size: int) -> dict[str, Any]:
    """Profile, design and train a model for this batch.

    Args:
        frame: Linkage columns from ``prepare.prepare``.
        seed: Seeds sampling and u estimation.
        u_max_pairs: Random pairs for u estimation.
        sample_size: Train on at most this many records.

    Returns:
        The Splink model as JSON, with the profile and design under ``META_KEY``.
    """
    sample = training_sample(frame, sample_size, seed)
    with engine.training_backend() as db_api:
        batch_profile, chosen, tables = choose_design(frame, sample, db_api)
        prior, prior_source = estimate_prior(tables, chosen, sample)
        settings = m.settings(
            link_type_for(tables), chosen.comparisons, chosen.blocking_rules, prior=prior
        )
        trainer = linker(tables, settings)
        names = full_name_frequencies(sample)
        register_frequencies(trainer, db_api, names)
        trainer.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        trainer, notes = _train_em(trainer, tables, chosen, db_api, names)
        model = json.loads(json.dumps(trainer.misc.save_model_to_json()))
    # A random per-linker id; dropping it makes the saved model a pure function of the inputs.
    model.pop("linker_uid", None)
    model = apply_default_m(model, list(chosen.untrained))
    found = trained_recall(model, chosen.deterministic_rules)
    if prior_source.startswith("deterministic") and found:
        # The count behind the prior is fixed; only the recall it is divided by is revised.
        coverage = rule_coverage(sample, m.deterministic_candidates(chosen.deterministic_rules))
        assumed = m.DETERMINISTIC_RECALL * coverage
        revised = min(MAX_RECALL, max(MIN_RECALL, found * coverage))
        model["probability_two_random_records_match"] = min(0.5, prior * assumed / revised)
        prior_source = f"deterministic rules (recall {revised:.3f} from trained m)"
    model[META_KEY] = {
        "profile": batch_profile.to_dict(),
        "design": chosen.to_dict(),
        "prior_source": prior_source,
        "training_notes": notes,
        "training_records": len(sample),
    }
    logger.info("model design: %s", chosen.summary())
    return model


def design_of(model: dict[str, Any]) -> ModelDesign:
    """The design a saved model was trained with."""
    return ModelDesign.from_dict(model[META_KEY]["design"])


def profile_of(model: dict[str, Any]) -> DataProfile:
    """The profile of the batch a saved model was trained on."""
    return DataProfile.from_dict(model[META_KEY]["profile"])
