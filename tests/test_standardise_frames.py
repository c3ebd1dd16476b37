"""Column helpers: one call per distinct value, results back on the right rows."""

from __future__ import annotations

import pandas as pd

from identity.standardise.frames import as_text, map_distinct, map_distinct_pairs, on_distinct


def test_map_distinct_calls_once_per_distinct_value() -> None:
    calls: list[str] = []

    def shout(value: str) -> str:
        calls.append(value)
        return value.upper()

    column = pd.Series(["a", None, "b", "a", float("nan"), "b"], index=[10, 11, 12, 13, 14, 15])
    out = map_distinct(column, shout)
    assert sorted(calls) == ["a", "b"]
    assert out.tolist() == ["A", None, "B", "A", None, "B"]
    assert out.index.tolist() == [10, 11, 12, 13, 14, 15]


def test_map_distinct_keeps_tuples_whole() -> None:
    out = map_distinct(pd.Series(["x y", "x y"]), lambda v: tuple(v.split()))
    assert out.tolist() == [("x", "y"), ("x", "y")]


def test_map_distinct_pairs_with_missing_contexts_interleaved() -> None:
    calls: list[tuple[str, str | None]] = []

    def join(a: str, b: str | None) -> str:
        calls.append((a, b))
        return f"{a}|{b}"

    first = pd.Series(["1", "1", "2", None, "1", "2", "3"])
    second = pd.Series([None, "FR", None, "FR", None, "US", float("nan")])
    out = map_distinct_pairs(first, second, join)
    assert out.tolist() == ["1|None", "1|FR", "2|None", None, "1|None", "2|US", "3|None"]
    assert len(calls) == len(set(calls)) == 5


def test_on_distinct_spreads_back_on_any_index() -> None:
    column = pd.Series(["a", "b", None, "a"], index=[7, 7, 8, 9])
    out = on_distinct(column, lambda distinct: distinct.str.upper())
    assert out.index.tolist() == [7, 7, 8, 9]
    assert out.tolist()[:2] == ["A", "B"] and pd.isna(out.iloc[2]) and out.iloc[3] == "A"


def test_as_text_turns_every_missing_marker_into_none() -> None:
    out = as_text(pd.Series(["x", None, float("nan"), pd.NA], dtype=object))
    assert out.tolist() == ["x", None, None, None]
