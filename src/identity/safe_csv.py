"""Writing CSV files people open in spreadsheets, without formula injection.

Every CSV this product writes for people (not the demo's imitation vendor exports) goes
through ``write_csv``. Source data is untrusted: a customer who types ``=HYPERLINK(...)`` as
their first name, or a row quarantined as read, must open in Excel or LibreOffice as text,
never as a formula that runs or phones home. Following OWASP's advice, a text cell starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which
spreadsheets hide and treat as "this is text" (our readers remove it again).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Make one cell safe to open in a spreadsheet.

    Args:
        value: A cell; only text is changed (numbers are written as numbers).

    Returns:
        ``"'" + value`` for text starting with a formula prefix, else the value unchanged.

    Example:
        >>> neutralise("=1+1"), neutralise("Ann"), neutralise(-5)
        ("'=1+1", 'Ann', -5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a frame whose text cells (and column names) are neutralised.

    Args:
        frame: Any frame.

    Returns:
        The same shape and dtypes; text columns passed through ``neutralise``.
    """
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in frame.columns]
    for position, dtype in enumerate(frame.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out.isetitem(position, frame.iloc[:, position].map(neutralise, na_action="ignore"))
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a frame as a spreadsheet-safe CSV, atomically (temp file, then rename).

    UTF-8 with a byte-order mark so spreadsheets show accents and non-Latin names correctly;
    no index column.

    Args:
        frame: The rows to write.
        path: The target file; its folder is created.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
        neutralise_frame(frame).to_csv(handle, index=False, lineterminator="\r\n")
    os.replace(tmp, target)
    return target
