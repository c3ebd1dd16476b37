"""Survivorship: pick the best value of each attribute per customer, and say why.

The rules live in ``survivorship.json`` (versioned with the code, editable without it). For each
attribute the candidates are the non-empty values of the customer's records; the rules, in order,
rank them; the first rule that separates the winner from the runner-up is recorded as the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from identity import schema as s

KNOWN_RULES = ("validity", "source_trust", "recency", "completeness", "frequency")
TIE_BREAK = "record_key"


@dataclass(frozen=True)
class SurvivorshipRules:
    """Parsed survivorship configuration.

    Attributes:
        source_trust: Higher wins.
        rules: Attribute (or group) name -> ordered rule names.
        groups: Group name -> columns that survive together (an address is one fact).
    """

    source_trust: dict[str, int]
    rules: dict[str, list[str]]
    groups: dict[str, list[str]]

    def columns(self, attribute: str) -> list[str]:
        """Columns an attribute or group covers."""
        return self.groups.get(attribute, [attribute])


def load_rules(path: Path | None = None) -> SurvivorshipRules:
    """Read and validate survivorship rules.

    Args:
        path: A JSON file; defaults to the packaged ``survivorship.json``.

    Returns:
        The parsed rules.

    Raises:
        ValueError: On an unknown rule name, naming the file and attribute.
    """
    if path is None:
        text = resources.files("identity.golden").joinpath("survivorship.json").read_text("utf-8")
        where = "survivorship.json"
    else:
        text = Path(path).read_text("utf-8")
        where = str(path)
    raw = json.loads(text)
    for attribute, names in raw["rules"].items():
        unknown = [n for n in names if n not in KNOWN_RULES]
        if unknown:
            raise ValueError(
                f"{where}: attribute {attribute!r} uses unknown rule(s) {unknown}; "
                f"known rules are {', '.join(KNOWN_RULES)}"
            )
    return SurvivorshipRules(
        source_trust={k: int(v) for k, v in raw["source_trust"].items()},
        rules={k: list(v) for k, v in raw["rules"].items()},
        groups={k: list(v) for k, v in raw.get("groups", {}).items()},
    )


def _recency(frame: pd.DataFrame) -> pd.Series:
    stamp = frame[s.UPDATED_AT].fillna(frame[s.CREATED_AT])
    values = pd.to_datetime(stamp, utc=True)
    return values.astype("int64").where(values.notna(), np.iinfo("int64").min)


def _scores(candidates: pd.DataFrame, columns: list[str], rules: SurvivorshipRules) -> pd.DataFrame:
    """One numeric column per rule, higher is better."""
    value = candidates["_value"]
    scores = pd.DataFrame(index=candidates.index)
    scores["validity"] = 1  # invalid values were emptied by standardisation and never compete
    scores["source_trust"] = candidates[s.SOURCE_SYSTEM].map(rules.source_trust).fillna(0)
    scores["recency"] = _recency(candidates)
    filled = candidates[columns].notna().sum(axis=1)
    scores["completeness"] = filled * 10_000 + value.str.len()
    scores["frequency"] = candidates.groupby([s.CLUSTER_ID, "_value"])["_value"].transform("size")
    return scores


def _joined_value(candidates: pd.DataFrame, columns: list[str]) -> pd.Series:
    if len(columns) == 1:
        return candidates[columns[0]].astype(str)
    return candidates[columns].astype("object").fillna("").astype(str).agg("\x1f".join, axis=1)


def survive_attribute(
    records: pd.DataFrame, attribute: str, rules: SurvivorshipRules
) -> pd.DataFrame:
    """Pick one value (or group of values) per cluster.

    Args:
        records: Contacts with ``cluster_id``.
        attribute: A rule key: an attribute or a group name.
        rules: The survivorship rules.

    Returns:
        One row per cluster that has a candidate: ``cluster_id``, the covered columns,
        ``record_key``, ``source_system``, ``source_record_id`` of the winner and ``rule``.
    """
    columns = rules.columns(attribute)
    order = rules.rules[attribute]
    candidates = records[records[columns].notna().any(axis=1)].copy()
    if candidates.empty:
        return pd.DataFrame(columns=[s.CLUSTER_ID, *columns, s.RECORD_KEY, "rule"])
    candidates["_value"] = _joined_value(candidates, columns)
    scores = _scores(candidates, columns, rules)[order]
    ranked = pd.concat([candidates, scores.add_prefix("_score_")], axis=1)
    score_cols = [f"_score_{r}" for r in order]
    ranked = ranked.sort_values(
        [s.CLUSTER_ID, *score_cols, s.RECORD_KEY],
        ascending=[True, *([False] * len(order)), True],
        kind="stable",
    )
    top_two = ranked.groupby(s.CLUSTER_ID, sort=False).head(2)
    winners = top_two.groupby(s.CLUSTER_ID, sort=False).nth(0).set_index(s.CLUSTER_ID)
    runners = top_two.groupby(s.CLUSTER_ID, sort=False).nth(1).set_index(s.CLUSTER_ID)
    runners = runners.reindex(winners.index)
    reason = pd.Series("only candidate", index=winners.index, dtype=object)
    has_runner = runners[s.RECORD_KEY].notna()
    reason[has_runner] = TIE_BREAK
    # Walk the rules backwards so the first rule that separates the two wins the label.
    for rule, column in reversed(list(zip(order, score_cols, strict=True))):
        separated = has_runner & (winners[column] != runners[column])
        reason[separated] = rule
    agreed = has_runner & (winners["_value"] == runners["_value"])
    reason[agreed & (reason == TIE_BREAK)] = "agreement"
    out = winners[[*columns, s.RECORD_KEY, s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID]].copy()
    out["rule"] = reason
    return out.reset_index()


def lineage_entry(row: pd.Series) -> dict[str, Any]:
    """The lineage of one surviving value."""
    return {
        "source_system": row[s.SOURCE_SYSTEM],
        "source_record_id": row[s.SOURCE_RECORD_ID],
        "rule": row["rule"],
    }
