"""Shared data for the linkage tests: a small generated world, a model trained on it, and
hand-made CRM rows that go through the real standardisation.

The world and its model are built once per test run by the session fixtures ``linkage_world``
and ``world_model`` of ``conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import identity_demo as demo
from identity import engine, evaluate
from identity import schema as s
from identity.linkage import LinkageConfig, LinkageResult, link_and_cluster
from identity.linkage.link import train_model
from identity.linkage.prepare import prepare
from identity.readers.landing import read_landing_source
from identity.standardise import standardise
from identity.standardise.batches import standardise_sources

WORLD_PEOPLE = 400
WORLD_SEED = 11


@dataclass(frozen=True)
class World:
    """Generated people, standardised.

    Attributes:
        contacts: Their standardised contacts (``schema.CONTACT_COLUMNS``).
        truth: Which person each record belongs to (``evaluate.read_truth``).
    """

    contacts: pd.DataFrame
    truth: pd.DataFrame


def generate_world(landing: Path, people: int = WORLD_PEOPLE, seed: int = WORLD_SEED) -> World:
    """Write demo exports for ``people`` into ``landing``, then read and standardise them."""
    demo.generate(people, landing, seed=seed)
    batches = [read_landing_source(landing, system) for system in s.SOURCE_SYSTEMS]
    contacts = standardise_sources(batches).contacts
    return World(contacts, evaluate.read_truth(landing / demo.TRUTH_FILE))


def train_world_model(world: World) -> dict[str, Any]:
    """The model trained (seeded) on the world: reused to link hand-made batches."""
    return train_model(prepare(world.contacts), LinkageConfig())


def crm_rows(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Salesforce reader output for hand-made contacts, standardised for real.

    Args:
        rows: Per record at least ``id`` (unique) and any raw contact fields.

    Returns:
        Standardised contacts (``schema.CONTACT_COLUMNS``); asserts none was quarantined.
    """
    records = []
    for line, row in enumerate(rows, start=2):
        record: dict[str, str | None] = dict.fromkeys(s.RAW_COLUMNS)
        fields = {k: v for k, v in row.items() if k != "id"}
        record.update(
            source_system="crm",
            source_record_id=row["id"],
            source_file="hand_made.csv",
            source_line=str(line),
            raw=f"hand-made row {line}",
            is_deleted="false",
            created_at="2026-01-05T10:00:00.000Z",
            **fields,
        )
        records.append(record)
    batch = standardise(pd.DataFrame(records, columns=s.RAW_COLUMNS), default_region="FR")
    assert batch.quarantine.empty, batch.quarantine["reason"].tolist()
    return batch.contacts


def link_with_world(
    extra: pd.DataFrame, world: World, model: dict[str, Any], **config: Any
) -> LinkageResult:
    """Link hand-made contacts together with the generated world, using the world's model."""
    both = pd.concat([world.contacts, extra], ignore_index=True)
    settings = LinkageConfig(trained_model=model, blocking_analysis=False, **config)
    return link_and_cluster(both, engine.make_db_api("duckdb"), settings)


def cluster_of(result: LinkageResult) -> pd.Series:
    """``record_key`` -> ``cluster_id``."""
    return result.clusters.set_index("record_key")["cluster_id"]
