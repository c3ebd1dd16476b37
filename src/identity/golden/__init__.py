"""Golden record: one row per customer with surviving values, lineage, ids and rollups."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from identity import schema as s
from identity.golden.ids import assign_ids
from identity.golden.rollups import rollups
from identity.golden.survivorship import SurvivorshipRules, load_rules, survive_attribute
from identity.golden.touchpoints import all_touchpoints

__all__ = ["GoldenResult", "PreviousRun", "build_golden", "load_rules"]

GOLDEN_ATTRIBUTES = [
    s.FIRST_NAME,
    s.LAST_NAME,
    s.EMAIL,
    s.PHONE,
    s.STREET,
    s.POSTAL_CODE,
    s.CITY,
    s.COUNTRY,
    s.DATE_OF_BIRTH,
]


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
    customers = pd.DataFrame({s.CLUSTER_ID: sorted(records[s.CLUSTER_ID].unique())})
    lineage: dict[str, dict[str, dict[str, str]]] = {c: {} for c in customers[s.CLUSTER_ID]}
    for attribute in rules.rules:
        winners = survive_attribute(records, attribute, rules)
        columns = rules.columns(attribute)
        customers = customers.merge(winners[[s.CLUSTER_ID, *columns]], on=s.CLUSTER_ID, how="left")
        for row in winners.itertuples(index=False):
            entry = {
                "source_system": row.source_system,
                "source_record_id": row.source_record_id,
                "rule": row.rule,
            }
            for column in columns:
                if pd.notna(getattr(row, column)):
                    lineage[row.cluster_id][column] = entry
    customers["lineage"] = customers[s.CLUSTER_ID].map(
        lambda c: json.dumps(lineage[c], sort_keys=True, ensure_ascii=False)
    )
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
    records = contacts.merge(clusters, on=s.RECORD_KEY, how="inner", validate="one_to_one")
    if len(records) != len(contacts):
        missing = len(contacts) - len(records)
        raise ValueError(f"{missing} standardised contacts have no cluster: linkage lost records")
    assignment = assign_ids(
        clusters, previous.crosswalk, previous.issued, run_id, previous.first_seen
    )
    records = records.merge(assignment.ids, on=s.CLUSTER_ID, how="left", validate="many_to_one")

    survived = _survive_all(records, rules)
    survived = survived.merge(assignment.ids, on=s.CLUSTER_ID, how="left")
    touchpoints = all_touchpoints(records, transactions if transactions is not None else _none())
    facts = rollups(records, touchpoints)
    golden = survived.merge(facts, on=s.CUSTOMER_ID, how="left", validate="one_to_one")
    golden[s.RUN_ID] = run_id
    golden = golden[[s.CUSTOMER_ID, *GOLDEN_ATTRIBUTES, *_rest(golden)]]
    golden = golden.sort_values(s.CUSTOMER_ID).reset_index(drop=True)

    crosswalk = records[[s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.CUSTOMER_ID, s.RECORD_KEY]].copy()
    crosswalk[s.RUN_ID] = run_id
    crosswalk = crosswalk.sort_values(s.RECORD_KEY).reset_index(drop=True)
    touchpoints[s.RUN_ID] = run_id
    return GoldenResult(
        golden=golden,
        crosswalk=crosswalk[[s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.CUSTOMER_ID, s.RUN_ID]],
        changes=assignment.changes,
        touchpoints=touchpoints,
        kept_ids=assignment.kept,
    )


def _rest(golden: pd.DataFrame) -> list[str]:
    skip = {s.CUSTOMER_ID, s.CLUSTER_ID, *GOLDEN_ATTRIBUTES}
    return [c for c in golden.columns if c not in skip]


def _none() -> pd.DataFrame:
    return pd.DataFrame(columns=[s.SOURCE_SYSTEM])
