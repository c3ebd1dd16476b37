"""Dates of birth and timestamps written the ways CRM, shop, till and spreadsheet write them.

``04/05/1980`` is April or May depending on who saved the file. A value whose first part is over
12 settles it; the others follow the majority of settled values of the same file and delimiter
(``DayFirstHints``), and default to month first, the US order of the Square and Meta exports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import pandas as pd

from identity.standardise.frames import on_distinct
from identity.standardise.placeholders import is_placeholder

# Dates people type when the form insists, and the "no date" values of other systems: never
# anyone's birthday, and matching on them would merge strangers.
PLACEHOLDER_BIRTH_DATES: frozenset[str] = frozenset(
    {"1900-01-01", "1901-01-01", "1899-12-31", "0001-01-01", "9999-12-31"}
)

_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?:[T ].*)?$")
# yyyymmdd (``19560723``). Never ambiguous: in ddmmyyyy or mmddyyyy the century (18, 19, 20)
# would sit where the month is, so no such value is also a valid yyyymmdd date.
_COMPACT = re.compile(r"^([12]\d{3})(\d{2})(\d{2})$")

# The same shapes for pandas' string methods, which work on whole columns.
_DMY_PARTS = r"^(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})"
_DMY_TIMESTAMP = (
    _DMY_PARTS + r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\.\d+)?\s*(?P<ampm>[AaPp][Mm])?)?$"
)
_YMD_TIMESTAMP = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
# Joins a file name and a delimiter into one lookup key; never part of a file name.
_KEY_SEPARATOR = "\x1f"


def _day_month(first: int, second: int, day_first: bool) -> tuple[int, int]:
    if first > 12:
        return first, second
    if second > 12:
        return second, first
    return (first, second) if day_first else (second, first)


def parse_date_of_birth(text: str | None, day_first: bool = False) -> str | None:
    """Return a date of birth as ISO ``YYYY-MM-DD``.

    A real date that is implausible for a living customer (before 1900, in the future) is
    kept: it is what the source holds, it still tells two records apart, and dropping it would
    hide the typing error. The contacts suite's warning flags it instead.

    Args:
        text: ``1974-08-14``, ``19740814``, ``08/14/1974``, ``08-14-1974``, ``14/08/1974``...
        day_first: How to read a value whose day and month are both 12 or less.

    Returns:
        The ISO date, or None when unreadable, not a calendar date (``1950-02-30``) or a
        placeholder (``1900-01-01``, ``0001-01-01``).

    Example:
        >>> parse_date_of_birth("14/08/1974"), parse_date_of_birth("18500304")
        ('1974-08-14', '1850-03-04')
    """
    if text is None or is_placeholder(text):
        return None
    value = text.strip()
    if match := _YEAR_FIRST.match(value) or _COMPACT.match(value):
        year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    elif match := _YEAR_LAST.match(value):
        day, month = _day_month(int(match.group(1)), int(match.group(3)), day_first)
        year = int(match.group(4))
    else:
        return None
    try:
        iso = date(year, month, day).isoformat()
    except ValueError:
        return None
    return None if iso in PLACEHOLDER_BIRTH_DATES else iso


def _parts_of(distinct: pd.Series) -> pd.DataFrame:
    text = distinct.astype(str).str.strip()
    # A cheap match first: most timestamps are ISO and need no extraction.
    shaped = text[text.str.match(_DMY_PARTS)]
    return shaped.str.extract(_DMY_PARTS)[["a", "sep", "b"]].reindex(distinct.index)


def date_parts(values: pd.Series) -> pd.DataFrame:
    """Split ``nn/nn/yyyy``-style values into ``a`` (first number), ``sep`` and ``b`` (second).

    Args:
        values: Date or timestamp text (None where missing).

    Returns:
        Frame aligned on ``values``; all NaN where a value is not of that shape.
    """
    return cast(pd.DataFrame, on_distinct(values, _parts_of))


@dataclass(frozen=True)
class DayFirstHints:
    """Whether ambiguous ``nn/nn/yyyy`` values of a file are day first.

    Attributes:
        by_file_and_separator: Majority of settled values per ``(source_file, delimiter)``.
        by_file: Majority per file, for a delimiter with no settled value of its own.
    """

    by_file_and_separator: dict[tuple[str, str], bool] = field(default_factory=dict)
    by_file: dict[str, bool] = field(default_factory=dict)

    def for_values(self, values: pd.Series, files: pd.Series) -> pd.Series:
        """Return, per row, the reading of ``values`` (True: day first).

        Args:
            values: Date or timestamp text.
            files: The ``source_file`` of each row.

        Returns:
            Boolean series aligned on ``values``; False (month first) when nothing is known.
        """
        return self.for_parts(date_parts(values), files)

    def for_parts(self, parts: pd.DataFrame, files: pd.Series) -> pd.Series:
        """Like ``for_values`` for values already split by ``date_parts``."""
        hint = pd.Series(False, index=parts.index)
        shaped = parts["sep"].notna()
        if not shaped.any():
            return hint
        file = files.reindex(parts.index)[shaped].astype(object).fillna("").astype(str)
        by_pair = {f"{f}{_KEY_SEPARATOR}{s}": v for (f, s), v in self.by_file_and_separator.items()}
        found = (file + _KEY_SEPARATOR + parts.loc[shaped, "sep"].astype(str)).map(by_pair)
        found = found.where(found.notna(), file.map(self.by_file))
        hint.loc[shaped] = found.eq(True)
        return hint


def day_first_hints(files: pd.Series, columns: Iterable[pd.DataFrame]) -> DayFirstHints:
    """Vote, per file and delimiter, on whether ``nn/nn/yyyy`` dates are day first.

    Args:
        files: ``source_file`` per row.
        columns: ``date_parts`` of each date and timestamp column, aligned on ``files``.

    Returns:
        Hints where settled values exist: a value with its first part over 12 votes day
        first, one with its second part over 12 votes month first; ties read month first.
    """
    frames = []
    for column in columns:
        parts = column.dropna(subset=["sep"])
        if parts.empty:
            continue
        first, second = parts["a"].astype(int), parts["b"].astype(int)
        frames.append(
            pd.DataFrame(
                {
                    "file": files.loc[parts.index].astype(object).fillna("").astype(str),
                    "sep": parts["sep"].astype(str),
                    "day": (first > 12) & (second <= 12),
                    "month": (second > 12) & (first <= 12),
                }
            )
        )
    if not frames:
        return DayFirstHints()
    votes = pd.concat(frames, ignore_index=True)
    votes = votes[votes["day"] | votes["month"]]
    by_pair = votes.groupby(["file", "sep"])[["day", "month"]].sum()
    by_file = votes.groupby("file")[["day", "month"]].sum()
    return DayFirstHints(
        by_file_and_separator={
            (str(f), str(s)): bool(r.day > r.month) for (f, s), r in by_pair.iterrows()
        },
        by_file={str(f): bool(r.day > r.month) for f, r in by_file.iterrows()},
    )


def _iso_form(distinct: pd.Series) -> pd.Series:
    """ISO 8601 text for year-first values (NaN for the others)."""
    text = distinct.astype(str).str.strip()
    iso = text[text.str.match(_YMD_TIMESTAMP)]
    # "2025-04-01 17:18:52 -0700" and "... UTC": ISO 8601 wants the offset attached.
    odd = iso.str.contains(r"/|\s(?:[+-]\d{2}:?\d{2}|UTC|GMT)$", regex=True)
    if odd.any():
        fixed = iso[odd].str.replace(r"\s*(?:UTC|GMT)$", "Z", regex=True)
        fixed = fixed.str.replace(r"\s+([+-]\d{2}:?\d{2})$", r"\1", regex=True)
        iso = iso.where(~odd, fixed.str.replace("/", "-"))
    return iso.reindex(distinct.index)


def _timestamp_parts(distinct: pd.Series) -> pd.DataFrame:
    return distinct.astype(str).str.strip().str.extract(_DMY_TIMESTAMP)


def _year_last_timestamps(text: pd.Series, day_first: pd.Series) -> pd.Series:
    parts = cast(pd.DataFrame, on_distinct(text, _timestamp_parts))
    ok = parts["year"].notna()
    parts, hint = parts[ok], day_first[ok]
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    day_is_a = (a > 12) | ((b <= 12) & hint)
    hour = parts["hour"].fillna("0").astype(int)
    ampm = parts["ampm"].str.lower()
    hour = hour.where(~((ampm == "pm") & (hour < 12)), hour + 12)
    hour = hour.where(~((ampm == "am") & (hour == 12)), 0)
    when = pd.to_datetime(
        pd.DataFrame(
            {
                "year": parts["year"].astype(int),
                "month": b.where(day_is_a, a),
                "day": a.where(day_is_a, b),
                "hour": hour,
                "minute": parts["minute"].fillna("0").astype(int),
                "second": parts["second"].fillna("0").astype(int),
            }
        ),
        errors="coerce",
    )
    return when.dt.tz_localize("UTC")


def parse_timestamps(text: pd.Series, day_first: pd.Series | bool = False) -> pd.Series:
    """Parse timestamps of any of the export formats into UTC.

    Args:
        text: ``2026-09-02T22:07:23.000Z``, ``2023-02-07 20:44:05``,
            ``2026-09-04T11:17:13-05:00``, ``2025-04-01 17:18:52 -0700``, ``09-14-2025``,
            ``14-09-2025 17:05``... Values without an offset are taken as UTC (Salesforce
            exports are in GMT; a spreadsheet re-save does not say its zone).
        day_first: Reading of ambiguous ``nn-nn-yyyy`` values: one for all, or one per row
            (a series the length of ``text``, matched by position).

    Returns:
        ``datetime64[us, UTC]`` series aligned on ``text``; NaT where absent or unreadable.
    """
    if isinstance(day_first, pd.Series):
        hint = pd.Series(day_first.to_numpy(), dtype=object).eq(True)
    else:
        hint = pd.Series(bool(day_first), index=range(len(text)))
    value = text.reset_index(drop=True)  # positions: any index works, even with repeats
    out = pd.Series(pd.NaT, index=value.index, dtype="datetime64[ns, UTC]")
    iso = cast(pd.Series, on_distinct(value, _iso_form))
    year_first = iso.notna()
    if year_first.any():
        out.loc[year_first] = pd.to_datetime(
            iso[year_first], format="ISO8601", utc=True, errors="coerce"
        )
    rest = value[~year_first & value.notna()]
    if not rest.empty:
        parsed = _year_last_timestamps(rest, hint.loc[rest.index])
        out.loc[parsed.index] = parsed
    out.index = text.index
    return out.astype("datetime64[us, UTC]")


def parse_timestamp(text: str | None, day_first: bool = False) -> pd.Timestamp | None:
    """Parse one timestamp into UTC (see ``parse_timestamps``); None when unreadable."""
    if text is None:
        return None
    value = parse_timestamps(pd.Series([text], dtype=object), day_first).iloc[0]
    return None if pd.isna(value) else value
