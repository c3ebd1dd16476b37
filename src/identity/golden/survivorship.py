"""Survivorship: pick the best value of each attribute per customer, and say why.

The rules live in ``survivorship.json`` (versioned with the code, editable without it). For each
attribute (or group of columns that survive together, such as an address) the candidates are the
customer's records that hold a value. The rules, in the configured order, rank them:

- ``validity``: a value that passes its check beats one that fails (a failed value never
  survives, even alone: the golden record leaves the attribute empty instead);
- ``source_trust``: the more trusted source system wins (``source_trust`` in the file);
- ``recency``: the more recently updated record wins (``updated_at``, else ``created_at``);
- ``completeness``: more filled columns of a group win, then the longer value ("Robert" over
  "Rob");
- ``frequency``: the value held by more of the customer's records wins.

Each later rule only breaks ties left by the earlier ones. A tie that survives every rule goes to
the smallest ``record_key`` (``source_system:source_record_id``), so the same records always give
the same golden row. The lineage names the rule that separated the winning value from the best
*different* value: ``only candidate`` (one record), ``agreement`` (every record holds the same
value), a rule name, or ``record_key`` (the deterministic tie-break decided).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from identity import schema as s

KNOWN_RULES = ("validity", "source_trust", "recency", "completeness", "frequency")
TIE_BREAK = s.RECORD_KEY  # the rule name lineage gives when only the record key decided
ONLY = "only candidate"
AGREEMENT = "agreement"
_MISSING_TIME = np.iinfo("int64").min + 1  # negated for sorting, so not the very minimum
_RANK_COLUMNS = ("_cluster", "_key_rank", "_trust", "_recency", s.CREATED_AT, s.UPDATED_AT)
_SEPARATOR = "\x1f"  # joins a group's columns into one value
_LETTER = re.compile(r"[^\W\d_]")

Check = Callable[[pd.Series], pd.Series]


def _name_ok(values: pd.Series) -> pd.Series:
    # A name has a letter and no digit ("J0hn", "123", "." are keying errors, not names).
    return values.str.contains(_LETTER) & ~values.str.contains(r"\d", regex=True)


def _email_ok(values: pd.Series) -> pd.Series:
    return values.str.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


def _phone_ok(values: pd.Series) -> pd.Series:
    return values.str.fullmatch(r"\+[1-9]\d{6,14}")  # E.164


def _country_ok(values: pd.Series) -> pd.Series:
    return values.str.fullmatch(r"[A-Z]{2}")  # ISO 3166 alpha-2


def _text_ok(values: pd.Series) -> pd.Series:
    return values.str.contains(r"\w", regex=True)


def _birth_ok(values: pd.Series) -> pd.Series:
    born = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    return born.notna() & (born.dt.year >= 1900)


def _born_before_written(born: pd.Series, records: pd.DataFrame) -> pd.Series:
    # Nobody is born after their record was written. ``born``: the dates of birth parsed.
    written = _stamp(records)
    return ~(born > written.where(written.notna(), born))


CHECKS: dict[str, Check] = {
    s.FIRST_NAME: _name_ok,
    s.LAST_NAME: _name_ok,
    s.EMAIL: _email_ok,
    s.PHONE: _phone_ok,
    s.STREET: _text_ok,
    s.CITY: _text_ok,
    s.POSTAL_CODE: _text_ok,
    s.COUNTRY: _country_ok,
    s.DATE_OF_BIRTH: _birth_ok,
}


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


def _stamp(frame: pd.DataFrame) -> pd.Series:
    """When a record last said something: updated, else created (UTC, NaT when unknown)."""
    return pd.to_datetime(frame[s.UPDATED_AT].fillna(frame[s.CREATED_AT]), utc=True)


def rank_inputs(records: pd.DataFrame, rules: SurvivorshipRules) -> pd.DataFrame:
    """Add the per-record inputs every attribute shares, computed once for all of them.

    ``_cluster`` (sorted integer code of ``cluster_id``), ``_key_rank`` (rank of
    ``record_key``, the final tie-break), ``_trust`` and ``_recency`` (higher is better).
    """
    stamp = _stamp(records)
    recency = stamp.astype("int64").where(stamp.notna(), _MISSING_TIME)
    return records.assign(
        _cluster=pd.factorize(records[s.CLUSTER_ID], sort=True)[0],
        _key_rank=pd.factorize(records[s.RECORD_KEY], sort=True)[0],
        _trust=records[s.SOURCE_SYSTEM].map(rules.source_trust).fillna(0).astype("int64"),
        _recency=recency.astype("int64"),
    )


def _validity(candidates: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """1 when every filled column of the candidate passes its check, else 0."""
    valid = np.ones(len(candidates), dtype=bool)
    for column in columns:
        check = CHECKS.get(column)
        if check is None:
            continue
        values = candidates[column]
        # Values repeat (names, cities, countries): check each distinct value once, through
        # integer codes (Arrow's hash table) rather than a dict lookup per row.
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        filled = codes >= 0
        codes = codes[filled]
        distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
        ok = check(distinct).fillna(False).astype(bool).to_numpy()[codes]
        if column == s.DATE_OF_BIRTH:
            born = pd.to_datetime(distinct, format="%Y-%m-%d", errors="coerce", utc=True)
            ok &= _born_before_written(
                pd.Series(born.array.take(codes), index=values.index[filled]),
                candidates[filled],
            ).to_numpy()
        valid[filled] &= ok
    return valid.astype("int64")


def _scores(
    candidates: pd.DataFrame, lengths: np.ndarray, codes: np.ndarray, columns: list[str]
) -> dict[str, np.ndarray]:
    """One int64 array per rule, higher is better.

    ``lengths``: characters of each candidate's joined value; ``codes``: equal for equal values.
    """
    cluster = candidates["_cluster"].to_numpy().astype("int64")
    # Frequency: how many of the cluster's candidates hold the same value (one integer key).
    pair = cluster * (int(codes.max()) + 1) + codes
    _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    filled = candidates[columns].notna().sum(axis=1).to_numpy().astype("int64")
    return {
        "validity": _validity(candidates, columns),
        "source_trust": candidates["_trust"].to_numpy(),
        "recency": candidates["_recency"].to_numpy(),
        "completeness": filled * 10_000 + lengths,
        "frequency": counts[inverse].astype("int64"),
    }


def _value_codes(candidates: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate's value as an integer code (equal codes for equal values) and its length.

    The value is the covered columns joined by a unit separator, a missing column counting as
    empty text. Ranking only compares values for equality and counts their characters, so
    for text columns both come from per-column codes and lengths (Arrow kernels) instead of
    building the joined strings.
    """
    plain = all(isinstance(candidates[c].dtype, pd.StringDtype) for c in columns)
    if plain and len(columns) > 1:
        # A value holding the separator could join into another's text: compare the strings.
        plain = not any(
            candidates[c].str.contains(_SEPARATOR, regex=False).fillna(False).any() for c in columns
        )
    if not plain:
        joined = _joined_value(candidates, columns)
        return pd.factorize(joined)[0].astype("int64"), joined.str.len().to_numpy().astype("int64")
    codes: np.ndarray | None = None
    lengths = np.full(len(candidates), len(columns) - 1, dtype="int64")  # the separators
    for column in columns:
        text = candidates[column].fillna("")
        lengths += text.str.len().to_numpy(dtype="int64")
        part = pd.factorize(text)[0].astype("int64")
        # Renumber the pair (codes so far, this column) densely, so numbers stay small.
        codes = part if codes is None else pd.factorize(codes * (int(part.max()) + 1) + part)[0]
    assert codes is not None
    return codes.astype("int64"), lengths


