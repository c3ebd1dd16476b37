"""Term frequencies of full names from their parts, so that duplicates do not hide a rare name.

Splink weighs an exact match on a value by how often that value occurs among the records. For a
full name, those counts include the very duplicates being looked for: in a CRM where each
customer has two records, every rare name occurs twice, and the name looks exactly as common as
two unrelated people sharing it would make it. How often two different people share a full name
is better told by its parts: the share of records with that first name times the share with
that surname. First names and surnames are each shared by many people, so a duplicate or two
barely moves either share.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from identity import engine
from identity.linkage import model as m

TF_FULL = f"tf_{m.FULL}"

# About as many records as one person can have among our four source systems: one in each.
# Measured on generated data (namesakes in the same town are 1% of people), 2 kept today's
# precision and recall, 4 kept precision above 0.998 while linking most name-only duplicates,
# and parts alone (no floor) let rare namesakes merge (precision 0.988).
RECORDS_PER_PERSON = 4

_TABLES = itertools.count()


def full_name_frequencies(frame: pd.DataFrame) -> pd.DataFrame:
    """The namesake frequency of every full name in the batch.

    Args:
        frame: Linkage columns from ``prepare.prepare``.

    Returns:
        ``full_name`` and ``tf_full_name`` (share of first name times share of surname, or the
        name's own share over ``RECORDS_PER_PERSON`` if that is higher), one row per distinct
        full name, sorted.
    """
    both = frame[[m.FULL, m.FIRST, m.LAST]].dropna()
    if both.empty:
        return pd.DataFrame({m.FULL: pd.Series(dtype=str), TF_FULL: pd.Series(dtype=float)})
    first = both[m.FIRST].map(both[m.FIRST].value_counts(normalize=True))
    last = both[m.LAST].map(both[m.LAST].value_counts(normalize=True))
    joint = both[m.FULL].map(both[m.FULL].value_counts(normalize=True))
    # Never below the observed share over RECORDS_PER_PERSON: duplicates can inflate a name's
    # count that much at most, and names that go together (a family's, a culture's) are
    # shared by more people than their parts alone suggest.
    shared = np.maximum(first * last, joint / RECORDS_PER_PERSON)
    table = pd.DataFrame({m.FULL: both[m.FULL], TF_FULL: shared.astype(float)})
    table = table.drop_duplicates(m.FULL).sort_values(m.FULL, kind="stable")
    # Rounded so that both engines read the same numbers whatever their float formatting.
    table[TF_FULL] = table[TF_FULL].round(15)
    return table.reset_index(drop=True)


def register_frequencies(linker: Any, db_api: Any, table: pd.DataFrame) -> None:
    """Give a linker our full-name frequencies instead of the ones Splink would count."""
    handle = engine.register(db_api, table, f"tf_full_name_{next(_TABLES)}")
    linker.table_management.register_term_frequency_lookup(handle, m.FULL)
