"""check_golden_traceable: golden customers and the crosswalk describe the same customer ids."""

from __future__ import annotations

import pandas as pd

from identity.quality import check_golden_traceable
from identity.quality.traceability import TRACEABLE_EXPECTATION
from support.quality_frames import crosswalk_frame, golden_frame


def test_matching_tables_are_traceable() -> None:
    golden = golden_frame()
    outcome = check_golden_traceable(golden, crosswalk_frame(golden))
    assert outcome.success and outcome.status == "pass"
    assert (outcome.element_count, outcome.unexpected_count, outcome.examples) == (10, 0, [])
    assert (outcome.suite, outcome.expectation_type) == ("golden_customers", TRACEABLE_EXPECTATION)
    assert outcome.blocking is True


def test_customers_without_records_and_orphan_crosswalk_rows_fail() -> None:
    golden = golden_frame()
    crosswalk = crosswalk_frame(golden)
    crosswalk = crosswalk[crosswalk["customer_id"] != "C000003"].copy()
    crosswalk.loc[crosswalk.index[0], "customer_id"] = "C999999"
    crosswalk.loc[crosswalk.index[1], "customer_id"] = None
    outcome = check_golden_traceable(golden, crosswalk)
    assert outcome.success is False and outcome.status == "fail"
    # C000000 lost its only crosswalk row, C000003 was dropped, C999999 is an orphan, + nulls.
    assert outcome.unexpected_count == 4
    assert outcome.examples == [
        "golden only: C000000",
        "golden only: C000003",
        "crosswalk only: C999999",
        "crosswalk only: <null> (1 rows)",
    ]
    assert outcome.element_count == 12
    line = outcome.describe("golden")
    assert line.startswith(f"golden_customers (golden): {TRACEABLE_EXPECTATION} on customer_id")
    assert "failed (blocking): 4 unexpected (33.3%)" in line


def test_a_missing_customer_id_column_is_an_error_not_a_crash() -> None:
    golden = golden_frame()
    outcome = check_golden_traceable(golden, pd.DataFrame({"source_record_id": ["1"]}))
    assert outcome.success is False
    assert outcome.error == "no customer_id column in crosswalk"
