"""Fast, deterministic multi-column sorting for the golden stage.

``DataFrame.sort_values`` on several columns factorises each text column through Python string
comparisons, which dominates the stage at a million records. Here every key becomes an integer
code (text through Arrow's C++ sort) and one ``numpy.lexsort`` orders the rows: the same order as
a stable ``sort_values`` with missing values last, in a fraction of the time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _codes(values: pd.Series, ascending: bool) -> np.ndarray:
    """Integer sort key of one column: order-preserving, missing values last either way."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_numeric_dtype(values):
        if pd.api.types.is_datetime64_any_dtype(values):
            numbers = values.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
        else:
            numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        # Rank to integers so negating for descending order is exact.
        codes = pd.factorize(numbers, sort=True, use_na_sentinel=True)[0].astype("int64")
    else:
        text = values.astype("string[pyarrow]")
        codes = pd.factorize(text, sort=True, use_na_sentinel=True)[0].astype("int64")
    if not ascending:
        codes = -codes
    codes[missing] = np.iinfo("int64").max
    return codes


def order_rows(
    frame: pd.DataFrame, columns: Sequence[str], ascending: Sequence[bool] | bool = True
) -> pd.DataFrame:
    """Rows of ``frame`` sorted by ``columns`` (stable, missing values last).

    Args:
        frame: Any frame.
        columns: Sort keys, most significant first.
        ascending: One flag for all keys, or one per key.

    Returns:
        The sorted frame (index kept, like ``sort_values``).
    """
    if len(frame) == 0:
        return frame
    flags = [ascending] * len(columns) if isinstance(ascending, bool) else list(ascending)
    keys = [_codes(frame[c], up) for c, up in zip(columns, flags, strict=True)]
    return frame.iloc[np.lexsort(keys[::-1])]
