"""How recent an export file is: the date in its name, else its modification time.

When two copies of one record disagree and the export carries no updated-at of its own (Shopify
and Square customer exports do not), the copy from the newer file wins. Vendors and people
stamp downloads with the date in the name (``customers_export_2026-12-01.csv``,
``leads_20261201.csv``); a file without one is dated by its modification time when the caller
knows it, and counts as the oldest otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd

# Year first only: "01-12-2026" in a name is day-first in Europe and month-first in the US.
_NAME_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])"
    r"(?:[T_ -]?([01]\d|2[0-3])[-_.:h]?([0-5]\d)(?:[-_.:m]?([0-5]\d))?)?(?!\d)"
)

FileTimes = Mapping[tuple[str, str], datetime | float]


def date_in_name(name: str) -> datetime | None:
    """Return the date (and time, when given) written in a file name.

    Args:
        name: A file name such as ``"customers_export_2026-12-01.csv"``.

    Returns:
        A UTC datetime, the last one when the name holds several; None when there is none.

    Example:
        >>> date_in_name("customers_export_2026-12-01.csv")
        datetime.datetime(2026, 12, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    found = None
    for match in _NAME_DATE.finditer(name):
        year, _, month, day, hour, minute, second = match.groups()
        found = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=UTC,
        )
    return found


def _as_utc(value: datetime | float) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), tz=UTC)  # a POSIX modification time


def file_recency(
    systems: pd.Series, files: pd.Series, file_times: FileTimes | None = None
) -> pd.Series:
    """When each row's file was exported, as far as can be told.

    Args:
        systems: Source system per row.
        files: File name per row (missing for rows handed over without one).
        file_times: Modification time of files, keyed by ``(source_system, file name)``
            (POSIX seconds or datetimes); used for files without a date in their name.

    Returns:
        UTC timestamps aligned on ``files``; NaT where nothing tells (counted as oldest).
    """
    known = file_times or {}
    pairs = pd.DataFrame(
        {"system": systems.astype(object).fillna(""), "file": files.astype(object).fillna("")}
    )
    distinct = pairs.drop_duplicates()
    dated: dict[tuple[str, str], datetime | None] = {}
    for system, file in zip(distinct["system"], distinct["file"], strict=True):
        stamp = date_in_name(str(file))
        if stamp is None and (system, file) in known:
            stamp = _as_utc(known[(system, file)])
        dated[(system, file)] = stamp
    values = [dated[key] for key in zip(pairs["system"], pairs["file"], strict=True)]
    return pd.Series(pd.to_datetime(values, utc=True), index=files.index)
