"""Training is seeded and single-threaded: the same data gives the same model and customers."""

from __future__ import annotations

import json

import pytest

from identity import engine
from identity.linkage import LinkageConfig, LinkageResult, link_and_cluster
from support.linkage import World

pytestmark = pytest.mark.slow

# Fewer u pairs than the world has record pairs, so the seeded sample really is a sample.
SAMPLED_PAIRS = 20_000


def _run(world: World, seed: int) -> LinkageResult:
    config = LinkageConfig(seed=seed, u_max_pairs=SAMPLED_PAIRS, blocking_analysis=False)
    return link_and_cluster(world.contacts, engine.make_db_api("duckdb"), config)


def _model_text(result: LinkageResult) -> str:
    return json.dumps(result.model, sort_keys=True)


def test_training_twice_gives_an_identical_model_and_identical_clusters(linkage_world: World):
    first, second = _run(linkage_world, 42), _run(linkage_world, 42)
    assert _model_text(first) == _model_text(second)
    assert first.clusters.equals(second.clusters)
    # Not trivially equal: EM trained the name levels it saw (rare ones may stay untrained).
    levels = first.model["comparisons"][0]["comparison_levels"]
    trained = [level["m_probability"] for level in levels if level.get("m_probability")]
    assert len(trained) >= 5 and len(set(trained)) == len(trained)


def test_another_seed_samples_other_pairs_and_trains_another_model(linkage_world: World):
    # Failing data for the check above: the comparison does see a different training run.
    assert _model_text(_run(linkage_world, 42)) != _model_text(_run(linkage_world, 7))
