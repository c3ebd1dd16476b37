"""Persistent customer ids: carry ids from run to run by overlap of source records.

Rules (issue #5): an id follows the largest share of its old records; when several old customers
meet in one new cluster the larger (then older) one keeps its id and the others are merged into
it; the parts of a split that do not keep the id get new ids. Every change is recorded.
New ids are opaque: a hash of a vendor record key and a namespace, never of personal data.

Ids survive gaps (issue #13): a customer whose records all vanish is retired, but the records it
had are kept (``identity.golden.retired``) and come with the previous crosswalk, flagged
``schema.RETIRED``. A cluster that would otherwise get a new id and holds records of a retired
customer gets that customer's id back, logged as ``revived``: a Shopify export that arrived
header-only for one night does not cost its customers their ids.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from identity import schema as s
from identity.golden._order import order_rows

ID_PREFIX = "cus_"


@dataclass
class IdAssignment:
    """The outcome of assigning ids.

    Attributes:
        ids: ``cluster_id`` -> ``customer_id``.
        changes: Rows for ``identity_changes`` (new, merged, split, retired, revived).
        kept: Old ids that carried over unchanged in this run.
    """

    ids: pd.DataFrame
    changes: pd.DataFrame
    kept: int


def mint_id(seed_key: str, taken: set[str]) -> str:
    """Make a new opaque id that is not already taken.

    Args:
        seed_key: A vendor record key of the customer: makes the id deterministic.
        taken: Every id ever issued.

    Returns:
        ``cus_`` followed by 20 hex characters.
    """
    attempt = 0
    while True:
        digest = hashlib.sha256(f"identity/customer/{seed_key}/{attempt}".encode()).hexdigest()
        candidate = ID_PREFIX + digest[:20]
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        attempt += 1


def assign_ids(
    clusters: pd.DataFrame,
    previous: pd.DataFrame,
    issued: set[str],
    run_id: str,
    first_seen: pd.Series | None = None,
) -> IdAssignment:
    """Give every new cluster a customer id, reusing the previous run's where records overlap.

    Args:
        clusters: ``record_key`` -> ``cluster_id`` for this run.
        previous: ``record_key`` -> ``customer_id`` from the previous crosswalk (may be empty);
            rows with a true ``schema.RETIRED`` column are records of retired customers, which may
            revive them.
        issued: Every customer id ever issued (so a minted id is never reused).
        run_id: This run.
        first_seen: Old ``customer_id`` -> first seen timestamp (older wins merge ties).

    Returns:
        The id per cluster and the changes to record.
    """
    taken = set(issued) | set(previous[s.CUSTOMER_ID].dropna().unique())
    previous, retired = _split_retired(previous)
    cluster_size = clusters.groupby(s.CLUSTER_ID).size().rename("cluster_size")
    old_size = previous.groupby(s.CUSTOMER_ID).size().rename("old_size")
    overlap = (
        clusters.merge(previous[[s.RECORD_KEY, s.CUSTOMER_ID]], on=s.RECORD_KEY, how="inner")
        .groupby([s.CLUSTER_ID, s.CUSTOMER_ID])
        .size()
        .rename("overlap")
        .reset_index()
    )
    overlap = overlap.join(cluster_size, on=s.CLUSTER_ID).join(old_size, on=s.CUSTOMER_ID)
    seen = first_seen if first_seen is not None else pd.Series(dtype="datetime64[ns, UTC]")
    overlap["first_seen"] = overlap[s.CUSTOMER_ID].map(seen)

    # Each old id follows the largest share of its records (ties: the larger new cluster).
    home = order_rows(
        overlap,
        [s.CUSTOMER_ID, "overlap", "cluster_size", s.CLUSTER_ID],
        [True, False, False, True],
    ).drop_duplicates(s.CUSTOMER_ID)
    # In each cluster the larger, then older, old customer survives.
    home = order_rows(
        home, [s.CLUSTER_ID, "old_size", "first_seen", s.CUSTOMER_ID], [True, False, True, True]
    )
    survivors = home.drop_duplicates(s.CLUSTER_ID)
    merged = home[~home.index.isin(survivors.index)]

    ids = survivors.set_index(s.CLUSTER_ID)[s.CUSTOMER_ID]
    # Changes are built column by column: a dict per change costs seconds at a million.
    changes: dict[str, list[object]] = {c: [] for c in s.CHANGE_COLUMNS[1:]}

    def record(kind: str, customer: list[object], related: list[object], count: list[int]) -> None:
        changes[s.CHANGE_TYPE].extend([kind] * len(customer))
        changes[s.CUSTOMER_ID].extend(customer)
        changes[s.RELATED_CUSTOMER_ID].extend(related)
        changes[s.RECORD_COUNT].extend(count)

    record(
        "merged",
        [ids[c] for c in merged[s.CLUSTER_ID]],
        list(merged[s.CUSTOMER_ID]),
        [int(n) for n in merged["cluster_size"]],
    )

    # Clusters without a surviving old id: a split part if they hold old records, else new.
    origin = order_rows(
        overlap, [s.CLUSTER_ID, "overlap", s.CUSTOMER_ID], [True, False, True]
    ).drop_duplicates(s.CLUSTER_ID)
    origin = origin.set_index(s.CLUSTER_ID)[s.CUSTOMER_ID]
    # Plain Python strings: iterating Arrow-backed labels one by one is slow.
    all_clusters = cluster_size.index.to_numpy(dtype=object)
    orphans = sorted(set(all_clusters) - set(ids.index.to_numpy(dtype=object)))
    sources = origin.reindex(orphans).astype(object)
    sources = dict(zip(orphans, sources.where(sources.notna(), None).tolist(), strict=True))
    # Only a cluster that would be new can revive: one holding live records is a split part.
    revived = _revive(clusters, [c for c in orphans if sources[c] is None], retired, seen)
    revived_clusters = sorted(revived)
    record(
        "revived",
        [revived[c] for c in revived_clusters],
        [None] * len(revived),
        [int(n) for n in cluster_size.reindex(revived_clusters)],
    )
    to_mint = [c for c in orphans if c not in revived]
    # Minted in sorted order, so which id a collision moves on is deterministic.
    minted = {cluster_id: mint_id(cluster_id, taken) for cluster_id in to_mint}
    changes[s.CHANGE_TYPE].extend("split" if sources[c] is not None else "new" for c in to_mint)
    changes[s.CUSTOMER_ID].extend(minted.values())
    changes[s.RELATED_CUSTOMER_ID].extend(sources[c] for c in to_mint)
    changes[s.RECORD_COUNT].extend(int(n) for n in cluster_size.reindex(to_mint))
    if minted or revived:
        # Skipping the empty case keeps the dtype of ``ids`` (pandas deprecates empty concat).
        ids = pd.concat([ids, pd.Series({**minted, **revived}, dtype=object)])

    # Old ids whose records are all gone this run.
    vanished = sorted(set(old_size.index) - set(overlap[s.CUSTOMER_ID]))
    record("retired", list(vanished), [None] * len(vanished), [0] * len(vanished))
    change_frame = pd.DataFrame(changes, columns=s.CHANGE_COLUMNS[1:])
    change_frame.insert(0, s.RUN_ID, run_id)
    assignment = ids.rename(s.CUSTOMER_ID).rename_axis(s.CLUSTER_ID).reset_index()
    kept = len(survivors) - int((survivors["overlap"] != survivors["old_size"]).sum())
    # order_rows sorts as a stable sort_values does, through Arrow rather than Python string
    # comparisons (cluster ids are unique, so any sort gives them one order).
    return IdAssignment(
        ids=order_rows(assignment, [s.CLUSTER_ID]).reset_index(drop=True),
        changes=order_rows(change_frame, [s.CHANGE_TYPE, s.CUSTOMER_ID]).reset_index(drop=True),
        kept=kept,
    )


def _split_retired(previous: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The previous crosswalk's live rows, and the rows of retired customers."""
    if s.RETIRED not in previous.columns:
        return previous, previous.iloc[0:0]
    flag = previous[s.RETIRED].eq(True)
    return previous[~flag], previous[flag]


