"""Stage results kept between steps: parquet and JSON in the warehouse, rebuilt exactly."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from identity import step_store
from identity.quality.outcomes import SuiteResult
from identity.readers import SourceBatch
from identity.results import SourceRead, SourceSummary
from support.runs import source_read, suite_outcome


def test_a_source_read_comes_back_equal_frames_and_verdicts_alike(tmp_path: Path) -> None:
    records = pd.DataFrame(
        {"source_record_id": ["1", "2", "3"], "email": ["a@x.org", None, "c@x.org"]}
    )
    read = source_read(records)
    folder = step_store.save(read, tmp_path / "crm_records")
    back = step_store.load(folder)
    assert isinstance(back, SourceRead) and isinstance(back.batch, SourceBatch)
    pd.testing.assert_frame_equal(back.batch.records, records)
    pd.testing.assert_frame_equal(back.batch.files, read.batch.files)
    assert back.quality == read.quality
    assert back.batch.quarantine.empty and list(back.batch.quarantine.columns) == list(
        read.batch.quarantine.columns
    )


def test_the_summary_loads_alone_and_holds_no_records(tmp_path: Path) -> None:
    records = pd.DataFrame({"source_record_id": ["1"], "email": ["private@example.org"]})
    folder = step_store.save(source_read(records), tmp_path / "crm_records")
    summary = step_store.load_summary(folder)
    assert isinstance(summary, SourceSummary)
    assert summary.records == 1 and summary.rows_read == 3
    assert step_store.summary_class(folder) == "identity.results:SourceSummary"
    assert "private@example.org" not in (folder / step_store.SUMMARY_FILE).read_text()


@dataclass
class Mixed:
    """Every kind of value a stage result holds."""

    frame: pd.DataFrame
    when: pd.Timestamp
    day: dt.date
    money: Decimal
    path: Path
    count: np.int64
    ratio: float
    pair: tuple[str, int]
    by_number: dict[int, str]
    nested: list[dict[str, object]] = field(default_factory=list)


def test_scalars_keep_their_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only library classes are rebuilt; this test's own class is let in for the round trip.
    monkeypatch.setattr(step_store, "TRUSTED_PREFIX", "test_step_store")
    value = Mixed(
        frame=pd.DataFrame({"amount": [1.5, None], "n": [1, 2]}),
        when=pd.Timestamp("2026-12-01T10:00:00Z"),
        day=dt.date(1931, 2, 3),
        money=Decimal("10.10"),
        path=Path("/srv/landing"),
        count=np.int64(7),
        ratio=float("nan"),
        pair=("a", 1),
        by_number={1: "one"},
        nested=[{"x": [1, 2]}],
    )
    back = step_store.load(step_store.save(value, tmp_path / "mixed"))
    pd.testing.assert_frame_equal(back.frame, value.frame)
    assert (back.when, back.day, back.money, back.path) == (
        value.when,
        value.day,
        value.money,
        value.path,
    )
    assert back.count == 7 and isinstance(back.count, int) and np.isnan(back.ratio)
    assert back.pair == ("a", 1) and back.by_number == {1: "one"} and back.nested == [{"x": [1, 2]}]


def test_a_store_naming_a_class_outside_the_library_is_refused(tmp_path: Path) -> None:
    folder = step_store.save(SuiteResult("crm_raw", "crm", []), tmp_path / "suite")
    document = json.loads((folder / step_store.RESULT_FILE).read_text())
    document["__class__"] = "os:system"
    (folder / step_store.RESULT_FILE).write_text(json.dumps(document))
    with pytest.raises(step_store.StoreError, match="refusing to rebuild os:system"):
        step_store.load(folder)


def test_a_value_that_cannot_be_stored_is_named(tmp_path: Path) -> None:
    @dataclass
    class Holder:
        thing: object

    with pytest.raises(step_store.StoreError, match="cannot store a object"):
        step_store.save(Holder(object()), tmp_path / "holder")
    assert not (tmp_path / "holder").exists() and not list(tmp_path.iterdir())


def test_loading_nothing_says_where(tmp_path: Path) -> None:
    with pytest.raises(step_store.StoreError, match="nothing is stored at"):
        step_store.load(tmp_path / "missing")


def test_dropping_records_keeps_summaries_and_frameless_values(tmp_path: Path) -> None:
    steps = step_store.steps_folder(tmp_path, "run-1")
    records = pd.DataFrame({"source_record_id": ["1"], "email": ["a@x.org"]})
    step_store.save(source_read(records), steps / "crm_records")
    step_store.save(SuiteResult("crm_raw", "crm", [suite_outcome(True)]), steps / "verdict")
    assert step_store.drop_records(tmp_path) == 1
    assert not step_store.stored(steps / "crm_records")
    assert not list(steps.rglob("*.parquet"))
    assert isinstance(step_store.load_summary(steps / "crm_records"), SourceSummary)
    assert step_store.load(steps / "verdict").suite == "crm_raw"
    assert step_store.latest(tmp_path, "crm_records") == steps / "crm_records"
    assert step_store.latest(tmp_path, "golden_records") is None
