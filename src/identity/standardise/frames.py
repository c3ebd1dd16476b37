"""Applying per-value functions to columns: each distinct value (or pair) is computed once.

phonenumbers and email-validator cost tens of microseconds a call; a million rows hold far fewer
distinct values than rows (and text columns repeat heavily: cities, first names, consent flags).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

# Stands for "no context" inside map_distinct_pairs (compared by identity).
_MISSING = object()


def as_text(column: pd.Series) -> pd.Series:
    """Return a column as Python objects: ``str`` values and None where missing."""
    out = column.astype(object)
    return out.where(out.notna(), None)


def map_distinct(column: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """Apply ``function`` once per distinct non-missing value of ``column``.

    Args:
        column: Values to transform.
        function: Called with one value; may return None.

    Returns:
        Object series aligned on ``column``, None where the input was missing.
    """
    # One hashing pass: codes in order of first appearance, -1 where missing, which picks
    # the None added after the results.
    codes, distinct = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    results = [function(value) for value in distinct]
    results.append(None)
    spread = pd.Series(results, dtype=object).to_numpy()[codes]
    return pd.Series(spread, index=column.index, dtype=object)


def map_distinct_pairs(
    first: pd.Series,
    second: pd.Series,
    function: Callable[[Any, Any], Any],
) -> pd.Series:
    """Apply ``function(first, second)`` once per distinct pair where ``first`` is present.

    Args:
        first: Main value (rows where it is missing give None).
        second: Context value such as a region or a day-first flag (None where missing).

    Returns:
        Object series aligned on ``first``.
    """
    pairs = pd.DataFrame({"a": as_text(first), "b": as_text(second)}, index=first.index)
    pairs = pairs[pairs["a"].notna()]
    out = pd.Series([None] * len(first), index=first.index, dtype=object)
    if pairs.empty:
        return out
    # A stand-in for a missing context, so no group key is NaN; numbering groups in order of
    # first appearance (sort=False) then matches the order drop_duplicates keeps.
    keyed = pairs.assign(b=pairs["b"].where(pairs["b"].notna(), _MISSING))
    codes = keyed.groupby(["a", "b"], sort=False).ngroup().to_numpy()
    distinct = keyed.drop_duplicates()
    results = [
        function(a, None if b is _MISSING else b)
        for a, b in zip(distinct["a"], distinct["b"], strict=True)
    ]
    out.loc[pairs.index] = pd.Series(results, dtype=object).to_numpy()[codes]
    return out


def on_distinct(
    column: pd.Series, transform: Callable[[pd.Series], pd.Series | pd.DataFrame]
) -> pd.Series | pd.DataFrame:
    """Run a vectorised ``transform`` on the distinct non-missing values, then spread back.

    Pandas string methods loop in Python; timestamps and dates repeat a lot (``09-14-2025``),
    so transforming each distinct value once is several times faster.

    Args:
        column: Text values.
        transform: Takes a series of distinct values (default index), returns a series or
            frame aligned on it.

    Returns:
        The transform's output aligned on ``column`` (missing rows all NaN).
    """
    positional = column.reset_index(drop=True)  # any index, even with repeats
    present = positional.dropna()
    codes, distinct = pd.factorize(present.to_numpy(dtype=object))
    result = transform(pd.Series(distinct, dtype=object))
    spread = result.iloc[codes]
    spread.index = present.index
    spread = spread.reindex(positional.index)
    spread.index = column.index
    return spread
