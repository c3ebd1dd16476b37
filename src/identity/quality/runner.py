"""Running a suite on a pandas frame with Great Expectations: the only module that imports it.

Great Expectations is imported lazily (it takes about 1.5 s) and always with analytics off. Each
call builds an in-memory (ephemeral) context with a pandas data source and whole-dataframe batch
definitions, runs the suite built from our JSON, and converts the results into
``ExpectationOutcome``s so nothing downstream depends on Great Expectations objects.

Speed on large frames (a million rows) comes from what Great Expectations is given, never from
skipping it: every expectation is still a Great Expectations validation.

- Column expectations run in groups, each on a view of only the columns it names (``email``
  for the two email rules, say). Great Expectations filters its whole batch frame (null rows,
  ``ignore_row_if``) at least twice per expectation, so on a 24-column reader frame every rule
  copied 24 columns, twice.
- Great Expectations' pandas engine hashes every value of a batch to fingerprint it, twice per
  validation; the fingerprint is a batch marker we never read, so it is switched off while we
  validate (see ``_without_batch_fingerprint``).
- Table expectations (column set, row count) run on the whole frame: they only read its column
  names and length.
- Results use the ``BASIC`` format: counts, percentages and the first unexpected values, which is
  all an ``ExpectationOutcome`` holds. ``SUMMARY`` adds the index of every unexpected row and a
  query string listing them all, which cost a full-frame filter per rule and are never used.
- Dates compared as dates are parsed once per distinct value, not once per row.
- Where the examples of a failed expectation are (source, file and line) is found afterwards,
  on the same view, only for failed expectations and only for the few values shown
  (``locations.row_locator``), never by asking Great Expectations for every unexpected row.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from identity.quality._results import to_outcome
from identity.quality.locations import row_locator
from identity.quality.outcomes import SuiteResult
from identity.quality.suites import SuiteDefinitionError, load_suite

logger = logging.getLogger(__name__)

# BASIC returns the counts and at most this many unexpected values (the same first values that
# SUMMARY returns) without SUMMARY's index list and query over every failing row.
RESULT_FORMAT: dict[str, Any] = {"result_format": "BASIC", "partial_unexpected_count": 20}
_POSITION = "_position"
_DATE_SUFFIX = "__as_date"
# The pandas engine fingerprints batches smaller than this many bytes (see _without_batch_...).
_HASH_THRESHOLD = "HASH_THRESHOLD"
# get_context() sets a process-wide "current context": serialise our use of it across threads.
_GX_LOCK = threading.Lock()


def validate_frame(
    frame: pd.DataFrame,
    suite: str,
    subject: str,
    *,
    expectations_dir: Path | None = None,
    today: date | None = None,
) -> SuiteResult:
    """Validate a frame against one suite.

    Args:
        frame: The data, e.g. a reader's ``records`` (RAW_COLUMNS) or standardised contacts.
        suite: Suite name, e.g. ``"crm_raw"``, ``"contacts"``, ``"golden_customers"``.
        subject: What the frame is, for reports and messages, e.g. ``"crm"`` or ``"contacts"``.
        expectations_dir: Folder holding the suite JSON; defaults to the packaged suites.
        today: The date used for ``{"$PARAMETER": "today"}`` bounds (birth dates not in the
            future); defaults to the current date. Pass it for reproducible runs.

    Returns:
        A ``SuiteResult`` with one outcome per expectation, in suite order.

    Raises:
        SuiteDefinitionError: The suite is missing or malformed.

    Examples:
        >>> result = validate_frame(records, "crm_raw", "crm")  # doctest: +SKIP
        >>> result.blocking_failures  # doctest: +SKIP
        []
    """
    spec = load_suite(suite, expectations_dir)
    parameters = {"today": (today or date.today()).isoformat()}
    batches = _prepare(frame, spec["expectations"])
    results = _run_gx(batches, spec, parameters)
    # Each expectation's examples are found again in the frame Great Expectations saw it on.
    views = {
        e["meta"][_POSITION]: (batch.frame, e["kwargs"])
        for batch in batches
        for e in batch.expectations
    }
    outcomes = [
        to_outcome(
            suite,
            expectation,
            results.get(position),
            parameters,
            len(frame),
            locate=row_locator(frame, *views[position]) if position in views else None,
        )
        for position, expectation in enumerate(spec["expectations"])
    ]
    result = SuiteResult(suite=suite, subject=subject, outcomes=outcomes)
    logger.info(
        "quality suite %s on %s: %d rows, %d expectations, %d blocking failures, %d warnings",
        suite,
        subject,
        len(frame),
        len(outcomes),
        len(result.blocking_failures),
        len(result.warnings),
    )
    return result


class _Batch(NamedTuple):
    """One frame handed to Great Expectations and the expectations validated on it."""

    role: str
    frame: pd.DataFrame
    expectations: list[dict[str, Any]]


def _prepare(frame: pd.DataFrame, expectations: list[dict[str, Any]]) -> list[_Batch]:
    """Return the frames Great Expectations sees, each with the expectations it runs there.

    Table expectations (and any with a ``row_condition``, which may name other columns) see the
    whole frame. Column expectations are grouped by the columns they name, and each group sees
    a frame of just those columns: Great Expectations filters its whole batch frame at least
    twice per expectation, so every extra column is copied over and over. No view copies data:
    all share the caller's arrays under a fresh 0..n-1 index. Columns that are missing stay
    missing, so Great Expectations reports them exactly as on the whole frame. A frame with
    repeated column names is validated whole, as it cannot be narrowed by name.

    Great Expectations coerces date-like bounds to ``date`` objects and then refuses to compare
    them with ISO strings, so a column checked with ``meta.compare_as == "date"`` is compared
    through a parsed copy; values that are not ISO dates become null there (the format rule
    reports them).
    """
    whole: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # by the columns they name
    derived: dict[str, pd.Series] = {}
    split = frame.columns.is_unique
    for position, expectation in enumerate(expectations):
        kwargs = dict(expectation["kwargs"])
        column = kwargs.get("column")
        if expectation["meta"].get("compare_as") == "date" and column in frame.columns:
            name = f"{column}{_DATE_SUFFIX}"
            if name not in derived and name not in frame.columns:
                derived[name] = _parse_iso_dates(frame[column])
            kwargs["column"] = name
        meta = {**expectation["meta"], _POSITION: position}
        prepared = {"type": expectation["type"], "kwargs": kwargs, "meta": meta}
        names = tuple(dict.fromkeys(_named_columns(kwargs)))
        if split and names and "row_condition" not in kwargs:
            groups.setdefault(names, []).append(prepared)
        else:
            whole.append(prepared)
    batches: list[_Batch] = []
    if whole:
        batches.append(_Batch("table", _whole_view(frame, derived), whole))
    for number, (names, group) in enumerate(groups.items()):
        present = [name for name in names if name in frame.columns]
        extra = {name: derived[name] for name in names if name in derived}
        batches.append(_Batch(f"columns_{number}", _narrow_view(frame, present, extra), group))
    return batches


def _named_columns(kwargs: dict[str, Any]) -> list[str]:
    """The columns an expectation reads: ``column``, ``column_A``/``column_B``, ``column_list``."""
    names = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    names += list(kwargs.get("column_list") or [])
    return [str(name) for name in names]


def _whole_view(frame: pd.DataFrame, derived: dict[str, pd.Series]) -> pd.DataFrame:
    """The caller's frame plus the derived columns, sharing its arrays, indexed 0..n-1.

    Great Expectations reports positions through the index, and a caller's filtered frame may
    have a sparse one; a new index on a shallow copy costs nothing, unlike ``reset_index``.
    """
    view = frame.copy(deep=False)
    view.index = pd.RangeIndex(len(frame))
    for name, series in derived.items():
        view[name] = series  # added to the copy only, never to the caller's frame
    return view


def _narrow_view(
    frame: pd.DataFrame, columns: list[str], derived: dict[str, pd.Series]
) -> pd.DataFrame:
    """A frame of only ``columns`` and ``derived``, sharing the caller's arrays, indexed 0..n-1.

    Great Expectations filters its whole batch frame (nulls, ``ignore_row_if``) for every
    expectation, so it should hold no column the expectations do not read.
    """
    data: dict[str, Any] = {name: frame[name].array for name in columns}
    data.update({name: series.array for name, series in derived.items()})
    index = pd.RangeIndex(len(frame))
    return pd.DataFrame(data, index=index, columns=[*columns, *derived], copy=False)


def _parse_iso_dates(column: pd.Series) -> pd.Series:
    """``_parse_iso_date`` of every value, computed once per distinct value.

    Birth dates repeat a lot (a million rows hold a few tens of thousands of dates), so this
    saves most of the ``strptime`` calls, which cost seconds per million rows. Nulls stay null.
    """
    codes, uniques = pd.factorize(column)
    # Code -1 (null) picks the trailing None.
    parsed = np.array([*(_parse_iso_date(value) for value in uniques), None], dtype=object)
    return pd.Series(parsed[codes], index=pd.RangeIndex(len(column)), dtype=object)


def _parse_iso_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d").date()
        except ValueError:
            return None
    return None


def _import_gx() -> Any:
    # Must be set before the first import: the package reads it at import time.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    return gx


def _run_gx(
    batches: list[_Batch], spec: dict[str, Any], parameters: dict[str, Any]
) -> dict[int, Any]:
    """Run the suite and return Great Expectations' results keyed by suite position."""
    gx = _import_gx()
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    name = spec["name"]
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    try:
        # The whole suite first, in suite order, so a bad expectation is reported as before.
        every = sorted(
            (e for batch in batches for e in batch.expectations), key=lambda e: e["meta"][_POSITION]
        )
        ExpectationSuite(name=name, expectations=every, meta=spec.get("meta"))
        suites = [
            ExpectationSuite(
                name=f"{name}_{batch.role}", expectations=batch.expectations, meta=spec.get("meta")
            )
            for batch in batches
        ]
    except Exception as exc:  # pydantic and GX raise many types for a bad expectation
        raise SuiteDefinitionError(f"{name}.json: Great Expectations rejected it: {exc}") from exc
    results: dict[int, Any] = {}
    with _GX_LOCK, _without_batch_fingerprint():
        context = gx.get_context(project_config=config, mode="ephemeral")
        context.enable_analytics(False)  # in-memory only: nothing is saved or sent
        source = context.data_sources.add_pandas(name=f"{name}_source")
        for batch, suite in zip(batches, suites, strict=True):
            # One asset per frame: each gets its own batch, so no metric is shared by mistake.
            batch_definition = source.add_dataframe_asset(
                name=f"{name}_{batch.role}"
            ).add_batch_definition_whole_dataframe(name="whole_frame")
            validation = batch_definition.get_batch(
                batch_parameters={"dataframe": batch.frame}
            ).validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)
            # Results do not come back in suite order: key them by the position we put in meta.
            results.update(
                {int(r.expectation_config.meta[_POSITION]): r for r in validation.results}
            )
    return results


@contextmanager
def _without_batch_fingerprint() -> Iterator[None]:
    """Stop Great Expectations hashing every value of a pandas batch while we validate.

    For any frame under 1 GB (shallow size, so a million text rows qualify) the pandas engine
    hashes the whole frame, twice per validation, only to store a "pandas_data_fingerprint"
    batch marker. We never keep Great Expectations' results, so the marker is unused, yet the
    hashing was the largest single cost on large frames. Setting the engine's size threshold
    to zero skips it and changes no metric or result; the old value is restored afterwards.
    Callers hold ``_GX_LOCK``, so no other validation sees the change.
    """
    from great_expectations.execution_engine import pandas_execution_engine as engine

    previous = getattr(engine, _HASH_THRESHOLD, None)
    if previous is None:  # a Great Expectations version without the knob: just validate
        yield
        return
    setattr(engine, _HASH_THRESHOLD, 0)
    try:
        yield
    finally:
        setattr(engine, _HASH_THRESHOLD, previous)
