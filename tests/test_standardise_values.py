"""Dates of birth, timestamps, counts, booleans and consent (money: tests/test_money.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from identity.standardise import (
    day_first_hints,
    parse_bool,
    parse_consent,
    parse_count,
    parse_date_of_birth,
    parse_timestamp,
    parse_timestamps,
)
from identity.standardise.dates import date_parts


@pytest.mark.parametrize(
    ("raw", "day_first", "expected"),
    [
        ("1974-08-14", False, "1974-08-14"),
        ("1974-08-14T00:00:00", False, "1974-08-14"),
        ("1974/8/4", False, "1974-08-04"),
        ("08/14/1974", False, "1974-08-14"),
        ("08-14-1974", False, "1974-08-14"),
        ("14/08/1974", False, "1974-08-14"),  # first part over 12: day first whatever the hint
        ("14-08-1974", False, "1974-08-14"),
        ("08/14/1974", True, "1974-08-14"),  # second part over 12: month first whatever the hint
        ("04/05/1980", False, "1980-04-05"),
        ("04/05/1980", True, "1980-05-04"),
        ("31.12.1980", False, "1980-12-31"),
        (" 1990-01-02 ", False, "1990-01-02"),
        ("19560723", False, "1956-07-23"),  # compact yyyymmdd
        ("19560723", True, "1956-07-23"),  # never day first: yyyymmdd is the only reading
        (" 20010203 ", False, "2001-02-03"),
    ],
)
def test_parse_date_of_birth_formats(raw: str, day_first: bool, expected: str) -> None:
    assert parse_date_of_birth(raw, day_first) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1850-03-04", "1850-03-04"),  # before 1900
        ("18500304", "1850-03-04"),
        ("04/03/1850", "1850-03-04"),
        ("1899-05-05", "1899-05-05"),
        ("1905-03-03", "1905-03-03"),  # over 120 years ago
        ("2099-01-01", "2099-01-01"),  # in the future
        (f"{date.today().year + 1}-06-01", f"{date.today().year + 1}-06-01"),
    ],
)
def test_parse_date_of_birth_keeps_implausible_dates(raw: str, expected: str) -> None:
    # Kept for matching and flagged by the contacts suite's warning, never dropped here.
    assert parse_date_of_birth(raw, True) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0000-00-00",
        "1900-01-01",  # placeholder
        "0001-01-01",  # other systems' "no date"
        "9999-12-31",
        "1950-02-30",
        "13/13/1980",
        "19561323",  # no month 13
        "23071956",  # ddmmyyyy without separators: not read (day and month cannot be told)
        "07231956",
        "00010101",
        "195607231",
        "yesterday",
        "1980",
        "N/A",
        "",
        None,
    ],
)
def test_parse_date_of_birth_rejects_unreadable_and_placeholders(raw: str | None) -> None:
    assert parse_date_of_birth(raw, False) is None


def test_day_first_hints_vote_per_file_and_delimiter() -> None:
    files = pd.Series(["eu.csv"] * 3 + ["us.csv"] * 3 + ["mixed.csv"] * 2 + ["none.csv"])
    values = pd.Series(
        [
            "25/12/1980",
            "31/01/1975",
            "04/05/1980",
            "12/25/1980",
            "01/31/1975",
            "04/05/1980",
            "25/12/1980",
            "12-25-2024 10:00",
            "04/05/1980",
        ]
    )
    parts = date_parts(values)
    hints = day_first_hints(files, [parts])
    assert hints.by_file_and_separator[("eu.csv", "/")] is True
    assert hints.by_file_and_separator[("us.csv", "/")] is False
    assert hints.by_file_and_separator[("mixed.csv", "/")] is True
    assert hints.by_file_and_separator[("mixed.csv", "-")] is False
    assert "none.csv" not in hints.by_file
    per_row = hints.for_values(values, files).tolist()
    assert per_row == [True, True, True, False, False, False, True, False, False]


def test_day_first_hint_falls_back_to_the_file_then_month_first() -> None:
    files = pd.Series(["eu.csv", "eu.csv", "other.csv"])
    votes = pd.Series(["25/12/1980", None, None])
    hints = day_first_hints(files, [date_parts(votes)])
    ambiguous = pd.Series(["x", "04-05-2024 10:00", "04/05/1980"])
    assert hints.for_values(ambiguous, files).tolist() == [False, True, False]


def test_date_parts_ignores_iso_and_missing() -> None:
    parts = date_parts(pd.Series(["1974-08-14", None, "14/08/1974"], index=[5, 6, 7]))
    assert parts.index.tolist() == [5, 6, 7]
    assert parts["sep"].isna().tolist() == [True, True, False]
    assert parts.loc[7, "a"] == "14"


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.mark.parametrize(
    ("raw", "day_first", "expected"),
    [
        ("2026-09-02T22:07:23.000Z", False, "2026-09-02 22:07:23"),
        ("2023-02-07 20:44:05", False, "2023-02-07 20:44:05"),  # naive: taken as UTC
        ("2026-09-04T11:17:13-05:00", False, "2026-09-04 16:17:13"),
        ("2025-04-01 17:18:52 -0700", False, "2025-04-02 00:18:52"),
        ("2025-04-01 17:18:52 UTC", False, "2025-04-01 17:18:52"),
        ("2025/04/01 17:18", False, "2025-04-01 17:18:00"),
        ("09-14-2025", False, "2025-09-14 00:00:00"),  # Square MM-DD-YYYY
        ("14-09-2025 17:05", False, "2025-09-14 17:05:00"),  # European re-save
        ("03-04-2025 08:00", True, "2025-04-03 08:00:00"),
        ("03-04-2025 08:00", False, "2025-03-04 08:00:00"),
        ("9/14/2025 3:04 PM", False, "2025-09-14 15:04:00"),
        ("9/14/2025 12:30 AM", False, "2025-09-14 00:30:00"),
    ],
)
def test_parse_timestamp_formats(raw: str, day_first: bool, expected: str) -> None:
    assert parse_timestamp(raw, day_first) == _utc(expected)


@pytest.mark.parametrize("raw", ["garbage", "0000-00-00 00:00:00", "2025-13-45", "", None])
def test_parse_timestamp_unreadable(raw: str | None) -> None:
    assert parse_timestamp(raw) is None


def test_parse_timestamps_vector_keeps_index_and_dtype() -> None:
    text = pd.Series(["03-04-2025", None, "2025-01-01T00:00:00Z", "03-04-2025"], index=[9, 3, 7, 1])
    hints = pd.Series([True, False, False, False], index=[9, 3, 7, 1])
    out = parse_timestamps(text, hints)
    assert str(out.dtype) == "datetime64[us, UTC]"
    assert out.index.tolist() == [9, 3, 7, 1]
    assert out[9] == _utc("2025-04-03") and out[1] == _utc("2025-03-04")
    assert pd.isna(out[3]) and out[7] == _utc("2025-01-01")


def test_parse_timestamps_with_a_repeated_index() -> None:
    out = parse_timestamps(pd.Series(["09-14-2025", "2025-01-01 10:00:00"], index=[4, 4]))
    assert out.tolist() == [_utc("2025-09-14"), _utc("2025-01-01 10:00")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("12.0", 12),
        ("0", 0),
        ("1,204", 1204),
        ("12.5", None),
        ("-1", None),
        ("x", None),
    ],
)
def test_parse_count(raw: str, expected: int | None) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("optout:true", False),  # Salesforce HasOptedOutOfEmail: consent is the inverse
        ("optout:false", True),
        ("optout:1", False),
        ("optout:0", True),
        ("OPTOUT:TRUE", False),
        ("optout:", None),
        ("optout:maybe", None),
        ("yes", True),
        ("no", False),
        ("Subscribed", True),
        ("Unsubscribed", False),
        ("Unknown", None),
        ("maybe", None),
        (None, None),
    ],
)
def test_parse_consent(raw: str | None, expected: bool | None) -> None:
    assert parse_consent(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("TRUE", True), ("false", False), ("0", False), ("?", None)],
)
def test_parse_bool(raw: str, expected: bool | None) -> None:
    assert parse_bool(raw) is expected