def _revive(
    clusters: pd.DataFrame, candidates: list[str], retired: pd.DataFrame, seen: pd.Series
) -> dict[str, str]:
    """Retired ids that come back: candidate ``cluster_id`` -> the retired ``customer_id``.

    The rules mirror those of live ids: a retired id comes back where most of its records are
    (ties: the larger cluster); a cluster holding records of several takes the one with most
    records back, then the one that had more, then the older. The others stay retired.
    """
    if retired.empty or not candidates:
        return {}
    back = clusters[clusters[s.CLUSTER_ID].isin(candidates)]
    overlap = (
        back.merge(retired[[s.RECORD_KEY, s.CUSTOMER_ID]], on=s.RECORD_KEY, how="inner")
        .groupby([s.CLUSTER_ID, s.CUSTOMER_ID], observed=True)
        .size()
        .rename("overlap")
        .reset_index()
    )
    if overlap.empty:
        return {}
    sizes = back.groupby(s.CLUSTER_ID, observed=True).size().rename("cluster_size")
    had = retired.groupby(s.CUSTOMER_ID).size().rename("old_size")
    overlap = overlap.join(sizes, on=s.CLUSTER_ID).join(had, on=s.CUSTOMER_ID)
    overlap["first_seen"] = overlap[s.CUSTOMER_ID].map(seen)
    home = order_rows(
        overlap,
        [s.CUSTOMER_ID, "overlap", "cluster_size", s.CLUSTER_ID],
        [True, False, False, True],
    ).drop_duplicates(s.CUSTOMER_ID)
    home = order_rows(
        home,
        [s.CLUSTER_ID, "overlap", "old_size", "first_seen", s.CUSTOMER_ID],
        [True, False, False, True, True],
    ).drop_duplicates(s.CLUSTER_ID)
    return {str(c): str(i) for c, i in zip(home[s.CLUSTER_ID], home[s.CUSTOMER_ID], strict=True)}
