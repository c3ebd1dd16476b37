"""Records of retired customers, kept so that a customer whose records come back keeps its id.

The crosswalk holds only this run's records, so once a customer is retired nothing published
says which records it had. The warehouse therefore keeps one more Delta table, published with
every run (``identity.publish``): per record of a retired customer, that customer and the run
that retired it. The next run reads it with the previous crosswalk, flagged
``schema.RETIRED``, and ``ids.assign_ids`` revives a retired id when its records return.

It holds vendor record keys and customer ids only, like the crosswalk; never personal data.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from identity import schema as s

logger = logging.getLogger(__name__)

_KEY = [s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID]


def empty() -> pd.DataFrame:
    """No retired records (a first run)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in s.RETIRED_RECORD_COLUMNS})


def next_retired(
    previous_crosswalk: pd.DataFrame,
    previous_retired: pd.DataFrame,
    changes: pd.DataFrame,
    crosswalk: pd.DataFrame,
    run_id: str,
) -> pd.DataFrame:
    """The retired records after this run.

    Args:
        previous_crosswalk: The last published crosswalk (``source_system``,
            ``source_record_id``, ``customer_id``).
        previous_retired: The retired records the last published run left
            (``schema.RETIRED_RECORD_COLUMNS``).
        changes: This run's ``identity_changes`` rows (``change_type``, ``customer_id``).
        crosswalk: This run's crosswalk.
        run_id: This run.

    Returns:
        ``schema.RETIRED_RECORD_COLUMNS``, one row per record: the records of customers
        retired this run join those retired before; revived customers leave. A record that is
        live again belongs to its new customer and leaves too: it can no longer bring back the
        old id.
    """
    kind = changes.get(s.CHANGE_TYPE, pd.Series(dtype=object))
    retired_now = set(changes.loc[kind == "retired", s.CUSTOMER_ID].dropna())
    revived_now = set(changes.loc[kind == "revived", s.CUSTOMER_ID].dropna())
    kept = previous_retired[~previous_retired[s.CUSTOMER_ID].isin(revived_now)]
    added = previous_crosswalk[previous_crosswalk[s.CUSTOMER_ID].isin(retired_now)]
    added = added[[*_KEY, s.CUSTOMER_ID]].assign(**{s.RUN_ID: run_id})
    frames = [f[s.RETIRED_RECORD_COLUMNS] for f in (kept, added) if len(f)]
    if not frames:
        return empty()
    out = pd.concat(frames, ignore_index=True)
    live = _keys(crosswalk)
    out = out[~_keys(out).isin(live)]
    # A record has one customer at a time; should one appear twice, the latest retirement wins.
    out = out.drop_duplicates(_KEY, keep="last")
    return out.sort_values(_KEY, kind="stable").reset_index(drop=True).astype(object)


def from_history(
    crosswalk_path: Path, changes: pd.DataFrame, live: set[str], run_key: str, rollback_key: str
) -> pd.DataFrame:
    """Records of customers retired before the state table existed, from the crosswalk's history.

    A customer retired by run R had, as its records, its rows in the crosswalk version just
    before R's own commit. This is read once: the next publication keeps them in the table.

    Args:
        crosswalk_path: The crosswalk's Delta table.
        changes: The published change log.
        live: Customer ids in the published crosswalk.
        run_key: Commit metadata key holding a commit's run id.
        rollback_key: Commit metadata key marking a rollback.

    Returns:
        ``schema.RETIRED_RECORD_COLUMNS``, as ``next_retired`` keeps them; empty when history
        was vacuumed.
    """
    from deltalake import DeltaTable

    if changes.empty or s.CHANGE_TYPE not in changes.columns:
        return empty()
    gone = changes[(changes[s.CHANGE_TYPE] == "retired") & ~changes[s.CUSTOMER_ID].isin(live)]
    commits = {
        entry.get(run_key): entry["version"]
        for entry in reversed(DeltaTable(str(crosswalk_path)).history())
        if entry.get(run_key) and rollback_key not in entry
    }
    frames = []
    for run, ids in gone.groupby(s.RUN_ID)[s.CUSTOMER_ID]:
        version = commits.get(run)
        if not version:
            continue
        try:
            before = DeltaTable(str(crosswalk_path), version=version - 1).to_pandas(
                columns=[s.SOURCE_SYSTEM, s.SOURCE_RECORD_ID, s.CUSTOMER_ID]
            )
        except Exception:  # vacuumed: those ids cannot come back
            logger.info("crosswalk version %d is gone; run %s's retirements stay", version - 1, run)
            continue
        frames.append(before[before[s.CUSTOMER_ID].isin(set(ids))].assign(**{s.RUN_ID: run}))
    if not frames:
        return empty()
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates(_KEY, keep="last")[s.RETIRED_RECORD_COLUMNS].reset_index(drop=True)


def _keys(frame: pd.DataFrame) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=object)
    return s.record_key(frame[s.SOURCE_SYSTEM], frame[s.SOURCE_RECORD_ID])
