"""Where the unexpected values of a failed expectation are: source, file and line.

An analyst told "on street failed: 2 unexpected (0.5%), e.g. ***" cannot find the row. Every
frame the suites check carries its provenance (reader records and contacts: ``source_system``,
``source_file``, ``source_line``; golden customers: ``customer_id``), so each masked example is
shown with the rows that hold it, e.g. ``*** (crm/contacts.csv:57)``. Only provenance is shown,
itself passed through ``example_for``: never a personal value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from identity import schema as s
from identity.quality.masking import example_for, is_missing

# Rows named per example: two show a duplicate and its original, more make the line unreadable.
MAX_ROWS_PER_EXAMPLE = 2

Locate = Callable[[list[Any]], str]


def row_locator(frame: pd.DataFrame, view: pd.DataFrame, kwargs: dict[str, Any]) -> Locate | None:
    """Build the function naming the rows that hold given unexpected values.

    Args:
        frame: The frame the caller validated (any index), holding the provenance columns.
        view: The frame Great Expectations validated this expectation on: same rows in the
            same order, indexed 0..n-1, with the columns the expectation reads.
        kwargs: The expectation's arguments as run (``column``, ``column_list``...).

    Returns:
        A function from raw unexpected values (as Great Expectations returns them) to
        ``"crm/contacts.csv:57, crm/contacts.csv:90"`` (empty when no row matches), or None
        when the frame has no provenance or the expectation checks the provenance itself.
    """
    label = _labeller(frame)
    columns = [c for c in _named_columns(kwargs) if c in view.columns]
    if label is None or not columns or (s.CUSTOMER_ID in columns and s.SOURCE_FILE not in frame):
        return None

    def locate(values: list[Any]) -> str:
        mask = np.zeros(len(view), dtype=bool)
        for value in _distinct(values):
            mask |= _matches(view, columns, value)
        return ", ".join(label(int(p)) for p in np.flatnonzero(mask)[:MAX_ROWS_PER_EXAMPLE])

    return locate


def _named_columns(kwargs: dict[str, Any]) -> list[str]:
    names = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    return [str(name) for name in [*names, *(kwargs.get("column_list") or [])]]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    found = frame[name]
    # A frame with repeated column names gives a frame: its first column is what GX checks.
    return found.iloc[:, 0] if isinstance(found, pd.DataFrame) else found


def _labeller(frame: pd.DataFrame) -> Callable[[int], str] | None:
    """Name a row by position: ``source/file:line``, else ``customer <id>``."""
    if s.SOURCE_FILE in frame.columns and s.SOURCE_LINE in frame.columns:
        files = _column(frame, s.SOURCE_FILE).to_numpy(dtype=object)
        lines = _column(frame, s.SOURCE_LINE).to_numpy(dtype=object)
        systems = (
            _column(frame, s.SOURCE_SYSTEM).to_numpy(dtype=object)
            if s.SOURCE_SYSTEM in frame.columns
            else np.full(len(frame), None, dtype=object)
        )

        def by_file(position: int) -> str:
            system, file = systems[position], files[position]
            where = example_for(s.SOURCE_FILE, file)
            if not is_missing(system):
                where = f"{example_for(s.SOURCE_SYSTEM, system)}/{where}"
            return f"{where}:{example_for(s.SOURCE_LINE, lines[position])}"

        return by_file
    if s.CUSTOMER_ID in frame.columns:
        ids = _column(frame, s.CUSTOMER_ID).to_numpy(dtype=object)
        return lambda position: f"customer {example_for(s.CUSTOMER_ID, ids[position])}"
    return None


def _distinct(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if not any(_same(value, seen) for seen in out):
            out.append(value)
    return out


def _same(a: Any, b: Any) -> bool:
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _matches(view: pd.DataFrame, columns: list[str], value: Any) -> np.ndarray:
    if len(columns) == 1:
        return _equals(_column(view, columns[0]), value)
    if isinstance(value, dict):
        pairs = [(c, value[c]) for c in columns if c in value]
    elif isinstance(value, (list, tuple)) and len(value) == len(columns):
        pairs = list(zip(columns, value, strict=True))
    else:
        pairs = []
    mask = np.full(len(view), bool(pairs))
    for column, item in pairs:
        mask &= _equals(_column(view, column), item)
    return mask


def _equals(series: pd.Series, value: Any) -> np.ndarray:
    if is_missing(value):
        return series.isna().to_numpy(dtype=bool)
    try:
        equal = series.astype(object) == value
    except (TypeError, ValueError):  # a value the column cannot be compared with
        return np.zeros(len(series), dtype=bool)
    return equal.fillna(False).to_numpy(dtype=bool)