def _joined_value(candidates: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The candidate's value as one string (a group's columns joined by a unit separator)."""
    parts = [candidates[c].astype("object").fillna("").astype(str) for c in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + _SEPARATOR + part
    return joined


def _empty(columns: list[str]) -> pd.DataFrame:
    names = [s.CLUSTER_ID, *columns, s.RECORD_KEY, s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.RULE]
    return pd.DataFrame(columns=names)


def _reasons(
    order: list[str], ranked: dict[str, np.ndarray], first: np.ndarray, runner: np.ndarray
) -> np.ndarray:
    """Per cluster, the first rule that separates the winner from the runner-up."""
    reason = np.full(len(first), TIE_BREAK, dtype=object)
    has = runner >= 0
    # Walk the rules backwards so the first rule that separates the two wins the label.
    for rule in reversed(order):
        score = ranked[rule]
        differs = np.zeros(len(first), dtype=bool)
        differs[has] = score[first[has]] != score[runner[has]]
        reason[differs] = rule
    return reason


def survive_attribute(
    records: pd.DataFrame, attribute: str, rules: SurvivorshipRules
) -> pd.DataFrame:
    """Pick one value (or group of values) per cluster.

    Args:
        records: Contacts with ``cluster_id`` (optionally with ``rank_inputs`` added, which
            saves recomputing them for every attribute).
        attribute: A rule key: an attribute or a group name.
        rules: The survivorship rules.

    Returns:
        One row per cluster that has a valid candidate: ``cluster_id``, the covered columns,
        ``record_key``, ``source_system``, ``source_record_id`` of the winner and ``rule``.
    """
    columns = rules.columns(attribute)
    order = rules.rules[attribute]
    if "validity" not in order:
        # A configuration cannot switch validity off: a failed value must never win.
        order = ["validity", *order]
    if "_key_rank" not in records:
        records = rank_inputs(records, rules)
    # Only the columns ranking needs: the winners' text columns are taken at the end, for the
    # winners only (taking Arrow strings of every candidate for every attribute is slow).
    keep = [c for c in (*_RANK_COLUMNS, *columns) if c in records]
    rows = np.flatnonzero(records[columns].notna().any(axis=1).to_numpy())
    candidates = records.iloc[rows, [records.columns.get_loc(c) for c in keep]]
    if candidates.empty:
        return _empty(columns)
    codes, lengths = _value_codes(candidates, columns)
    scores = _scores(candidates, lengths, codes, columns)
    cluster = candidates["_cluster"].to_numpy()
    # Best first within each cluster: every rule descending, then the smallest record key.
    keys = [candidates["_key_rank"].to_numpy(), *(-scores[r] for r in reversed(order)), cluster]
    index = np.lexsort(keys)
    ranked = {rule: scores[rule][index] for rule in order}
    cluster, codes = cluster[index], codes[index]
    starts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]])
    group = np.cumsum(np.r_[True, cluster[1:] != cluster[:-1]]) - 1
    # The runner-up is the best candidate holding a *different* value: what the rule beat.
    other = np.flatnonzero(codes != codes[starts][group])
    runner = np.full(len(starts), -1)
    found, where = np.unique(group[other], return_index=True)
    runner[found] = other[where]
    sizes = np.diff(np.r_[starts, len(cluster)])
    reason = _reasons(order, ranked, starts, runner)
    reason[runner < 0] = np.where(sizes[runner < 0] > 1, AGREEMENT, ONLY)
    # A failed value never survives, even when no valid one exists.
    valid = ranked["validity"][starts] == 1
    out = records.iloc[rows[index[starts][valid]]]
    out = out[[s.CLUSTER_ID, *columns, s.RECORD_KEY, s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID]]
    return out.assign(**{s.RULE: reason[valid]}).reset_index(drop=True)


def _json_strings(values: pd.Series) -> pa.Array:
    """JSON string literals of ``values`` (quoted, escaped as ``json.dumps`` does)."""
    text = pa.array(values.astype(str).to_numpy(dtype=object), type=pa.string())
    # Only quotes, backslashes and control characters need escapes: rare in ids, so the
    # common case is a plain quote-wrap done in Arrow's C++ kernels.
    special = pc.match_substring_regex(text, r'["\\\x00-\x1f]').to_numpy(zero_copy_only=False)
    if special.any():
        plain = text.to_numpy(zero_copy_only=False).astype(object)
        plain[special] = [json.dumps(v, ensure_ascii=False)[1:-1] for v in plain[special]]
        text = pa.array(plain, type=pa.string())
    return pc.binary_join_element_wise('"', text, '"', "")


def lineage_fragments(winners: pd.DataFrame) -> pa.Array:
    """The lineage entry of each winner as JSON text, built column-wise in Arrow.

    Args:
        winners: ``survive_attribute`` output.

    Returns:
        ``{"rule": ..., "source_record_id": ..., "source_system": ...}`` per winner, the same
        text ``json.dumps(entry, sort_keys=True, ensure_ascii=False)`` gives.
    """
    parts: list[object] = []
    for position, key in enumerate(s.LINEAGE_KEYS):
        parts += [("{" if position == 0 else ", ") + f'"{key}": ', _json_strings(winners[key])]
    return pc.binary_join_element_wise(*parts, "}", "")


def lineage_json(clusters: int, entries: dict[str, tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """``{"<column>": <entry>, ...}`` per customer, keys sorted, as ``json.dumps`` writes it.

    Args:
        clusters: Number of customers (rows of the result).
        entries: Column -> (customer positions, lineage fragments of those customers).

    Returns:
        One JSON object per customer (``{}`` when no value survived).
    """
    parts = []
    for column in sorted(entries):
        positions, fragments = entries[column]
        full = np.full(clusters, None, dtype=object)
        full[positions] = pc.binary_join_element_wise(f'"{column}": ', fragments, "").to_numpy(
            zero_copy_only=False
        )
        parts.append(pa.array(full, type=pa.string()))
    if not parts:
        return pa.array(["{}"] * clusters)
    body = pc.binary_join_element_wise(*parts, ", ", null_handling="skip")
    return pc.binary_join_element_wise("{", body, "}", "")


def lineage_entry(row: pd.Series) -> dict[str, str]:
    """The lineage of one surviving value (for callers holding a single winner row)."""
    return {key: row[key] for key in (s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.RULE)}
