"""Golden record: one row per customer with surviving values, lineage, ids and rollups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from identity import schema as s
from identity.golden._order import order_rows
from identity.golden.ids import assign_ids
from identity.golden.rollups import rollups
from identity.golden.survivorship import (
    SurvivorshipRules,
    lineage_fragments,
    lineage_json,
    load_rules,
    rank_inputs,
    survive_attribute,
)
from identity.golden.touchpoints import all_touchpoints

__all__ = ["GoldenResult", "PreviousRun", "build_golden", "load_rules"]

_KEY = pd.StringDtype("pyarrow")


@dataclass
class PreviousRun:
    """What the previous published run tells this one.

    Attributes:
        crosswalk: ``record_key`` -> ``customer_id`` (empty on a first run).
        issued: Every customer id ever issued.
        first_seen: ``customer_id`` -> first seen timestamp.
    """

    crosswalk: pd.DataFrame
    issued: set[str]
    first_seen: pd.Series

    @classmethod
    def empty(cls) -> PreviousRun:
        """A first run: nothing published before."""
        return cls(
            crosswalk=pd.DataFrame(columns=[s.RECORD_KEY, s.CUSTOMER_ID]),
            issued=set(),
            first_seen=pd.Series(dtype="datetime64[ns, UTC]"),
        )


@dataclass
class GoldenResult:
    """The tables the golden stage produces (not yet published)."""

    golden: pd.DataFrame
    crosswalk: pd.DataFrame
    changes: pd.DataFrame
    touchpoints: pd.DataFrame
    kept_ids: int

    @property
    def customers(self) -> int:
        """Rows in the golden table."""
        return len(self.golden)


def _survive_all(records: pd.DataFrame, rules: SurvivorshipRules) -> pd.DataFrame:
    """Surviving values and the lineage JSON of every customer, built column-wise."""
    needed = {s.CLUSTER_ID, s.RECORD_KEY, s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID}
    needed |= {s.CREATED_AT, s.UPDATED_AT, *s.GOLDEN_ATTRIBUTES}
    ranked = rank_inputs(records[[c for c in records.columns if c in needed]], rules)
    clusters = np.sort(records[s.CLUSTER_ID].unique())
    customers = pd.DataFrame({s.CLUSTER_ID: clusters})
    entries: dict[str, tuple[np.ndarray, pa.Array]] = {}
    cluster_index = pd.Index(clusters)  # its hash table is built once for every attribute
    for attribute in rules.rules:
        winners = survive_attribute(ranked, attribute, rules)
        position = cluster_index.get_indexer(winners[s.CLUSTER_ID])
        fragments = lineage_fragments(winners)
        for column in rules.columns(attribute):
            values = np.full(len(clusters), None, dtype=object)
            present = winners[column].notna().to_numpy()
            values[position[present]] = winners[column].to_numpy(dtype=object)[present]
            customers[column] = values
            entries[column] = (position[present], fragments.filter(pa.array(present)))
    customers[s.LINEAGE] = lineage_json(len(clusters), entries).to_numpy(zero_copy_only=False)
    return customers


def build_golden(
    contacts: pd.DataFrame,
    clusters: pd.DataFrame,
    previous: PreviousRun,
    run_id: str,
    transactions: pd.DataFrame | None = None,
    rules: SurvivorshipRules | None = None,
) -> GoldenResult:
    """Build the golden customers, crosswalk, id changes and touchpoints for one run.

    Args:
        contacts: Standardised contacts.
        clusters: ``record_key`` -> ``cluster_id`` from linkage.
        previous: The previous published run (for persistent ids).
        run_id: This run's id.
        transactions: Orders and store sales (optional).
        rules: Survivorship rules; the packaged ones by default.

    Returns:
        The four tables.
    """
    rules = rules or load_rules()
    # Keys as Arrow strings: grouping, joining and sorting them runs in C++ rather than through
    # Python string comparisons (several times faster at a million records).
    contacts = contacts.astype({s.RECORD_KEY: _KEY})
    clusters = clusters.astype({s.RECORD_KEY: _KEY, s.CLUSTER_ID: _KEY})
    records = contacts.merge(clusters, on=s.RECORD_KEY, how="inner", validate="one_to_one")
    if len(records) != len(contacts):
        missing = len(contacts) - len(records)
        raise ValueError(f"{missing} standardised contacts have no cluster: linkage lost records")
    assignment = assign_ids(
        clusters, previous.crosswalk, previous.issued, run_id, previous.first_seen
    )
    ids = assignment.ids.astype({s.CLUSTER_ID: _KEY, s.CUSTOMER_ID: _KEY})
    records = records.merge(ids, on=s.CLUSTER_ID, how="left", validate="many_to_one")

    survived = _survive_all(records, rules)
    survived = survived.astype({s.CLUSTER_ID: _KEY}).merge(ids, on=s.CLUSTER_ID, how="left")
    touchpoints = all_touchpoints(records, transactions if transactions is not None else _none())
    facts = rollups(records, touchpoints)
    golden = survived.merge(facts, on=s.CUSTOMER_ID, how="left", validate="one_to_one")
    golden[s.RUN_ID] = run_id
    golden = golden[[s.CUSTOMER_ID, *s.GOLDEN_ATTRIBUTES, *_rest(golden)]]
    golden = order_rows(golden, [s.CUSTOMER_ID]).reset_index(drop=True)

    crosswalk = records[[s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.CUSTOMER_ID, s.RECORD_KEY]].copy()
    crosswalk[s.RUN_ID] = run_id
    crosswalk = order_rows(crosswalk, [s.RECORD_KEY]).reset_index(drop=True)
    touchpoints[s.RUN_ID] = run_id
    golden, crosswalk, touchpoints = (_plain(f) for f in (golden, crosswalk, touchpoints))
    return GoldenResult(
        golden=golden,
        crosswalk=crosswalk[s.CROSSWALK_COLUMNS],
        changes=assignment.changes,
        touchpoints=touchpoints,
        kept_ids=assignment.kept,
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow-backed key columns back to plain object strings, as every other stage uses."""
    keys = {c: object for c in frame.columns if frame[c].dtype == _KEY}
    return frame.astype(keys) if keys else frame


def _rest(golden: pd.DataFrame) -> list[str]:
    skip = {s.CUSTOMER_ID, s.CLUSTER_ID, *s.GOLDEN_ATTRIBUTES}
    return [c for c in golden.columns if c not in skip]


def _none() -> pd.DataFrame:
    return pd.DataFrame(columns=[s.SOURCE_SYSTEM])
