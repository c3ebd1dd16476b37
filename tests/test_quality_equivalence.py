"""The fast validation path gives exactly the outcomes of the original one, failures included.

``validate_frame`` hands Great Expectations narrow column views, ``BASIC`` results and dates
parsed once per distinct value. The reference below is how it ran before: one validation of the
whole frame with ``SUMMARY`` results and dates parsed row by row. Both go through the same
conversion to outcomes, so any difference in counts, percentages, examples or errors shows up
as a difference in ``SuiteResult.to_dict()``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest

from identity import schema as s
from identity.quality import SuiteResult, _results, load_suite, locations, runner, validate_frame
from support.quality_frames import TODAY, contacts_frame, golden_frame, raw_frame

RAW_SUITES = {f"{source}_raw": source for source in s.SOURCE_SYSTEMS}
SUBJECTS = {**RAW_SUITES, "contacts": "contacts", "golden_customers": "golden"}

# Values that break (or test the edges of) the suites' rules; each goes into its own row.
_BAD_TEXT: dict[str, list[Any]] = {
    s.SOURCE_RECORD_ID: [None, "bad id!", "0035g00000AbCd000A"],
    s.SOURCE_FILE: [None],
    s.SOURCE_SYSTEM: ["erp", None],
    s.RECORD_KEY: [None, "crm-0035g00000AbCd000A"],
    s.CUSTOMER_ID: [None],
    s.EMAIL: ["not-an-email", "test@test.com", "Jean@Example.org", "a@b", " x@y.fr ", ""],
    s.PHONE: ["123", "+10000000000", "0000000", "+1 000 000 0000", "+٣٣٦١٢٣٤٥٦٧٨", "abc"],
    s.MOBILE_PHONE: ["12", "x"],
    s.FIRST_NAME: ["N/A", "\u00a0none\u00a0", "xx"],
    s.LAST_NAME: ["unknown", "---", "<test lead: dummy>", "0"],
    s.FULL_NAME: ["<test lead: dummy data>"],
    s.STREET: ["-", "n.a."],
    s.CITY: ["<test lead: dummy data for city>", "?"],
    s.POSTAL_CODE: ["00000"],
    s.COUNTRY: ["XX", "fr"],
    s.DATE_OF_BIRTH: ["1899-12-31", "2099-01-01", "1990-1-5", "31/12/1990", "", "1990-02-30"],
    s.IS_DELETED: ["maybe"],
    s.CREATED_AT: [None, "yesterday"],
    s.TOTAL_SPENT: ["abc", "1.234"],
    s.ORDER_COUNT: ["1.5"],
    s.EMAIL_CONSENT: ["Y"],
    "source_systems": ["erp", "pos,crm"],
}


def _broken(frame: pd.DataFrame, copies: int = 3) -> pd.DataFrame:
    """Repeat the frame (duplicate ids) and write the bad values above into distinct rows."""
    frame = pd.concat([frame] * copies, ignore_index=True)
    row = 1
    for column, values in _BAD_TEXT.items():
        if column not in frame.columns or not _is_text(frame[column]):
            continue
        frame[column] = frame[column].astype(object)
        for value in values:
            frame.at[row % len(frame), column] = value
            row += 2
    for column in (s.TOTAL_SPENT, s.ORDER_COUNT, "source_record_count"):
        if column in frame.columns and not _is_text(frame[column]):
            frame.loc[[2, 5], column] = [-1, 0]
    for late, early in ((s.UPDATED_AT, s.CREATED_AT), ("last_seen_at", "first_seen_at")):
        if late in frame.columns and early in frame.columns and not _is_text(frame[late]):
            frame.loc[4, late] = frame.loc[4, early] - timedelta(days=1)
    return frame


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype)


def _frame(suite: str) -> pd.DataFrame:
    if suite in RAW_SUITES:
        return raw_frame(RAW_SUITES[suite])
    return contacts_frame() if suite == "contacts" else golden_frame()


def _reference(frame: pd.DataFrame, suite: str) -> dict[str, Any]:
    """The original path: the whole frame, SUMMARY results, dates parsed per row."""
    spec = load_suite(suite)
    parameters = {"today": TODAY.isoformat()}
    view = frame.reset_index(drop=True)
    expectations = []
    for position, expectation in enumerate(spec["expectations"]):
        kwargs = dict(expectation["kwargs"])
        column = kwargs.get("column")
        if expectation["meta"].get("compare_as") == "date" and column in view.columns:
            derived = f"{column}__as_date"
            if derived not in view.columns:
                view[derived] = view[column].map(runner._parse_iso_date).astype(object)
            kwargs["column"] = derived
        meta = {**expectation["meta"], "_position": position}
        expectations.append({"type": expectation["type"], "kwargs": kwargs, "meta": meta})
    gx = runner._import_gx()
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(project_config=config, mode="ephemeral")
    batch = (
        context.data_sources.add_pandas(name="reference")
        .add_dataframe_asset(name="frame")
        .add_batch_definition_whole_dataframe(name="whole")
        .get_batch(batch_parameters={"dataframe": view})
    )
    validation = batch.validate(
        ExpectationSuite(name=suite, expectations=expectations),
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
        expectation_parameters=parameters,
    )
    results = {int(r.expectation_config.meta["_position"]): r for r in validation.results}
    # Examples are located on the whole frame here, on narrow views on the fast path.
    outcomes = [
        _results.to_outcome(
            suite,
            expectation,
            results.get(position),
            parameters,
            len(frame),
            locate=locations.row_locator(frame, view, expectations[position]["kwargs"]),
        )
        for position, expectation in enumerate(spec["expectations"])
    ]
    return SuiteResult(suite=suite, subject=SUBJECTS[suite], outcomes=outcomes).to_dict()


def _assert_same(frame: pd.DataFrame, suite: str) -> dict[str, Any]:
    fast = validate_frame(frame, suite, SUBJECTS[suite], today=TODAY).to_dict()
    assert fast == _reference(frame, suite)
    return fast


@pytest.mark.parametrize("suite", list(SUBJECTS))
def test_failing_data_gives_the_same_outcomes_as_the_original_path(suite: str) -> None:
    result = _assert_same(_broken(_frame(suite)), suite)
    # The comparison is only worth something if the data really fails, with examples.
    failed = [o for o in result["outcomes"] if o["status"] != "pass"]
    assert len(failed) >= 5
    assert any(o["unexpected_count"] > 1 and o["examples"] for o in failed)
    assert any(any(o["locations"]) for o in failed)  # and where the examples are


@pytest.mark.parametrize("suite", ["crm_raw", "contacts", "golden_customers"])
def test_sparse_index_missing_and_extra_columns_give_the_same_outcomes(suite: str) -> None:
    frame = _broken(_frame(suite)).iloc[::2]
    frame = frame.drop(columns=[s.PHONE]).assign(extra=1)
    result = _assert_same(frame, suite)
    assert any(o["error"] for o in result["outcomes"])


def test_repeated_column_names_give_the_same_outcomes() -> None:
    frame = _broken(_frame("contacts"))
    frame = pd.concat([frame, frame[[s.EMAIL, s.CITY]]], axis=1)
    _assert_same(frame, "contacts")


@pytest.mark.parametrize("suite", ["social_raw", "contacts"])
def test_arrow_backed_text_gives_the_same_outcomes(suite: str) -> None:
    frame = _broken(_frame(suite))
    text = [c for c in frame.columns if frame[c].dtype == object]
    frame[text] = frame[text].astype("string[pyarrow]")
    _assert_same(frame, suite)


def test_dates_parse_per_distinct_value_like_per_row() -> None:
    values = ["1990-01-05", " 1990-1-5 ", "1990-02-30", None, float("nan"), pd.NA, "", "x"]
    values += [pd.Timestamp("2001-02-03 04:05", tz="UTC"), TODAY, 19900105]
    column = pd.Series(values * 3, dtype=object)
    fast = runner._parse_iso_dates(column)
    expected = column.map(runner._parse_iso_date)
    assert fast.isna().tolist() == expected.isna().tolist()
    assert fast.dropna().tolist() == expected.dropna().tolist()
